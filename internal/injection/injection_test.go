package injection

import (
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/sigconv/sigconv/driver"
	"github.com/sigconv/sigconv/eval"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/verify"
	"github.com/sigconv/sigconv/verify/gen"
	"github.com/sigconv/sigconv/verify/interp"
)

// TestInjection converts a rule comparing a field with each crafted value
// for every target and modifier, and checks, with the target's verify
// interpreter and the evaluator, that the value stayed a literal: an event
// holding exactly the value matches, events with near values do not, and
// interpreter and evaluator agree on every event. A refusal is allowed (it
// is typed); a broken query is not.
func TestInjection(t *testing.T) {
	ctx := context.Background()
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			c := newConverter(t, tg.name)
			converted, refused := 0, 0
			for _, mod := range []string{"", "contains", "startswith", "endswith"} {
				for _, v := range Values {
					ok := checkLiteral(ctx, t, c, tg.in, v, mod)
					if ok {
						converted++
					} else {
						refused++
					}
				}
			}
			t.Logf("%s: %d converted and verified, %d refused", tg.name, converted, refused)
		})
	}
}

// checkLiteral converts one value with one modifier and checks it; it
// returns false when the target refused the rule.
func checkLiteral(ctx context.Context, t testing.TB, c *converter, in interp.Interpreter, v, mod string) bool {
	t.Helper()
	src := literalRule(v, mod)
	res := c.convert(ctx, t, []byte(src))
	if len(res) != 1 {
		t.Fatalf("%q: %d results", v, len(res))
	}
	r := res[0]
	checkResult(t, r)
	if r.Status == driver.StatusRefused {
		return false
	}
	if r.Status != driver.StatusOK {
		t.Fatalf("value %q |%s: failed: %v\n%s", v, mod, r.Errors, src)
	}
	rule := r.Output.Rule.(*ir.Rule)
	query := r.Output.Query
	field := searchField(rule)
	if field == "" {
		t.Fatalf("value %q: no field in the processed rule", v)
	}
	eng, err := eval.Compile(rule)
	if err != nil {
		t.Fatal(err)
	}
	route := eng.AllRules()
	matches := func(ev interp.Event) bool {
		return len(eng.MatchRoute(eval.NewEvent(map[string]any(ev)), route)) > 0
	}
	generated := gen.Generate(rule, gen.Options{Max: 50})
	var base interp.Event
	for _, ev := range generated {
		// Multi-valued fields have target-specific semantics that
		// verify reports on its own; the base event is scalar.
		if matches(ev) && scalar(ev) {
			base = ev
			break
		}
	}
	if base == nil {
		t.Fatalf("value %q |%s: no generated event matches", v, mod)
	}
	with := func(s string) interp.Event {
		ev := maps.Clone(base)
		ev[field] = s
		return ev
	}
	exact := v
	switch mod {
	case "contains":
		exact = "pre " + v + " post"
	case "startswith":
		exact = v + " post"
	case "endswith":
		exact = "pre " + v
	}
	events := []interp.Event{base, with(exact)}
	if !matches(with(exact)) {
		t.Errorf("value %q |%s: evaluator does not match %q", v, mod, exact)
	}
	for _, near := range nearValues(v, mod) {
		ev := with(near)
		events = append(events, ev)
		if matches(ev) {
			t.Errorf("value %q |%s: evaluator matches near value %q", v, mod, near)
		}
	}
	out, err := verify.Check(rule, query, in, events)
	if err != nil {
		t.Fatalf("value %q |%s: %v\nquery: %s", v, mod, err, query)
	}
	for _, d := range out.Disagreements {
		t.Errorf("value %q |%s: interpreter says %v, evaluator %v on %s (%s)\nquery: %s",
			v, mod, d.Query, d.Eval, verify.FormatEvent(d.Event), d.Err, query)
	}
	return true
}

// nearValues returns values close to v that must not match: v with its
// last or first rune dropped, a rune changed, and an unrelated string.
// Values that still contain v (case-insensitively) are left out.
func nearValues(v, mod string) []string {
	rs := []rune(v)
	var cands []string
	if len(rs) > 0 {
		cands = append(cands, string(rs[:len(rs)-1]), string(rs[1:]))
		mid := len(rs) / 2
		alt := append([]rune{}, rs...)
		alt[mid] = 'Z'
		if strings.EqualFold(string(alt), v) {
			alt[mid] = 'Q'
		}
		cands = append(cands, string(alt))
	}
	cands = append(cands, "unrelated", "")
	var out []string
	lv := strings.ToLower(v)
	for _, c := range cands {
		lc := strings.ToLower(c)
		switch mod {
		case "":
			if lc == lv {
				continue
			}
		case "startswith":
			c += " post"
			lc += " post"
			if strings.HasPrefix(lc, lv) {
				continue
			}
		case "endswith":
			c = "pre " + c
			lc = "pre " + lc
			if strings.HasSuffix(lc, lv) {
				continue
			}
		default:
			c = "pre " + c + " post"
			lc = "pre " + lc + " post"
			if strings.Contains(lc, lv) {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// scalar reports whether no field of ev holds an array or object.
func scalar(ev interp.Event) bool {
	for _, v := range ev {
		switch v.(type) {
		case []any, map[string]any:
			return false
		}
	}
	return true
}
