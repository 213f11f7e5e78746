package pipeline

import (
	"strings"

	"github.com/sigconv/sigconv/ir"
	"gopkg.in/yaml.v3"
)

// parseItemsImpl is a small reader for the search mappings pipelines embed
// (add_condition, replace_detection_item): field|mods: value(s) with the
// comparison modifiers. It stands in until parser.ParseItems is available.
func parseItemsImpl(file string, n *yaml.Node) ([]*ir.Item, ir.ErrorList) {
	l := &loader{file: file}
	kv, ok := l.mapping(n, "a search mapping")
	if !ok {
		return nil, l.errs
	}
	var out []*ir.Item
	for _, e := range kv {
		parts := strings.Split(e.Key, "|")
		it := &ir.Item{Pos: l.pos(e.KeyN), Field: parts[0]}
		for _, m := range parts[1:] {
			it.Modifiers = append(it.Modifiers, ir.Modifier{Pos: it.Pos, Name: m})
			switch m {
			case "contains":
				it.Match.Op = ir.OpContains
			case "startswith":
				it.Match.Op = ir.OpStartsWith
			case "endswith":
				it.Match.Op = ir.OpEndsWith
			case "re":
				it.Match.Op = ir.OpRegex
			case "cidr":
				it.Match.Op = ir.OpCIDR
			case "exists":
				it.Match.Op = ir.OpExists
			case "lt":
				it.Match.Op = ir.OpLT
			case "lte":
				it.Match.Op = ir.OpLTE
			case "gt":
				it.Match.Op = ir.OpGT
			case "gte":
				it.Match.Op = ir.OpGTE
			case "all":
				it.Match.All = true
			case "cased":
				it.Match.Cased = true
			case "neq":
				it.Match.Negate = true
			case "expand":
				it.Match.Expand = true
			default:
				l.errs.Add(it.Pos, ir.CodeUnknownModifier, "unknown or unsupported modifier %q in pipeline search", m)
			}
		}
		vals, _ := l.sequence(e.Value, "values", true)
		if resolve(e.Value) == nil || resolve(e.Value).Tag == "!!null" {
			vals = nil
			it.Values = []ir.Value{&ir.Null{Pos: l.pos(e.Value)}}
		}
		for _, v := range vals {
			pos := l.pos(v)
			if v.Kind != yaml.ScalarNode {
				l.errs.Add(pos, ir.CodeInvalidValue, "values must be scalars")
				continue
			}
			switch x := scalar(v).(type) {
			case nil:
				it.Values = append(it.Values, &ir.Null{Pos: pos})
			case bool:
				it.Values = append(it.Values, &ir.Bool{Pos: pos, Value: x})
			case int64:
				it.Values = append(it.Values, &ir.Number{Pos: pos, Raw: v.Value, IsInt: true, Int: x, Float: float64(x)})
			case float64:
				it.Values = append(it.Values, &ir.Number{Pos: pos, Raw: v.Value, Float: x})
			default:
				if it.Match.Op == ir.OpRegex || it.Match.Op == ir.OpCIDR {
					it.Values = append(it.Values, ir.Lit(pos, v.Value))
				} else {
					it.Values = append(it.Values, parseSigmaString(pos, v.Value, it.Match.Expand))
				}
			}
		}
		out = append(out, it)
	}
	return out, l.errs
}
