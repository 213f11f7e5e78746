package gen

import (
	"encoding/json"
	"net/netip"
	"sort"
	"strings"

	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/verify/interp"
)

// KeywordField is the field generated events put keyword (field-less) values in.
const KeywordField = "Message"

// Options bound the generator's output.
type Options struct {
	// Max is the largest number of events returned for one rule; 0 means 400.
	Max int
}

// Generate returns events for rule (its detection after pipelines, so field names are the
// target's). The result is deterministic and free of duplicates.
func Generate(rule *ir.Rule, opts Options) []interp.Event {
	if opts.Max <= 0 {
		opts.Max = 400
	}
	g := &generator{seen: map[string]bool{}, max: opts.Max}
	if rule == nil || rule.Detection == nil {
		return nil
	}
	det := rule.Detection
	// One positive event per group, and one satisfying every first group.
	var bases []interp.Event
	all := interp.Event{}
	for _, s := range det.Searches {
		for gi, grp := range s.Groups {
			ev := interp.Event{}
			for _, it := range grp.Items {
				positive(ev, it, 0)
			}
			bases = append(bases, ev)
			if gi == 0 {
				for k, v := range ev {
					if _, ok := all[k]; !ok {
						all[k] = v
					}
				}
			}
		}
	}
	g.add(all)
	for _, b := range bases {
		g.add(b)
	}
	g.add(interp.Event{"Unrelated": "zzz"})
	// Every other value of each item, on the all-searches event.
	for _, s := range det.Searches {
		for _, grp := range s.Groups {
			for _, it := range grp.Items {
				for vi := 1; vi < len(it.Values) && vi < 8; vi++ {
					ev := clone(all)
					positive(ev, it, vi)
					g.add(ev)
				}
			}
		}
	}
	// Variations of each item's field, on both the group's event and the all event.
	starts := append([]interp.Event{all}, bases...)
	for _, base := range starts {
		for _, s := range det.Searches {
			for _, grp := range s.Groups {
				for _, it := range grp.Items {
					for _, ev := range variants(base, it) {
						g.add(ev)
					}
				}
			}
		}
	}
	return g.out
}

type generator struct {
	seen map[string]bool
	out  []interp.Event
	max  int
}

func (g *generator) add(ev interp.Event) {
	if len(g.out) >= g.max {
		return
	}
	b, err := json.Marshal(map[string]any(ev)) // map keys are sorted: a canonical form
	if err != nil || g.seen[string(b)] {
		return
	}
	g.seen[string(b)] = true
	g.out = append(g.out, ev)
}

func clone(ev interp.Event) interp.Event {
	out := make(interp.Event, len(ev)+1)
	for k, v := range ev {
		out[k] = v
	}
	return out
}

func fieldOf(it *ir.Item) string {
	if it.Field == "" {
		return KeywordField
	}
	return it.Field
}

// positive sets the fields an item tests so that its value number vi holds.
func positive(ev interp.Event, it *ir.Item, vi int) {
	f := fieldOf(it)
	if len(it.Values) == 0 {
		return
	}
	if vi >= len(it.Values) {
		vi = 0
	}
	m := it.Match
	if m.All {
		// Every value must hold: concatenate samples (contains-style ops).
		var parts []string
		for _, v := range it.Values {
			if s, ok := sample(it, v); ok {
				if str, isStr := s.(string); isStr {
					parts = append(parts, str)
				}
			}
		}
		ev[f] = strings.Join(parts, " ")
		return
	}
	v := it.Values[vi]
	if m.Op == ir.OpExists {
		if b, ok := v.(*ir.Bool); ok && !b.Value {
			delete(ev, f)
		} else {
			ev[f] = "present"
		}
		return
	}
	if m.FieldRef {
		if s, ok := v.(*ir.String); ok {
			ev[s.Literal()] = "sameValue"
			ev[f] = "sameValue"
			if m.Negate {
				ev[f] = "otherValue"
			}
		}
		return
	}
	if m.Negate {
		ev[f] = "sigconvOther"
		return
	}
	if _, ok := v.(*ir.Null); ok {
		delete(ev, f)
		return
	}
	if s, ok := sample(it, v); ok {
		ev[f] = s
	}
}

// sample returns an event value satisfying one item value.
func sample(it *ir.Item, v ir.Value) (any, bool) {
	m := it.Match
	switch v := v.(type) {
	case *ir.Number:
		switch m.Op {
		case ir.OpLT:
			return v.Float - 1, true
		case ir.OpGT:
			return v.Float + 1, true
		}
		if m.TimePart != ir.TimeNone {
			return nil, false
		}
		if m.Op == ir.OpEqual {
			return v.Float, true
		}
		return wrap(m.Op, v.Raw), true
	case *ir.Bool:
		return v.Value, true
	case *ir.Null:
		return nil, true
	case *ir.String:
		switch m.Op {
		case ir.OpRegex:
			return RegexSample(v.Raw, m.Regex.IgnoreCase), true
		case ir.OpCIDR:
			p, err := netip.ParsePrefix(v.Literal())
			if err != nil {
				return nil, false
			}
			return p.Masked().Addr().Next().String(), true
		}
		s := fill(v, "x", "")
		if len(m.Encodings) > 0 && v.IsPlain() {
			if enc, err := ir.Encode(v, m.Encodings); err == nil && len(enc) > 0 {
				s = fill(enc[len(enc)-1], "x", "")
			}
		}
		return wrap(m.Op, s), true
	}
	return nil, false
}

// wrap adds the text the op implies around a sample.
func wrap(op ir.Op, s string) string {
	switch op {
	case ir.OpContains:
		return "pre " + s + " post"
	case ir.OpStartsWith:
		return s + " post"
	case ir.OpEndsWith:
		return "pre " + s
	}
	return s
}

// fill renders a pattern with one for each ? and many for each *.
func fill(v *ir.String, one, many string) string {
	var b strings.Builder
	for _, p := range v.Parts {
		switch p.Kind {
		case ir.PartLit:
			b.WriteString(p.Text)
		case ir.PartWildOne:
			b.WriteString(one)
		case ir.PartWildMany:
			b.WriteString(many)
		case ir.PartPlaceholder:
			b.WriteString("placeholder")
		}
	}
	return b.String()
}

// variants returns variations of base on the item's field.
func variants(base interp.Event, it *ir.Item) []interp.Event {
	f := fieldOf(it)
	var out []interp.Event
	set := func(v any) {
		ev := clone(base)
		ev[f] = v
		out = append(out, ev)
	}
	del := clone(base)
	delete(del, f)
	out = append(out, del)
	set(nil)
	set("")
	set([]any{"sigconvOther"})
	cur, has := base[f]
	if !has {
		cur = nil
		if len(it.Values) > 0 {
			if v, ok := sample(it, it.Values[0]); ok {
				cur = v
			}
		}
	}
	switch c := cur.(type) {
	case string:
		for _, s := range stringVariants(c) {
			set(s)
		}
		set([]any{"sigconvOther", c})
		set([]any{c, "sigconvOther"})
		if it.Match.FieldRef && len(it.Values) > 0 {
			if s, ok := it.Values[0].(*ir.String); ok {
				ev := clone(base)
				ev[s.Literal()] = strings.ToUpper(c)
				out = append(out, ev)
			}
		}
	case float64:
		set(trimFloat(c))
		set(c + 1)
		set(c - 1)
		set([]any{c, 0.5})
	case bool:
		if c {
			set("true")
			set("True")
		} else {
			set("false")
		}
		set(!c)
	}
	// Near misses around the pattern's wildcards.
	for _, v := range it.Values {
		s, ok := v.(*ir.String)
		if !ok || it.Match.Op == ir.OpRegex || it.Match.Op == ir.OpCIDR || len(it.Match.Encodings) > 0 {
			continue
		}
		for _, w := range []struct{ one, many string }{{"", ""}, {"xy", "y"}, {"?", "*"}, {"x", "a*b"}, {"X", "\\"}} {
			set(wrap(it.Match.Op, fill(s, w.one, w.many)))
		}
		if s.HasWildcards() {
			set(s.Raw)
		}
		if len(out) > 60 {
			break
		}
	}
	return out
}

// stringVariants returns case variants and near misses of s.
func stringVariants(s string) []string {
	out := []string{strings.ToUpper(s), strings.ToLower(s), swapCase(s)}
	if s != "" {
		r := []rune(s)
		out = append(out, string(r[1:]), string(r[:len(r)-1]), "a"+s, s+"a", " "+s, s+"\n", strings.ReplaceAll(s, `\`, `/`))
	}
	sort.Strings(out)
	return out
}

func swapCase(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i%2 == 0 {
			b.WriteString(strings.ToUpper(string(r)))
		} else {
			b.WriteString(strings.ToLower(string(r)))
		}
	}
	return b.String()
}

func trimFloat(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}
