package kql

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
	"github.com/sigconv/sigconv/pipeline"
)

// corrTable is the table of the correlation tests' rules.
var corrTable = &pipeline.Table{Name: "Sec", Columns: []pipeline.Column{
	{Name: "TimeGenerated", Type: "datetime"}, {Name: "EventID", Type: "int"},
	{Name: "User", Type: "string"}, {Name: "Host", Type: "string"},
	{Name: "Computer", Type: "string"}, {Name: "Bytes", Type: "long"},
}}

// corrRules are the detection rules the correlation cases refer to.
const corrRules = `title: A
name: a
logsource: {product: test}
detection: {sel: {EventID: 1}, condition: sel}
---
title: B
name: b
logsource: {product: test}
detection: {sel: {EventID: 2}, condition: sel}
---
title: C
name: c
logsource: {product: test}
detection: {sel: {EventID: 3}, condition: sel}
`

// corrInput parses corrRules plus docs and returns the input of the last
// correlation of docs, references resolved by name as the driver does,
// every rule on corrTable.
func corrInput(t *testing.T, docs string) *backends.CorrelationInput {
	t.Helper()
	parsed, errs := parser.ParseFile("rule.yml", []byte(corrRules+"---\n"+docs))
	if err := errs.Err(); err != nil {
		t.Fatalf("parse: %v", err)
	}
	byName := map[string]ir.Document{}
	var last *ir.Correlation
	for _, d := range parsed {
		byName[d.Metadata().Name] = d
		if c, ok := d.(*ir.Correlation); ok {
			last = c
		}
	}
	var build func(c *ir.Correlation) *backends.CorrelationInput
	build = func(c *ir.Correlation) *backends.CorrelationInput {
		in := &backends.CorrelationInput{Correlation: c, Format: FormatDefault}
		for _, ref := range c.Rules {
			switch d := byName[ref.Ref].(type) {
			case *ir.Rule:
				in.Rules = append(in.Rules, &pipeline.Result{Rule: d, Table: corrTable})
			case *ir.Correlation:
				in.Chained = append(in.Chained, build(d))
			default:
				t.Fatalf("unknown reference %q", ref.Ref)
			}
		}
		return in
	}
	return build(last)
}

type corrCase struct {
	name, docs string
	want       string   // the query, or the refusal's reason
	warnings   []string // the warning IDs, when not nil (empty: none)
}

var corrCases = []corrCase{{
	name: "temporal_ordered three rules",
	docs: `title: Seq
correlation: {type: temporal_ordered, rules: [a, b, c], group-by: [User, Host], timespan: 10m}
`,
	want: `let sigconv_r0 = Sec
| where EventID == 1
| extend sigconv_rule = "a", sigconv_time = TimeGenerated, sigconv_step = 1;
let sigconv_r1 = Sec
| where EventID == 2
| extend sigconv_rule = "b", sigconv_time = TimeGenerated, sigconv_step = 2;
let sigconv_r2 = Sec
| where EventID == 3
| extend sigconv_rule = "c", sigconv_time = TimeGenerated, sigconv_step = 3;
union sigconv_r0, sigconv_r1, sigconv_r2
| sort by User asc, Host asc, sigconv_time asc, sigconv_step desc
| extend sigconv_before = iff(User == prev(User) and Host == prev(Host), prev(sigconv_time), datetime(null))
| scan declare (sigconv_start: datetime) with (
    step s1 output=none: sigconv_rule == "a";
    step s2 output=none: sigconv_rule == "b" and User == s1.User and Host == s1.Host and sigconv_time - s1.sigconv_time <= 10m;
    step s3: sigconv_rule == "c" and User == s1.User and Host == s1.Host and sigconv_time - s1.sigconv_time <= 10m => sigconv_start = s1.sigconv_time;
)
| where not(User == prev(User) and Host == prev(Host) and isnotnull(sigconv_before) and isnotnull(prev(sigconv_start)) and sigconv_before - prev(sigconv_start) <= 10m)
| project-away sigconv_before`,
}, {
	name: "temporal_ordered condition asks for a leading part",
	docs: `title: Seq
correlation: {type: temporal_ordered, rules: [a, b, c], group-by: [User], timespan: 1h, condition: {gt: 1}}
`,
	want: `let sigconv_r0 = Sec
| where EventID == 1
| extend sigconv_rule = "a", sigconv_time = TimeGenerated, sigconv_step = 1;
let sigconv_r1 = Sec
| where EventID == 2
| extend sigconv_rule = "b", sigconv_time = TimeGenerated, sigconv_step = 2;
let sigconv_r2 = Sec
| where EventID == 3
| extend sigconv_rule = "c", sigconv_time = TimeGenerated, sigconv_step = 0;
union sigconv_r0, sigconv_r1, sigconv_r2
| sort by User asc, sigconv_time asc, sigconv_step desc
| extend sigconv_before = iff(User == prev(User), prev(sigconv_time), datetime(null))
| scan declare (sigconv_start: datetime) with (
    step s1 output=none: sigconv_rule == "a";
    step s2: sigconv_rule == "b" and User == s1.User and sigconv_time - s1.sigconv_time <= 1h => sigconv_start = s1.sigconv_time;
)
| where not(User == prev(User) and isnotnull(sigconv_before) and isnotnull(prev(sigconv_start)) and sigconv_before - prev(sigconv_start) <= 1h)
| project-away sigconv_before`,
}, {
	name: "temporal_ordered one rule twice",
	docs: `title: Seq
correlation: {type: temporal_ordered, rules: [a, a], group-by: [Host], timespan: 5m}
`,
	want: `Sec
| where EventID == 1
| sort by Host asc, TimeGenerated asc
| extend sigconv_before = iff(Host == prev(Host), prev(TimeGenerated), datetime(null))
| scan declare (sigconv_start: datetime) with (
    step s1 output=none: true;
    step s2: Host == s1.Host and TimeGenerated - s1.TimeGenerated <= 5m and TimeGenerated > s1.TimeGenerated => sigconv_start = s1.TimeGenerated;
)
| where not(Host == prev(Host) and isnotnull(sigconv_before) and isnotnull(prev(sigconv_start)) and sigconv_before - prev(sigconv_start) <= 5m)
| project-away sigconv_before`,
}, {
	name: "temporal_ordered rule recurring after another",
	docs: `title: Seq
correlation: {type: temporal_ordered, rules: [a, b, a], group-by: [Host], timespan: 5m}
`,
	want: `rule "a" occurs again after other rules`,
}, {
	name: "temporal_ordered condition never met",
	docs: `title: Seq
correlation: {type: temporal_ordered, rules: [a, b], group-by: [Host], timespan: 5m, condition: {gte: 3}}
`,
	want: "gte 3 can never hold: the sequence has 2 rules",
}, {
	name: "temporal_ordered lt condition",
	docs: `title: Seq
correlation: {type: temporal_ordered, rules: [a, b], group-by: [Host], timespan: 5m, condition: {lt: 2}}
`,
	want: "only a gt / gte bound",
}, {
	name: "event_count over sliding windows",
	docs: `title: Many
correlation: {type: event_count, rules: [a], group-by: [User, Host], timespan: 10m, condition: {gt: 2}}
`,
	want: `Sec
| where EventID == 1
| sort by User asc, Host asc, TimeGenerated asc
| extend sigconv_start = iff(User == prev(User, 2) and Host == prev(Host, 2), prev(TimeGenerated, 2), datetime(null))
| extend sigconv_hit = isnotnull(sigconv_start) and TimeGenerated - sigconv_start <= 10m
| where sigconv_hit and not(prev(sigconv_hit, 1, false) and User == prev(User) and Host == prev(Host))
| project-away sigconv_hit`,
	warnings: []string{},
}, {
	name: "temporal over sliding windows, some of the rules",
	docs: `title: Two of three
correlation: {type: temporal, rules: [a, b, c], group-by: [Host], timespan: 10m, condition: {gte: 2}}
`,
	want: `let sigconv_r0 = Sec
| where EventID == 1
| extend sigconv_rule = "a", sigconv_time = TimeGenerated;
let sigconv_r1 = Sec
| where EventID == 2
| extend sigconv_rule = "b", sigconv_time = TimeGenerated;
let sigconv_r2 = Sec
| where EventID == 3
| extend sigconv_rule = "c", sigconv_time = TimeGenerated;
union sigconv_r0, sigconv_r1, sigconv_r2
| sort by Host asc, sigconv_time asc
| scan declare (sigconv_t0: datetime, sigconv_t1: datetime, sigconv_t2: datetime) with (
    step s1: true => sigconv_t0 = iff(sigconv_rule == "a", sigconv_time, iff(Host == s1.Host, s1.sigconv_t0, datetime(null))), sigconv_t1 = iff(sigconv_rule == "b", sigconv_time, iff(Host == s1.Host, s1.sigconv_t1, datetime(null))), sigconv_t2 = iff(sigconv_rule == "c", sigconv_time, iff(Host == s1.Host, s1.sigconv_t2, datetime(null)));
)
| extend sigconv_value = iff(sigconv_t0 >= sigconv_time - 10m, 1, 0) + iff(sigconv_t1 >= sigconv_time - 10m, 1, 0) + iff(sigconv_t2 >= sigconv_time - 10m, 1, 0)
| extend sigconv_start = min_of(iff(sigconv_t0 >= sigconv_time - 10m, sigconv_t0, sigconv_time), iff(sigconv_t1 >= sigconv_time - 10m, sigconv_t1, sigconv_time), iff(sigconv_t2 >= sigconv_time - 10m, sigconv_t2, sigconv_time)), sigconv_hit = sigconv_value >= 2
| where sigconv_hit and not(prev(sigconv_hit, 1, false) and Host == prev(Host))
| project-away sigconv_hit`,
	warnings: []string{},
}, {
	name: "event_count with an upper bound in fixed buckets",
	docs: `title: Few
correlation: {type: event_count, rules: [a, b], group-by: [Host], timespan: 1h, condition: {gte: 2, lte: 5}}
`,
	want: `let sigconv_r0 = Sec
| where EventID == 1
| extend sigconv_rule = "a", sigconv_time = TimeGenerated;
let sigconv_r1 = Sec
| where EventID == 2
| extend sigconv_rule = "b", sigconv_time = TimeGenerated;
union sigconv_r0, sigconv_r1
| summarize sigconv_value = count() by bin(sigconv_time, 1h), Host
| where sigconv_value >= 2 and sigconv_value <= 5`,
	warnings: []string{WarnStaticWindow},
}, {
	name: "temporal of one rule is marked",
	docs: `title: T
correlation: {type: temporal, rules: [a], group-by: [Host], timespan: 5m}
`,
	want: `let sigconv_r0 = Sec
| where EventID == 1
| extend sigconv_rule = "a", sigconv_time = TimeGenerated;
sigconv_r0
| sort by Host asc, sigconv_time asc
| scan declare (sigconv_t0: datetime) with (
    step s1: true => sigconv_t0 = iff(sigconv_rule == "a", sigconv_time, iff(Host == s1.Host, s1.sigconv_t0, datetime(null)));
)
| extend sigconv_value = iff(sigconv_t0 >= sigconv_time - 5m, 1, 0)
| extend sigconv_start = iff(sigconv_t0 >= sigconv_time - 5m, sigconv_t0, sigconv_time), sigconv_hit = sigconv_value >= 1
| where sigconv_hit and not(prev(sigconv_hit, 1, false) and Host == prev(Host))
| project-away sigconv_hit`,
}, {
	name: "chain: outer group-by alias onto the inner group-by",
	docs: `title: Many A
name: many_a
correlation: {type: event_count, rules: [a], group-by: [Computer], timespan: 10m, condition: {gte: 5}}
---
title: Many A then B on the host
correlation:
    type: temporal_ordered
    rules: [many_a, b]
    group-by: [host]
    aliases:
        host: {many_a: Computer, b: Host}
    timespan: 1h
`,
	want: `let sigconv_c0 = Sec
| where EventID == 1
| sort by Computer asc, TimeGenerated asc
| extend sigconv_start = iff(Computer == prev(Computer, 4), prev(TimeGenerated, 4), datetime(null))
| extend sigconv_hit = isnotnull(sigconv_start) and TimeGenerated - sigconv_start <= 10m
| where sigconv_hit and not(prev(sigconv_hit, 1, false) and Computer == prev(Computer))
| project-away sigconv_hit
| project sigconv_rule = "many_a", sigconv_time = TimeGenerated, sigconv_step = 1, host = Computer;
let sigconv_r1 = Sec
| where EventID == 2
| extend sigconv_rule = "b", sigconv_time = TimeGenerated, sigconv_step = 2, host = Host;
union sigconv_c0, sigconv_r1
| sort by host asc, sigconv_time asc, sigconv_step desc
| extend sigconv_before = iff(host == prev(host), prev(sigconv_time), datetime(null))
| scan declare (sigconv_start: datetime) with (
    step s1 output=none: sigconv_rule == "many_a";
    step s2: sigconv_rule == "b" and host == s1.host and sigconv_time - s1.sigconv_time <= 1h => sigconv_start = s1.sigconv_time;
)
| where not(host == prev(host) and isnotnull(sigconv_before) and isnotnull(prev(sigconv_start)) and sigconv_before - prev(sigconv_start) <= 1h)
| project-away sigconv_before`,
}, {
	name: "chain of two levels carrying a field of the event completing the sequence",
	docs: `title: Many A
name: many_a
correlation: {type: event_count, rules: [a], group-by: [Host], timespan: 10m, condition: {gte: 5}}
---
title: Many A then B
name: a_then_b
correlation: {type: temporal_ordered, rules: [many_a, b], group-by: [Host], timespan: 1h}
---
title: Several hosts per user
correlation: {type: value_count, rules: [a_then_b], group-by: [User], timespan: 1d, condition: {field: Host, gte: 3}}
`,
	want: `let sigconv_c0 = Sec
| where EventID == 1
| sort by Host asc, TimeGenerated asc
| extend sigconv_start = iff(Host == prev(Host, 4), prev(TimeGenerated, 4), datetime(null))
| extend sigconv_hit = isnotnull(sigconv_start) and TimeGenerated - sigconv_start <= 10m
| where sigconv_hit and not(prev(sigconv_hit, 1, false) and Host == prev(Host))
| project-away sigconv_hit
| project sigconv_rule = "many_a", sigconv_time = TimeGenerated, sigconv_step = 1, Host;
let sigconv_r1 = Sec
| where EventID == 2
| extend sigconv_rule = "b", sigconv_time = TimeGenerated, sigconv_step = 2;
let sigconv_c2 = union sigconv_c0, sigconv_r1
| sort by Host asc, sigconv_time asc, sigconv_step desc
| extend sigconv_before = iff(Host == prev(Host), prev(sigconv_time), datetime(null))
| scan declare (sigconv_start: datetime) with (
    step s1 output=none: sigconv_rule == "many_a";
    step s2: sigconv_rule == "b" and Host == s1.Host and sigconv_time - s1.sigconv_time <= 1h => sigconv_start = s1.sigconv_time;
)
| where not(Host == prev(Host) and isnotnull(sigconv_before) and isnotnull(prev(sigconv_start)) and sigconv_before - prev(sigconv_start) <= 1h)
| project-away sigconv_before
| project sigconv_rule = "a_then_b", sigconv_time, User, Host;
sigconv_c2
| summarize sigconv_value = array_length(make_set_if(Host, isnotempty(tostring(Host)))) by bin(sigconv_time, 1d), User
| where sigconv_value >= 3`,
}, {
	name: "chain: counting the hits of a sequence",
	docs: `title: A then B
name: a_then_b
correlation: {type: temporal_ordered, rules: [a, b], group-by: [Host], timespan: 1h}
---
title: Many sequences
correlation: {type: event_count, rules: [a_then_b], group-by: [Host], timespan: 1d, condition: {gte: 2}}
`,
	want: `let sigconv_r0 = Sec
| where EventID == 1
| extend sigconv_rule = "a", sigconv_time = TimeGenerated, sigconv_step = 1;
let sigconv_r1 = Sec
| where EventID == 2
| extend sigconv_rule = "b", sigconv_time = TimeGenerated, sigconv_step = 2;
let sigconv_c2 = union sigconv_r0, sigconv_r1
| sort by Host asc, sigconv_time asc, sigconv_step desc
| extend sigconv_before = iff(Host == prev(Host), prev(sigconv_time), datetime(null))
| scan declare (sigconv_start: datetime) with (
    step s1 output=none: sigconv_rule == "a";
    step s2: sigconv_rule == "b" and Host == s1.Host and sigconv_time - s1.sigconv_time <= 1h => sigconv_start = s1.sigconv_time;
)
| where not(Host == prev(Host) and isnotnull(sigconv_before) and isnotnull(prev(sigconv_start)) and sigconv_before - prev(sigconv_start) <= 1h)
| project-away sigconv_before
| project sigconv_rule = "a_then_b", sigconv_time, Host;
sigconv_c2
| sort by Host asc, sigconv_time asc
| extend sigconv_start = iff(Host == prev(Host, 1), prev(sigconv_time, 1), datetime(null))
| extend sigconv_hit = isnotnull(sigconv_start) and sigconv_time - sigconv_start <= 1d
| where sigconv_hit and not(prev(sigconv_hit, 1, false) and Host == prev(Host))
| project-away sigconv_hit`,
	warnings: []string{},
}, {
	name: "chain: inner decided at window end carries no event field",
	docs: `title: Few A
name: few_a
correlation: {type: event_count, rules: [a], group-by: [Host], timespan: 10m, condition: {lt: 2}}
---
title: Few A then B per user
correlation: {type: temporal_ordered, rules: [few_a, b], group-by: [User], timespan: 1h}
`,
	want: "carry no event fields",
}}

// TestConvertCorrelation converts the cases and checks every query with
// Kusto.Language against corrTable.
func TestConvertCorrelation(t *testing.T) {
	queries := map[string]string{}
	for _, tc := range corrCases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := New().ConvertCorrelation(corrInput(t, tc.docs))
			if err != nil {
				if !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("refused: %v\nwant a query or a refusal containing %q", err, tc.want)
				}
				return
			}
			if diff := cmp.Diff(tc.want, out.Query); diff != "" {
				t.Errorf("query (-want +got):\n%s\ngot:\n%s", diff, out.Query)
			}
			if tc.warnings != nil {
				var ids []string
				for _, w := range out.Warnings {
					ids = append(ids, w.ID)
				}
				if diff := cmp.Diff(tc.warnings, ids, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("warnings (-want +got):\n%s", diff)
				}
			}
			if err := checkStructure(out.Query); err != nil {
				t.Errorf("structure: %v", err)
			}
			queries[tc.name] = out.Query
		})
	}
	if testing.Short() {
		return
	}
	report, ok := validateWith(t, queries, map[string]*pipeline.Table{corrTable.Name: corrTable})
	if !ok {
		t.Errorf("Kusto.Language errors:\n%s", report)
	}
}
