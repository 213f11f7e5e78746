package splunk

import (
	"strconv"
	"strings"

	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/pipeline"
)

// sv parses a Sigma string value: * and ? are wildcards, \* \? \\ escapes.
func sv(raw string) *ir.String {
	v := &ir.String{Raw: raw}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			v.Parts = append(v.Parts, ir.StrPart{Kind: ir.PartLit, Text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '\\' && i+1 < len(raw) && strings.IndexByte(`*?\`, raw[i+1]) >= 0:
			lit.WriteByte(raw[i+1])
			i++
		case c == '*':
			flush()
			v.Parts = append(v.Parts, ir.StrPart{Kind: ir.PartWildMany})
		case c == '?':
			flush()
			v.Parts = append(v.Parts, ir.StrPart{Kind: ir.PartWildOne})
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return v
}

func num(n int64) *ir.Number {
	return &ir.Number{Raw: strconv.FormatInt(n, 10), IsInt: true, Int: n, Float: float64(n)}
}

// it builds an item; mods are modifier names resolved into Match.
func it(field string, mods string, vals ...ir.Value) *ir.Item {
	item := &ir.Item{Field: field, Values: vals}
	m := &item.Match
	if mods != "" {
		for _, name := range strings.Split(mods, "|") {
			item.Modifiers = append(item.Modifiers, ir.Modifier{Name: name})
			switch name {
			case "contains":
				m.Op = ir.OpContains
			case "startswith":
				m.Op = ir.OpStartsWith
			case "endswith":
				m.Op = ir.OpEndsWith
			case "re":
				m.Op = ir.OpRegex
			case "i":
				m.Regex.IgnoreCase = true
			case "m":
				m.Regex.Multiline = true
			case "s":
				m.Regex.DotAll = true
			case "cidr":
				m.Op = ir.OpCIDR
			case "exists":
				m.Op = ir.OpExists
			case "lt":
				m.Op = ir.OpLT
			case "lte":
				m.Op = ir.OpLTE
			case "gt":
				m.Op = ir.OpGT
			case "gte":
				m.Op = ir.OpGTE
			case "all":
				m.All = true
			case "cased":
				m.Cased = true
			case "neq":
				m.Negate = true
			case "fieldref":
				m.FieldRef = true
			case "base64":
				m.Encodings = append(m.Encodings, ir.EncBase64)
			case "base64offset":
				m.Encodings = append(m.Encodings, ir.EncBase64Offset)
			case "wide", "utf16le":
				m.Encodings = append(m.Encodings, ir.EncUTF16LE)
			case "windash":
				m.Encodings = append(m.Encodings, ir.EncWindash)
			case "hour":
				m.TimePart = ir.TimeHour
			default:
				panic("unknown modifier " + name)
			}
		}
	}
	return item
}

// sel builds a search of one group (a mapping).
func sel(name string, items ...*ir.Item) *ir.Search {
	return &ir.Search{Name: name, Groups: []*ir.Group{{Items: items}}}
}

// anyOf builds a search that is a list of mappings (OR).
func anyOf(name string, groups ...[]*ir.Item) *ir.Search {
	s := &ir.Search{Name: name, Kind: ir.SearchList}
	for _, g := range groups {
		s.Groups = append(s.Groups, &ir.Group{Items: g})
	}
	return s
}

func ref(name string) ir.Cond      { return &ir.Ref{Name: name} }
func and(cs ...ir.Cond) ir.Cond    { return &ir.And{Terms: cs} }
func or(cs ...ir.Cond) ir.Cond     { return &ir.Or{Terms: cs} }
func not(c ir.Cond) ir.Cond        { return &ir.Not{X: c} }
func oneOf(pattern string) ir.Cond { return &ir.Quantified{Word: "1", Pattern: pattern} }
func allOf(pattern string) ir.Cond { return &ir.Quantified{Word: "all", All: true, Pattern: pattern} }

// rule builds a processed rule with the given condition and searches.
func rule(cond ir.Cond, searches ...*ir.Search) *pipeline.Result {
	r := &ir.Rule{
		Meta:      ir.Meta{Title: "Test", ID: "00000000-0000-0000-0000-000000000001", Level: "medium"},
		Detection: &ir.Detection{Searches: searches, Conditions: []ir.Cond{cond}},
	}
	return &pipeline.Result{Rule: r, State: map[string]any{}}
}
