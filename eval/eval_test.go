package eval

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
)

// parseRules parses rule YAML and returns its rules.
func parseRules(t testing.TB, name, src string) []*ir.Rule {
	t.Helper()
	docs, errs := parser.ParseFile(name, []byte(src))
	if len(errs) > 0 {
		t.Fatalf("parse %s: %v", name, errs)
	}
	var out []*ir.Rule
	for _, d := range docs {
		if r, ok := d.(*ir.Rule); ok {
			out = append(out, r)
		}
	}
	return out
}

func mustEvent(t testing.TB, js string) *Event {
	t.Helper()
	ev, err := DecodeEvent([]byte(js), FlattenAuto)
	if err != nil {
		t.Fatalf("decode %s: %v", js, err)
	}
	return ev
}

func matchedIDs(ms []Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Rule.ID)
	}
	return out
}

const sysmon3 = `{"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},
 "System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon","Guid":"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"}},
  "EventID":3,"Version":5,"Level":4,"Task":3,"Opcode":0,"Keywords":"0x8000000000000000",
  "TimeCreated":{"#attributes":{"SystemTime":"2024-05-27T10:11:12.123456Z"}},"EventRecordID":4711,
  "Correlation":null,"Execution":{"#attributes":{"ProcessID":3124,"ThreadID":4012}},
  "Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"WS-042.corp.example","Security":{"#attributes":{"UserID":"S-1-5-18"}}},
 "EventData":{"RuleName":"-","UtcTime":"2024-05-27 10:11:12.120","ProcessGuid":"{d1f3a3c1-2f1e-6654-1402-000000000900}",
  "ProcessId":6644,"Image":"C:\\Program Files\\cloudflared\\cloudflared.exe","User":"CORP\\alice","Protocol":"tcp",
  "Initiated":"%s","SourceIsIpv6":"false","SourceIp":"10.1.2.3","SourceHostname":"WS-042.corp.example","SourcePort":51234,
  "SourcePortName":"-","DestinationIsIpv6":"false","DestinationIp":"198.41.192.7","DestinationHostname":"%s",
  "DestinationPort":7844,"DestinationPortName":"-"}}}`

func TestSeedRules(t *testing.T) {
	var rules []*ir.Rule
	dir := "../rules/windows/network_connection"
	for _, f := range []string{"net_connection_win_domain_devtunnels.yml", "net_connection_win_domain_cloudflared_communication.yml"} {
		src, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		rules = append(rules, parseRules(t, f, string(src))...)
	}
	e, err := Compile(rules...)
	if err != nil {
		t.Fatal(err)
	}
	const devtunnels, cloudflared = "9501f8e6-8e3d-48fc-a8a6-1089dd5d7ef4", "7cd1dcdc-6edf-4896-86dc-d1f19ad64903"
	tests := []struct {
		name, initiated, host string
		want                  []string
	}{
		{"devtunnels", "true", "abcd1234-8080.euw.devtunnels.ms", []string{devtunnels}},
		{"cloudflare", "true", "region1.v2.argotunnel.com", []string{cloudflared}},
		{"trycloudflare upper case", "true", "Random-Words.TRYCLOUDFLARE.COM", []string{cloudflared}},
		{"not initiated", "false", "abcd1234-8080.euw.devtunnels.ms", nil},
		{"other domain", "true", "devtunnels.ms.example.org", nil},
		{"suffix without dot", "true", "notdevtunnels.ms", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := mustEvent(t, sprintf(sysmon3, tc.initiated, tc.host))
			got := matchedIDs(e.Match(ev))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			// Routing must not change the verdict.
			got = matchedIDs(e.MatchRoute(ev, e.AllRules()))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("no routing (-want +got)\n%s", diff)
			}
		})
	}
}

// TestKeywordInIndexedField checks that keyword grams are found in a
// value that is also scanned for its own field's grams (one pass serves
// both), with and without routing, in every value kind of position.
func TestKeywordInIndexedField(t *testing.T) {
	rules := parseRules(t, "k.yml", `title: kw
id: 00000000-0000-0000-0000-00000000000a
logsource:
  product: windows
detection:
  keywords:
    - 'sekurlsa::'
  condition: keywords
---
title: field
id: 00000000-0000-0000-0000-00000000000b
logsource:
  product: windows
  category: process_creation
detection:
  sel:
    CommandLine|contains: 'whoami'
    Image: 'C:\x\cmd.exe'
  condition: sel
`)
	e, err := Compile(rules...)
	if err != nil {
		t.Fatal(err)
	}
	sysmon := `"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1`
	for _, tc := range []struct {
		js   string
		want []string
	}{
		{`{` + sysmon + `,"CommandLine":"x SEKURLSA::logonpasswords","Image":"C:\\x\\cmd.exe"}`, []string{"00000000-0000-0000-0000-00000000000a"}},
		{`{` + sysmon + `,"CommandLine":"whoami","Image":"C:\\x\\SEKURLSA::.exe"}`, []string{"00000000-0000-0000-0000-00000000000a"}},
		{`{` + sysmon + `,"CommandLine":"whoami","Image":"C:\\x\\cmd.exe","Other":"sekurlsa::x"}`, []string{"00000000-0000-0000-0000-00000000000a", "00000000-0000-0000-0000-00000000000b"}},
		{`{"CommandLine":"Sekurlsa::"}`, []string{"00000000-0000-0000-0000-00000000000a"}},
		{`{` + sysmon + `,"CommandLine":"whoami","Image":"C:\\x\\cmd.exe"}`, []string{"00000000-0000-0000-0000-00000000000b"}},
	} {
		if got := matchedIDs(e.Match(mustEvent(t, tc.js))); !slices.Equal(got, tc.want) {
			t.Errorf("%s: matched %v, want %v", tc.js, got, tc.want)
		}
	}
}
