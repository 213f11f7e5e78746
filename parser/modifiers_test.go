package parser

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/sigconv/sigconv/ir"
)

// parseItem parses a one-item search mapping with ParseItems.
func parseItem(t *testing.T, src string) (*ir.Item, ir.ErrorList) {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	items, errs := ParseItems("i.yml", &n)
	if len(items) == 0 {
		return nil, errs
	}
	return items[0], errs
}

func TestModifierMatch(t *testing.T) {
	b64, b64o, le, be, u16, wd := ir.EncBase64, ir.EncBase64Offset, ir.EncUTF16LE, ir.EncUTF16BE, ir.EncUTF16, ir.EncWindash
	tests := []struct {
		in   string
		want ir.Match
	}{
		{"a: x", ir.Match{}},
		{"a|contains: x", ir.Match{Op: ir.OpContains}},
		{"a|startswith: x", ir.Match{Op: ir.OpStartsWith}},
		{"a|endswith: x", ir.Match{Op: ir.OpEndsWith}},
		{"a|contains|all: [x, y]", ir.Match{Op: ir.OpContains, All: true}},
		{"a|all|contains: [x, y]", ir.Match{Op: ir.OpContains, All: true}},
		{"a|base64: x", ir.Match{Encodings: []ir.Encoding{b64}}},
		{"a|base64offset|contains: x", ir.Match{Op: ir.OpContains, Encodings: []ir.Encoding{b64o}}},
		{"a|wide|base64offset|contains: x", ir.Match{Op: ir.OpContains, Encodings: []ir.Encoding{le, b64o}}},
		{"a|utf16le|base64: x", ir.Match{Encodings: []ir.Encoding{le, b64}}},
		{"a|utf16be|base64: x", ir.Match{Encodings: []ir.Encoding{be, b64}}},
		{"a|utf16|base64: x", ir.Match{Encodings: []ir.Encoding{u16, b64}}},
		{"a|windash|contains: -x", ir.Match{Op: ir.OpContains, Encodings: []ir.Encoding{wd}}},
		{"a|contains|windash: -x", ir.Match{Op: ir.OpContains, Encodings: []ir.Encoding{wd}}},
		{"a|re: x.*", ir.Match{Op: ir.OpRegex}},
		{"a|re|i|m|s: x.*", ir.Match{Op: ir.OpRegex, Regex: ir.RegexFlags{IgnoreCase: true, Multiline: true, DotAll: true}}},
		{"a|re|ignorecase: x", ir.Match{Op: ir.OpRegex, Regex: ir.RegexFlags{IgnoreCase: true}}},
		{"a|cidr: 10.0.0.0/8", ir.Match{Op: ir.OpCIDR}},
		{"a|cidr: 'fe80::/10'", ir.Match{Op: ir.OpCIDR}},
		{"a|exists: true", ir.Match{Op: ir.OpExists}},
		{"a|expand: '%p%'", ir.Match{Expand: true}},
		{"a|fieldref: b", ir.Match{FieldRef: true}},
		{"a|fieldref|startswith: b", ir.Match{FieldRef: true, Op: ir.OpStartsWith}},
		{"a|lt: 1", ir.Match{Op: ir.OpLT}},
		{"a|lte: 1", ir.Match{Op: ir.OpLTE}},
		{"a|gt: 1.5", ir.Match{Op: ir.OpGT}},
		{"a|gte: 1", ir.Match{Op: ir.OpGTE}},
		{"a|cased: X", ir.Match{Cased: true}},
		{"a|cased|contains: X", ir.Match{Cased: true, Op: ir.OpContains}},
		{"a|neq: x", ir.Match{Negate: true}},
		{"a|fieldref|neq: b", ir.Match{FieldRef: true, Negate: true}},
		{"a|minute: 5", ir.Match{TimePart: ir.TimeMinute}},
		{"a|hour: 5", ir.Match{TimePart: ir.TimeHour}},
		{"a|day: 5", ir.Match{TimePart: ir.TimeDay}},
		{"a|week: 5", ir.Match{TimePart: ir.TimeWeek}},
		{"a|month: 5", ir.Match{TimePart: ir.TimeMonth}},
		{"a|year: 2024", ir.Match{TimePart: ir.TimeYear}},
		{"a|hour|gte: 22", ir.Match{TimePart: ir.TimeHour, Op: ir.OpGTE}},
		{"'|all': [x, y]", ir.Match{All: true}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			it, errs := parseItem(t, tc.in)
			if len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs)
			}
			if diff := cmp.Diff(tc.want, it.Match); diff != "" {
				t.Errorf("Match (-want +got):\n%s", diff)
			}
		})
	}
}

func TestModifierPositionsAndValues(t *testing.T) {
	it, errs := parseItem(t, "CommandLine|contains|all:\n  - 'a*'\n  - 7\n")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	wantMods := []ir.Modifier{
		{Pos: ir.Pos{File: "i.yml", Line: 1, Col: 13}, Name: "contains"},
		{Pos: ir.Pos{File: "i.yml", Line: 1, Col: 22}, Name: "all"},
	}
	if diff := cmp.Diff(wantMods, it.Modifiers); diff != "" {
		t.Errorf("modifiers (-want +got):\n%s", diff)
	}
	wantVals := []ir.Value{
		&ir.String{Pos: ir.Pos{File: "i.yml", Line: 2, Col: 5}, Raw: "a*", Parts: []ir.StrPart{{Kind: ir.PartLit, Text: "a"}, {Kind: ir.PartWildMany}}},
		&ir.String{Pos: ir.Pos{File: "i.yml", Line: 3, Col: 5}, Raw: "7", Parts: []ir.StrPart{{Kind: ir.PartLit, Text: "7"}}},
	}
	if diff := cmp.Diff(wantVals, it.Values); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}

	// Typed values without string modifiers.
	it, _ = parseItem(t, "a: [1, 0x10, 2.5, true, '', x]")
	want := []ir.Value{
		&ir.Number{Pos: ir.Pos{File: "i.yml", Line: 1, Col: 5}, Raw: "1", IsInt: true, Int: 1, Float: 1},
		&ir.Number{Pos: ir.Pos{File: "i.yml", Line: 1, Col: 8}, Raw: "0x10", IsInt: true, Int: 16, Float: 16},
		&ir.Number{Pos: ir.Pos{File: "i.yml", Line: 1, Col: 14}, Raw: "2.5", Float: 2.5},
		&ir.Bool{Pos: ir.Pos{File: "i.yml", Line: 1, Col: 19}, Value: true},
		&ir.String{Pos: ir.Pos{File: "i.yml", Line: 1, Col: 25}, Raw: ""},
		&ir.String{Pos: ir.Pos{File: "i.yml", Line: 1, Col: 29}, Raw: "x", Parts: []ir.StrPart{{Kind: ir.PartLit, Text: "x"}}},
	}
	if diff := cmp.Diff(want, it.Values); diff != "" {
		t.Errorf("typed values (-want +got):\n%s", diff)
	}
	it, _ = parseItem(t, "a: null")
	if diff := cmp.Diff([]ir.Value{&ir.Null{Pos: ir.Pos{File: "i.yml", Line: 1, Col: 4}}}, it.Values); diff != "" {
		t.Errorf("null (-want +got):\n%s", diff)
	}
	// re keeps the regex verbatim as one literal part.
	it, _ = parseItem(t, `a|re: '\\d+\*x?'`)
	if diff := cmp.Diff([]ir.StrPart{{Kind: ir.PartLit, Text: `\\d+\*x?`}}, it.Values[0].(*ir.String).Parts); diff != "" {
		t.Errorf("re parts (-want +got):\n%s", diff)
	}
	// expand makes %name% a placeholder.
	it, _ = parseItem(t, `a|expand: '\%plain%name%'`)
	if diff := cmp.Diff([]ir.StrPart{{Kind: ir.PartLit, Text: "%plain"}, {Kind: ir.PartPlaceholder, Text: "name"}}, it.Values[0].(*ir.String).Parts); diff != "" {
		t.Errorf("expand parts (-want +got):\n%s", diff)
	}
}

func TestParseString(t *testing.T) {
	lit := func(s string) ir.StrPart { return ir.StrPart{Kind: ir.PartLit, Text: s} }
	many := ir.StrPart{Kind: ir.PartWildMany}
	one := ir.StrPart{Kind: ir.PartWildOne}
	tests := []struct {
		in     string
		expand bool
		want   []ir.StrPart
	}{
		{``, false, nil},
		{`abc`, false, []ir.StrPart{lit("abc")}},
		{`*\cmd.exe`, false, []ir.StrPart{many, lit(`\cmd.exe`)}},
		{`a?c*`, false, []ir.StrPart{lit("a"), one, lit("c"), many}},
		{`\*`, false, []ir.StrPart{lit("*")}},
		{`\?`, false, []ir.StrPart{lit("?")}},
		{`\\*`, false, []ir.StrPart{lit(`\`), many}},
		{`\\\*`, false, []ir.StrPart{lit(`\*`)}},
		{`\\\\`, false, []ir.StrPart{lit(`\\`)}},
		{`\\\`, false, []ir.StrPart{lit(`\\`)}},
		{`C:\`, false, []ir.StrPart{lit(`C:\`)}},
		{`C:\\`, false, []ir.StrPart{lit(`C:\`)}},
		{`C:\Windows\`, false, []ir.StrPart{lit(`C:\Windows\`)}},
		{`\\server\share`, false, []ir.StrPart{lit(`\server\share`)}},
		{`%name%`, false, []ir.StrPart{lit("%name%")}},
		{`%name%`, true, []ir.StrPart{{Kind: ir.PartPlaceholder, Text: "name"}}},
		{`x%a%y%b%`, true, []ir.StrPart{lit("x"), {Kind: ir.PartPlaceholder, Text: "a"}, lit("y"), {Kind: ir.PartPlaceholder, Text: "b"}}},
		{`\%a%`, true, []ir.StrPart{lit("%a%")}},
		{`100%`, true, []ir.StrPart{lit("100%")}},
		{`%%`, true, []ir.StrPart{lit("%%")}},
		{`*%a%*`, true, []ir.StrPart{many, {Kind: ir.PartPlaceholder, Text: "a"}, many}},
	}
	for _, tc := range tests {
		got := ParseString(tc.in, tc.expand)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ParseString(%q, %v) (-want +got):\n%s", tc.in, tc.expand, diff)
		}
		if tc.expand {
			continue // ir.String.Sigma does not escape a literal '%'
		}
		// Round trip through ir's renderer.
		s := &ir.String{Parts: got}
		if back := ParseString(s.Sigma(), tc.expand); !cmp.Equal(got, back) {
			t.Errorf("round trip of %q via %q gives %v", tc.in, s.Sigma(), back)
		}
	}
}

func TestParseItemsErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"[a, b]", "i.yml:1:1: expected a mapping of field|modifiers: value(s)"},
		{"a|nope: x\nb: y", `i.yml:1:3: unknown modifier "nope"`},
		{"a: 1\na: 2", `i.yml:2:1: duplicate key "a" (first defined at line 1)`},
		{"a|re: '('", "i.yml:1:7: invalid regular expression (RE2 syntax): missing closing ): `(`"},
	}
	for _, tc := range tests {
		_, errs := parseItem(t, tc.in)
		if diff := cmp.Diff(tc.want, errs.Error()); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.in, diff)
		}
	}
	items, errs := ParseItems("i.yml", nil)
	if items != nil || len(errs) != 1 || errs[0].Pos.File != "i.yml" {
		t.Errorf("nil node: %v %v", items, errs)
	}
}

// TestParseItemsRecoversPanics feeds a malformed node tree (which yaml.v3
// never builds) and expects an internal-error instead of a panic.
func TestParseItemsRecoversPanics(t *testing.T) {
	bad := &yaml.Node{Kind: yaml.MappingNode, Line: 3, Column: 2, Content: []*yaml.Node{nil, nil}}
	_, errs := ParseItems("i.yml", bad)
	if len(errs) != 1 || errs[0].Code != ir.CodeInternal || errs[0].Pos != (ir.Pos{File: "i.yml", Line: 3, Col: 2}) {
		t.Fatalf("got %v", errs)
	}
}
