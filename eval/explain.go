package eval

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sigconv/sigconv/ir"
)

// Explanation tells why one rule did or did not match one event.
type Explanation struct {
	Rule     *ir.Rule        // the rule
	Matched  bool            // the rule's verdict
	Searches []SearchVerdict // every search identifier, in source order
}

// SearchVerdict is the verdict of one search identifier with its reason.
type SearchVerdict struct {
	Name    string // search identifier
	Matched bool   // verdict
	Why     string // which item decided and with which value
}

// Explain evaluates, for one event, every rule the route and the
// pre-filter admit (rt nil infers the route as Match does) and explains
// each search. It also returns how many rules the route admits and how
// many of them the pre-filter ruled out. It is meant for people, not
// speed.
func (e *Engine) Explain(ev *Event, rt *Route) (out []Explanation, routed, filtered int) {
	c := e.getCtx(ev)
	defer e.putCtx(c)
	if rt == nil {
		rt = e.infer(c)
	}
	cands := e.candidates(c, rt)
	routed = rt.Candidates()
	filtered = routed - len(cands)
	for _, ri := range cands {
		r := e.rules[ri]
		x := Explanation{Rule: r.src, Matched: r.cond.eval(c)}
		for _, s := range r.searches {
			ok, why := s.explain(c, e)
			x.Searches = append(x.Searches, SearchVerdict{Name: s.src.Name, Matched: ok, Why: why})
		}
		out = append(out, x)
	}
	return out, routed, filtered
}

func (s *search) explain(c *ctx, e *Engine) (bool, string) {
	var firstFail string
	for gi, g := range s.groups {
		var reasons []string
		ok := true
		for _, it := range g {
			m, why := it.explain(c, e)
			if !m {
				ok = false
				if firstFail == "" {
					firstFail = why
					if len(s.groups) > 1 {
						firstFail = fmt.Sprintf("alternative %d: %s", gi+1, why)
					}
				}
				break
			}
			reasons = append(reasons, why)
		}
		if ok {
			return true, strings.Join(reasons, "; ")
		}
	}
	if len(s.groups) > 1 {
		firstFail += fmt.Sprintf(" (and %d other alternatives failed)", len(s.groups)-1)
	}
	return false, firstFail
}

func itemName(it *ir.Item) string {
	var b strings.Builder
	if it.Field == "" {
		b.WriteString("keywords")
	} else {
		b.WriteString(it.Field)
	}
	for _, m := range it.Modifiers {
		b.WriteString("|" + m.Name)
	}
	return b.String()
}

func (it *item) explain(c *ctx, e *Engine) (bool, string) {
	name := itemName(it.src)
	ok := it.eval(c)
	switch it.kind {
	case itemExists:
		if c.first(it.field) >= 0 {
			return ok, name + ": field is present"
		}
		return ok, name + ": field is absent"
	case itemKeyword:
		for _, m := range it.vals {
			for i := range c.ev.Fields {
				if c.ev.Fields[i].hasText() && m.match(c, int32(i)) {
					return ok, fmt.Sprintf("%s: %s found in %s = %s", name, m, c.ev.Fields[i].Key, quote(c.ev.Fields[i].Text))
				}
			}
		}
		return ok, fmt.Sprintf("%s: none of %d values found in any value", name, len(it.vals))
	}
	first := c.first(it.field)
	if first < 0 {
		return ok, name + ": field is missing"
	}
	var vals []string
	for i := first; i >= 0; i = c.next[i] {
		f := &c.ev.Fields[i]
		if f.Kind == KindNull {
			vals = append(vals, "null")
			continue
		}
		vals = append(vals, quote(f.Text))
		for _, m := range it.vals {
			if m.match(c, i) {
				if it.negate {
					return ok, fmt.Sprintf("%s: value %s equals %s", name, quote(f.Text), m)
				}
				return ok, fmt.Sprintf("%s: value %s matched %s", name, quote(f.Text), m)
			}
		}
	}
	return ok, fmt.Sprintf("%s: value %s matched none of %s", name, strings.Join(vals, ", "), describeVals(it.vals))
}

func describeVals(ms []matcher) string {
	const max = 4
	var parts []string
	for i, m := range ms {
		if i == max {
			parts = append(parts, fmt.Sprintf("… %d more", len(ms)-max))
			break
		}
		parts = append(parts, m.String())
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func quote(s string) string {
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return strconv.Quote(s)
}
