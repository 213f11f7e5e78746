package eval

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeEvent(t *testing.T) {
	ev := mustEvent(t, `{"a":"x","n":-1.5e2,"b":true,"z":null,"o":{"p":{"q":"deep"},"arr":[1,"two",{"r":3}]},"e":"tab\tq\"\u00e9\ud83d\ude00","a.b":1}`)
	type kv struct {
		Key  string
		Kind Kind
		Text string
	}
	var got []kv
	for _, f := range ev.Fields {
		got = append(got, kv{f.Key, f.Kind, f.Text})
	}
	want := []kv{
		{"a", KindString, "x"}, {"n", KindNumber, "-1.5e2"}, {"b", KindBool, "true"}, {"z", KindNull, ""},
		{"o", KindObject, ""}, {"o.p", KindObject, ""}, {"o.p.q", KindString, "deep"},
		{"o.arr", KindArray, ""}, {"o.arr", KindNumber, "1"}, {"o.arr", KindString, "two"}, {"o.arr", KindObject, ""}, {"o.arr.r", KindNumber, "3"},
		{"e", KindString, "tab\tq\"é😀"}, {"a.b", KindNumber, "1"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{``, "offset 0: empty input"},
		{`[1]`, "offset 0: event is not a JSON object"},
		{`{"a":}`, "offset 5: unexpected character '}'"},
		{`{"a":1,}`, "offset 7: expected a string key"},
		{`{"a":"x}`, "offset 8: unterminated string"},
		{`{"a":1} x`, "offset 8: unexpected data after the event"},
		{`{"a":tru}`, "offset 5: invalid literal"},
		{`{"a":"\q"}`, `offset 6: invalid escape \q`},
		{strings.Repeat(`{"a":`, 600) + "1" + strings.Repeat("}", 600), "nesting deeper than 512"},
	}
	for _, tc := range tests {
		_, err := DecodeEvent([]byte(tc.in), FlattenNone)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.30q: err = %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestFlattenWindows(t *testing.T) {
	ev := mustEvent(t, sprintf(sysmon3, "true", "x.devtunnels.ms"))
	for key, want := range map[string]string{
		"EventID": "3", "Channel": "Microsoft-Windows-Sysmon/Operational", "Provider_Name": "Microsoft-Windows-Sysmon",
		"Computer": "WS-042.corp.example", "TimeCreated_SystemTime": "2024-05-27T10:11:12.123456Z",
		"Initiated": "true", "DestinationHostname": "x.devtunnels.ms", "Security_UserID": "S-1-5-18",
	} {
		f := ev.Value(key)
		if f == nil || f.Text != want {
			t.Errorf("%s = %+v, want %q", key, f, want)
		}
	}
	none, _ := DecodeEvent([]byte(sprintf(sysmon3, "true", "x")), FlattenNone)
	if none.Value("Initiated") != nil || none.Value("Event.EventData.Initiated") == nil {
		t.Error("--flatten=none must keep the nested keys")
	}
}

func TestDecoderMatchesDecodeEvent(t *testing.T) {
	dec := NewDecoder(FlattenAuto)
	ev := &Event{}
	for i, js := range []string{sprintf(sysmon3, "true", "a"), `{"x":{"y":1}}`, sprintf(sysmon3, "false", "b")} {
		want := mustEvent(t, js)
		if err := dec.DecodeInto(ev, []byte(js)); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.Fields, ev.Fields); diff != "" {
			t.Errorf("event %d (-want +got)\n%s", i, diff)
		}
	}
}

// TestConcurrentMatch matches from many goroutines (run with -race).
func TestConcurrentMatch(t *testing.T) {
	rules := parseRules(t, "t.yml", ruleWith("    sel:\n        Image|endswith: '\\cmd.exe'\n        CommandLine|contains: 'whoami'\n    condition: sel\n"))
	e, err := Compile(rules...)
	if err != nil {
		t.Fatal(err)
	}
	hit := mustEvent(t, `{"Image":"C:\\Windows\\System32\\CMD.exe","CommandLine":"cmd /c WHOAMI"}`)
	miss := mustEvent(t, `{"Image":"C:\\Windows\\System32\\cmd.exe","CommandLine":"cmd /c dir"}`)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if len(e.Match(hit)) != 1 || len(e.Match(miss)) != 0 {
					t.Error("wrong verdict under concurrency")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestRouting(t *testing.T) {
	rules := parseRules(t, "r.yml", `title: proc
id: 00000000-0000-0000-0000-00000000000a
logsource:
    category: process_creation
    product: windows
detection:
    sel:
        Image|endswith: '\x.exe'
    condition: sel
---
title: sec
id: 00000000-0000-0000-0000-00000000000b
logsource:
    service: security
    product: windows
detection:
    sel:
        Image|endswith: '\x.exe'
    condition: sel
---
title: linux
id: 00000000-0000-0000-0000-00000000000c
logsource:
    product: linux
detection:
    sel:
        Image|endswith: '\x.exe'
    condition: sel
`)
	e, err := Compile(rules...)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		event string
		rt    *Route
		want  []string
	}{
		{"sysmon 1", `{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,"Image":"C:\\x.exe"}`, nil, []string{"proc"}},
		{"security", `{"Channel":"Security","EventID":4688,"Image":"C:\\x.exe"}`, nil, []string{"sec"}},
		{"unknown windows channel", `{"Channel":"Foo","EventID":1,"Image":"C:\\x.exe"}`, nil, []string{"proc", "sec"}},
		{"not windows", `{"Image":"C:\\x.exe"}`, nil, []string{"proc", "sec", "linux"}},
		{"no routing", `{"Channel":"Security","EventID":4688,"Image":"C:\\x.exe"}`, e.AllRules(), []string{"proc", "sec", "linux"}},
		{"fixed logsource", `{"Image":"C:\\x.exe"}`, e.RouteFor(LogSource{Product: "windows", Category: "process_creation"}), []string{"proc", "sec"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, m := range e.MatchRoute(mustEvent(t, tc.event), tc.rt) {
				got = append(got, m.Rule.Title)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestFlattenDataList(t *testing.T) {
	ev := mustEvent(t, `{"Event":{"System":{"EventID":4688,"Channel":"Security"},"EventData":{"Data":[{"@Name":"NewProcessName","#text":"C:\\x.exe"},{"@Name":"Empty"},{"@Name":"CommandLine","#text":"x /y"}]}}}`)
	for key, want := range map[string]string{"EventID": "4688", "NewProcessName": `C:\x.exe`, "CommandLine": "x /y", "Empty": ""} {
		if f := ev.Value(key); f == nil || f.Text != want {
			t.Errorf("%s = %+v, want %q", key, f, want)
		}
	}
}

func TestDecodeEscapedValuesStayIntact(t *testing.T) {
	ev := mustEvent(t, `{"a":"C:\\one\\x.exe","b":"\"quoted\"","c":"\u00e9\\t","d":""}`)
	want := []string{`C:\one\x.exe`, `"quoted"`, `é\t`, ""}
	for i, w := range want {
		if ev.Fields[i].Text != w {
			t.Errorf("field %d = %q, want %q", i, ev.Fields[i].Text, w)
		}
	}
}

func TestEmptyEngine(t *testing.T) {
	e, err := Compile()
	if err != nil {
		t.Fatal(err)
	}
	if m := e.Match(mustEvent(t, `{"Channel":"Security","EventID":1}`)); len(m) != 0 {
		t.Fatalf("matches from no rules: %v", m)
	}
}

// TestDecoderArenaKeepsEarlierEvents checks that escaped values of an
// event decoded earlier by the same Decoder (and the matches that refer to
// them) survive decoding later events, across arena chunks, and that
// DecodeString and Clone give the same fields as DecodeEvent.
func TestDecoderArenaKeepsEarlierEvents(t *testing.T) {
	dec := NewDecoder(FlattenAuto)
	var evs []*Event
	var want []*Event
	for i := 0; i < 3000; i++ { // ~40 bytes of escapes each: several chunks
		js := sprintf(`{"Image":"C:\\Windows\\%s\\x.exe","n":%s,"q":"\"%s\""}`, strconv.Itoa(i), strconv.Itoa(i), strings.Repeat("y", i%50))
		ev := &Event{}
		if err := dec.DecodeString(ev, js); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
		want = append(want, mustEvent(t, js))
	}
	for i := range evs {
		if diff := cmp.Diff(want[i].Fields, evs[i].Fields); diff != "" {
			t.Fatalf("event %d (-want +got)\n%s", i, diff)
		}
		if diff := cmp.Diff(want[i].Fields, evs[i].Clone().Fields); diff != "" {
			t.Fatalf("clone of event %d (-want +got)\n%s", i, diff)
		}
	}
}

// TestDecodeStringsEveryPosition puts an escape, a quote, a control
// character or a non-ASCII byte at every position of strings of many
// lengths (the decoder skips 8 bytes at a time) and compares the decoded
// value with encoding/json's.
func TestDecodeStringsEveryPosition(t *testing.T) {
	specials := []string{`\"`, `\\`, `\n`, `\u00e9`, "é", "\x7f", "~"}
	for n := 0; n < 24; n++ {
		for at := 0; at <= n; at++ {
			for _, sp := range specials {
				lit := strings.Repeat("a", at) + sp + strings.Repeat("b", n-at)
				js := `{"k":"` + lit + `","z":1}`
				var want map[string]any
				if err := json.Unmarshal([]byte(js), &want); err != nil {
					t.Fatal(err)
				}
				ev, err := DecodeEvent([]byte(js), FlattenNone)
				if err != nil {
					t.Fatalf("%s: %v", js, err)
				}
				if got := ev.Value("k"); got == nil || got.Text != want["k"] || ev.Value("z") == nil {
					t.Fatalf("%s: got %+v, want %q", js, got, want["k"])
				}
			}
			bad := `{"k":"` + strings.Repeat("a", at) + "\x01" + strings.Repeat("b", n-at) + `"}`
			if _, err := DecodeEvent([]byte(bad), FlattenNone); err == nil {
				t.Fatalf("%q: control character accepted", bad)
			}
		}
	}
}

func TestSmallIntAgreesWithParseFloat(t *testing.T) {
	for _, s := range []string{"0", "-0", "7", "-7", "4688", "007", "999999999999999", "-999999999999999", "1000000000000000", "12a", "", "-", "1.5", "1e3"} {
		f, ok := smallInt(s)
		want, err := strconv.ParseFloat(s, 64)
		if ok && (err != nil || f != want || math.Signbit(f) != math.Signbit(want)) {
			t.Errorf("smallInt(%q) = %v, ParseFloat %v, %v", s, f, want, err)
		}
		if !ok && len(s) > 0 && len(s) <= 15 && s != "-" && err == nil && !strings.ContainsAny(s, ".e") {
			t.Errorf("smallInt(%q) refused a small integer", s)
		}
	}
}
