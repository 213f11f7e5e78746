package elastic

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/sigconv/sigconv/backends/internal/lower"
	"github.com/sigconv/sigconv/ir"
)

// eql prints a lowered expression as an EQL condition.
//
// ":" is EQL's case-insensitive string equality with * and ? wildcards;
// "==" is case-sensitive and literal, "like" is case-sensitive with
// wildcards, "regex" takes a Lucene regular expression. EQL strings have no
// escape for a literal * or ? in a wildcard pattern, so such values are
// matched with regex, as are case-sensitive values with them.
type eql struct {
	*conv
}

func (q *eql) expr(b *strings.Builder, e lower.Expr, parent string) error {
	switch e := e.(type) {
	case *lower.And:
		return q.group(b, e.Terms, " and ", parent != "" && parent != " and ")
	case *lower.Or:
		if q.list(b, e.Terms) {
			return nil
		}
		return q.group(b, e.Terms, " or ", parent != "" && parent != " or ")
	case *lower.Not:
		// "not" always gets a parenthesised operand: EQL's precedence
		// between not and the lookup operators is easy to misread.
		b.WriteString("not (")
		if err := q.expr(b, e.X, ""); err != nil {
			return err
		}
		b.WriteByte(')')
		return nil
	case *lower.Pred:
		return q.pred(b, e)
	}
	return nil
}

func (q *eql) group(b *strings.Builder, terms []lower.Expr, op string, paren bool) error {
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

// list prints values of one field as a lookup: f : ("a", "b*") when every
// value is a case-insensitive pattern without literal wildcards, f in
// ("A", "B") when every value is an exact case-sensitive string.
func (q *eql) list(b *strings.Builder, terms []lower.Expr) bool {
	field, preds, ok := lower.SameField(terms)
	if !ok || len(preds) < 2 || typeOf(q.tbl, field) != typeUnknown {
		return false
	}
	vals := make([]string, 0, len(preds))
	exact := true
	for _, p := range preds {
		if q.common(p) != nil || p.Kind != lower.Match || literalWildcards(p.Pattern) {
			return false
		}
		shape, lit := p.Shape()
		if shape == lower.ShapeAny || shape == lower.ShapeExact && lit == "" {
			return false
		}
		if shape != lower.ShapeExact || !p.Cased && hasCase(lit) {
			exact = false
		}
		if p.Cased && shape != lower.ShapeExact {
			return false
		}
		vals = append(vals, eqlString(eqlWildcard(p.Pattern)))
	}
	op := " : ("
	if exact {
		op = " in ("
	}
	writeAll(b, eqlField(field), op, strings.Join(vals, ", "), ")")
	return true
}

func (q *eql) pred(b *strings.Builder, p *lower.Pred) error {
	if err := q.common(p); err != nil {
		return err
	}
	f := eqlField(p.Field)
	typ := typeOf(q.tbl, p.Field)
	switch p.Kind {
	case lower.Null:
		writeAll(b, f, " == null")
	case lower.Exists:
		writeAll(b, f, " != null")
	case lower.Bool:
		if typ == typeBool {
			b.WriteString(fmt.Sprintf("%s == %t", f, p.Bool))
		} else {
			b.WriteString(fmt.Sprintf("%s : \"%t\"", f, p.Bool))
		}
	case lower.Number:
		if typ == typeNumber {
			writeAll(b, f, " == ", p.Num.Raw)
		} else {
			writeAll(b, f, " : ", eqlString(p.Num.Raw))
		}
	case lower.Compare:
		if typ == typeNumber {
			writeAll(b, f, " ", compareOp(p.Op), " ", p.Num.Raw)
		} else {
			// EQL is typed: a keyword field (event.code, ...) is compared
			// numerically through number().
			writeAll(b, "number(", f, ") ", compareOp(p.Op), " ", p.Num.Raw)
		}
	case lower.CIDR:
		if typ != typeIP {
			return q.unsupported(p, "cidr modifier", "field %s is not an ip field; EQL's cidrMatch takes ip fields only", p.Field)
		}
		writeAll(b, "cidrMatch(", f, ", ", eqlString(p.Prefix.String()), ")")
	case lower.Regex:
		re, err := predRegex(p)
		if err != nil {
			return q.unsupported(p, "re modifier", "%v", err)
		}
		writeAll(b, f, " regex ", eqlString(re))
	case lower.FieldRef:
		return q.unsupported(p, "fieldref modifier", "EQL cannot compare two fields of an event")
	case lower.Match:
		return q.match(b, f, p)
	}
	return nil
}

func (q *eql) match(b *strings.Builder, f string, p *lower.Pred) error {
	shape, lit := p.Shape()
	if shape != lower.ShapeAny && typeOf(q.tbl, p.Field) == typeBool {
		return q.unsupported(p, "value", "%v", boolMismatch(p))
	}
	if shape != lower.ShapeAny && typeOf(q.tbl, p.Field) == typeNumber {
		return q.unsupported(p, "value", "%v", numberMismatch(p))
	}
	if shape != lower.ShapeAny && typeOf(q.tbl, p.Field) == typeIP {
		// ":" and like compare strings only; an address is a /32 or
		// /128 network.
		ip, err := ipValue(p)
		if err != nil {
			return q.unsupported(p, "value", "%v", err)
		}
		writeAll(b, "cidrMatch(", f, ", ", eqlString(netip.PrefixFrom(netip.MustParseAddr(ip), netip.MustParseAddr(ip).BitLen()).String()), ")")
		return nil
	}
	switch {
	case shape == lower.ShapeAny:
		writeAll(b, f, " != null")
	case shape == lower.ShapeExact && (p.Cased || !hasCase(lit)):
		writeAll(b, f, " == ", eqlString(lit))
	case literalWildcards(p.Pattern):
		re := patternRegex(p.Pattern, !p.Cased)
		writeAll(b, f, " regex ", eqlString(re))
	case p.Cased:
		writeAll(b, f, " like ", eqlString(eqlWildcard(p.Pattern)))
	default:
		writeAll(b, f, " : ", eqlString(eqlWildcard(p.Pattern)))
	}
	return nil
}

// literalWildcards reports whether a literal part holds * or ?, which EQL
// wildcard patterns cannot escape.
func literalWildcards(parts []ir.StrPart) bool {
	for _, p := range parts {
		if p.Kind == ir.PartLit && strings.ContainsAny(p.Text, "*?") {
			return true
		}
	}
	return false
}

func eqlWildcard(parts []ir.StrPart) string {
	var b strings.Builder
	b.Grow(patternLen(parts))
	for _, p := range parts {
		switch p.Kind {
		case ir.PartLit:
			b.WriteString(p.Text)
		case ir.PartWildMany:
			b.WriteByte('*')
		case ir.PartWildOne:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// eqlString writes an EQL string literal with the documented escapes
// (\n \r \t \\ \") and \u{...} for other control characters.
func eqlString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4 + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u{%02x}`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// eqlField escapes a field name with backticks when it is not a plain
// dotted identifier.
func eqlField(name string) string {
	if plainIdent(name, true) {
		return name
	}
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// eqlCategory returns the EQL event category (ECS event.category) for a
// Sigma logsource category, as the Winlogbeat Sysmon module sets it
// (x-pack/winlogbeat/module/sysmon/config/winlogbeat-sysmon.js: image
// loads are "process", DNS queries "network", drivers "driver"); "any"
// when no category is certain, which never drops a matching event.
func eqlCategory(category string) string {
	switch {
	case category == "process_creation" || category == "process_termination" || category == "process_access" ||
		category == "image_load" || category == "process_tampering":
		return "process"
	case category == "network_connection" || category == "dns_query":
		return "network"
	case category == "driver_load":
		return "driver"
	case strings.HasPrefix(category, "registry_"):
		return "registry"
	case strings.HasPrefix(category, "file_") || category == "create_stream_hash" || category == "pipe_created":
		return "file"
	}
	return "any"
}
