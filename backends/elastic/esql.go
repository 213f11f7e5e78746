package elastic

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/backends/internal/lower"
	"github.com/sigconv/sigconv/ir"
)

// esql prints a lowered expression as an ES|QL boolean expression.
//
// ES|QL has SQL's three-valued logic: a comparison with a missing field is
// null, and NOT null is null, so "NOT (f == x)" would drop events without
// f, which Sigma matches. Every negated operand that can be null is
// therefore wrapped in COALESCE(..., false).
//
// Case-insensitive comparisons lowercase the field with TO_LOWER and
// compare with the lowercased literal (==, LIKE, STARTS_WITH, ENDS_WITH).
type esql struct {
	*conv
	valueTests bool // whether any predicate compares a field's value
}

// WarnMultiValue is the warning ID of an ES|QL query whose comparisons
// cannot see into multi-valued fields.
const WarnMultiValue = "esql-multivalue"

// multiValueWarning records that the query compares field values: ES|QL
// evaluates a comparison or function of a multi-valued field to null (with
// a "single-value function encountered multi-value" warning), so an event
// whose field holds an array never matches, while Sigma matches when any
// value does. IS NULL / IS NOT NULL are unaffected.
func (q *esql) multiValueWarning(pos ir.Pos) {
	if !q.valueTests {
		return
	}
	q.warnings = append(q.warnings, backends.Warning{Pos: pos, ID: WarnMultiValue, Approximate: true,
		Msg: "ES|QL compares a multi-valued field as null: an event whose field holds several values never matches, while Sigma matches when any value does"})
}

func (q *esql) expr(b *strings.Builder, e lower.Expr, parent string) error {
	switch e := e.(type) {
	case *lower.And:
		return q.group(b, e.Terms, " AND ", parent != "" && parent != " AND ")
	case *lower.Or:
		return q.group(b, e.Terms, " OR ", parent != "" && parent != " OR ")
	case *lower.Not:
		if p, ok := e.X.(*lower.Pred); ok && (p.Kind == lower.Null || p.Kind == lower.Exists) {
			if err := q.common(p); err != nil {
				return err
			}
			// IS NULL / IS NOT NULL are never null themselves.
			if p.Kind == lower.Null {
				b.WriteString(esqlField(p.Field) + " IS NOT NULL")
			} else {
				b.WriteString(esqlField(p.Field) + " IS NULL")
			}
			return nil
		}
		b.WriteString("NOT COALESCE(")
		if err := q.expr(b, e.X, ","); err != nil {
			return err
		}
		b.WriteString(", false)")
		return nil
	case *lower.Pred:
		return q.pred(b, e)
	}
	return nil
}

func (q *esql) group(b *strings.Builder, terms []lower.Expr, op string, paren bool) error {
	if paren {
		b.WriteByte('(')
	}
	for i, t := range terms {
		if i > 0 {
			b.WriteString(op)
		}
		if err := q.expr(b, t, op); err != nil {
			return err
		}
	}
	if paren {
		b.WriteByte(')')
	}
	return nil
}

func (q *esql) pred(b *strings.Builder, p *lower.Pred) error {
	if err := q.common(p); err != nil {
		return err
	}
	if p.Kind != lower.Null && p.Kind != lower.Exists {
		if shape, _ := p.Shape(); p.Kind != lower.Match || shape != lower.ShapeAny {
			q.valueTests = true
		}
	}
	f := esqlField(p.Field)
	typ := typeOf(q.tbl, p.Field)
	switch p.Kind {
	case lower.Null:
		b.WriteString(f + " IS NULL")
	case lower.Exists:
		b.WriteString(f + " IS NOT NULL")
	case lower.Bool:
		lit := "false"
		if p.Bool {
			lit = "true"
		}
		if typ == typeBool {
			b.WriteString(f + " == " + lit)
		} else {
			b.WriteString("TO_LOWER(TO_STRING(" + f + ")) == " + esqlString(lit))
		}
	case lower.Number:
		if typ == typeNumber {
			b.WriteString(f + " == " + p.Num.Raw)
		} else {
			// The field is a string (or of unknown type): compare the
			// written form, which is how Sigma matches numbers in strings.
			b.WriteString("TO_STRING(" + f + ") == " + esqlString(p.Num.Raw))
		}
	case lower.Compare:
		if typ == typeNumber {
			b.WriteString(f + " " + compareOp(p.Op) + " " + p.Num.Raw)
		} else {
			b.WriteString("TO_DOUBLE(" + f + ") " + compareOp(p.Op) + " " + p.Num.Raw)
		}
	case lower.CIDR:
		if typ == typeIP {
			b.WriteString("CIDR_MATCH(" + f + ", " + esqlString(p.Prefix.String()) + ")")
		} else {
			b.WriteString("CIDR_MATCH(TO_IP(" + f + "), " + esqlString(p.Prefix.String()) + ")")
		}
	case lower.Regex:
		re, err := predRegex(p)
		if err != nil {
			return q.unsupported(p, "re modifier", "%v", err)
		}
		b.WriteString(f + " RLIKE " + esqlString(re))
	case lower.FieldRef:
		return q.fieldRef(b, p)
	case lower.Match:
		return q.match(b, f, p)
	}
	return nil
}

func (q *esql) match(b *strings.Builder, f string, p *lower.Pred) error {
	shape, lit := p.Shape()
	if shape == lower.ShapeAny {
		b.WriteString(f)
		b.WriteString(" IS NOT NULL")
		return nil
	}
	// string operators take no ip or boolean values
	typed := typeOf(q.tbl, p.Field) != typeUnknown
	ci := !p.Cased && partsHaveCase(p.Pattern)
	// Written piece by piece, the field wrapped in TO_LOWER / TO_STRING
	// and the value lowercased on the way: this runs for most predicates.
	field := func() {
		if ci {
			b.WriteString("TO_LOWER(")
		}
		if typed {
			b.WriteString("TO_STRING(")
		}
		b.WriteString(f)
		if typed {
			b.WriteByte(')')
		}
		if ci {
			b.WriteByte(')')
		}
	}
	switch shape {
	case lower.ShapeExact:
		field()
		b.WriteString(" == ")
		writeESQLText(b, lit, ci, false)
	case lower.ShapePrefix:
		b.WriteString("STARTS_WITH(")
		field()
		b.WriteString(", ")
		writeESQLText(b, lit, ci, false)
		b.WriteByte(')')
	case lower.ShapeSuffix:
		b.WriteString("ENDS_WITH(")
		field()
		b.WriteString(", ")
		writeESQLText(b, lit, ci, false)
		b.WriteByte(')')
	default:
		field()
		b.WriteString(" LIKE ")
		writeESQLLike(b, p.Pattern, ci)
	}
	return nil
}

// fieldRef compares two fields; case-insensitively both sides are
// lowercased.
func (q *esql) fieldRef(b *strings.Builder, p *lower.Pred) error {
	l, r := esqlField(p.Field), esqlField(p.RefField)
	if !p.Cased {
		l, r = "TO_LOWER("+l+")", "TO_LOWER("+r+")"
	}
	switch p.RefOp {
	case ir.OpEqual:
		b.WriteString(l + " == " + r)
	case ir.OpStartsWith:
		b.WriteString("STARTS_WITH(" + l + ", " + r + ")")
	case ir.OpEndsWith:
		b.WriteString("ENDS_WITH(" + l + ", " + r + ")")
	case ir.OpContains:
		b.WriteString("LOCATE(" + l + ", " + r + ") > 0")
	default:
		return q.unsupported(p, "fieldref modifier", "operator %s is not supported with fieldref", p.RefOp)
	}
	return nil
}

// esqlString writes an ES|QL string literal. The grammar knows the escapes
// \t \n \r \" \\; other characters stand for themselves.
func esqlString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4 + 2)
	writeESQLString(&b, s)
	return b.String()
}

// writeESQLString writes esqlString(s) to b.
func writeESQLString(b *strings.Builder, s string) {
	writeESQLText(b, s, false, false)
}

// writeESQLLike writes a Sigma pattern as the string literal of an ES|QL
// LIKE pattern: literal *, ? and \ are escaped with a backslash (which
// the string escaping doubles), without intermediate strings.
func writeESQLLike(b *strings.Builder, parts []ir.StrPart, lowerCase bool) {
	b.WriteByte('"')
	for _, p := range parts {
		switch p.Kind {
		case ir.PartLit:
			writeESQLChars(b, p.Text, lowerCase, true)
		case ir.PartWildMany:
			b.WriteByte('*')
		case ir.PartWildOne:
			b.WriteByte('?')
		}
	}
	b.WriteByte('"')
}

// writeESQLText writes s as an ES|QL string literal, lowercased
// (strings.ToLower) when lowerCase is set and with *, ? and \ escaped for
// LIKE when like is set.
func writeESQLText(b *strings.Builder, s string, lowerCase, like bool) {
	b.WriteByte('"')
	writeESQLChars(b, s, lowerCase, like)
	b.WriteByte('"')
}

// writeESQLChars writes the characters of writeESQLText. Runs of ASCII
// characters that need no escape (nor lowercasing) are copied at once;
// other characters go one rune at a time, invalid UTF-8 as U+FFFD, as
// ranging over the string and strings.ToLower do.
func writeESQLChars(b *strings.Builder, s string, lowerCase, like bool) {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf && c != '"' && c != '\\' && c != '\n' && c != '\r' && c != '\t' &&
			!(lowerCase && 'A' <= c && c <= 'Z') && !(like && (c == '*' || c == '?')) {
			i++
			continue
		}
		b.WriteString(s[start:i])
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		start = i
		if lowerCase {
			r = unicode.ToLower(r)
		}
		if like && (r == '*' || r == '?' || r == '\\') {
			b.WriteString(`\\`) // LIKE's backslash, doubled by the string escaping
		}
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteString(s[start:])
}

// esqlField quotes a field name with backticks unless it is a plain
// dotted identifier.
func esqlField(name string) string {
	if plainIdent(name, true) {
		return name
	}
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// plainIdent reports whether name is letters, digits, _ and (with dots)
// '.', not starting with a digit and with no empty dotted component.
func plainIdent(name string, dots bool) bool {
	if name == "" {
		return false
	}
	for rest := name; ; { // dotted components, without allocating
		part, tail, more := strings.Cut(rest, ".")
		if part == "" || !dots && more {
			return false
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
				return false
			}
		}
		if !more {
			break
		}
		rest = tail
	}
	return !isReservedWord(name)
}

var reservedWords = map[string]bool{
	"and": true, "or": true, "not": true, "null": true, "true": true, "false": true,
	"in": true, "is": true, "like": true, "rlike": true, "where": true, "by": true,
	"sequence": true, "sample": true, "with": true, "of": true, "any": true, "join": true,
	"until": true, "regex": true,
}

func isReservedWord(s string) bool { return reservedWords[strings.ToLower(s)] }
