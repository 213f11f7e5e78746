package elastic

import (
	"strings"
	"unicode/utf8"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/backends/internal/lower"
	"github.com/sigconv/sigconv/ir"
)

// WarnCaseSensitive is the warning ID of a Lucene term emitted
// case-sensitively although the rule is case-insensitive.
const WarnCaseSensitive = "case-sensitive-fallback"

// lucene prints a lowered expression in Lucene query_string syntax.
//
// Every group is parenthesised because the classic query parser has no
// real operator precedence, and NOT is wrapped in its own group unless it
// is a direct term of an AND, since "a OR NOT b" would make b prohibited
// for the whole disjunction.
type lucene struct {
	*conv
}

func (l *lucene) expr(b *strings.Builder, e lower.Expr, parent string) error {
	switch e := e.(type) {
	case *lower.And:
		return l.group(b, e.Terms, " AND ", parent != "")
	case *lower.Or:
		return l.group(b, e.Terms, " OR ", parent != "")
	case *lower.Not:
		wrap := parent == " OR "
		if wrap {
			b.WriteByte('(')
		}
		b.WriteString("NOT ")
		if err := l.expr(b, e.X, "NOT"); err != nil {
			return err
		}
		if wrap {
			b.WriteByte(')')
		}
		return nil
	case *lower.Pred:
		return l.pred(b, e)
	}
	return nil
}

func (l *lucene) group(b *strings.Builder, terms []lower.Expr, op string, paren bool) error {
	if paren {
		b.WriteByte('(')
	}
	for i, t := range terms {
		if i > 0 {
			b.WriteString(op)
		}
		if err := l.expr(b, t, op); err != nil {
			return err
		}
	}
	if paren {
		b.WriteByte(')')
	}
	return nil
}

func (l *lucene) pred(b *strings.Builder, p *lower.Pred) error {
	if err := l.common(p); err != nil {
		return err
	}
	f := luceneField(p.Field)
	switch p.Kind {
	case lower.Null:
		writeAll(b, "(NOT _exists_:", f, ")")
	case lower.Exists:
		writeAll(b, "_exists_:", f)
	case lower.Bool:
		if p.Bool {
			writeAll(b, f, ":true")
		} else {
			writeAll(b, f, ":false")
		}
	case lower.Number:
		writeAll(b, f, ":", luceneQuote(p.Num.Raw))
	case lower.Compare:
		if typeOf(l.tbl, p.Field) != typeNumber {
			return l.unsupported(p, p.Op.String()+" modifier", "field %s is not known to be numeric; a query_string range on a keyword field compares strings, not numbers", p.Field)
		}
		writeAll(b, f, ":", compareOp(p.Op), luceneEscape(p.Num.Raw))
	case lower.CIDR:
		if typeOf(l.tbl, p.Field) != typeIP {
			return l.unsupported(p, "cidr modifier", "field %s is not an ip field; Lucene matches CIDR networks only on ip fields", p.Field)
		}
		writeAll(b, f, ":", luceneQuote(p.Prefix.String()))
	case lower.Regex:
		re, err := predRegex(p)
		if err != nil {
			return l.unsupported(p, "re modifier", "%v", err)
		}
		writeAll(b, f, ":/", escapeSlash(re), "/")
	case lower.Match:
		return l.match(b, f, p)
	case lower.FieldRef:
		return l.unsupported(p, "fieldref modifier", "Lucene cannot compare two fields of an event")
	}
	return nil
}

// match prints a string pattern. Case-sensitive patterns and patterns
// without cased characters are exact terms or wildcards; a case-insensitive
// pattern with cased characters becomes a regular expression whose
// character classes hold every case variant, because query_string offers no
// case_insensitive option and ECS keyword and wildcard fields have no
// lowercase normalizer.
func (l *lucene) match(b *strings.Builder, f string, p *lower.Pred) error {
	shape, lit := p.Shape()
	if shape == lower.ShapeAny {
		writeAll(b, "_exists_:", f)
		return nil
	}
	typ := typeOf(l.tbl, p.Field)
	if typ == typeBool {
		return l.unsupported(p, "value", "%v", boolMismatch(p))
	}
	if typ == typeNumber {
		return l.unsupported(p, "value", "%v", numberMismatch(p))
	}
	if typ == typeIP {
		ip, err := ipValue(p)
		if err != nil {
			return l.unsupported(p, "value", "%v", err)
		}
		writeAll(b, f, ":", luceneQuote(ip))
		return nil
	}
	if shape == lower.ShapeExact && lit == "" {
		// A quoted empty phrase parses to no query at all; the regexp ()
		// matches exactly the empty string (also as one value of an
		// array).
		writeAll(b, f, ":/()/")
		return nil
	}
	fold := !p.Cased && partsHaveCase(p.Pattern)
	if fold {
		re := patternRegex(p.Pattern, true)
		if len(re) <= maxRegexLength && !l.cfg.caseSensitiveLucene {
			writeAll(b, f, ":/", escapeSlash(re), "/")
			return nil
		}
		if l.cfg.caseSensitiveLucene {
			l.warn(p, WarnCaseSensitive, "%q is matched case-sensitively (config case_sensitive_fallback)", lower.PatternString(p.Pattern))
		} else {
			l.warn(p, WarnCaseSensitive, "%q is matched case-sensitively: its case-insensitive regexp would exceed Elasticsearch's index.max_regex_length of %d", lower.PatternString(p.Pattern), maxRegexLength)
		}
	}
	if shape == lower.ShapeExact {
		writeAll(b, f, ":", luceneQuote(lit))
		return nil
	}
	writeAll(b, f, ":", luceneWildcard(p.Pattern))
	return nil
}

func partsHaveCase(parts []ir.StrPart) bool {
	for _, q := range parts {
		if q.Kind == ir.PartLit && hasCase(q.Text) {
			return true
		}
	}
	return false
}

func compareOp(op ir.Op) string {
	switch op {
	case ir.OpLT:
		return "<"
	case ir.OpLTE:
		return "<="
	case ir.OpGT:
		return ">"
	}
	return ">="
}

// writeAll writes the strings to b one after another, without
// concatenating them first.
func writeAll(b *strings.Builder, parts ...string) {
	for _, s := range parts {
		b.WriteString(s)
	}
}

// luceneReserved are the characters query_string gives a meaning to
// (https://www.elastic.co/guide/en/elasticsearch/reference/current/query-dsl-query-string-query.html#_reserved_characters),
// plus the single & and |, which the classic parser's && and || start.
const luceneReserved = `+-=&|><!(){}[]^"~*?:\/`

// luceneEscape escapes every reserved character and whitespace of s with a
// backslash so that it is one literal term.
func luceneEscape(s string) string {
	if strings.IndexFunc(s, luceneSpecial) < 0 && utf8.ValidString(s) {
		return s // the common case: nothing to escape or replace
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		if luceneSpecial(r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// luceneSpecial reports whether luceneEscape escapes r.
func luceneSpecial(r rune) bool {
	return strings.ContainsRune(luceneReserved, r) || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u3000'
}

// luceneQuote writes s as a quoted phrase: only " and \ are special inside
// quotes. A quoted value is never read as a range (ES treats a leading > or
// < of an unquoted term as a one-sided range even when escaped).
func luceneQuote(s string) string {
	if !strings.ContainsAny(s, "\"\\") && utf8.ValidString(s) {
		return `"` + s + `"`
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r == '"' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// luceneWildcard writes a pattern as an unquoted wildcard term: literal
// text escaped, * and ? bare.
func luceneWildcard(parts []ir.StrPart) string {
	var b strings.Builder
	for _, p := range parts {
		switch p.Kind {
		case ir.PartLit:
			b.WriteString(luceneEscape(p.Text))
		case ir.PartWildMany:
			b.WriteByte('*')
		case ir.PartWildOne:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// luceneField escapes a field name: reserved characters and whitespace are
// backslash-escaped ('*' in a field name would otherwise expand to many
// fields).
func luceneField(name string) string { return luceneEscape(name) }

// escapeSlash prepares a regular expression for query_string's /.../
// syntax: an unescaped '/' would end it (luceneRegex escapes every '/'
// already), and an escaped backslash right before the closing '/' would be
// read by the query lexer as an escaped slash, so a trailing \\ is written
// as the class [\\].
func escapeSlash(re string) string {
	if !strings.Contains(re, "/") && !strings.HasSuffix(re, "\\") && utf8.ValidString(re) {
		return re // the common case: nothing to change
	}
	var b strings.Builder
	esc := false
	for _, r := range re {
		if r == '/' && !esc {
			b.WriteByte('\\')
		}
		esc = r == '\\' && !esc
		b.WriteRune(r)
	}
	s := b.String()
	n := len(s) - len(strings.TrimRight(s, `\`))
	if n > 0 && n%2 == 0 {
		s = s[:len(s)-2] + `[\\]`
	}
	return s
}

var _ = backends.Unsupported
