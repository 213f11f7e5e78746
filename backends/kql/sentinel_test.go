package kql

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/pipeline"
)

func TestAttackTags(t *testing.T) {
	tacts, techs := attack([]string{
		"attack.exfiltration", "attack.command_and_control", "attack.command-and-control",
		"attack.t1567.001", "attack.T1572", "attack.t1572", "attack.g0001", "cve.2021-1234", "attack.s0002",
	})
	if diff := cmp.Diff([]string{"Exfiltration", "CommandAndControl"}, tacts); diff != "" {
		t.Errorf("tactics (-want +got)\n%s", diff)
	}
	if diff := cmp.Diff([]string{"T1567.001", "T1572"}, techs); diff != "" {
		t.Errorf("techniques (-want +got)\n%s", diff)
	}
}

func TestSeverity(t *testing.T) {
	for level, want := range map[string]string{
		"informational": "Informational", "low": "Low", "medium": "Medium", "high": "High", "critical": "High", "": "Medium",
	} {
		if got := severity(level); got != want {
			t.Errorf("severity(%q) = %q, want %q", level, got, want)
		}
	}
}

func TestSettings(t *testing.T) {
	s, err := readSettings(backends.Config{"queryPeriod": "1d", "kql": map[string]any{"queryFrequency": "5m", "triggerThreshold": 2, "enabled": false}})
	if err != nil {
		t.Fatal(err)
	}
	want := settings{QueryFrequency: "5m", QueryPeriod: "1d", TriggerOperator: "gt", TriggerThreshold: 2, SuppressionDuration: "1h", Enabled: false, Version: "1.0.0"}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	for _, bad := range []backends.Config{
		{"queryFrequency": "1 hour"}, {"triggerOperator": "ge"}, {"triggerThreshold": "x"}, {"enabled": "yes"},
	} {
		if _, err := readSettings(bad); err == nil {
			t.Errorf("readSettings(%v) accepted it", bad)
		}
	}
	for in, want := range map[string]string{"5m": "PT5M", "1h": "PT1H", "14d": "P14D"} {
		if got, _ := isoDuration(in); got != want {
			t.Errorf("isoDuration(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStrings(t *testing.T) {
	if got := armString("[x] title"); got != "[[x] title" {
		t.Errorf("armString = %q", got)
	}
	if got := yamlString("a\"b\\c\n\u0085<&>"); got != `"a\"b\\c\n\u0085<&>"` {
		t.Errorf("yamlString = %s", got)
	}
	if got := yamlBlock("T\n| where A =~ \"x\""); got != "|-\n  T\n  | where A =~ \"x\"\n" {
		t.Errorf("yamlBlock = %q", got)
	}
	if got := yamlBlock("T\n| where A =~ \"\u2028\""); !strings.HasPrefix(got, `"`) {
		t.Errorf("yamlBlock did not quote a line separator: %q", got)
	}
	if got := ruleID(&ir.Meta{Title: "x"}); len(got) != 36 || got != ruleID(&ir.Meta{Title: "x"}) {
		t.Errorf("ruleID = %q", got)
	}
}

func TestConvertTableChoice(t *testing.T) {
	r := parseRule(t, "sel:\n    Image|endswith: '\\x.exe'\ncondition: sel")
	b := New()
	_, err := b.Convert(&backends.Input{Processed: &pipeline.Result{Rule: r}, Format: FormatDefault})
	var ue *backends.UnsupportedError
	if !errors.As(err, &ue) || !strings.Contains(ue.What, "logsource category=test") {
		t.Fatalf("want a logsource refusal, got %v", err)
	}
	out, err := b.Convert(&backends.Input{Processed: &pipeline.Result{Rule: r}, Format: FormatDefault, Options: backends.Options{Table: "My_CL"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "My_CL\n| where Image endswith @\"\\x.exe\""; out.Query != want {
		t.Errorf("query %q, want %q", out.Query, want)
	}
}

func TestBundleIsJSON(t *testing.T) {
	r := parseRule(t, "sel:\n    S: '[x]'\ncondition: sel")
	r.Title = "[bracket] title"
	r.Tags = []string{"attack.execution", "attack.t1059.001"}
	b := New()
	out, err := b.Convert(&backends.Input{Processed: &pipeline.Result{Rule: r, Table: testTable}, Format: FormatSentinelARM})
	if err != nil {
		t.Fatal(err)
	}
	data, err := b.Bundle(FormatSentinelARM, nil, []*backends.Output{out})
	if err != nil {
		t.Fatal(err)
	}
	var tmpl struct {
		Resources []struct {
			Kind       string
			Properties struct {
				DisplayName string
				Tactics     []string
				Techniques  []string
			}
		}
	}
	if err := json.Unmarshal(data, &tmpl); err != nil {
		t.Fatalf("bundle is not JSON: %v\n%s", err, data)
	}
	p := tmpl.Resources[0].Properties
	if tmpl.Resources[0].Kind != "Scheduled" || p.DisplayName != "[[bracket] title" ||
		!cmp.Equal(p.Tactics, []string{"Execution"}) || !cmp.Equal(p.Techniques, []string{"T1059"}) {
		t.Errorf("resource %+v", tmpl.Resources[0])
	}
}

func TestSentinelRuleYAMLParses(t *testing.T) {
	r := parseRule(t, "sel:\n    S|contains:\n        - 'a\"b'\n        - \"tab\\tnew\\nline\"\n        - 'C:\\x'\ncondition: sel")
	r.Title = "Title: with colon # and hash"
	r.Description = "line one\nline two: 'quoted'"
	r.Level = "critical"
	r.Tags = []string{"attack.defense-evasion", "attack.t1027"}
	out, err := New().Convert(&backends.Input{Processed: &pipeline.Result{Rule: r, Table: testTable}, Format: FormatSentinelRule})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(out.Text), &doc); err != nil {
		t.Fatalf("not YAML: %v\n%s", err, out.Text)
	}
	checks := map[string]any{
		"name": r.Title, "severity": "High", "query": out.Query, "kind": "Scheduled",
		"queryFrequency": "1h", "triggerOperator": "gt", "triggerThreshold": 0,
	}
	for k, want := range checks {
		if !cmp.Equal(doc[k], want) {
			t.Errorf("%s = %#v, want %#v", k, doc[k], want)
		}
	}
	if !cmp.Equal(doc["tactics"], []any{"DefenseEvasion"}) || !cmp.Equal(doc["relevantTechniques"], []any{"T1027"}) {
		t.Errorf("tactics %v techniques %v", doc["tactics"], doc["relevantTechniques"])
	}
}
