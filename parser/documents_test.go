package parser

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sigconv/sigconv/ir"
)

const collection = `action: global
title: Global title
author: G
logsource:
    product: windows
detection:
    filter:
        User: SYSTEM
    condition: sel and not filter
---
logsource:
    service: security
detection:
    sel:
        EventID: 1
---
action: repeat
title: Repeated
detection:
    sel:
        EventID: 2
---
action: reset
---
title: Plain
logsource:
    product: linux
detection:
    sel:
        a: b
    condition: sel
`

func TestCollection(t *testing.T) {
	docs, errs := ParseFile("c.yml", []byte(collection))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	type summary struct {
		Doc        int
		Title      string
		Author     string
		LogSource  string
		Searches   []string
		Condition  string
		Collection ir.CollectionInfo
	}
	var got []summary
	for _, d := range docs {
		r := d.(*ir.Rule)
		s := summary{Doc: r.Doc, Title: r.Title, Author: r.Author, LogSource: r.LogSource.Product + "/" + r.LogSource.Service,
			Condition: strings.Join(r.Detection.ConditionText, ";"), Collection: *r.Collection}
		for _, se := range r.Detection.Searches {
			s.Searches = append(s.Searches, se.Name)
		}
		got = append(got, s)
	}
	want := []summary{
		{Doc: 1, Title: "Global title", Author: "G", LogSource: "windows/security", Searches: []string{"sel", "filter"}, Condition: "sel and not filter", Collection: ir.CollectionInfo{GlobalDoc: 0}},
		{Doc: 2, Title: "Repeated", Author: "G", LogSource: "windows/security", Searches: []string{"sel", "filter"}, Condition: "sel and not filter", Collection: ir.CollectionInfo{GlobalDoc: 0, Action: "repeat"}},
		{Doc: 4, Title: "Plain", LogSource: "linux/", Searches: []string{"sel"}, Condition: "sel", Collection: ir.CollectionInfo{GlobalDoc: -1}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// The repeated rule's EventID comes from its own document.
	r := docs[1].(*ir.Rule)
	v := r.Detection.Search("sel").Groups[0].Items[0].Values[0].(*ir.Number)
	if v.Int != 2 || v.Pos.Line != 21 {
		t.Errorf("repeat value %v at %v", v.Int, v.Pos)
	}
}

// specBlocks extracts the YAML examples of a specification file.
func specBlocks(t *testing.T, name string) []string {
	t.Helper()
	src, err := os.ReadFile("../../shared/sigma-specification/specification/" + name)
	if err != nil {
		t.Skipf("specification not available: %v", err)
	}
	var out []string
	for _, m := range regexp.MustCompile("(?s)```ya?ml\n(.*?)```").FindAllStringSubmatch(string(src), -1) {
		out = append(out, m[1])
	}
	return out
}

// TestCorrelationSpecExamples parses every YAML example of the correlation
// specification. Fragments are completed into documents first.
func TestCorrelationSpecExamples(t *testing.T) {
	blocks := specBlocks(t, "sigma-correlation-rules-specification.md")
	if len(blocks) != 16 {
		t.Fatalf("found %d examples, the test knows 16", len(blocks))
	}
	const head = "title: x\ncorrelation:\n    type: event_count\n    rules: [r]\n    timespan: 1h\n"
	indent := func(s string) string {
		return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ") + "\n"
	}
	ruleHead := "title: x\nlogsource:\n    product: p\n"
	inputs := []struct {
		src     string
		wantErr string
	}{
		0:  {src: blocks[0], wantErr: "s.yml:1:1: rule has no detection\ns.yml:1:1: rule has no logsource"},
		1:  {src: blocks[1], wantErr: "s.yml:4:3: correlation has no timespan\ns.yml:4:3: correlation has no type"},
		2:  {src: head + indent(blocks[2]) + "    condition: {gte: 1}\n"},
		3:  {src: head + "    group-by: [a]\n" + indent(blocks[3])},
		4:  {src: head + "    group-by: [a]\n" + indent(blocks[4])},
		5:  {src: blocks[5]},
		6:  {src: blocks[6]},
		7:  {src: "title: x\n" + blocks[7]},
		8:  {src: "title: x\n" + blocks[8]},
		9:  {src: blocks[9]},
		10: {src: blocks[10]},
		11: {src: blocks[11]},
		12: {src: ruleHead + blocks[12]},
		13: {src: ruleHead + blocks[13]},
		14: {src: blocks[14]},
		15: {src: blocks[15]},
	}
	got := make([][]ir.Document, len(inputs))
	for i, in := range inputs {
		docs, errs := ParseFile("s.yml", []byte(in.src))
		if diff := cmp.Diff(in.wantErr, strings.Join(errStrings(errs), "\n")); diff != "" {
			t.Errorf("example %d errors (-want +got):\n%s\n%s", i, diff, in.src)
		}
		got[i] = docs
	}
	// Spot checks of the parsed values.
	corr := func(i int) *ir.Correlation { return got[i][0].(*ir.Correlation) }
	c5 := corr(5)
	if c5.Type != ir.EventCount || c5.Timespan.Duration != time.Hour || c5.Cond.Bounds[0] != (ir.CorrBound{Pos: c5.Cond.Bounds[0].Pos, Op: "gte", Value: 100}) || c5.GroupBy[0] != "ComputerName" {
		t.Errorf("example 5: %s", ir.DumpJSON(c5))
	}
	c6 := corr(6)
	if c6.Type != ir.ValueCount || c6.Cond.Field != "User" || c6.Timespan.Duration != 24*time.Hour || len(c6.GroupBy) != 2 {
		t.Errorf("example 6: %s", ir.DumpJSON(c6))
	}
	c14 := corr(14)
	if c14.Type != ir.Temporal || len(c14.Aliases) != 2 || c14.Aliases[1].Fields[1] != (ir.AliasField{Pos: c14.Aliases[1].Fields[1].Pos, Rule: "new_network_connection", Field: "destination.ip"}) || c14.Timespan.Duration != 10*time.Second {
		t.Errorf("example 14: %s", ir.DumpJSON(c14))
	}
	last := got[15]
	if c := last[0].(*ir.Correlation); c.Type != ir.TemporalOrdered || c.Rules[1].Ref != "successful_login" || c.Timespan.Duration != 10*time.Minute {
		t.Errorf("example 15 doc 0: %s", ir.DumpJSON(c))
	}
	if r := last[3].(*ir.Rule); r.Name != "successful_login" || r.Doc != 3 || r.Collection != nil {
		t.Errorf("example 15 doc 3: %s", ir.DumpJSON(r))
	}
}

func TestCorrelationErrors(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"bad-type", "type: count\n    rules: [a]\n    group-by: [x]\n    timespan: 1h\n    condition: {gt: 1}",
			`c.yml:3:11: unknown correlation type "count" (want event_count, value_count, temporal, temporal_ordered, value_sum, value_avg or value_percentile)`},
		{"bad-timespan", "type: temporal\n    rules: [a]\n    group-by: [x]\n    timespan: 1x",
			`c.yml:6:15: invalid timespan unit in "1x" (want s, m, h or d)`},
		{"missing-field", "type: value_count\n    rules: [a]\n    group-by: [x]\n    timespan: 1h\n    condition: {gt: 1}",
			"c.yml:7:16: correlation type value_count requires a field in its condition"},
		{"bad-condition-op", "type: event_count\n    rules: [a]\n    group-by: [x]\n    timespan: 1h\n    condition: {more: 1}",
			"c.yml:7:16: correlation condition needs one of gt, gte, lt, lte, eq, neq\n" + `c.yml:7:17: unknown correlation condition key "more" (want gt, gte, lt, lte, eq, neq, field)`},
		{"missing-condition", "type: event_count\n    rules: [a]\n    group-by: [x]\n    timespan: 1h",
			"c.yml:3:5: correlation type event_count requires a condition"},
		{"missing-group-by", "type: temporal\n    rules: [a, b]\n    timespan: 5m",
			"c.yml:3:5: correlation type temporal requires group-by"},
		{"condition-not-number", "type: event_count\n    rules: [a]\n    group-by: [x]\n    timespan: 1h\n    condition: {gt: many}",
			`c.yml:7:21: correlation condition gt needs a number, found the scalar "many"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := ParseFile("c.yml", []byte("title: x\ncorrelation:\n    "+tc.body+"\n"))
			if diff := cmp.Diff(tc.want, strings.Join(errStrings(errs), "\n")); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	docs, errs := ParseFile("c.yml", []byte("title: x\ncorrelation:\n    type: value_median\n    rules: [a]\n    group-by: [x]\n    timespan: 2w\n    condition: {field: f, gt: 3}\n"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if c := docs[0].(*ir.Correlation); c.Type != ir.ValuePercentile || c.Cond.Percentile != 50 || c.Timespan.Duration != 14*24*time.Hour {
		t.Errorf("value_median: %s", ir.DumpJSON(c))
	}
}

func TestFilterSpecExamples(t *testing.T) {
	blocks := specBlocks(t, "sigma-filters-specification.md")
	if len(blocks) != 2 {
		t.Fatalf("found %d examples, the test knows 2", len(blocks))
	}
	_, errs := ParseFile("f.yml", []byte(blocks[0]))
	if diff := cmp.Diff("f.yml:1:1: rule has no detection\nf.yml:1:1: rule has no logsource", strings.Join(errStrings(errs), "\n")); diff != "" {
		t.Errorf("example 0 (-want +got):\n%s", diff)
	}
	docs, errs := ParseFile("f.yml", []byte(blocks[1]))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	f := docs[0].(*ir.Filter)
	if len(f.Rules) != 2 || f.Rules[1].Ref != "df0841c0-9846-4e9f-ad8a-7df91571771b" || f.LogSource.Category != "process_creation" ||
		len(f.Detection.Searches) != 1 || f.Detection.Searches[0].Name != "selection" || f.Detection.ConditionText[0] != "selection" ||
		f.Detection.Searches[0].Groups[0].Items[0].Match.Op != ir.OpStartsWith {
		t.Errorf("filter: %s", ir.DumpJSON(f))
	}
	_, errs = ParseFile("f.yml", []byte("title: x\nlogsource: {product: p}\nfilter:\n    selection: {a: 1}\n    condition: selection\n"))
	if diff := cmp.Diff("f.yml:4:5: filter has no rules", strings.Join(errStrings(errs), "\n")); diff != "" {
		t.Errorf("filter without rules (-want +got):\n%s", diff)
	}
}

func errStrings(errs ir.ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}
