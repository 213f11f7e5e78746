package catalog

import (
	"strings"

	"github.com/sigconv/sigconv/ir"
)

// Stage is one step of a condition: the condition is split into its
// top-level AND terms; a rule matches when every stage of one alternative
// holds.
type Stage struct {
	Alternative int      `json:"alternative"` // 1-based entry of a condition list (1 for a single condition)
	Step        int      `json:"step"`        // 1-based position within the alternative
	Action      string   `json:"action"`      // "match" (term must hold) or "exclude" (negated term must not)
	Expr        string   `json:"expr"`        // the term (without the leading not for exclude)
	Searches    []string `json:"searches"`    // search identifiers the term refers to, in order
}

// Selection is one search identifier with its predicates.
type Selection struct {
	Name string `json:"name"` // search identifier
	// Match is "all" when the search is one mapping (its predicates are
	// AND-ed) and "any" when it is a list (its groups are OR-ed).
	Match  string           `json:"match"`
	Used   bool             `json:"used"`   // whether the condition refers to it
	Groups []PredicateGroup `json:"groups"` // alternatives; one for a mapping
}

// PredicateGroup is one mapping (or keyword list) of a search: its
// predicates are AND-ed.
type PredicateGroup struct {
	Predicates []Predicate `json:"predicates"`
}

// Predicate is one detection item: a field, an operator and its values.
type Predicate struct {
	Field     string   `json:"field"`     // field name, "" for a keyword search
	Modifiers []string `json:"modifiers"` // the modifier chain as written
	Operator  string   `json:"operator"`  // eq, contains, startswith, endswith, re, cidr, exists, lt…; "not eq" etc. with neq
	Values    []string `json:"values"`    // values as written (strings unquoted)
	// Quantifier is "any" when a value must match (the default) and "all"
	// with the all modifier.
	Quantifier string `json:"quantifier"`
}

// stages splits the condition into stages.
func stages(d *ir.Detection) []Stage {
	out := []Stage{}
	if d == nil {
		return out
	}
	for a, c := range d.Conditions {
		terms := []ir.Cond{c}
		if and, ok := c.(*ir.And); ok {
			terms = and.Terms
		}
		for i, t := range terms {
			st := Stage{Alternative: a + 1, Step: i + 1, Action: "match"}
			if not, ok := t.(*ir.Not); ok {
				st.Action, t = "exclude", not.X
			}
			st.Expr = CondString(t)
			st.Searches = searchesOf(d, t)
			out = append(out, st)
		}
	}
	return out
}

// searchesOf lists the search identifiers c refers to, quantifiers
// resolved, each once, in order of appearance.
func searchesOf(d *ir.Detection, c ir.Cond) []string {
	out := []string{}
	seen := map[string]bool{}
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	ir.InspectCond(c, func(n ir.Cond) bool {
		switch n := n.(type) {
		case *ir.Ref:
			add(n.Name)
		case *ir.Quantified:
			for _, s := range d.Match(n.Pattern, n.Them) {
				add(s.Name)
			}
		}
		return true
	})
	return out
}

// CondString prints a condition in Sigma syntax with the fewest
// parentheses: not binds tighter than and, and tighter than or.
func CondString(c ir.Cond) string {
	var b strings.Builder
	writeCond(&b, c, 0)
	return b.String()
}

// Precedence levels for writeCond.
const (
	precOr  = 1
	precAnd = 2
	precNot = 3
)

func writeCond(b *strings.Builder, c ir.Cond, outer int) {
	switch c := c.(type) {
	case *ir.Or:
		writeJoined(b, c.Terms, " or ", precOr, outer)
	case *ir.And:
		writeJoined(b, c.Terms, " and ", precAnd, outer)
	case *ir.Not:
		b.WriteString("not ")
		writeCond(b, c.X, precNot)
	case *ir.Ref:
		b.WriteString(c.Name)
	case *ir.Quantified:
		w := c.Word
		if w == "" {
			w = "1"
			if c.All {
				w = "all"
			}
		}
		b.WriteString(w + " of ")
		if c.Them {
			b.WriteString("them")
		} else {
			b.WriteString(c.Pattern)
		}
	}
}

func writeJoined(b *strings.Builder, terms []ir.Cond, sep string, prec, outer int) {
	paren := prec < outer
	if paren {
		b.WriteByte('(')
	}
	for i, t := range terms {
		if i > 0 {
			b.WriteString(sep)
		}
		writeCond(b, t, prec+1)
	}
	if paren {
		b.WriteByte(')')
	}
}

// selections lists every search in source order with its predicates.
func selections(d *ir.Detection) []Selection {
	out := []Selection{}
	if d == nil {
		return out
	}
	used := map[string]bool{}
	for _, c := range d.Conditions {
		for _, n := range searchesOf(d, c) {
			used[n] = true
		}
	}
	for _, s := range d.Searches {
		sel := Selection{Name: s.Name, Match: "all", Used: used[s.Name], Groups: []PredicateGroup{}}
		if s.Kind == ir.SearchList {
			sel.Match = "any"
		}
		for _, g := range s.Groups {
			pg := PredicateGroup{Predicates: []Predicate{}}
			for _, it := range g.Items {
				pg.Predicates = append(pg.Predicates, predicate(it))
			}
			sel.Groups = append(sel.Groups, pg)
		}
		out = append(out, sel)
	}
	return out
}

func predicate(it *ir.Item) Predicate {
	p := Predicate{Field: it.Field, Modifiers: []string{}, Operator: it.Match.Op.String(), Values: []string{}, Quantifier: "any"}
	for _, m := range it.Modifiers {
		p.Modifiers = append(p.Modifiers, m.Name)
	}
	if it.Match.Negate {
		p.Operator = "not " + p.Operator
	}
	if it.Match.FieldRef {
		p.Operator += " field"
	}
	if it.Match.All {
		p.Quantifier = "all"
	}
	for _, v := range it.Values {
		p.Values = append(p.Values, valueText(v))
	}
	return p
}

// valueText prints a value as written: strings unquoted with their
// wildcards and escapes, numbers as written.
func valueText(v ir.Value) string {
	switch v := v.(type) {
	case *ir.String:
		return v.Raw
	case *ir.Number:
		return v.Raw
	case *ir.Bool:
		if v.Value {
			return "true"
		}
		return "false"
	case *ir.Null:
		return "null"
	}
	return ""
}
