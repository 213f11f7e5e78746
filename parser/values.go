package parser

import (
	"math"
	"net/netip"
	"regexp/syntax"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigconv/sigconv/ir"
)

// value types one scalar according to the item's resolved Match. It reports
// problems and returns nil for an unusable value.
func (p *fileParser) value(n *yaml.Node, it *ir.Item) ir.Value {
	pos := p.pos(n)
	m := &it.Match
	tag := n.ShortTag()
	switch {
	case m.Op == ir.OpExists:
		if tag != "!!bool" {
			p.errorf(n, ir.CodeInvalidValue, "modifier \"exists\" needs true or false, found %s", kindName(n))
			return nil
		}
		return &ir.Bool{Pos: pos, Value: parseBool(n.Value)}
	case m.Op.IsNumeric() || m.TimePart != ir.TimeNone:
		if tag != "!!int" && tag != "!!float" {
			p.errorf(n, ir.CodeInvalidValue, "%s needs a number, found %s", opName(it), kindName(n))
			return nil
		}
		return p.number(n)
	}
	stringOnly := m.Op != ir.OpEqual || len(m.Encodings) > 0 || m.Expand || m.FieldRef || m.Cased
	var raw string
	switch tag {
	case "!!null":
		if stringOnly {
			p.errorf(n, ir.CodeInvalidValue, "%s needs a string, found null", opName(it))
			return nil
		}
		return &ir.Null{Pos: pos}
	case "!!bool":
		if stringOnly {
			p.errorf(n, ir.CodeInvalidValue, "%s needs a string, found the boolean %s", opName(it), n.Value)
			return nil
		}
		return &ir.Bool{Pos: pos, Value: parseBool(n.Value)}
	case "!!int", "!!float":
		if !stringOnly {
			return p.number(n)
		}
		raw = n.Value // a number used as text, e.g. `CommandLine|contains: 1337`
	default:
		raw = n.Value // strings, and timestamps or binary kept as written
	}
	switch m.Op {
	case ir.OpRegex:
		if _, err := syntax.Parse(raw, syntax.Perl); err != nil {
			p.errorf(n, ir.CodeInvalidRegex, "invalid regular expression (RE2 syntax): %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			return nil
		}
		return &ir.String{Pos: pos, Raw: raw, Parts: []ir.StrPart{{Kind: ir.PartLit, Text: raw}}}
	case ir.OpCIDR:
		if _, err := netip.ParsePrefix(raw); err != nil {
			if _, err2 := netip.ParseAddr(raw); err2 != nil {
				p.errorf(n, ir.CodeInvalidValue, "invalid CIDR network %q", raw)
				return nil
			}
		}
		return &ir.String{Pos: pos, Raw: raw, Parts: []ir.StrPart{{Kind: ir.PartLit, Text: raw}}}
	}
	s := &ir.String{Pos: pos, Raw: raw, Parts: ParseString(raw, m.Expand)}
	if m.FieldRef && !s.IsPlain() {
		p.errorf(n, ir.CodeInvalidValue, "a field reference must not contain wildcards")
		return nil
	}
	if m.FieldRef && raw == "" {
		p.errorf(n, ir.CodeInvalidValue, "a field reference needs a field name")
		return nil
	}
	for _, e := range m.Encodings {
		if e != ir.EncWindash && !s.IsPlain() {
			p.errorf(n, ir.CodeInvalidValue, "modifier %q cannot encode a value with wildcards or placeholders (escape them as \\* \\?)", e.String())
			return nil
		}
	}
	return s
}

// parseBool reads a YAML 1.2 boolean.
func parseBool(s string) bool {
	return s == "true" || s == "True" || s == "TRUE"
}

// number converts an int or float scalar.
func (p *fileParser) number(n *yaml.Node) *ir.Number {
	num := &ir.Number{Pos: p.pos(n), Raw: n.Value}
	if n.ShortTag() == "!!int" {
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			num.IsInt, num.Int, num.Float = true, i, float64(i)
			return num
		}
	}
	switch strings.ToLower(strings.TrimPrefix(n.Value, "+")) {
	case ".inf":
		num.Float = math.Inf(1)
	case "-.inf":
		num.Float = math.Inf(-1)
	case ".nan":
		num.Float = math.NaN()
	default:
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err != nil {
			p.errorf(n, ir.CodeInvalidValue, "invalid number %q", n.Value)
		}
		num.Float = f
	}
	return num
}
