package elastic

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
	"github.com/sigconv/sigconv/pipeline"
)

// corrInput parses a multi-document file whose last document is the
// correlation and whose other documents are the rules it refers to, in
// order (no pipeline).
func corrInput(t *testing.T, src string) *backends.CorrelationInput {
	t.Helper()
	docs, errs := parser.ParseFile("test.yml", []byte(src))
	if err := errs.Err(); err != nil {
		t.Fatalf("parse: %v", err)
	}
	c, ok := docs[len(docs)-1].(*ir.Correlation)
	if !ok {
		t.Fatalf("last document is %T, want *ir.Correlation", docs[len(docs)-1])
	}
	in := &backends.CorrelationInput{Correlation: c, Format: "default"}
	for _, d := range docs[:len(docs)-1] {
		in.Rules = append(in.Rules, &pipeline.Result{Rule: d.(*ir.Rule)})
	}
	return in
}

const (
	ruleA = "title: a\nname: rule_a\nlogsource:\n    category: process_creation\ndetection:\n    sel:\n        Image|endswith: '\\whoami.exe'\n    condition: sel\n---\n"
	ruleB = "title: b\nname: rule_b\nlogsource:\n    category: network_connection\ndetection:\n    sel:\n        DestinationPort: 445\n    condition: sel\n---\n"
)

// corr writes a correlation document; without a group-by in extra it
// groups by User (the parser requires a group-by).
func corr(typ, rules, extra string) string {
	if !strings.Contains(extra, "group-by") {
		extra = "    group-by: [User]\n" + extra
	}
	return "title: c\ncorrelation:\n    type: " + typ + "\n    rules: [" + rules + "]\n    timespan: 5m\n" + extra
}

func TestCorrelationQueries(t *testing.T) {
	tests := []struct {
		name    string
		backend *Backend
		src     string
		want    []string // lines (or substrings for dsl) the query must contain
		warns   []string // warning IDs, in order
		wantErr string
	}{
		{
			name: "esql event_count", backend: NewESQL(),
			src: ruleA + corr("event_count", "rule_a", "    group-by: [User]\n    condition: {gte: 3}\n"),
			want: []string{
				"FROM logs-*",
				`| WHERE ENDS_WITH(TO_LOWER(Image), "\\whoami.exe")`,
				"| WHERE User IS NOT NULL",
				"| STATS sigma_value = COUNT(*) BY sigma_window = BUCKET(@timestamp, 5 minutes), User",
				"| WHERE sigma_value >= 3",
			},
			warns: []string{WarnStaticWindow, WarnMultiValue},
		},
		{
			name: "esql temporal markers", backend: NewESQL(),
			src: ruleA + ruleB + corr("temporal", "rule_a, rule_b", "    group-by: [Host]\n"),
			want: []string{
				`| WHERE (ENDS_WITH(TO_LOWER(Image), "\\whoami.exe")) OR (TO_STRING(DestinationPort) == "445")`,
				`| EVAL sigma_r1 = CASE(ENDS_WITH(TO_LOWER(Image), "\\whoami.exe"), 1, 0), sigma_r2 = CASE(TO_STRING(DestinationPort) == "445", 1, 0)`,
				"| STATS sigma_r1 = MAX(sigma_r1), sigma_r2 = MAX(sigma_r2) BY sigma_window = BUCKET(@timestamp, 5 minutes), Host",
				"| EVAL sigma_value = sigma_r1 + sigma_r2",
				"| WHERE sigma_value >= 2",
			},
			warns: []string{WarnStaticWindow, WarnMultiValue, WarnMultiValue},
		},
		{
			name: "esql aliases", backend: NewESQL(),
			src: ruleA + ruleB + corr("temporal", "rule_a, rule_b", "    group-by: [host]\n    aliases:\n        host:\n            rule_a: ComputerName\n            rule_b: SourceHost\n"),
			want: []string{
				"| EVAL host = CASE(sigma_r1 == 1, ComputerName, sigma_r2 == 1, SourceHost)",
				"| WHERE host IS NOT NULL",
			},
			warns: []string{WarnStaticWindow, WarnMultiValue, WarnMultiValue},
		},
		{
			name: "esql value_percentile", backend: NewESQL(),
			src: ruleA + corr("value_percentile", "rule_a", "    condition: {field: Duration, percentile: 95, gt: 10, lt: 100}\n"),
			want: []string{
				"| EVAL sigma_field = TO_DOUBLE(Duration)",
				"| STATS sigma_value = PERCENTILE(sigma_field, 95) BY sigma_window = BUCKET(@timestamp, 5 minutes), User",
				"| WHERE sigma_value > 10 AND sigma_value < 100",
			},
			warns: []string{WarnStaticWindow, WarnPercentileEstimate, WarnMultiValue},
		},
		{
			name: "esql value_count", backend: NewESQL(),
			src:   ruleA + corr("value_count", "rule_a", "    condition: {field: User, neq: 1}\n"),
			want:  []string{"| STATS sigma_value = COUNT_DISTINCT(User, 40000) BY sigma_window = BUCKET(@timestamp, 5 minutes), User", "| WHERE sigma_value != 1"},
			warns: []string{WarnStaticWindow, WarnDistinctEstimate, WarnMultiValue},
		},
		{
			name: "esql ordered pair", backend: NewESQL(),
			src: ruleA + ruleB + corr("temporal_ordered", "rule_a, rule_b", "    condition: {gte: 2}\n"),
			want: []string{
				"| EVAL sigma_t1 = CASE(sigma_r1 == 1, @timestamp), sigma_t2 = CASE(sigma_r2 == 1, @timestamp)\n" +
					"| STATS sigma_t1 = MIN(sigma_t1), sigma_t2 = MAX(sigma_t2) BY sigma_window = BUCKET(@timestamp, 5 minutes), User\n" +
					"| WHERE sigma_t1 < sigma_t2",
			},
			warns: []string{WarnStaticWindow, WarnMultiValue, WarnMultiValue},
		},
		{
			name: "esql ordered three refused", backend: NewESQL(),
			src:     ruleA + ruleB + ruleA + corr("temporal_ordered", "rule_a, rule_b, rule_a", ""),
			wantErr: "use -t eql",
		},
		{
			name: "esql ordered partial refused", backend: NewESQL(),
			src:     ruleA + ruleB + corr("temporal_ordered", "rule_a, rule_b", "    condition: {gte: 1}\n"),
			wantErr: "whole ordered sequence",
		},
		{
			name: "eql ordered with aliases", backend: NewEQL(),
			src: ruleA + ruleB + corr("temporal_ordered", "rule_a, rule_b", "    group-by: [host]\n    aliases:\n        host:\n            rule_a: ComputerName\n            rule_b: SourceHost\n"),
			want: []string{
				"sequence with maxspan=5m",
				`  [process where (Image : "*\\whoami.exe") and ComputerName != null] by ComputerName`,
				`  [network where (DestinationPort : "445") and SourceHost != null] by SourceHost`,
			},
		},
		{
			name: "eql event_count gt", backend: NewEQL(),
			src: ruleA + corr("event_count", "rule_a", "    group-by: [User]\n    condition: {gt: 1}\n"),
			want: []string{
				"sequence by User with maxspan=5m",
				`  [process where (Image : "*\\whoami.exe") and User != null]`,
				`  [process where (Image : "*\\whoami.exe") and User != null]`,
			},
		},
		{
			name: "eql event_count one event", backend: NewEQL(),
			src:  ruleA + corr("event_count", "rule_a", "    condition: {gte: 1}\n"),
			want: []string{`process where (Image : "*\\whoami.exe") and User != null`},
		},
		{
			name: "eql event_count lt refused", backend: NewEQL(),
			src:     ruleA + corr("event_count", "rule_a", "    condition: {lt: 3}\n"),
			wantErr: "gt / gte thresholds only",
		},
		{
			name: "eql event_count large refused", backend: NewEQL(),
			src:     ruleA + corr("event_count", "rule_a", "    condition: {gte: 11}\n"),
			wantErr: "at most 10 events",
		},
		{
			name: "eql temporal refused", backend: NewEQL(),
			src:     ruleA + ruleB + corr("temporal", "rule_a, rule_b", ""),
			wantErr: "no unordered join",
		},
		{
			name: "dsl temporal", backend: NewDSL(),
			src: ruleA + ruleB + corr("temporal", "rule_a, rule_b", "    group-by: [Host]\n"),
			want: []string{
				`"fixed_interval":"5m"`,
				`"sigma_group":{"terms":{"field":"Host","size":10000}`,
				`"sigma_r1":{"filter":{"wildcard":{"Image":`,
				`"buckets_path":{"sigma_r1":"sigma_r1>_count","sigma_r2":"sigma_r2>_count"}`,
				`"script":"((params.sigma_r1 > 0 ? 1 : 0) + (params.sigma_r2 > 0 ? 1 : 0)) >= 2"`,
			},
			warns: []string{WarnStaticWindow, WarnTermsSize},
		},
		{
			name: "dsl ordered pair", backend: NewDSL(),
			src: ruleA + ruleB + corr("temporal_ordered", "rule_a, rule_b", ""),
			want: []string{
				`"sigma_r1":{"filter":{"wildcard":{"Image":`,
				`"aggs":{"sigma_t":{"min":{"field":"@timestamp"}}}}`,
				`"sigma_r2":{"filter":{"term":{"DestinationPort":{"value":445}}},"aggs":{"sigma_t":{"max":{"field":"@timestamp"}}}}`,
				`"buckets_path":{"sigma_t1":"sigma_r1>sigma_t","sigma_t2":"sigma_r2>sigma_t"}`,
				`"script":"params.sigma_t1 < params.sigma_t2"`,
			},
			warns: []string{WarnStaticWindow, WarnTermsSize},
		},
		{
			name: "dsl ordered three refused", backend: NewDSL(),
			src:     ruleA + ruleB + ruleA + corr("temporal_ordered", "rule_a, rule_b, rule_a", ""),
			wantErr: "use -t eql",
		},
		{
			name: "dsl value_sum", backend: NewDSL(),
			src: ruleA + corr("value_sum", "rule_a", "    condition: {field: Bytes, gte: 1000}\n"),
			want: []string{
				`"sigma_value":{"sum":{"field":"Bytes"}}`,
				`"script":"params.sigma_value >= 1000"`,
			},
			warns: []string{WarnStaticWindow, WarnTermsSize},
		},
		{
			name: "dsl aliases refused", backend: NewDSL(),
			src:     ruleA + ruleB + corr("temporal", "rule_a, rule_b", "    group-by: [host]\n    aliases:\n        host:\n            rule_a: ComputerName\n            rule_b: SourceHost\n"),
			wantErr: "groups every event by the same field",
		},
		{
			name: "dsl alias with one field", backend: NewDSL(),
			src:   ruleA + corr("event_count", "rule_a", "    group-by: [host]\n    aliases:\n        host:\n            rule_a: ComputerName\n    condition: {gte: 2}\n"),
			want:  []string{`"terms":{"field":"ComputerName","size":10000}`},
			warns: []string{WarnStaticWindow, WarnTermsSize},
		},
		{
			name: "lucene refused", backend: NewLucene(),
			src:     ruleA + corr("event_count", "rule_a", "    condition: {gte: 3}\n"),
			wantErr: "cannot count",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.backend.ConvertCorrelation(corrInput(t, tc.src))
			if tc.wantErr != "" {
				if !errors.Is(err, backends.ErrUnsupported) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want a refusal containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			q := out.Query
			if tc.backend.lang == DSL {
				if !json.Valid([]byte(q)) {
					t.Fatalf("invalid JSON:\n%s", q)
				}
				q = compactJSON(t, q)
			}
			for _, w := range tc.want {
				if !strings.Contains(q, w) {
					t.Errorf("query lacks %q:\n%s", w, q)
				}
			}
			var ids []string
			for _, w := range out.Warnings {
				ids = append(ids, w.ID)
			}
			if diff := cmp.Diff(tc.warns, ids); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestShortSpan(t *testing.T) {
	for _, tc := range []struct {
		secs       int64
		short, ess string
	}{
		{5, "5s", "5 seconds"}, {60, "1m", "1 minute"}, {90, "90s", "90 seconds"},
		{7200, "2h", "2 hours"}, {86400, "1d", "1 day"}, {93600, "26h", "26 hours"},
	} {
		d := ir.Timespan{Duration: secsDuration(tc.secs)}.Duration
		if got := shortSpan(d); got != tc.short {
			t.Errorf("shortSpan(%ds) = %q, want %q", tc.secs, got, tc.short)
		}
		if got := esqlSpan(d); got != tc.ess {
			t.Errorf("esqlSpan(%ds) = %q, want %q", tc.secs, got, tc.ess)
		}
	}
}

func secsDuration(s int64) time.Duration { return time.Duration(s) * time.Second }

func TestCorrelationKibana(t *testing.T) {
	tests := []struct {
		name    string
		backend *Backend
		src     string
		want    []string // substrings of the NDJSON line
		warns   []string
		wantErr string
	}{
		{
			name: "lucene threshold", backend: NewLucene(),
			src: ruleA + corr("event_count", "rule_a", "    condition: {gt: 9}\n"),
			want: []string{`"type":"threshold"`, `"language":"lucene"`, `"query":"Image:`, `"threshold":{"field":["User"],"value":10}`,
				`"from":"now-5m"`, `"interval":"5m"`},
			warns: []string{WarnScheduleWindow},
		},
		{
			name: "dsl threshold cardinality", backend: NewDSL(),
			src: ruleA + ruleB + corr("value_count", "rule_a, rule_b", "    condition: {field: Target, gte: 3}\n"),
			want: []string{`"type":"threshold"`, `"filters":[{"meta":`, `"should":[`,
				`"threshold":{"field":["User"],"value":1,"cardinality":[{"field":"Target","value":3}]}`},
			warns: []string{WarnScheduleWindow},
		},
		{
			name: "esql without buckets", backend: NewESQL(),
			src:   ruleA + corr("event_count", "rule_a", "    condition: {gte: 3}\n"),
			want:  []string{`"type":"esql"`, `| STATS sigma_value = COUNT(*) BY User\n| WHERE sigma_value >= 3"`, `"from":"now-5m"`},
			warns: []string{WarnScheduleWindow, WarnMultiValue},
		},
		{
			name: "eql sequence", backend: NewEQL(),
			src:  ruleA + ruleB + corr("temporal_ordered", "rule_a, rule_b", ""),
			want: []string{`"type":"eql"`, `"query":"sequence by User with maxspan=5m\n`, `"index":["logs-*"]`, `"from":"now-10m"`},
		},
		{
			name: "threshold lt refused", backend: NewLucene(),
			src:     ruleA + corr("event_count", "rule_a", "    condition: {lt: 3}\n"),
			wantErr: "single gt / gte",
		},
		{
			name: "threshold temporal refused", backend: NewDSL(),
			src:     ruleA + ruleB + corr("temporal", "rule_a, rule_b", ""),
			wantErr: "count events or distinct values only",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := corrInput(t, tc.src)
			in.Format = "kibana_ndjson"
			out, err := tc.backend.ConvertCorrelation(in)
			if tc.wantErr != "" {
				if !errors.Is(err, backends.ErrUnsupported) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want a refusal containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid([]byte(out.Text)) || strings.Contains(out.Text, "\n") {
				t.Fatalf("not one JSON line:\n%s", out.Text)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.Text, w) {
					t.Errorf("rule lacks %s:\n%s", w, out.Text)
				}
			}
			var ids []string
			for _, w := range out.Warnings {
				ids = append(ids, w.ID)
			}
			if diff := cmp.Diff(tc.warns, ids); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

// chainInput parses a multi-document file whose last document is the
// correlation and resolves its references (rules and correlations, by
// name or id) among the other documents, as the driver does (no pipeline).
func chainInput(t *testing.T, src string) *backends.CorrelationInput {
	t.Helper()
	docs, errs := parser.ParseFile("test.yml", []byte(src))
	if err := errs.Err(); err != nil {
		t.Fatalf("parse: %v", err)
	}
	find := func(ref string) ir.Document {
		for _, d := range docs {
			m := d.Metadata()
			if m.Name == ref || strings.EqualFold(m.ID, ref) {
				return d
			}
		}
		t.Fatalf("unresolved reference %q", ref)
		return nil
	}
	var resolve func(c *ir.Correlation) *backends.CorrelationInput
	resolve = func(c *ir.Correlation) *backends.CorrelationInput {
		in := &backends.CorrelationInput{Correlation: c, Format: "default"}
		for _, ref := range c.Rules {
			switch d := find(ref.Ref).(type) {
			case *ir.Rule:
				in.Rules = append(in.Rules, &pipeline.Result{Rule: d})
			case *ir.Correlation:
				in.Chained = append(in.Chained, resolve(d))
			}
		}
		return in
	}
	return resolve(docs[len(docs)-1].(*ir.Correlation))
}

// named writes a named correlation document (a chained one).
func named(name, typ, rules, extra string) string {
	return strings.Replace(corr(typ, rules, extra), "title: c\n", "title: "+name+"\nname: "+name+"\n", 1) + "---\n"
}

// withSpan replaces the 5m timespan of a correlation document.
func withSpan(doc, span string) string {
	return strings.Replace(doc, "timespan: 5m", "timespan: "+span, 1)
}

func TestChainedCorrelations(t *testing.T) {
	many := named("many_a", "event_count", "rule_a", "    condition: {gte: 10}\n")
	tests := []struct {
		name    string
		backend *Backend
		kibana  bool
		src     string
		want    []string // ES|QL: the query's lines; DSL and Kibana: substrings of the compact output
		warns   []string
		wantErr string
	}{
		{
			name: "ordered over event_count (the spec's example)", backend: NewESQL(),
			src: ruleA + ruleB + many + corr("temporal_ordered", "many_a, rule_b", ""),
			want: []string{
				"FROM logs-*",
				`| WHERE (ENDS_WITH(TO_LOWER(Image), "\\whoami.exe")) OR (TO_STRING(DestinationPort) == "445")`,
				`| EVAL sigma_r1 = CASE(ENDS_WITH(TO_LOWER(Image), "\\whoami.exe"), 1, 0), sigma_r2 = CASE(TO_STRING(DestinationPort) == "445", 1, 0)`,
				"| EVAL sigma_t1 = CASE(sigma_r1 == 1, @timestamp), sigma_t2 = CASE(sigma_r2 == 1, @timestamp)",
				`| STATS sigma_q1_value = SUM(sigma_r1), sigma_t1 = TOP(sigma_t1, 10, "asc"), sigma_t2 = MAX(sigma_t2) BY sigma_window = BUCKET(@timestamp, 5 minutes), User`,
				"| EVAL sigma_q1 = CASE(sigma_q1_value >= 10 AND User IS NOT NULL, 1, 0), sigma_t1 = CASE(sigma_q1 == 1, MV_MAX(sigma_t1))",
				"| WHERE User IS NOT NULL",
				"| STATS sigma_t1 = MIN(sigma_t1), sigma_t2 = MAX(sigma_t2) BY sigma_window, User",
				"| WHERE sigma_t1 < sigma_t2",
			},
			warns: []string{WarnStaticWindow, WarnStaticWindow, WarnMultiValue, WarnMultiValue},
		},
		{
			name: "temporal over value_count, nested buckets", backend: NewESQL(),
			src: ruleA + ruleB + named("hosts_a", "value_count", "rule_a", "    group-by: [User, Domain]\n    condition: {field: Host, gt: 4}\n") +
				withSpan(corr("temporal", "hosts_a, rule_b", "    group-by: [User]\n"), "1h"),
			want: []string{
				"FROM logs-*",
				`| WHERE (ENDS_WITH(TO_LOWER(Image), "\\whoami.exe")) OR (TO_STRING(DestinationPort) == "445")`,
				`| EVAL sigma_r1 = CASE(ENDS_WITH(TO_LOWER(Image), "\\whoami.exe"), 1, 0), sigma_r2 = CASE(TO_STRING(DestinationPort) == "445", 1, 0)`,
				"| EVAL sigma_q1_f = CASE(sigma_r1 == 1, Host)",
				"| STATS sigma_q1_value = COUNT_DISTINCT(sigma_q1_f, 40000), sigma_q2 = MAX(sigma_r2) BY sigma_window = BUCKET(@timestamp, 5 minutes), User, Domain",
				"| EVAL sigma_q1 = CASE(sigma_q1_value > 4 AND User IS NOT NULL AND Domain IS NOT NULL, 1, 0)",
				"| WHERE User IS NOT NULL",
				"| EVAL sigma_window = DATE_TRUNC(1 hour, sigma_window)",
				"| STATS sigma_q1 = MAX(sigma_q1), sigma_q2 = MAX(sigma_q2) BY sigma_window, User",
				"| EVAL sigma_value = sigma_q1 + sigma_q2",
				"| WHERE sigma_value >= 2",
			},
			warns: []string{WarnStaticWindow, WarnStaticWindow, WarnDistinctEstimate, WarnMultiValue, WarnMultiValue},
		},
		{
			name: "event_count of temporal hits", backend: NewESQL(),
			src: ruleA + ruleB + named("both", "temporal", "rule_a, rule_b", "") +
				withSpan(corr("event_count", "both", "    condition: {gte: 3}\n"), "15m"),
			want: []string{
				"FROM logs-*",
				`| WHERE (ENDS_WITH(TO_LOWER(Image), "\\whoami.exe")) OR (TO_STRING(DestinationPort) == "445")`,
				`| EVAL sigma_r1 = CASE(ENDS_WITH(TO_LOWER(Image), "\\whoami.exe"), 1, 0), sigma_r2 = CASE(TO_STRING(DestinationPort) == "445", 1, 0)`,
				"| STATS sigma_q1_r1 = MAX(sigma_r1), sigma_q1_r2 = MAX(sigma_r2) BY sigma_window = BUCKET(@timestamp, 5 minutes), User",
				"| EVAL sigma_q1 = CASE((sigma_q1_r1 + sigma_q1_r2) >= 2 AND User IS NOT NULL, 1, 0)",
				"| WHERE User IS NOT NULL",
				"| EVAL sigma_window = DATE_TRUNC(15 minutes, sigma_window)",
				"| STATS sigma_q1 = SUM(sigma_q1) BY sigma_window, User",
				"| EVAL sigma_value = sigma_q1",
				"| WHERE sigma_value >= 3",
			},
			warns: []string{WarnStaticWindow, WarnStaticWindow, WarnMultiValue, WarnMultiValue},
		},
		{
			name: "dsl temporal over event_count", backend: NewDSL(),
			src: ruleA + ruleB + many + corr("temporal", "many_a, rule_b", ""),
			want: []string{
				`"query":{"bool":{"should":[{"wildcard":{"Image":`,
				`"sigma_group":{"terms":{"field":"User","size":10000},"aggs":{"sigma_q1":{"filter":{"wildcard":{"Image":`,
				`"sigma_q2":{"filter":{"term":{"DestinationPort":{"value":445}}}}`,
				`"buckets_path":{"sigma_q1":"sigma_q1>_count","sigma_q2":"sigma_q2>_count"}`,
				`"script":"((params.sigma_q1 >= 10 ? 1 : 0) + (params.sigma_q2 > 0 ? 1 : 0)) >= 2"`,
			},
			warns: []string{WarnStaticWindow, WarnStaticWindow, WarnTermsSize},
		},
		{
			name: "dsl event_count of value_count hits", backend: NewDSL(),
			src: ruleA + named("hosts_a", "value_count", "rule_a", "    condition: {field: Host, gt: 4}\n") + corr("event_count", "hosts_a, rule_a", "    condition: {gte: 7}\n"),
			want: []string{
				`"sigma_q1":{"filter":{"wildcard":{"Image":`,
				`"aggs":{"sigma_value":{"cardinality":{"field":"Host","precision_threshold":40000}}}}`,
				`"buckets_path":{"sigma_q1":"sigma_q1>sigma_value","sigma_q2":"sigma_q2>_count"}`,
				`"script":"((params.sigma_q1 > 4 ? 1 : 0) + params.sigma_q2) >= 7"`,
			},
			warns: []string{WarnStaticWindow, WarnStaticWindow, WarnDistinctEstimate, WarnTermsSize},
		},
		{
			name: "kibana rule without buckets", backend: NewESQL(), kibana: true,
			src:   ruleA + ruleB + many + corr("temporal_ordered", "many_a, rule_b", ""),
			want:  []string{`"type":"esql"`, `BY User\n| EVAL sigma_q1 = `, `| STATS sigma_t1 = MIN(sigma_t1), sigma_t2 = MAX(sigma_t2) BY User\n| WHERE sigma_t1 < sigma_t2"`, `"from":"now-5m"`},
			warns: []string{WarnMultiValue, WarnMultiValue, WarnScheduleWindow},
		},
		{
			name: "temporal over two correlations", backend: NewESQL(),
			src: ruleA + ruleB + many + named("many_b", "value_sum", "rule_b", "    condition: {field: Bytes, gt: 100}\n") +
				corr("temporal", "many_a, many_b", ""),
			want: []string{
				"FROM logs-*",
				`| WHERE (ENDS_WITH(TO_LOWER(Image), "\\whoami.exe")) OR (TO_STRING(DestinationPort) == "445")`,
				`| EVAL sigma_r1 = CASE(ENDS_WITH(TO_LOWER(Image), "\\whoami.exe"), 1, 0), sigma_r2 = CASE(TO_STRING(DestinationPort) == "445", 1, 0)`,
				"| EVAL sigma_q2_f = CASE(sigma_r2 == 1, TO_DOUBLE(Bytes))",
				"| STATS sigma_q1_value = SUM(sigma_r1), sigma_q2_value = SUM(sigma_q2_f) BY sigma_window = BUCKET(@timestamp, 5 minutes), User",
				"| EVAL sigma_q1 = CASE(sigma_q1_value >= 10 AND User IS NOT NULL, 1, 0), sigma_q2 = CASE(sigma_q2_value > 100 AND User IS NOT NULL, 1, 0)",
				"| WHERE User IS NOT NULL",
				"| STATS sigma_q1 = MAX(sigma_q1), sigma_q2 = MAX(sigma_q2) BY sigma_window, User",
				"| EVAL sigma_value = sigma_q1 + sigma_q2",
				"| WHERE sigma_value >= 2",
			},
			warns: []string{WarnStaticWindow, WarnStaticWindow, WarnStaticWindow, WarnMultiValue, WarnMultiValue},
		},
		{
			name: "correlations with different group-by refused", backend: NewESQL(),
			src: ruleA + ruleB + many + named("many_b", "event_count", "rule_b", "    group-by: [User, Host]\n    condition: {gt: 1}\n") +
				corr("temporal", "many_a, many_b", ""),
			wantErr: "share their timespan and group-by",
		},
		{
			name: "kibana rule with different timespans refused", backend: NewESQL(), kibana: true,
			src:     ruleA + ruleB + many + withSpan(corr("temporal", "many_a, rule_b", ""), "10m"),
			wantErr: "one look-back",
		},
		{
			name: "buckets that do not nest refused", backend: NewESQL(),
			src:     ruleA + ruleB + many + withSpan(corr("temporal", "many_a, rule_b", ""), "7m"),
			wantErr: "must divide the outer one",
		},
		{
			name: "outer group-by not an inner one refused", backend: NewESQL(),
			src:     ruleA + ruleB + named("many_a", "event_count", "rule_a", "    group-by: [Host]\n    condition: {gte: 10}\n") + corr("temporal", "many_a, rule_b", ""),
			wantErr: "names no group-by field of the chained correlation",
		},
		{
			name: "ordered over value_count refused", backend: NewESQL(),
			src:     ruleA + ruleB + named("hosts_a", "value_count", "rule_a", "    condition: {field: Host, gt: 4}\n") + corr("temporal_ordered", "hosts_a, rule_b", ""),
			wantErr: "not an aggregate",
		},
		{
			name: "value_sum over correlations refused", backend: NewESQL(),
			src:     ruleA + ruleB + many + corr("value_sum", "many_a, rule_b", "    condition: {field: User, gt: 4}\n"),
			wantErr: "event_count, temporal and temporal_ordered",
		},
		{
			name: "two levels refused", backend: NewESQL(),
			src:     ruleA + ruleB + many + named("mid", "event_count", "many_a", "    condition: {gte: 2}\n") + corr("temporal", "mid, rule_b", ""),
			wantErr: "more than one level",
		},
		{
			name: "eql refused", backend: NewEQL(),
			src:     ruleA + ruleB + many + corr("temporal_ordered", "many_a, rule_b", ""),
			wantErr: "one maxspan",
		},
		{
			name: "dsl ordered refused", backend: NewDSL(),
			src:     ruleA + ruleB + many + corr("temporal_ordered", "many_a, rule_b", ""),
			wantErr: "no Query DSL metric",
		},
		{
			name: "dsl nested buckets refused", backend: NewDSL(),
			src:     ruleA + ruleB + many + withSpan(corr("temporal", "many_a, rule_b", ""), "10m"),
			wantErr: "one date_histogram holds both",
		},
		{
			name: "dsl wider inner group-by refused", backend: NewDSL(),
			src:     ruleA + ruleB + named("many_a", "event_count", "rule_a", "    group-by: [User, Host]\n    condition: {gte: 10}\n") + corr("temporal", "many_a, rule_b", ""),
			wantErr: "one terms aggregation holds both",
		},
		{
			name: "threshold refused", backend: NewLucene(), kibana: true,
			src:     ruleA + ruleB + many + corr("event_count", "many_a, rule_b", "    condition: {gte: 2}\n"),
			wantErr: "threshold rule counts the events of one query",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := chainInput(t, tc.src)
			if tc.kibana {
				in.Format = "kibana_ndjson"
			}
			out, err := tc.backend.ConvertCorrelation(in)
			if tc.wantErr != "" {
				if !errors.Is(err, backends.ErrUnsupported) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want a refusal containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.kibana || tc.backend.lang == DSL {
				text := out.Text
				if !tc.kibana {
					text = compactJSON(t, out.Query)
				}
				for _, w := range tc.want {
					if !strings.Contains(text, w) {
						t.Errorf("output lacks %s:\n%s", w, text)
					}
				}
			} else if diff := cmp.Diff(tc.want, strings.Split(out.Query, "\n")); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
			var ids []string
			for _, w := range out.Warnings {
				ids = append(ids, w.ID)
			}
			if diff := cmp.Diff(tc.warns, ids); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}
