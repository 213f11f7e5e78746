package pipeline

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
)

const sysmonRule = `title: Sysmon Proc
level: critical
tags: [attack.execution]
logsource:
  category: process_creation
  product: windows
  service: sysmon
detection:
  sel:
    Image|endswith: '\powershell.exe'
    CommandLine|contains: 'IEX'
    ParentImage|endswith: '\winword.exe'
    User|expand: '%admins%'
  condition: sel
`

// TestPySigmaFormatFile loads a pipeline written in pySigma's documented
// format and checks the rewritten rule, postprocessing and finalization.
func TestPySigmaFormatFile(t *testing.T) {
	src, err := os.ReadFile("testdata/pysigma_example.yml")
	if err != nil {
		t.Fatal(err)
	}
	p := mustLoad(t, "testdata/pysigma_example.yml", string(src))
	if p.Name != "Custom Sysmon field naming" || p.Priority != 100 {
		t.Errorf("name/priority = %q/%d", p.Name, p.Priority)
	}
	res, err := NewChain(p).Apply(parseRule(t, sysmonRule))
	if err != nil {
		t.Fatal(err)
	}
	want := `logsource: process_creation/windows/sysmon
sel: process.executable|endswith="\\powershell.exe" & command_line|contains="iex" & winlog.ParentImage|endswith="\\winword.exe" & winlog.User="alice","bob" | process.name|endswith="\\powershell.exe" & command_line|contains="iex" & winlog.ParentImage|endswith="\\winword.exe" & winlog.User="alice","bob"
_cond1: event.code=1
condition: (_cond1 and sel)
`
	if diff := cmp.Diff(want, render(res.Rule)); diff != "" {
		t.Errorf("rule (-want +got):\n%s", diff)
	}
	if got := res.State["index"]; got != "logs-endpoint-*" {
		t.Errorf("state index = %v", got)
	}
	q, err := ApplyPostprocessing("a=1", res)
	if err != nil {
		t.Fatal(err)
	}
	if want := `(a=1) | tag="Sysmon Proc" index=logs-endpoint-*`; q != want {
		t.Errorf("postprocessed = %q, want %q", q, want)
	}
	out, err := Finalize([]string{"q1", "q2"}, NewChain(p).Finalizers())
	if err != nil {
		t.Fatal(err)
	}
	if want := "BEGIN\nq1\n---\nq2\nEND"; out != want {
		t.Errorf("finalized = %q, want %q", out, want)
	}
	// A keyword rule is refused by detection_item_failure.
	kw := strings.Replace(sysmonRule, "  condition: sel", "  kw:\n    - evil\n  condition: sel or kw", 1)
	if _, err := NewChain(p).Apply(parseRule(t, kw)); err == nil || !strings.Contains(err.Error(), "keywords are not supported") {
		t.Errorf("keyword rule: err = %v", err)
	}
}

// TestChainOrder checks pySigma's ordering: by priority, then as given.
func TestChainOrder(t *testing.T) {
	mk := func(name string, prio int) *Pipeline {
		return mustLoad(t, name+".yml", "name: "+name+"\npriority: "+strconv.Itoa(prio)+"\ntransformations:\n  - type: field_name_prefix\n    prefix: "+name+".\n")
	}
	c := NewChain(mk("a", 50), mk("b", 10), mk("c", 10), mk("d", 0))
	var names []string
	for _, p := range c.Pipelines() {
		names = append(names, p.Name)
	}
	if diff := cmp.Diff([]string{"d", "b", "c", "a"}, names); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	res, err := c.Apply(parseRule(t, baseRule))
	if err != nil {
		t.Fatal(err)
	}
	if got := ir.FieldNames(res.Rule.Detection)[0]; got != "a.c.b.d.Image" {
		t.Errorf("field = %s, want a.c.b.d.Image", got)
	}
}

const correlation = `title: Base rule
name: failed_logon
logsource:
  product: windows
  service: security
detection:
  sel:
    EventID: 4625
  condition: sel
---
title: Many failed logons
correlation:
  type: value_count
  rules:
    - failed_logon
  group-by:
    - IpAddress
    - user
  aliases:
    user:
      failed_logon: TargetUserName
  timespan: 5m
  condition:
    gte: 10
    field: WorkstationName
`

// TestApplyCorrelation maps group-by, alias and condition fields; alias
// names stay; logsource conditions see the referenced rules.
func TestApplyCorrelation(t *testing.T) {
	docs, errs := parser.ParseFile("c.yml", []byte(correlation))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	base, corr := docs[0].(*ir.Rule), docs[1].(*ir.Correlation)
	p := mustLoad(t, "p.yml", `name: p
transformations:
  - id: ecs
    type: field_name_mapping
    mapping:
      IpAddress: source.ip
      TargetUserName: user.name
      WorkstationName: host.name
      user: must.not.change
    rule_conditions:
      - type: logsource
        service: security
  - id: corr_only
    type: set_state
    key: kind
    val: correlation
    rule_conditions:
      - type: is_sigma_correlation_rule
`)
	res, err := NewChain(p).ApplyCorrelation(corr, base)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Correlation
	if diff := cmp.Diff([]string{"source.ip", "user"}, c.GroupBy); diff != "" {
		t.Errorf("group-by (-want +got):\n%s", diff)
	}
	if got := c.Aliases[0].Fields[0].Field; got != "user.name" {
		t.Errorf("alias field = %s", got)
	}
	if got := c.Cond.Field; got != "host.name" {
		t.Errorf("condition field = %s", got)
	}
	if res.State["kind"] != "correlation" {
		t.Errorf("state = %v", res.State)
	}
	if corr.GroupBy[0] != "IpAddress" || corr.Aliases[0].Fields[0].Field != "TargetUserName" {
		t.Errorf("input correlation was modified: %v", corr.GroupBy)
	}
	// Without the referenced rules the logsource condition does not match.
	res, err = NewChain(p).ApplyCorrelation(corr)
	if err != nil {
		t.Fatal(err)
	}
	if res.Correlation.GroupBy[0] != "IpAddress" {
		t.Errorf("mapped without referenced rules: %v", res.Correlation.GroupBy)
	}
}

func TestPostprocessing(t *testing.T) {
	p := mustLoad(t, "p.yml", `name: p
transformations:
  - type: set_state
    key: index
    val: win
postprocessing:
  - id: wrap
    type: template
    template: 'search index={{ pipeline.state.index }} {{ query }} | eval title="{{ rule.title }}"'
  - type: replace
    pattern: 'search (\w+)'
    replacement: 'SEARCH \1'
  - type: nest
    items:
      - type: embed
        prefix: '<'
        suffix: '>'
        rule_conditions: [{type: tag, tag: attack.execution}]
      - type: embed
        prefix: 'never'
        rule_conditions: [{type: tag, tag: nope}]
  - type: json
    json_template: '{"query": "%QUERY%", "n": 1}'
`)
	res, err := NewChain(p).Apply(parseRule(t, baseRule))
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, s := range res.Postprocess {
		types = append(types, s.Type)
	}
	if diff := cmp.Diff([]string{"template", "replace", "embed", "json"}, types); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
	q, err := ApplyPostprocessing("x=1", res)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"n":1,"query":"\u003cSEARCH index=win x=1 | eval title=\"Base\"\u003e"}`
	if q != want {
		t.Errorf("query = %s\nwant    %s", q, want)
	}
}

func TestFinalizers(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"none", "", "a\nb"},
		{"concat", "  - type: concat\n    separator: ' OR '\n", "a OR b"},
		{"json", "  - type: json\n", `["a","b"]`},
		{"json indent", "  - type: json\n    indent: 2\n", "[\n  \"a\",\n  \"b\"\n]"},
		{"yaml", "  - type: yaml\n", "- a\n- b\n"},
		{"template", "  - type: template\n    template: 'Q: {{ queries }} {{ queries | length }}'\n", `Q: ['a', 'b'] 2`},
		{"concat then template", "  - type: concat\n  - type: template\n    template: '[{{ queries }}]'\n", "[a\nb]"},
		{"nested", "  - type: nested\n    finalizers:\n      - type: concat\n        separator: ' | '\n      - type: template\n        template: '<{{ queries }}>'\n", "<a | b>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := "name: f\n"
			if tc.src != "" {
				src += "finalizers:\n" + tc.src
			}
			p := mustLoad(t, "f.yml", src)
			got, err := Finalize([]string{"a", "b"}, NewChain(p).Finalizers())
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestSeedRulesSysmonWindows runs the seed rules through sysmon and windows
// (in both orders): EventID and the Sysmon channel are added once,
// Initiated stays.
func TestSeedRulesSysmonWindows(t *testing.T) {
	src, err := os.ReadFile("../rules/windows/network_connection/net_connection_win_domain_devtunnels.yml")
	if err != nil {
		t.Skip(err)
	}
	sys, err := Builtin("sysmon")
	if err != nil {
		t.Fatal(err)
	}
	win, err := Builtin("windows")
	if err != nil {
		t.Fatal(err)
	}
	for _, order := range [][]*Pipeline{{sys, win}, {win, sys}} {
		res, err := NewChain(order...).Apply(parseRule(t, string(src)))
		if err != nil {
			t.Fatal(err)
		}
		got := render(res.Rule)
		for _, want := range []string{
			`logsource: network_connection/windows/sysmon`,
			`Initiated="true"`,
			`_cond1: EventID=3`,
			`_cond2: Channel="Microsoft-Windows-Sysmon/Operational"`,
			`condition: (_cond2 and (_cond1 and selection))`,
		} {
			if !strings.Contains(got, want) {
				t.Errorf("order %s,%s: missing %q in\n%s", order[0].Name, order[1].Name, want, got)
			}
		}
		if strings.Count(got, "Channel") != 1 {
			t.Errorf("channel added twice:\n%s", got)
		}
	}
}

func TestWindowsServiceChannel(t *testing.T) {
	win, err := Builtin("windows")
	if err != nil {
		t.Fatal(err)
	}
	for svc, want := range map[string]string{
		"security":   `Channel="Security"`,
		"system":     `Channel="System"`,
		"powershell": `Channel="Microsoft-Windows-PowerShell/Operational"`,
		"applocker":  `Channel="Microsoft-Windows-AppLocker/MSI and Script","Microsoft-Windows-AppLocker/EXE and DLL","Microsoft-Windows-AppLocker/Packaged app-Deployment","Microsoft-Windows-AppLocker/Packaged app-Execution"`,
	} {
		rule := strings.Replace(baseRule, "  category: process_creation\n", "  service: "+svc+"\n", 1)
		res, err := NewChain(win).Apply(parseRule(t, rule))
		if err != nil {
			t.Fatal(err)
		}
		if got := render(res.Rule); !strings.Contains(got, want) {
			t.Errorf("%s: missing %s in\n%s", svc, want, got)
		}
	}
	// ps_script gets EventID 4104 and both PowerShell channels.
	rule := strings.Replace(baseRule, "category: process_creation", "category: ps_script", 1)
	res, err := NewChain(win).Apply(parseRule(t, rule))
	if err != nil {
		t.Fatal(err)
	}
	want := `_cond1: EventID=4104 & Channel="Microsoft-Windows-PowerShell/Operational","PowerShellCore/Operational"`
	if got := render(res.Rule); !strings.Contains(got, want) || strings.Count(got, "Channel") != 1 {
		t.Errorf("ps_script: want %s once in\n%s", want, got)
	}
}

func TestUnmappedAndTables(t *testing.T) {
	p := mustLoad(t, "p.yml", `name: p
tables:
  Proc:
    FolderPath: string
    User: string
transformations:
  - type: field_name_mapping
    mapping:
      Image: FolderPath
  - type: drop_detection_item
    field_name_conditions: [{type: include_fields, fields: [CommandLine]}]
  - type: set_state
    key: table
    val: Proc
`)
	res, err := NewChain(p).Apply(parseRule(t, baseRule))
	if err != nil {
		t.Fatal(err)
	}
	if res.Table == nil || res.Table.Name != "Proc" || res.Table.Column("User").Type != "string" {
		t.Fatalf("table = %+v", res.Table)
	}
	if got := Unmapped(res); len(got) != 0 {
		t.Errorf("unmapped = %v, want none (Image mapped, CommandLine dropped, User in table)", got)
	}
	res.Table = nil
	if diff := cmp.Diff([]string{"User"}, Unmapped(res)); diff != "" {
		t.Errorf("unmapped without table (-want +got):\n%s", diff)
	}
	var b bytes.Buffer
	if err := NewChain(p).Explain(&b, parseRule(t, baseRule), false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Image → FolderPath (by field_name_mapping@p.yml:7:5)", "CommandLine: dropped", "User: in table Proc", "table: Proc (2 columns)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("explain lacks %q:\n%s", want, b.String())
		}
	}
}

// TestConcurrentApply applies one chain from several goroutines (run with
// -race): a Chain holds no per-rule state.
func TestConcurrentApply(t *testing.T) {
	sys, _ := Builtin("sysmon")
	win, _ := Builtin("windows")
	p := mustLoad(t, "p.yml", "name: p\ntransformations:\n  - type: field_name_mapping\n    mapping: {Image: [a, b]}\n  - type: set_state\n    key: index\n    val: [x, y]\n")
	chain := NewChain(sys, win, p)
	r := parseRule(t, baseRule)
	want := render(r)
	done := make(chan string, 8)
	for i := 0; i < 8; i++ {
		go func() {
			res, err := chain.Apply(r)
			if err != nil {
				done <- err.Error()
				return
			}
			res.State["index"].([]string)[0] = "mutated"
			done <- render(res.Rule)
		}()
	}
	first := <-done
	for i := 1; i < 8; i++ {
		if got := <-done; got != first {
			t.Errorf("results differ:\n%s\n%s", first, got)
		}
	}
	if render(r) != want {
		t.Error("input rule modified")
	}
}

func TestQueryExpressionAndCustomAttribute(t *testing.T) {
	p := mustLoad(t, "p.yml", `name: p
transformations:
  - type: query_expression_placeholders
    expression: '{field} in (_GetWatchlist("{id}") | project SearchKey)'
    mapping:
      admins: AdminAccounts
  - type: set_custom_attribute
    attribute: sentinel_severity
    value: High
`)
	rule := strings.Replace(baseRule, "    User: SYSTEM", "    User|expand: '%admins%'", 1)
	res, err := NewChain(p).Apply(parseRule(t, rule))
	if err != nil {
		t.Fatal(err)
	}
	var user *ir.Item
	ir.WalkItems(res.Rule.Detection, func(_ *ir.Search, _ *ir.Group, it *ir.Item) bool {
		if it.Field == "User" {
			user = it
		}
		return true
	})
	got, ok := res.Expression(user.Values[0], user.Field)
	if want := `User in (_GetWatchlist("AdminAccounts") | project SearchKey)`; !ok || got != want {
		t.Errorf("expression = %q, %v; want %q", got, ok, want)
	}
	found := false
	for _, a := range res.Rule.Custom {
		if a.Key == "sentinel_severity" && a.Value == "High" {
			found = true
		}
	}
	if !found {
		t.Errorf("custom attribute not set: %+v", res.Rule.Custom)
	}
	// A placeholder mixed with text cannot become an expression.
	bad := strings.Replace(baseRule, "    User: SYSTEM", "    User|expand: 'x%admins%'", 1)
	if _, err := NewChain(p).Apply(parseRule(t, bad)); err == nil || !strings.Contains(err.Error(), "mixes a placeholder with other text") {
		t.Errorf("mixed placeholder: err = %v", err)
	}
}

func TestResolve(t *testing.T) {
	if !IsBuiltin("windows") || IsBuiltin("nope") || IsBuiltin("../pipeline/builtin/windows") {
		t.Error("IsBuiltin")
	}
	if p, err := Resolve("sysmon"); err != nil || p.Name != "sysmon" {
		t.Errorf("Resolve(sysmon) = %v, %v", p, err)
	}
	if p, err := Resolve("testdata/pysigma_example.yml"); err != nil || p.Priority != 100 {
		t.Errorf("Resolve(file) = %v, %v", p, err)
	}
	_, err := Resolve("no_such_pipeline")
	if err == nil || !strings.Contains(err.Error(), `pipeline "no_such_pipeline" is neither a built-in pipeline (`) {
		t.Errorf("Resolve(unknown) error = %v", err)
	}
}

func TestExplainCorrelation(t *testing.T) {
	docs, errs := parser.ParseFile("c.yml", []byte(correlation))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	p := mustLoad(t, "p.yml", "name: p\ntransformations:\n  - id: m\n    type: field_name_mapping\n    mapping: {IpAddress: source.ip, TargetUserName: user.name, WorkstationName: host.name}\n    rule_conditions: [{type: logsource, service: security}]\n")
	var b bytes.Buffer
	if err := NewChain(p).ExplainCorrelation(&b, docs[1].(*ir.Correlation), docs[0].(*ir.Rule)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"(correlation value_count)", "apply  p/m field_name_mapping: IpAddress → source.ip", "group-by: source.ip, user", "alias user: failed_logon=user.name", "condition field: host.name"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("lacks %q:\n%s", want, b.String())
		}
	}
}
