package splunk

import (
	"strconv"
	"strings"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/backends/internal/lower"
	"github.com/sigconv/sigconv/ir"
)

// A lowered rule is printed in two dialects:
//
//   - search terms (the search command and tstats' where clause): field
//     comparisons are case-insensitive, '*' is the only wildcard and cannot
//     be escaped, NOT x=v also matches events without x (Sigma's meaning of
//     a negated selection), and OR binds tighter than AND — so every nested
//     group is parenthesised;
//   - eval expressions (the where command): comparisons are case-sensitive
//     and a comparison with a missing field yields null, which NOT keeps
//     null (false); predicates under an odd number of NOTs are therefore
//     guarded with isnotnull() so that they are false, not null, when the
//     field is missing.
//
// The top-level AND of a rule is split: conjuncts that search terms express
// exactly stay in the search; the others form ONE where expression. OR and
// NOT are never split across pipeline stages.

// parent is the operator enclosing an expression while printing.
type parent int

const (
	parentNone parent = iota
	parentAnd
	parentOr
	parentNot
)

// emitter prints lowered expressions. It is stateless apart from the rule
// position used in refusals.
type emitter struct {
	pos ir.Pos // rule position, for refusals without a better position
}

// split separates the top-level conjuncts of x into those the search
// command expresses exactly and the rest.
func (e *emitter) split(x lower.Expr) (search, where []lower.Expr) {
	terms := []lower.Expr{x}
	if a, ok := x.(*lower.And); ok {
		terms = a.Terms
	}
	for _, t := range terms {
		if e.searchable(t) {
			search = append(search, t)
		} else {
			where = append(where, t)
		}
	}
	return search, where
}

// check walks x and refuses predicates SPL cannot express at all (in
// either dialect), so that printing never fails later.
func (e *emitter) check(x lower.Expr) error {
	switch x := x.(type) {
	case *lower.And:
		for _, t := range x.Terms {
			if err := e.check(t); err != nil {
				return err
			}
		}
	case *lower.Or:
		for _, t := range x.Terms {
			if err := e.check(t); err != nil {
				return err
			}
		}
	case *lower.Not:
		return e.check(x.X)
	case *lower.Pred:
		return e.checkPred(x)
	}
	return nil
}

func (e *emitter) checkPred(p *lower.Pred) error {
	pos := p.Pos
	if !pos.IsValid() {
		pos = e.pos
	}
	if p.TimePart != ir.TimeNone {
		return backends.Unsupported(pos, Name, p.TimePart.String()+" modifier", "the time part of an arbitrary field has no exact SPL form (its timestamp format is unknown)")
	}
	if p.Field != "" && !evalFieldOK(p.Field) {
		return backends.Unsupported(pos, Name, "field name", "%q cannot be written as an eval field name", p.Field)
	}
	switch p.Kind {
	case lower.Match:
		for _, part := range p.Pattern {
			if part.Kind == ir.PartLit && !textOK(part.Text) {
				return backends.Unsupported(pos, Name, "value", "%q is not UTF-8 text (a wide/utf16 value without base64); Splunk field values are UTF-8", part.Text)
			}
		}
	case lower.Regex:
		if !textOK(p.Regex) {
			return backends.Unsupported(pos, Name, "re value", "the expression is not UTF-8 text")
		}
	case lower.FieldRef:
		if !evalFieldOK(p.RefField) {
			return backends.Unsupported(pos, Name, "fieldref", "%q cannot be written as an eval field name", p.RefField)
		}
		if p.RefOp == ir.OpContains {
			return backends.Unsupported(pos, Name, "fieldref|contains", "eval has no substring test with a field-valued needle (like() would read %% and _ in the other field as wildcards)")
		}
	case lower.Null, lower.Exists, lower.Bool, lower.Number, lower.CIDR, lower.Compare:
	}
	return nil
}

// searchable reports whether x can be written with search terms exactly.
func (e *emitter) searchable(x lower.Expr) bool {
	switch x := x.(type) {
	case *lower.And:
		for _, t := range x.Terms {
			if !e.searchable(t) {
				return false
			}
		}
		return true
	case *lower.Or:
		for _, t := range x.Terms {
			if !e.searchable(t) {
				return false
			}
		}
		return true
	case *lower.Not:
		return e.searchable(x.X)
	case *lower.Pred:
		return searchablePred(x)
	}
	return false
}

func searchablePred(p *lower.Pred) bool {
	if p.TimePart != ir.TimeNone {
		return false
	}
	// Only plain field names are written in search terms; the quoting of
	// other names in the search command is not documented, whereas eval's
	// 'field name' is.
	if !p.IsKeyword() && !isPlainSearchField(p.Field) {
		return false
	}
	switch p.Kind {
	case lower.Match:
		if p.Cased {
			return false // search terms are always case-insensitive
		}
		if p.IsKeyword() {
			parts := trimStars(p.Pattern)
			if len(parts) > 1 {
				return false // an inner wildcard, see below
			}
			return searchable(keywordPattern(parts))
		}
		// '*' alone must also match the empty string and an empty value
		// must match only the empty string; field=* and field="" do not
		// state either exactly, isnotnull() and =="" in where do. A '*'
		// inside a value gives "inconsistent results" when the value has
		// punctuation (Splunk Search Manual, "Wildcards": productID="S*G01"),
		// so only leading and trailing '*' stay in search terms.
		switch shape, _ := p.Shape(); {
		case shape == lower.ShapeAny, shape == lower.ShapeWildcard, shape == lower.ShapeExact && len(p.Pattern) == 0:
			return false
		}
		return searchable(p.Pattern)
	case lower.Number, lower.Bool:
		return true
	case lower.CIDR:
		// The search command matches IPv4 and IPv6 CIDR notation.
		return !p.IsKeyword()
	}
	return false
}

// keywordPattern wraps a keyword pattern in '*' on both sides: a Sigma
// keyword matches anywhere in the event, whereas a search term matches
// whole indexed terms only.
func keywordPattern(parts []ir.StrPart) []ir.StrPart {
	out := make([]ir.StrPart, 0, len(parts)+2)
	if len(parts) == 0 || parts[0].Kind != ir.PartWildMany {
		out = append(out, ir.StrPart{Kind: ir.PartWildMany})
	}
	out = append(out, parts...)
	if len(parts) > 0 && parts[len(parts)-1].Kind != ir.PartWildMany {
		out = append(out, ir.StrPart{Kind: ir.PartWildMany})
	}
	return out
}

// search prints x as search terms; x must be searchable.
func (e *emitter) search(x lower.Expr, par parent) string {
	switch x := x.(type) {
	case *lower.And:
		parts := make([]string, len(x.Terms))
		for i, t := range x.Terms {
			parts[i] = e.search(t, parentAnd)
		}
		return group(strings.Join(parts, " "), par != parentNone)
	case *lower.Or:
		parts := e.searchOr(x.Terms)
		if len(parts) == 1 {
			return group(parts[0], par == parentNot)
		}
		return group(strings.Join(parts, " OR "), par != parentNone)
	case *lower.Not:
		return "NOT " + e.search(x.X, parentNot)
	case *lower.Pred:
		return e.searchPred(x)
	}
	return ""
}

// searchOr prints the terms of an OR, folding two or more values of one
// field into field IN (...) at the position of the field's first term.
func (e *emitter) searchOr(terms []lower.Expr) []string {
	type fieldGroup struct {
		at    int
		preds []*lower.Pred
	}
	groups := map[string]*fieldGroup{}
	var order []string
	var out []string
	for _, t := range terms {
		p, ok := t.(*lower.Pred)
		if ok && !p.IsKeyword() && (p.Kind == lower.Match || p.Kind == lower.Number) {
			g := groups[p.Field]
			if g == nil {
				g = &fieldGroup{at: len(out)}
				groups[p.Field] = g
				order = append(order, p.Field)
				out = append(out, "")
			}
			g.preds = append(g.preds, p)
			continue
		}
		out = append(out, e.search(t, parentOr))
	}
	for _, f := range order {
		g := groups[f]
		if len(g.preds) == 1 {
			out[g.at] = e.searchPred(g.preds[0])
			continue
		}
		vals := make([]string, len(g.preds))
		for i, p := range g.preds {
			vals[i] = searchScalar(p)
		}
		out[g.at] = searchField(f) + " IN (" + strings.Join(vals, ", ") + ")"
	}
	return out
}

// searchScalar renders the value side of a Match or Number predicate.
func searchScalar(p *lower.Pred) string {
	if p.Kind == lower.Number {
		return numberText(p.Num)
	}
	v, _ := searchValue(p.Pattern)
	return v
}

func (e *emitter) searchPred(p *lower.Pred) string {
	switch p.Kind {
	case lower.Match:
		if p.IsKeyword() {
			v, _ := searchValue(keywordPattern(p.Pattern))
			if v == `"*"` {
				return "*"
			}
			return v
		}
		return searchField(p.Field) + "=" + searchScalar(p)
	case lower.Number:
		if p.IsKeyword() {
			v, _ := searchValue(keywordPattern([]ir.StrPart{{Kind: ir.PartLit, Text: numberText(p.Num)}}))
			return v
		}
		return searchField(p.Field) + "=" + numberText(p.Num)
	case lower.Bool:
		return searchField(p.Field) + "=" + strconv.Quote(strconv.FormatBool(p.Bool))
	case lower.CIDR:
		return searchField(p.Field) + "=" + p.Prefix.String()
	}
	return ""
}

// numberText renders a Sigma number as written, falling back to its value.
func numberText(n *ir.Number) string {
	if n.Raw != "" {
		if _, err := strconv.ParseFloat(n.Raw, 64); err == nil {
			return n.Raw
		}
	}
	if n.IsInt {
		return strconv.FormatInt(n.Int, 10)
	}
	return strconv.FormatFloat(n.Float, 'g', -1, 64)
}

func group(s string, paren bool) string {
	if paren {
		return "(" + s + ")"
	}
	return s
}

// where prints x as an eval boolean expression. neg tells whether x sits
// under an odd number of NOTs.
func (e *emitter) where(x lower.Expr, par parent, neg bool) string {
	switch x := x.(type) {
	case *lower.And:
		parts := make([]string, len(x.Terms))
		for i, t := range x.Terms {
			parts[i] = e.where(t, parentAnd, neg)
		}
		return group(strings.Join(parts, " AND "), par != parentNone && par != parentAnd)
	case *lower.Or:
		parts := make([]string, len(x.Terms))
		for i, t := range x.Terms {
			parts[i] = e.where(t, parentOr, neg)
		}
		return group(strings.Join(parts, " OR "), par != parentNone && par != parentOr)
	case *lower.Not:
		inner := e.where(x.X, parentNot, !neg)
		if !strings.HasPrefix(inner, "(") || !balancedOuter(inner) {
			inner = "(" + inner + ")"
		}
		return "NOT " + inner
	case *lower.Pred:
		s, guard := e.wherePred(x)
		if neg && guard != "" {
			return "(" + guard + " AND " + s + ")"
		}
		return s
	}
	return ""
}

// balancedOuter reports whether s, which starts with '(', is one
// parenthesised group (its first '(' closes at the last byte). Quotes are
// skipped.
func balancedOuter(s string) bool {
	depth := 0
	inStr := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inStr {
			switch c {
			case '\\':
				i++
			case '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 && i != len(s)-1 {
				return false
			}
		}
	}
	return depth == 0
}

// wherePred returns the eval form of p and, when the form is null (not
// false) for a missing field, the guard that makes it false.
func (e *emitter) wherePred(p *lower.Pred) (expr, guard string) {
	f := evalField(p.Field)
	notNull := "isnotnull(" + f + ")"
	switch p.Kind {
	case lower.Match:
		if p.IsKeyword() {
			parts := trimStars(p.Pattern)
			re, dot := patternRegex(parts, false)
			return "match(_raw, " + splString(regexFlags(!p.Cased, false, dot)+re) + ")", ""
		}
		shape, lit := p.Shape()
		switch {
		case shape == lower.ShapeAny:
			return notNull, ""
		case shape == lower.ShapeExact && !hasControl(lit):
			if p.Cased || lit == "" {
				return f + "==" + splString(lit), notNull
			}
			return "lower(" + f + ")==" + lowerLiteral(lit), notNull
		}
		re, dot := patternRegex(p.Pattern, true)
		return "match(" + f + ", " + splString(regexFlags(!p.Cased, false, dot)+re) + ")", notNull
	case lower.Number:
		if p.IsKeyword() {
			return "match(_raw, " + splString(regexQuote(numberText(p.Num))) + ")", ""
		}
		// eval compares numerically when the field holds a number and
		// as text otherwise, as Sigma does.
		return f + "==" + numberText(p.Num), notNull
	case lower.Bool:
		return "lower(" + f + ")==" + splString(strconv.FormatBool(p.Bool)), notNull
	case lower.Null:
		return "isnull(" + f + ")", ""
	case lower.Exists:
		return notNull, ""
	case lower.Regex:
		target := f
		if p.IsKeyword() {
			target, notNull = "_raw", ""
		}
		flags := regexFlags(p.Flags.IgnoreCase, p.Flags.Multiline, p.Flags.DotAll)
		return "match(" + target + ", " + splString(flags+regexNoBacktick(p.Regex)) + ")", notNull
	case lower.CIDR:
		return "cidrmatch(" + splString(p.Prefix.String()) + ", " + f + ")", notNull
	case lower.Compare:
		num := "tonumber(" + f + ")"
		return num + compareOps[p.Op] + numberText(p.Num), "isnotnull(" + num + ")"
	case lower.FieldRef:
		return fieldRef(p)
	}
	return "", ""
}

var compareOps = map[ir.Op]string{ir.OpLT: "<", ir.OpLTE: "<=", ir.OpGT: ">", ir.OpGTE: ">="}

// fieldRef compares two fields. Case-insensitive comparisons lower both.
// It needs no guard of its own: the lowered tree already ANDs exists tests
// of both fields into the predicate's group.
func fieldRef(p *lower.Pred) (expr, guard string) {
	a, b := evalField(p.Field), evalField(p.RefField)
	if !p.Cased {
		a, b = "lower("+a+")", "lower("+b+")"
	}
	rawA, rawB := evalField(p.Field), evalField(p.RefField)
	switch p.RefOp {
	case ir.OpStartsWith:
		return "substr(" + a + ", 1, len(" + rawB + "))==" + b, guard
	case ir.OpEndsWith:
		// substr with a start below 1 counts from the end, so the length
		// test comes first.
		return "(len(" + rawA + ")>=len(" + rawB + ") AND substr(" + a + ", len(" + rawA + ")-len(" + rawB + ")+1)==" + b + ")", guard
	}
	return a + "==" + b, guard
}

// lowerLiteral lowercases an ASCII literal at conversion time; other text
// is lowered by Splunk itself so both sides use the same case mapping.
func lowerLiteral(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return "lower(" + splString(s) + ")"
		}
	}
	return splString(strings.ToLower(s))
}

func trimStars(parts []ir.StrPart) []ir.StrPart {
	for len(parts) > 0 && parts[0].Kind == ir.PartWildMany {
		parts = parts[1:]
	}
	for len(parts) > 0 && parts[len(parts)-1].Kind == ir.PartWildMany {
		parts = parts[:len(parts)-1]
	}
	return parts
}
