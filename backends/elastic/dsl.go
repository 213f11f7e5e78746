package elastic

import (
	"strings"
	"unicode/utf8"

	"github.com/sigconv/sigconv/backends/internal/lower"
	"github.com/sigconv/sigconv/ir"
)

// dsl builds a Query DSL query from a lowered expression: bool queries for
// the connectives and term-level queries (term, terms, prefix, wildcard,
// regexp, range, exists) for predicates, with "case_insensitive": true
// wherever the rule is case-insensitive and the value has cased
// characters.
type dsl struct {
	*conv
}

func (d *dsl) expr(e lower.Expr) (any, error) {
	switch e := e.(type) {
	case *lower.And:
		qs, err := d.list(e.Terms)
		if err != nil {
			return nil, err
		}
		return &boolQuery{occur: "must", qs: qs}, nil
	case *lower.Or:
		if q, ok := d.terms(e.Terms); ok {
			return q, nil
		}
		qs, err := d.list(e.Terms)
		if err != nil {
			return nil, err
		}
		return &boolQuery{occur: "should", qs: qs}, nil
	case *lower.Not:
		q, err := d.expr(e.X)
		if err != nil {
			return nil, err
		}
		return &boolQuery{occur: "must_not", qs: []any{q}}, nil
	case *lower.Pred:
		return d.pred(e)
	}
	return nil, nil
}

func (d *dsl) list(es []lower.Expr) ([]any, error) {
	out := make([]any, 0, len(es))
	for _, e := range es {
		q, err := d.expr(e)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, nil
}

// terms prints a list of exact values of one field as a terms query when
// no value needs case-insensitive matching (terms has no case_insensitive
// option).
func (d *dsl) terms(es []lower.Expr) (any, bool) {
	field, preds, ok := lower.SameField(es)
	if !ok || len(preds) < 2 || typeOf(d.tbl, field) == typeIP {
		return nil, false
	}
	vals := make([]any, 0, len(preds))
	for _, p := range preds {
		if d.common(p) != nil {
			return nil, false
		}
		if p.Kind == lower.Number {
			vals = append(vals, numberValue(p.Num))
			continue
		}
		if typeOf(d.tbl, field) != typeUnknown {
			return nil, false // strings on typed fields are checked one by one
		}
		shape, lit := p.Shape()
		if shape != lower.ShapeExact || lit == "" || (!p.Cased && hasCase(lit)) {
			return nil, false
		}
		vals = append(vals, lit)
	}
	return obj{{"terms", obj{{field, vals}}}}, true
}

func (d *dsl) pred(p *lower.Pred) (any, error) {
	if err := d.common(p); err != nil {
		return nil, err
	}
	f := p.Field
	switch p.Kind {
	case lower.Null:
		return &boolQuery{occur: "must_not", qs: []any{exists(f)}}, nil
	case lower.Exists:
		return exists(f), nil
	case lower.Bool:
		return &leafQuery{kind: "term", field: f, key: "value", num: p.Bool}, nil
	case lower.Number:
		return &leafQuery{kind: "term", field: f, key: "value", num: numberValue(p.Num)}, nil
	case lower.Compare:
		if typeOf(d.tbl, f) != typeNumber {
			return nil, d.unsupported(p, p.Op.String()+" modifier", "field %s is not known to be numeric; a range query on a keyword field compares strings, not numbers", f)
		}
		return &leafQuery{kind: "range", field: f, key: compareKey(p.Op), num: numberValue(p.Num)}, nil
	case lower.CIDR:
		if typeOf(d.tbl, f) != typeIP {
			return nil, d.unsupported(p, "cidr modifier", "field %s is not an ip field; a term query matches CIDR networks only on ip fields", f)
		}
		return &leafQuery{kind: "term", field: f, key: "value", str: p.Prefix.String()}, nil
	case lower.Regex:
		re, err := predRegex(p)
		if err != nil {
			return nil, d.unsupported(p, "re modifier", "%v", err)
		}
		return &leafQuery{kind: "regexp", field: f, key: "value", str: re, flags: "ALL"}, nil
	case lower.FieldRef:
		return nil, d.unsupported(p, "fieldref modifier", "the Query DSL cannot compare two fields without a script query")
	}
	typ := typeOf(d.tbl, f)
	if shape, _ := p.Shape(); shape != lower.ShapeAny && typ == typeBool {
		return nil, d.unsupported(p, "value", "%v", boolMismatch(p))
	}
	if shape, _ := p.Shape(); shape != lower.ShapeAny && typ == typeNumber {
		return nil, d.unsupported(p, "value", "%v", numberMismatch(p))
	}
	if shape, _ := p.Shape(); shape != lower.ShapeAny && typ == typeIP {
		ip, err := ipValue(p)
		if err != nil {
			return nil, d.unsupported(p, "value", "%v", err)
		}
		return &leafQuery{kind: "term", field: f, key: "value", str: ip}, nil
	}
	shape, lit := p.Shape()
	ci := !p.Cased && partsHaveCase(p.Pattern)
	query := func(kind, value string) any {
		return &leafQuery{kind: kind, field: f, key: "value", str: value, ci: ci}
	}
	switch shape {
	case lower.ShapeAny:
		return exists(f), nil
	case lower.ShapeExact:
		return query("term", lit), nil
	case lower.ShapePrefix:
		return query("prefix", lit), nil
	}
	return query("wildcard", dslWildcard(p.Pattern)), nil
}

func exists(f string) any { return &leafQuery{kind: "exists", field: f} }

func compareKey(op ir.Op) string {
	switch op {
	case ir.OpLT:
		return "lt"
	case ir.OpLTE:
		return "lte"
	case ir.OpGT:
		return "gt"
	}
	return "gte"
}

// numberValue returns the number as a JSON number literal.
func numberValue(n *ir.Number) any {
	if n.IsInt {
		return n.Int
	}
	return n.Float
}

// dslWildcard writes a pattern for a wildcard query: literal *, ? and \
// are escaped with a backslash. Runs of other ASCII characters are copied
// at once; invalid UTF-8 becomes U+FFFD, as writing rune by rune does.
func dslWildcard(parts []ir.StrPart) string {
	var b strings.Builder
	b.Grow(patternLen(parts) + 8)
	for _, p := range parts {
		switch p.Kind {
		case ir.PartLit:
			t := p.Text
			start := 0
			for i := 0; i < len(t); {
				c := t[i]
				if c < utf8.RuneSelf && c != '*' && c != '?' && c != '\\' {
					i++
					continue
				}
				b.WriteString(t[start:i])
				if c < utf8.RuneSelf {
					b.WriteByte('\\')
					b.WriteByte(c)
					i++
				} else {
					r, size := utf8.DecodeRuneInString(t[i:])
					b.WriteRune(r)
					i += size
				}
				start = i
			}
			b.WriteString(t[start:])
		case ir.PartWildMany:
			b.WriteByte('*')
		case ir.PartWildOne:
			b.WriteByte('?')
		}
	}
	return b.String()
}
