package correlate

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sigconv/sigconv/eval"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
)

// baseRules are two detection rules on field "r" (a or b) and one on c.
const baseRules = `
title: A
id: 00000000-0000-4000-8000-00000000000a
name: rule_a
logsource: {product: test}
detection: {sel: {r: a}, condition: sel}
---
title: B
id: 00000000-0000-4000-8000-00000000000b
name: rule_b
logsource: {product: test}
detection: {sel: {r: b}, condition: sel}
`

// ev is a compact event: seconds after t0, rule marker, extra fields.
type ev struct {
	sec    float64
	r      string
	fields map[string]any
}

var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// run parses the rules and correlations in src, feeds events and returns
// one line per hit: "<title> <group> [start,end] value events".
func run(t *testing.T, src string, events []ev) []string {
	t.Helper()
	docs, errs := parser.ParseFile("t.yml", []byte(baseRules+"---\n"+src))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var rules []*ir.Rule
	var corrs []*ir.Correlation
	for _, d := range docs {
		switch d := d.(type) {
		case *ir.Rule:
			rules = append(rules, d)
		case *ir.Correlation:
			corrs = append(corrs, d)
		}
	}
	en, err := eval.Compile(rules...)
	if err != nil {
		t.Fatal(err)
	}
	ce, cerrs := New(rules, corrs, Options{})
	if len(cerrs) > 0 {
		t.Fatal(cerrs)
	}
	var hits []Hit
	for i, x := range events {
		m := map[string]any{"@timestamp": t0.Add(time.Duration(x.sec * float64(time.Second))).Format(time.RFC3339Nano), "r": x.r}
		for k, v := range x.fields {
			m[k] = v
		}
		e := eval.NewEvent(m)
		hits = append(hits, ce.Add(e, EventRef{File: "e", Index: i}, en.Match(e))...)
	}
	hits = append(hits, ce.Flush()...)
	var out []string
	for _, h := range hits {
		var g []string
		for _, v := range h.Group {
			g = append(g, v.Field+"="+v.Value)
		}
		var evs []string
		for _, r := range h.Events {
			evs = append(evs, fmt.Sprint(r.Index))
		}
		out = append(out, fmt.Sprintf("%s %s [%v,%v] %g %s", h.Correlation.Title, strings.Join(g, ","),
			h.Start.Sub(t0).Seconds(), h.End.Sub(t0).Seconds(), h.Value, strings.Join(evs, " ")))
	}
	return out
}

func corr(typ, cond string, extra ...string) string {
	return "title: C\nname: c\ncorrelation:\n  type: " + typ + "\n  rules: [rule_a, rule_b]\n  group-by: [host]\n  timespan: 10s\n" +
		cond + strings.Join(extra, "")
}

func h(host string) map[string]any { return map[string]any{"host": host} }

func TestTypes(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		events []ev
		want   []string
	}{
		{"event_count inside", corr("event_count", "  condition: {gte: 3}\n"),
			[]ev{{0, "a", h("x")}, {5, "b", h("x")}, {10, "a", h("x")}},
			[]string{"C host=x [0,10] 3 0 1 2"}},
		{"event_count outside", corr("event_count", "  condition: {gte: 3}\n"),
			[]ev{{0, "a", h("x")}, {5, "b", h("x")}, {10.001, "a", h("x")}},
			nil},
		{"event_count groups", corr("event_count", "  condition: {gte: 2}\n"),
			[]ev{{0, "a", h("x")}, {1, "a", h("y")}, {2, "a", h("x")}, {3, "c", h("y")}},
			[]string{"C host=x [0,2] 2 0 2"}},
		{"event_count rising edge once", corr("event_count", "  condition: {gte: 2}\n"),
			[]ev{{0, "a", h("x")}, {1, "a", h("x")}, {2, "a", h("x")}, {30, "a", h("x")}, {31, "a", h("x")}},
			[]string{"C host=x [0,1] 2 0 1", "C host=x [30,31] 2 3 4"}},
		{"value_count", corr("value_count", "  condition: {field: user, gt: 1}\n"),
			[]ev{{0, "a", map[string]any{"host": "x", "user": "u1"}}, {1, "a", map[string]any{"host": "x", "user": "u1"}}, {2, "b", map[string]any{"host": "x", "user": "u2"}}},
			[]string{"C host=x [0,2] 2 0 1 2"}},
		{"temporal any order", corr("temporal", ""),
			[]ev{{0, "b", h("x")}, {9, "a", h("x")}},
			[]string{"C host=x [0,9] 2 0 1"}},
		{"temporal outside", corr("temporal", ""),
			[]ev{{0, "b", h("x")}, {11, "a", h("x")}},
			nil},
		{"temporal_ordered wrong order", corr("temporal_ordered", ""),
			[]ev{{0, "b", h("x")}, {1, "a", h("x")}},
			nil},
		{"temporal_ordered", corr("temporal_ordered", ""),
			[]ev{{0, "b", h("x")}, {1, "a", h("x")}, {2, "b", h("x")}},
			[]string{"C host=x [0,2] 2 0 1 2"}},
		{"temporal_ordered one event for two steps", corr("temporal_ordered", ""),
			[]ev{{0, "a", map[string]any{"host": "x", "r": []any{"a", "b"}}}},
			nil},
		{"temporal_ordered same time", corr("temporal_ordered", ""),
			[]ev{{0, "a", h("x")}, {0, "b", h("x")}},
			[]string{"C host=x [0,0] 2 0 1"}},
		{"out of order within the window", corr("event_count", "  condition: {gte: 3}\n"),
			[]ev{{5, "a", h("x")}, {0, "a", h("x")}, {9, "a", h("x")}},
			[]string{"C host=x [0,9] 3 1 0 2"}},
		{"value_sum", corr("value_sum", "  condition: {field: bytes, gt: 100}\n"),
			[]ev{{0, "a", map[string]any{"host": "x", "bytes": 60}}, {1, "a", map[string]any{"host": "x", "bytes": "41"}}},
			[]string{"C host=x [0,1] 101 0 1"}},
		{"value_avg", corr("value_avg", "  condition: {field: bytes, gte: 50}\n"),
			[]ev{{0, "a", map[string]any{"host": "x", "bytes": 40}}, {1, "a", map[string]any{"host": "x", "bytes": 60}}},
			[]string{"C host=x [0,1] 50 0 1"}},
		{"value_percentile", corr("value_percentile", "  condition: {field: bytes, percentile: 90, gt: 90}\n"),
			[]ev{{0, "a", map[string]any{"host": "x", "bytes": 0}}, {1, "a", map[string]any{"host": "x", "bytes": 100}}},
			nil},
		{"value_median", corr("value_median", "  condition: {field: bytes, gte: 50}\n"),
			[]ev{{0, "a", map[string]any{"host": "x", "bytes": 0}}, {1, "a", map[string]any{"host": "x", "bytes": 100}}},
			[]string{"C host=x [0,1] 50 0 1"}},
		{"lt at expiry", corr("event_count", "  condition: {lt: 3}\n"),
			[]ev{{0, "a", h("x")}, {1, "a", h("x")}, {2, "a", h("y")}, {3, "a", h("y")}, {4, "a", h("y")}, {20, "a", h("z")}},
			[]string{"C host=x [0,1] 2 0 1", "C host=z [20,20] 1 5"}},
		{"range", corr("event_count", "  condition: {gt: 1, lte: 2}\n"),
			[]ev{{0, "a", h("x")}, {1, "a", h("x")}, {2, "a", h("y")}, {3, "a", h("y")}, {4, "a", h("y")}},
			[]string{"C host=x [0,1] 2 0 1"}},
		{"eq and neq", corr("event_count", "  condition: {eq: 2}\n"),
			[]ev{{0, "a", h("x")}, {1, "a", h("x")}, {2, "a", h("x")}},
			[]string{"C host=x [0,1] 2 0 1"}},
		{"missing group field", corr("event_count", "  condition: {gte: 1}\n"),
			[]ev{{0, "a", nil}},
			nil},
		{"aliases", corr("temporal", "", "  aliases:\n    host:\n      rule_a: src\n      rule_b: dst\n"),
			[]ev{{0, "a", map[string]any{"src": "1.1.1.1", "dst": "2"}}, {1, "b", map[string]any{"src": "3", "dst": "1.1.1.1"}}},
			[]string{"C host=1.1.1.1 [0,1] 2 0 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, run(t, tt.src, tt.events)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestChaining(t *testing.T) {
	src := `title: Many A
name: many_a
correlation: {type: event_count, rules: [rule_a], group-by: [host], timespan: 10s, condition: {gte: 2}}
---
title: Many A then B
correlation: {type: temporal_ordered, rules: [many_a, rule_b], group-by: [host], timespan: 20s}
`
	got := run(t, src, []ev{{0, "a", h("x")}, {1, "a", h("x")}, {5, "b", h("x")}, {6, "b", h("y")}})
	want := []string{"Many A host=x [0,1] 2 0 1", "Many A then B host=x [1,5] 2 0 1 2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestReportedAndErrors(t *testing.T) {
	docs, _ := parser.ParseFile("t.yml", []byte(baseRules+`---
title: C
name: c
correlation: {type: temporal, rules: [rule_a, c2], group-by: [h], timespan: 1m}
---
title: C2
name: c2
correlation: {type: temporal, rules: [c], group-by: [h], timespan: 1m}
---
title: D
correlation: {type: event_count, rules: [nope], group-by: [h], timespan: 1m, condition: {gte: 1}}
---
title: G
correlation: {type: event_count, rules: [rule_b], group-by: [h], timespan: 1m, condition: {gte: 1}, generate: true}
---
title: E
correlation: {type: event_count, rules: [rule_a], group-by: [h], timespan: 1m, condition: {gte: 1}}
`))
	var rules []*ir.Rule
	var corrs []*ir.Correlation
	for _, d := range docs {
		switch d := d.(type) {
		case *ir.Rule:
			rules = append(rules, d)
		case *ir.Correlation:
			corrs = append(corrs, d)
		}
	}
	e, errs := New(rules, corrs, Options{})
	var msgs []string
	for _, err := range errs {
		msgs = append(msgs, err.Error()+" ["+err.Code+"]")
	}
	want := []string{
		`t.yml:20:39: correlation "C2" is part of a reference cycle [invalid-correlation]`,
		`t.yml:23:42: correlation "D" refers to unknown rule "nope" [unknown-rule-reference]`,
	}
	if diff := cmp.Diff(want, msgs); diff != "" {
		t.Errorf("errors (-want +got)\n%s", diff)
	}
	if e.Correlations() != 2 {
		t.Errorf("Correlations() = %d, want 2 (G, E)", e.Correlations())
	}
	if e.ReportedRule(rules[0]) || !e.ReportedRule(rules[1]) {
		t.Errorf("ReportedRule: A %v (want false: E refers to it), B %v (want true: G generates)", e.ReportedRule(rules[0]), e.ReportedRule(rules[1]))
	}
}

func TestExpiry(t *testing.T) {
	docs, _ := parser.ParseFile("t.yml", []byte(baseRules+"---\n"+corr("event_count", "  condition: {gte: 1000}\n")))
	var rules []*ir.Rule
	var corrs []*ir.Correlation
	for _, d := range docs {
		switch d := d.(type) {
		case *ir.Rule:
			rules = append(rules, d)
		case *ir.Correlation:
			corrs = append(corrs, d)
		}
	}
	en, _ := eval.Compile(rules...)
	ce, _ := New(rules, corrs, Options{})
	// 10,000 hosts, one event each, one per second: a 10s window keeps
	// about 10 groups alive.
	maxLive := 0
	for i := 0; i < 10000; i++ {
		e := eval.NewEvent(map[string]any{"@timestamp": float64(t0.Unix() + int64(i)), "r": "a", "host": fmt.Sprint(i)})
		ce.Add(e, EventRef{Index: i}, en.Match(e))
		maxLive = max(maxLive, ce.Stats().LiveGroups)
	}
	t.Logf("max live groups: %d", maxLive)
	if maxLive > 20 {
		t.Errorf("max live groups = %d, want ≤ 20", maxLive)
	}
	// A late event (older than the watermark minus the timespan) is ignored.
	e := eval.NewEvent(map[string]any{"@timestamp": float64(t0.Unix()), "r": "a", "host": "late"})
	ce.Add(e, EventRef{}, en.Match(e))
	if ce.Stats().Late != 1 {
		t.Errorf("Late = %d, want 1", ce.Stats().Late)
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2024, 5, 6, 7, 8, 9, 123000000, time.UTC)
	for _, s := range []string{"2024-05-06T07:08:09.123Z", "2024-05-06 07:08:09.123", "2024-05-06T09:08:09.123+02:00", "2024-05-06T07:08:09.123"} {
		got, ok := ParseTime(eval.Field{Kind: eval.KindString, Text: s})
		if !ok || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v", s, got, ok)
		}
	}
	got, ok := ParseTime(eval.Field{Kind: eval.KindNumber, Num: float64(want.UnixMilli())})
	if !ok || !got.Equal(want) {
		t.Errorf("ParseTime(ms) = %v, %v", got, ok)
	}
}

func TestChainingFromExpiry(t *testing.T) {
	// The inner correlation fires at expiry (lt); its hit, at the time of
	// its last entry, feeds the outer one together with rule_b.
	src := `title: Quiet A
name: quiet_a
correlation: {type: event_count, rules: [rule_a], group-by: [host], timespan: 10s, condition: {lt: 2}}
---
title: Quiet A and B
correlation: {type: temporal, rules: [quiet_a, rule_b], group-by: [host], timespan: 30s, generate: true}
`
	got := run(t, src, []ev{{0, "a", h("x")}, {5, "b", h("x")}, {11, "b", h("y")}})
	want := []string{"Quiet A host=x [0,0] 1 0", "Quiet A and B host=x [0,5] 2 0 1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}
