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
			name: "esql ordered refused", backend: NewESQL(),
			src:     ruleA + ruleB + corr("temporal_ordered", "rule_a, rule_b", ""),
			wantErr: "use -t eql",
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
			wantErr: "runtime field",
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
