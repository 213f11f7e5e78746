package kql

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/sigconv/sigconv/backends/internal/lower"
	"github.com/sigconv/sigconv/ir"
)

// This file prints the predicate kinds whose KQL depends on the column
// type: string matches, numbers, time parts, CIDR ranges, field references
// and keywords.

func (e *emitter) match(p *lower.Pred, c col, neg bool) (string, error) {
	shape, lit := p.Shape()
	if shape == lower.ShapeAny || (shape == lower.ShapeExact && lit == "") {
		e.noteEmpty(p, c)
	}
	if shape == lower.ShapeAny {
		switch {
		case c.isString() && neg:
			return "isempty(" + c.name + ")", nil
		case c.isString():
			return "isnotempty(" + c.name + ")", nil
		case neg:
			return "isnull(" + c.name + ")", nil
		}
		return "isnotnull(" + c.name + ")", nil
	}
	if shape == lower.ShapeExact {
		if c.isNumeric() {
			if n, ok := numericLiteral(lit); ok {
				return binary(c.name, "==", n, neg), nil
			}
		}
		if (c.typ == "bool" || c.typ == "boolean") && (strings.EqualFold(lit, "true") || strings.EqualFold(lit, "false")) && !p.Cased {
			return binary(c.name, "==", strings.ToLower(lit), neg), nil
		}
	}
	x := c.asString()
	if shape == lower.ShapeWildcard {
		re, err := quote(wildcardRegex(p.Pattern, p.Cased, true))
		if err != nil {
			return "", e.unsupported(p, "value", "%v", err)
		}
		return not(x+" matches regex "+re, neg), nil
	}
	q, err := quote(lit)
	if err != nil {
		return "", e.unsupported(p, "value", "%v", err)
	}
	var op string
	switch shape {
	case lower.ShapeExact:
		op = "=~"
		if p.Cased {
			op = "=="
		}
		return binary(x, op, q, neg), nil
	case lower.ShapePrefix:
		op = "startswith"
	case lower.ShapeSuffix:
		op = "endswith"
	case lower.ShapeContains:
		op = "contains"
	}
	if p.Cased {
		op += "_cs"
	}
	return binary(x, op, q, neg), nil
}

// wildcardRegex turns a Sigma pattern into an RE2 expression: * is any run
// of characters (newlines included, hence the s flag), ? exactly one.
// Matching is case-insensitive unless cased; anchored patterns must match
// the whole value.
func wildcardRegex(parts []ir.StrPart, cased, anchored bool) string {
	var b strings.Builder
	if cased {
		b.WriteString("(?s)")
	} else {
		b.WriteString("(?is)")
	}
	if anchored {
		b.WriteByte('^')
	}
	for _, q := range parts {
		switch q.Kind {
		case ir.PartLit:
			b.WriteString(regexp.QuoteMeta(q.Text))
		case ir.PartWildMany:
			b.WriteString(".*")
		case ir.PartWildOne:
			b.WriteByte('.')
		}
	}
	if anchored {
		b.WriteByte('$')
	}
	return b.String()
}

func (e *emitter) number(p *lower.Pred, c col, neg bool) (string, error) {
	n := numberText(p.Num)
	switch {
	case c.isNumeric():
		// null != n is true, so the negation needs no guard.
		return binary(c.name, "==", n, neg), nil
	case c.typ == "string":
		return binary(c.name, "==", strconv.Quote(p.Num.Raw), neg), nil
	}
	// Unknown or other types: compare the text, which works for any type.
	return binary("tostring("+c.name+")", "==", strconv.Quote(p.Num.Raw), neg), nil
}

// timeParts maps Sigma time-part modifiers to datetime_part part names.
var timeParts = map[ir.TimePart]string{
	ir.TimeMinute: "minute", ir.TimeHour: "hour", ir.TimeDay: "day",
	ir.TimeWeek: "week_of_year", ir.TimeMonth: "month", ir.TimeYear: "year",
}

func (e *emitter) timePart(p *lower.Pred, c col, neg bool) (string, error) {
	x := c.name
	if c.typ != "datetime" {
		x = "todatetime(" + c.asString() + ")"
	}
	x = fmt.Sprintf("datetime_part(%q, %s)", timeParts[p.TimePart], x)
	switch p.Kind {
	case lower.Number:
		return binary(x, "==", numberText(p.Num), neg), nil
	case lower.Compare:
		return compare(x, p.Op, numberText(p.Num), neg), nil
	case lower.Match:
		if shape, lit := p.Shape(); shape == lower.ShapeExact {
			if n, ok := numericLiteral(lit); ok {
				return binary(x, "==", n, neg), nil
			}
		}
	}
	return "", e.unsupported(p, p.TimePart.String()+" modifier", "the value must be a whole number")
}

// ipv4Mapped is the IPv6 range holding IPv4-mapped addresses, which Kusto's
// ipv6_is_in_range also produces for plain IPv4 text.
var ipv4Mapped = netip.MustParsePrefix("::ffff:0:0/96")

func (e *emitter) cidr(p *lower.Pred, c col, neg bool) (string, error) {
	pfx := p.Prefix
	fn := "ipv4_is_in_range"
	if pfx.Addr().Is6() {
		fn = "ipv6_is_in_range"
	}
	s := fmt.Sprintf("%s(%s, %q)", fn, c.asString(), pfx.String())
	if pfx.Addr().Is6() && pfx.Overlaps(ipv4Mapped) {
		// IPv4 text would be taken as ::ffff:a.b.c.d; Sigma keeps families
		// apart, and IPv6 text always has a colon.
		s = fmt.Sprintf("(%s contains \":\" and %s)", c.asString(), s)
		return not(s, neg), nil
	}
	if neg {
		// The functions return null for text that is no address of the
		// family; null != true is true.
		return s + " != true", nil
	}
	return s, nil
}

func (e *emitter) fieldRef(p *lower.Pred, c col, neg bool) (string, error) {
	rp := *p
	rc, err := e.column(&rp, p.RefField)
	if err != nil {
		return "", err
	}
	if p.RefOp == ir.OpEqual && c.isNumeric() && rc.isNumeric() {
		return binary(c.name, "==", rc.name, neg), nil
	}
	var op string
	switch p.RefOp {
	case ir.OpEqual:
		op = "=~"
		if p.Cased {
			op = "=="
		}
		return binary(c.asString(), op, rc.asString(), neg), nil
	case ir.OpContains:
		op = "contains"
	case ir.OpStartsWith:
		op = "startswith"
	case ir.OpEndsWith:
		op = "endswith"
	default:
		return "", e.unsupported(p, "fieldref modifier", "operator %s cannot compare two fields", p.RefOp)
	}
	if p.Cased {
		op += "_cs"
	}
	return binary(c.asString(), op, rc.asString(), neg), nil
}

// keyword prints a keyword search. `* contains "x"` tests every column of
// the row (Kusto's column wildcard), which is Sigma's "substring anywhere in
// the event".
func (e *emitter) keyword(p *lower.Pred, neg bool) (string, error) {
	var parts []ir.StrPart
	switch p.Kind {
	case lower.Match:
		parts = p.Pattern
	case lower.Number:
		parts = []ir.StrPart{{Kind: ir.PartLit, Text: p.Num.Raw}}
	default:
		return "", e.unsupported(p, "keyword", "a %s keyword has no meaning as a full-text search", p.Kind)
	}
	kp := lower.Pred{Kind: lower.Match, Pattern: wrapAny(parts)}
	shape, lit := kp.Shape()
	switch shape {
	case lower.ShapeAny:
		if neg {
			return "false", nil
		}
		return "true", nil
	case lower.ShapeContains:
		q, err := quote(lit)
		if err != nil {
			return "", e.unsupported(p, "keyword", "%v", err)
		}
		op := "contains"
		if p.Cased {
			op += "_cs"
		}
		return not("* "+op+" "+q, neg), nil
	}
	q, err := quote(wildcardRegex(parts, p.Cased, false))
	if err != nil {
		return "", e.unsupported(p, "keyword", "%v", err)
	}
	return not("* matches regex "+q, neg), nil
}

// wrapAny surrounds parts with * (a keyword matches anywhere), merging runs.
func wrapAny(parts []ir.StrPart) []ir.StrPart {
	out := []ir.StrPart{{Kind: ir.PartWildMany}}
	for _, q := range parts {
		if q.Kind == ir.PartWildMany && out[len(out)-1].Kind == ir.PartWildMany {
			continue
		}
		out = append(out, q)
	}
	if out[len(out)-1].Kind != ir.PartWildMany {
		out = append(out, ir.StrPart{Kind: ir.PartWildMany})
	}
	return out
}
