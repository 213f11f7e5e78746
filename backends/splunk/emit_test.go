package splunk

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/pipeline"
)

func TestQuery(t *testing.T) {
	tests := []struct {
		name string
		in   *pipeline.Result
		want string
	}{
		{"exact with backslashes",
			rule(ref("s"), sel("s", it("Image", "", sv(`C:\Windows\cmd.exe`)))),
			`Image="C:\\Windows\\cmd.exe"`},
		{"double quote escaped",
			rule(ref("s"), sel("s", it("CommandLine", "contains", sv(`say "hi"`)))),
			`CommandLine="*say \"hi\"*"`},
		{"value list becomes IN",
			rule(ref("s"), sel("s", it("DestinationHostname", "endswith", sv(".v2.argotunnel.com"), sv("trycloudflare.com")))),
			`DestinationHostname IN ("*.v2.argotunnel.com", "*trycloudflare.com")`},
		{"seed shape: string true stays exact",
			rule(ref("s"), sel("s", it("Initiated", "", sv("true")), it("DestinationHostname", "endswith", sv(".devtunnels.ms")))),
			`Initiated="true" DestinationHostname="*.devtunnels.ms"`},
		{"startswith and all",
			rule(ref("s"), sel("s", it("CommandLine", "contains|all", sv("-enc"), sv("bypass")), it("Image", "startswith", sv(`C:\Users\`)))),
			`CommandLine="*-enc*" CommandLine="*bypass*" Image="C:\\Users\\*"`},
		{"a and (b or c)",
			rule(and(ref("a"), or(ref("b"), ref("c"))), sel("a", it("A", "", sv("1"))), sel("b", it("B", "", sv("2"))), sel("c", it("C", "", sv("3")))),
			`A="1" (B="2" OR C="3")`},
		{"(a and b) or c",
			rule(or(and(ref("a"), ref("b")), ref("c")), sel("a", it("A", "", sv("1"))), sel("b", it("B", "", sv("2"))), sel("c", it("C", "", sv("3")))),
			`(A="1" B="2") OR C="3"`},
		{"not (a or b)",
			rule(not(or(ref("a"), ref("b"))), sel("a", it("A", "", sv("1"))), sel("b", it("B", "", sv("2")))),
			`NOT (A="1" OR B="2")`},
		{"not a single value",
			rule(and(ref("a"), not(ref("b"))), sel("a", it("A", "", sv("1"))), sel("b", it("B", "", sv("2")))),
			`A="1" NOT B="2"`},
		{"not of a value list",
			rule(and(ref("a"), not(ref("b"))), sel("a", it("A", "", sv("1"))), sel("b", it("B", "", sv("2"), sv("3")))),
			`A="1" NOT (B IN ("2", "3"))`},
		{"1 of with list of maps",
			rule(oneOf("sel*"), anyOf("sel1", []*ir.Item{it("A", "", sv("1")), it("B", "", sv("2"))}, []*ir.Item{it("C", "", sv("3"))}), sel("sel2", it("D", "", sv("4")))),
			`(A="1" B="2") OR C="3" OR D="4"`},
		{"all of",
			rule(allOf("sel*"), sel("sel1", it("A", "", sv("1"), sv("2"))), sel("sel2", it("D", "", sv("4")))),
			`A IN ("1", "2") D="4"`},
		{"mixed IN folding keeps first position",
			rule(ref("s"), anyOf("s", []*ir.Item{it("A", "", sv("1"))}, []*ir.Item{it("B", "", sv("x"))}, []*ir.Item{it("A", "", sv("2"))})),
			`A IN ("1", "2") OR B="x"`},
		{"number",
			rule(ref("s"), sel("s", it("EventID", "", num(4688), num(1)))),
			`EventID IN (4688, 1)`},
		{"boolean",
			rule(ref("s"), sel("s", it("Enabled", "", &ir.Bool{Value: false}))),
			`Enabled="false"`},
		{"question mark goes to where",
			rule(ref("s"), sel("s", it("Image", "endswith", sv(`\cm?.exe`)))),
			"Image=\"*\\\\cm*\" Image=\"*.exe\"\n| where match(Image, \"(?is)\\\\\\\\cm.\\\\.exe\\\\z\")"},
		{"inner star goes to where",
			rule(ref("s"), sel("s", it("Image", "", sv(`C:\Windows\\*\cmd.exe`)))),
			"Image=\"C:\\\\Windows\\\\*\" Image=\"*\\\\cmd.exe\"\n| where match(Image, \"(?is)^C:\\\\\\\\Windows\\\\\\\\.*\\\\\\\\cmd\\\\.exe\\\\z\")"},
		{"literal star goes to where",
			rule(ref("s"), sel("s", it("CommandLine", "contains", sv(`a\*b`)))),
			"CommandLine=\"*a*\" CommandLine=\"*b*\"\n| where match(CommandLine, \"(?i)a\\\\*b\")"},
		{"searchable and where parts split at top-level AND",
			rule(and(ref("a"), ref("b")), sel("a", it("A", "", sv("1"))), sel("b", it("B", "re", sv(`^x\d+$`)))),
			"A=\"1\"\n| where match(B, \"^x\\\\d+$\")"},
		{"re with flags",
			rule(ref("s"), sel("s", it("B", "re|i|m|s", sv(`a.b`)))),
			"*\n| where match(B, \"(?ims)a.b\")"},
		{"re inside OR puts the whole OR into where",
			rule(or(ref("a"), ref("b")), sel("a", it("A", "", sv("1"))), sel("b", it("B", "re", sv(`x"y`)))),
			"*\n| where lower(A)==\"1\" OR match(B, \"x\\\"y\")"},
		{"negated re is guarded",
			rule(and(ref("a"), not(ref("b"))), sel("a", it("A", "", sv("1"))), sel("b", it("B", "re", sv(`x`)))),
			"A=\"1\"\n| where NOT (isnotnull(B) AND match(B, \"x\"))"},
		{"cased exact and wildcard",
			rule(ref("s"), sel("s", it("A", "cased", sv("Foo")), it("B", "cased|startswith", sv("Bar")))),
			"A=\"Foo\" B=\"Bar*\"\n| where A==\"Foo\" AND match(B, \"^Bar\")"},
		{"null and not null",
			rule(and(ref("a"), not(ref("b"))), sel("a", it("A", "", &ir.Null{})), sel("b", it("B", "", &ir.Null{}))),
			"*\n| where isnull(A) AND NOT (isnull(B))"},
		{"exists true and false",
			rule(ref("s"), sel("s", it("A", "exists", &ir.Bool{Value: true}), it("B", "exists", &ir.Bool{Value: false}))),
			"*\n| where isnotnull(A) AND NOT (isnotnull(B))"},
		{"empty string and star alone",
			rule(ref("s"), sel("s", it("A", "", sv("")), it("B", "", sv("*")))),
			"*\n| where A==\"\" AND isnotnull(B)"},
		{"cidr in search",
			rule(ref("s"), sel("s", it("DestinationIp", "cidr", sv("10.0.0.0/8"), sv("fe80::/10")))),
			`DestinationIp=10.0.0.0/8 OR DestinationIp=fe80::/10`},
		{"cidr next to where",
			rule(or(ref("a"), ref("b")), sel("a", it("Ip", "cidr", sv("10.0.0.0/8"))), sel("b", it("B", "re", sv("x")))),
			"*\n| where cidrmatch(\"10.0.0.0/8\", Ip) OR match(B, \"x\")"},
		{"numeric comparisons",
			rule(ref("s"), sel("s", it("Size", "gt", num(100)), it("Size", "lte", num(2000)))),
			"*\n| where tonumber(Size)>100 AND tonumber(Size)<=2000"},
		{"negated comparison guard",
			rule(not(ref("s")), sel("s", it("Size", "lt", num(5)))),
			"*\n| where NOT (isnotnull(tonumber(Size)) AND tonumber(Size)<5)"},
		{"fieldref",
			rule(ref("s"), sel("s", it("User", "fieldref", sv("TargetUser")), it("A", "fieldref|startswith", sv("B")), it("C", "fieldref|endswith|cased", sv("D")))),
			"*\n| where isnotnull(User) AND isnotnull(TargetUser) AND lower(User)==lower(TargetUser) AND isnotnull(A) AND isnotnull(B) AND substr(lower(A), 1, len(B))==lower(B) AND isnotnull(C) AND isnotnull(D) AND (len(C)>=len(D) AND substr(C, len(C)-len(D)+1)==D)"},
		{"keywords",
			rule(ref("k"), &ir.Search{Name: "k", Kind: ir.SearchList, Groups: []*ir.Group{{Items: []*ir.Item{it("", "", sv("mimikatz"), sv("sekurlsa::*"))}}}}),
			`"*mimikatz*" OR "*sekurlsa::*"`},
		{"keyword with question mark",
			rule(ref("k"), &ir.Search{Name: "k", Kind: ir.SearchList, Groups: []*ir.Group{{Items: []*ir.Item{it("", "", sv("a?c"))}}}}),
			"\"*a*\" \"*c*\"\n| where match(_raw, \"(?is)a.c\")"},
		{"neq",
			rule(ref("s"), sel("s", it("A", "", sv("x")), it("B", "neq", sv("1"), sv("2")))),
			"A=\"x\" NOT (B IN (\"1\", \"2\"))\n| where isnotnull(B)"},
		{"not of neq: missing field or a match",
			rule(not(ref("s")), sel("s", it("B", "neq", sv("1")))),
			"*\n| where NOT (isnotnull(B) AND NOT (lower(B)==\"1\"))"},
		{"windash expands",
			rule(ref("s"), sel("s", it("CommandLine", "contains|windash", sv("-s")))),
			`CommandLine IN ("*-s*", "*/s*", "*–s*", "*—s*", "*―s*")`},
		{"base64offset",
			rule(ref("s"), sel("s", it("CommandLine", "base64offset|contains", sv("ping")))),
			"CommandLine IN (\"*cGluZ*\", \"*Bpbm*\", \"*waW5n*\")\n| where match(CommandLine, \"cGluZ\") OR match(CommandLine, \"Bpbm\") OR match(CommandLine, \"waW5n\")"},
		{"wide then base64",
			rule(ref("s"), sel("s", it("CommandLine", "wide|base64|contains", sv("ab")))),
			"CommandLine=\"*YQBiAA==*\"\n| where match(CommandLine, \"YQBiAA==\")"},
		{"quoted field names",
			rule(ref("s"), sel("s", it("Account Name", "", sv("x")), it("a.b", "re", sv("y")), it("a.b", "", sv("z")))),
			"a.b=\"z\"\n| where lower('Account Name')==\"x\" AND match('a.b', \"y\")"},
		{"backticks never appear literally",
			rule(ref("s"), sel("s", it("A", "", sv("`macro`")), it("B", "re", sv("x\\`[`]")))),
			"*\n| where match(A, \"(?i)^\\\\x{60}macro\\\\x{60}\\\\z\") AND match(B, \"x\\\\x{60}[\\\\x{60}]\")"},
		{"control characters go to where",
			rule(ref("s"), sel("s", it("A", "contains", sv("a\nb")))),
			"*\n| where match(A, \"(?i)a\\\\x{0a}b\")"},
	}
	b := New()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := b.Convert(&backends.Input{Processed: tc.in, Format: FormatDefault})
			if err != nil {
				t.Fatalf("Convert: %v", err)
			}
			if diff := cmp.Diff(tc.want, out.Query); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
			if err := CheckStructure(out.Query); err != nil {
				t.Errorf("structure: %v", err)
			}
		})
	}
}

func TestPrefixAndTable(t *testing.T) {
	res := rule(ref("s"), sel("s", it("A", "", sv("1")), it("B", "re", sv("x"))))
	res.State[pipeline.StateIndex] = "main"
	res.State[pipeline.StateSource] = []any{"WinEventLog:Security", "XmlWinEventLog:Security"}
	res.Rule.Fields = []string{"A", "Account Name"}
	out, err := New().Convert(&backends.Input{Processed: res, Format: FormatDefault})
	if err != nil {
		t.Fatal(err)
	}
	want := "index=\"main\" source IN (\"WinEventLog:Security\", \"XmlWinEventLog:Security\") A=\"1\"\n| where match(B, \"x\")\n| table A, \"Account Name\""
	if diff := cmp.Diff(want, out.Text); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
}

func TestRefusals(t *testing.T) {
	tests := []struct {
		name string
		in   *pipeline.Result
		want string
	}{
		{"time part", rule(ref("s"), sel("s", it("Time", "hour", num(3)))), "hour modifier"},
		{"fieldref contains", rule(ref("s"), sel("s", it("A", "fieldref|contains", sv("B")))), "fieldref|contains"},
		{"wide without base64", rule(ref("s"), sel("s", it("A", "wide|contains", sv("ab")))), "not UTF-8"},
		{"field with quote", rule(ref("s"), sel("s", it("it's", "", sv("x")))), "field name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New().Convert(&backends.Input{Processed: tc.in, Format: FormatDefault})
			if !errors.Is(err, backends.ErrUnsupported) {
				t.Fatalf("err = %v, want an unsupported error", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestDataModel(t *testing.T) {
	res := rule(ref("s"), sel("s", it("Processes.process_path", "endswith", sv(`\cmd.exe`)), it("Processes.process", "contains", sv("/c"), sv("/k"))))
	res.State[pipeline.StateDataModel] = "Endpoint.Processes"
	res.Table = &pipeline.Table{Name: "Endpoint.Processes", Columns: []pipeline.Column{{Name: "Processes.process_path", Type: "string"}, {Name: "Processes.process", Type: "string"}}}
	out, err := New().Convert(&backends.Input{Processed: res, Format: FormatDataModel})
	if err != nil {
		t.Fatal(err)
	}
	want := `| tstats summariesonly=false allow_old_summaries=true count min(_time) as firstTime max(_time) as lastTime from datamodel=Endpoint.Processes where Processes.process_path="*\\cmd.exe" Processes.process IN ("*/c*", "*/k*") by Processes.process_path Processes.process`
	if diff := cmp.Diff(want, out.Query); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for name, r := range map[string]*pipeline.Result{
		"no model": rule(ref("s"), sel("s", it("A", "", sv("x")))),
		"unknown field": func() *pipeline.Result {
			r := rule(ref("s"), sel("s", it("Initiated", "", sv("true"))))
			r.Table = res.Table
			return r
		}(),
		"regex": func() *pipeline.Result {
			r := rule(ref("s"), sel("s", it("Processes.process", "re", sv("x"))))
			r.Table = res.Table
			return r
		}(),
	} {
		if _, err := New().Convert(&backends.Input{Processed: r, Format: FormatDataModel}); !errors.Is(err, backends.ErrUnsupported) {
			t.Errorf("%s: err = %v, want unsupported", name, err)
		}
	}
}

func TestSavedSearches(t *testing.T) {
	b := New()
	var outs []*backends.Output
	for i, title := range []string{"Net [conn] to x", "Net [conn] to x"} {
		res := rule(ref("s"), sel("s", it("A", "", sv("1")), it("B", "re", sv("x"))))
		res.Rule.Title = title
		res.Rule.ID = []string{"id-1", "id-2"}[i]
		res.Rule.Description = "Detects things.\nSecond line ends with C:\\"
		res.Rule.Tags = []string{"attack.command-and-control", "attack.t1572", "attack.t1567.001"}
		res.Rule.Level = []string{"medium", "critical"}[i]
		out, err := b.Convert(&backends.Input{Processed: res, Format: FormatSavedSearches})
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, out)
	}
	cfg := backends.Config{"splunk": map[string]any{"savedsearches": map[string]any{
		"defaults": map[string]any{"cron_schedule": "*/5 * * * *"},
		"level":    map[string]any{"critical": map[string]any{"action.email": true}},
		"id":       map[string]any{"id-2": map[string]any{"disabled": 1, "action.correlationsearch.enabled": nil}},
	}}}
	got, err := b.Bundle(FormatSavedSearches, cfg, outs)
	if err != nil {
		t.Fatal(err)
	}
	want := `# savedsearches.conf written by sigconv: one stanza per Sigma rule.

[Net (conn) to x]
search = A="1" \
| where match(B, "x")
description = Detects things. Second line ends with C:
enableSched = 1
cron_schedule = */5 * * * *
dispatch.earliest_time = -15m
dispatch.latest_time = now
counttype = number of events
relation = greater than
quantity = 0
alert.track = 1
alert.severity = 4
action.correlationsearch.enabled = 1
action.correlationsearch.label = Net [conn] to x
action.correlationsearch.annotations = {"mitre_attack": ["T1572", "T1567.001"]}

[Net (conn) to x (id-2)]
search = A="1" \
| where match(B, "x")
description = Detects things. Second line ends with C:
enableSched = 1
cron_schedule = */5 * * * *
dispatch.earliest_time = -15m
dispatch.latest_time = now
counttype = number of events
relation = greater than
quantity = 0
alert.track = 1
alert.severity = 6
action.correlationsearch.label = Net [conn] to x
action.correlationsearch.annotations = {"mitre_attack": ["T1572", "T1567.001"]}
action.email = 1
disabled = 1
`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := b.Bundle(FormatSavedSearches, backends.Config{"splunk": map[string]any{"savedsearches": map[string]any{"bogus": 1}}}, outs); err == nil {
		t.Error("unknown config key accepted")
	}
}

func TestCorrelationRefusals(t *testing.T) {
	base := rule(ref("s"), sel("s", it("A", "", sv("1"))))
	corr := func(typ ir.CorrelationType, refs ...string) *ir.Correlation {
		var rr []ir.RuleRef
		for _, r := range refs {
			rr = append(rr, ir.RuleRef{Ref: r})
		}
		return &ir.Correlation{Type: typ, GroupBy: []string{"Host"}, Rules: rr,
			Timespan: ir.Timespan{Raw: "5m", Duration: 5 * time.Minute},
			Cond:     &ir.CorrCondition{Bounds: []ir.CorrBound{{Op: "gte", Value: 3}}}}
	}
	tests := []struct {
		name string
		in   *backends.CorrelationInput
		want string
	}{
		{"ordered with condition", &backends.CorrelationInput{Correlation: corr(ir.TemporalOrdered, "a", "b"), Rules: []*pipeline.Result{base, base}}, "temporal_ordered"},
		{"chained avg", &backends.CorrelationInput{Correlation: corr(ir.Temporal, "inner", "a"), Rules: []*pipeline.Result{base},
			Chained: []*backends.CorrelationInput{{Correlation: func() *ir.Correlation {
				c := corr(ir.ValueAvg, "a")
				c.Name = "inner"
				c.Cond.Field = "Bytes"
				return c
			}(), Rules: []*pipeline.Result{base}}}}, "chained"},
		{"data model", &backends.CorrelationInput{Correlation: corr(ir.EventCount, "a"), Rules: []*pipeline.Result{base}, Format: FormatDataModel}, "data_model"},
		{"sub-second", &backends.CorrelationInput{Correlation: func() *ir.Correlation {
			c := corr(ir.EventCount, "a")
			c.Timespan = ir.Timespan{Raw: "1500ms", Duration: 1500 * time.Millisecond}
			return c
		}(), Rules: []*pipeline.Result{base}}, "timespan"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New().ConvertCorrelation(tc.in)
			if !errors.Is(err, backends.ErrUnsupported) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want an unsupported error about %s", err, tc.want)
			}
		})
	}
	out, err := New().ConvertCorrelation(&backends.CorrelationInput{Correlation: corr(ir.EventCount, "a"), Rules: []*pipeline.Result{base}})
	if err != nil {
		t.Fatal(err)
	}
	want := "A=\"1\"\n| sort 0 _time\n| streamstats time_window=300s count as sigma_event_count by Host\n| where sigma_event_count>=3"
	if diff := cmp.Diff(want, out.Query); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
