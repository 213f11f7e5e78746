package splunk

import (
	"strings"

	"github.com/sigconv/sigconv/backends/internal/lower"
	"github.com/sigconv/sigconv/ir"
)

// A where conjunct is checked exactly by eval, but eval only sees the
// events the search stage lets through. So that a rule needing eval does
// not scan every event, each where conjunct also contributes a search-terms
// expression it implies (a superset: every event the conjunct matches also
// matches it). search AND where then means exactly where. Supersets only
// use forms the search command states reliably: whole values, and literal
// segments with leading / trailing '*'.

// superset returns search terms implied by x, or "" when there are none
// worth writing.
func (e *emitter) superset(x lower.Expr, par parent) string {
	if e.searchable(x) {
		return e.search(x, par)
	}
	switch x := x.(type) {
	case *lower.And:
		var parts []string
		for _, t := range x.Terms {
			if s := e.superset(t, parentAnd); s != "" {
				parts = append(parts, s)
			}
		}
		if len(parts) == 0 {
			return ""
		}
		return group(strings.Join(parts, " "), len(parts) > 1 && par != parentNone && par != parentAnd)
	case *lower.Or:
		if s := inSuperset(x.Terms); s != "" {
			return s
		}
		parts := make([]string, 0, len(x.Terms))
		for _, t := range x.Terms {
			s := e.superset(t, parentOr)
			if s == "" {
				return "" // one unconstrained alternative frees the whole OR
			}
			parts = append(parts, s)
		}
		return group(strings.Join(parts, " OR "), len(parts) > 1 && par != parentNone)
	case *lower.Pred:
		field, vals := predSuperset(x)
		if len(vals) == 0 {
			return ""
		}
		terms := make([]string, len(vals))
		for i, v := range vals {
			terms[i] = v
			if field != "" {
				terms[i] = field + "=" + v
			}
		}
		return group(strings.Join(terms, " "), len(terms) > 1 && par != parentNone && par != parentAnd)
	}
	return ""
}

// inSuperset folds an OR of predicates on one field, each constrained by
// a single value, into field IN (...); it returns "" otherwise.
func inSuperset(terms []lower.Expr) string {
	field := ""
	var vals []string
	for i, t := range terms {
		p, ok := t.(*lower.Pred)
		if !ok || p.IsKeyword() {
			return ""
		}
		var f string
		var vs []string
		if searchablePred(p) && (p.Kind == lower.Match || p.Kind == lower.Number) {
			f, vs = p.Field, []string{searchScalar(p)}
		} else {
			f, vs = predSuperset(p)
		}
		if len(vs) != 1 || (i > 0 && f != field) {
			return ""
		}
		field = f
		vals = append(vals, vs[0])
	}
	return searchField(field) + " IN (" + strings.Join(vals, ", ") + ")"
}

// predSuperset constrains a Match predicate by its literal segments: the
// first as a prefix when the pattern starts with it, the last as a suffix
// when it ends with it, the others as substrings; comparison is
// case-insensitive, a superset of the cased match too. It returns the field
// ("" for a keyword) and the quoted values, AND-ed, or no values.
func predSuperset(p *lower.Pred) (field string, vals []string) {
	if p.Kind != lower.Match || (!p.IsKeyword() && !isPlainSearchField(p.Field)) {
		return "", nil
	}
	parts := p.Pattern
	if p.IsKeyword() {
		parts = trimStars(parts)
	}
	for i, part := range parts {
		if part.Kind != ir.PartLit {
			continue
		}
		// A literal '*' cannot be written in a search term: split there.
		pieces := strings.Split(part.Text, "*")
		for j, t := range pieces {
			if t == "" || hasControl(t) || !textOK(t) {
				continue
			}
			start := !p.IsKeyword() && i == 0 && j == 0
			stop := !p.IsKeyword() && i == len(parts)-1 && j == len(pieces)-1
			if !start {
				t = "*" + t
			}
			if !stop {
				t += "*"
			}
			vals = append(vals, splString(t))
		}
	}
	return p.Field, vals
}
