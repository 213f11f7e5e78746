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

// chainCorr builds a correlation named name over refs, grouped by Host,
// with a 5m timespan and, when op is not "", one bound.
func chainCorr(name string, typ ir.CorrelationType, op string, v float64, refs ...string) *ir.Correlation {
	c := &ir.Correlation{Type: typ, GroupBy: []string{"Host"},
		Timespan: ir.Timespan{Raw: "5m", Duration: 5 * time.Minute}}
	c.Name = name
	for _, r := range refs {
		c.Rules = append(c.Rules, ir.RuleRef{Ref: r})
	}
	if op != "" {
		c.Cond = &ir.CorrCondition{Bounds: []ir.CorrBound{{Op: op, Value: v}}}
	}
	return c
}

func TestChainedCorrelations(t *testing.T) {
	a := rule(ref("s"), sel("s", it("A", "", sv("1"))))
	b := rule(ref("s"), sel("s", it("B", "", sv("2"))))
	head := "(A=\"1\") OR (B=\"2\")\n| eval sigma_r1=if(lower(A)==\"1\", 1, 0), sigma_r2=if(lower(B)==\"2\", 1, 0)\n| where sigma_r1==1 OR sigma_r2==1\n| sort 0 _time\n"
	tests := []struct {
		name string
		in   *backends.CorrelationInput
		want string
	}{
		{"inner temporal", &backends.CorrelationInput{
			Correlation: chainCorr("outer", ir.EventCount, "gte", 2, "inner"),
			Chained: []*backends.CorrelationInput{{
				Correlation: chainCorr("inner", ir.Temporal, "", 0, "a", "b"), Rules: []*pipeline.Result{a, b}}}},
			head + `| streamstats time_window=300s max(sigma_r1) as sigma_q1_c1 max(sigma_r2) as sigma_q1_c2 by Host
| eval sigma_q1_value=coalesce(sigma_q1_c1, 0)+coalesce(sigma_q1_c2, 0)
| eval sigma_q1_on=if(sigma_r1==1 OR sigma_r2==1, if(sigma_q1_value>=2, 1, 0), null())
| streamstats time_window=300s current=false last(sigma_q1_on) as sigma_q1_prev by Host
| eval sigma_q1=if(sigma_q1_on==1 AND coalesce(sigma_q1_prev, 0)==0, 1, 0)
| where sigma_q1==1
| eval sigma_rule=mvappend(if(sigma_q1==1, "inner", null()))
| sort 0 _time
| streamstats time_window=300s count as sigma_event_count by Host
| where sigma_event_count>=2`},
		{"inner temporal_ordered", &backends.CorrelationInput{
			Correlation: chainCorr("outer", ir.Temporal, "", 0, "inner", "b"), Rules: []*pipeline.Result{b},
			Chained: []*backends.CorrelationInput{{
				Correlation: chainCorr("inner", ir.TemporalOrdered, "", 0, "a", "b"), Rules: []*pipeline.Result{a, b}}}},
			"(A=\"1\") OR (B=\"2\") OR (B=\"2\")\n| eval sigma_r1=if(lower(A)==\"1\", 1, 0), sigma_r2=if(lower(B)==\"2\", 1, 0), sigma_r3=if(lower(B)==\"2\", 1, 0)\n| where sigma_r1==1 OR sigma_r2==1 OR sigma_r3==1\n| sort 0 _time\n" +
				`| eval sigma_q1_s1=if(sigma_r1==1, _time, null())
| streamstats time_window=300s current=false max(sigma_q1_s1) as sigma_q1_p1 by Host
| eval sigma_q1_s2=if(sigma_r2==1 AND _time-sigma_q1_p1<=300, sigma_q1_p1, null())
| streamstats time_window=300s max(sigma_q1_s2) as sigma_q1_value by Host
| eval sigma_q1_on=if(sigma_r1==1 OR sigma_r2==1, if(_time-sigma_q1_value<=300, 1, 0), null())
| streamstats time_window=300s current=false last(sigma_q1_on) as sigma_q1_prev by Host
| eval sigma_q1=if(sigma_q1_on==1 AND coalesce(sigma_q1_prev, 0)==0, 1, 0)
| where sigma_q1==1 OR sigma_r3==1
| eval sigma_rule=mvappend(if(sigma_q1==1, "inner", null()), if(sigma_r3==1, "b", null()))
| sort 0 _time
| streamstats time_window=300s dc(sigma_rule) as sigma_rule_count by Host
| where sigma_rule_count>=2`},
		{"two levels", &backends.CorrelationInput{
			Correlation: chainCorr("top", ir.EventCount, "gte", 2, "mid"),
			Chained: []*backends.CorrelationInput{{
				Correlation: chainCorr("mid", ir.EventCount, "gt", 1, "low"),
				Chained: []*backends.CorrelationInput{{
					Correlation: chainCorr("low", ir.EventCount, "gte", 3, "a"), Rules: []*pipeline.Result{a}}}}}},
			"A=\"1\"\n| eval sigma_r1=if(lower(A)==\"1\", 1, 0)\n| where sigma_r1==1\n| sort 0 _time\n" +
				`| streamstats time_window=300s count(eval(if(sigma_r1==1, 1, null()))) as sigma_q1_1_value by Host
| eval sigma_q1_1_on=if(sigma_r1==1, if(sigma_q1_1_value>=3, 1, 0), null())
| streamstats time_window=300s current=false last(sigma_q1_1_on) as sigma_q1_1_prev by Host
| eval sigma_q1_1=if(sigma_q1_1_on==1 AND coalesce(sigma_q1_1_prev, 0)==0, 1, 0)
| streamstats time_window=300s count(eval(if(sigma_q1_1==1, 1, null()))) as sigma_q1_value by Host
| eval sigma_q1_on=if(sigma_q1_1==1, if(sigma_q1_value>1, 1, 0), null())
| streamstats time_window=300s current=false last(sigma_q1_on) as sigma_q1_prev by Host
| eval sigma_q1=if(sigma_q1_on==1 AND coalesce(sigma_q1_prev, 0)==0, 1, 0)
| where sigma_q1==1
| eval sigma_rule=mvappend(if(sigma_q1==1, "mid", null()))
| sort 0 _time
| streamstats time_window=300s count as sigma_event_count by Host
| where sigma_event_count>=2`},
	}
	tests = append(tests, struct {
		name string
		in   *backends.CorrelationInput
		want string
	}{"inner aliases", aliasedChain(),
		"(A=\"1\") OR (B=\"2\")\n| eval sigma_r1=if(lower(A)==\"1\", 1, 0), sigma_r2=if(lower(B)==\"2\", 1, 0)\n| where sigma_r1==1 OR sigma_r2==1\n| sort 0 _time\n" +
			`| eval sigma_q1_g1=case(sigma_r1==1, Computer, sigma_r2==1, 'host.name')
| streamstats time_window=300s dc(eval(if(sigma_r1==1 OR sigma_r2==1, case(sigma_r1==1, SrcIp, sigma_r2==1, 'source.ip'), null()))) as sigma_q1_value by sigma_q1_g1
| eval sigma_q1_on=if(sigma_r1==1 OR sigma_r2==1, if(sigma_q1_value>=2, 1, 0), null())
| streamstats time_window=300s current=false last(sigma_q1_on) as sigma_q1_prev by sigma_q1_g1
| eval sigma_q1=if(sigma_q1_on==1 AND coalesce(sigma_q1_prev, 0)==0, 1, 0)
| where sigma_q1==1
| eval sigma_rule=mvappend(if(sigma_q1==1, "inner", null()))
| eval Host=case(sigma_q1==1, sigma_q1_g1, true(), Host)
| sort 0 _time
| streamstats time_window=300s count as sigma_event_count by Host
| where sigma_event_count>=2`})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := New().ConvertCorrelation(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, out.Query); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if err := CheckStructure(out.Query); err != nil {
				t.Errorf("CheckStructure: %v", err)
			}
		})
	}
}

func TestChainedCorrelationRefusals(t *testing.T) {
	a := rule(ref("s"), sel("s", it("A", "", sv("1"))))
	outer := func(inner *ir.Correlation, rules ...*pipeline.Result) *backends.CorrelationInput {
		return &backends.CorrelationInput{Correlation: chainCorr("outer", ir.EventCount, "gte", 2, inner.Name),
			Chained: []*backends.CorrelationInput{{Correlation: inner, Rules: rules}}}
	}
	a.Rule.Name = "a"
	badAlias := chainCorr("inner", ir.EventCount, "gte", 2, "a")
	badAlias.Aliases = []ir.Alias{{Name: "Host", Fields: []ir.AliasField{{Rule: "a", Field: "it's"}}}}
	avg := chainCorr("inner", ir.ValueAvg, "gte", 2, "a")
	avg.Cond.Field = "Bytes"
	tests := []struct {
		name string
		in   *backends.CorrelationInput
		want string
	}{
		{"inner lt", outer(chainCorr("inner", ir.EventCount, "lt", 2, "a"), a), "single gt / gte"},
		{"inner avg", outer(avg, a), "value_avg"},
		{"inner alias field", outer(badAlias, a), "alias field"},
		{"inner temporal lte", outer(chainCorr("inner", ir.Temporal, "lte", 1, "a"), a), "temporal"},
		{"inner ordered with condition", outer(chainCorr("inner", ir.TemporalOrdered, "gte", 1, "a"), a), "temporal_ordered"},
		{"deep refusal", &backends.CorrelationInput{Correlation: chainCorr("top", ir.EventCount, "gte", 2, "inner"),
			Chained: []*backends.CorrelationInput{outer(chainCorr("x", ir.EventCount, "neq", 2, "a"), a)}}, "single gt / gte"},
	}
	tests[5].in.Chained[0].Correlation.Name = "inner"
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New().ConvertCorrelation(tc.in)
			if !errors.Is(err, backends.ErrUnsupported) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want an unsupported error about %s", err, tc.want)
			}
		})
	}
}

// aliasedChain is an event_count over a value_count whose group-by and
// value field are aliases to different fields of its two rules.
func aliasedChain() *backends.CorrelationInput {
	a := rule(ref("s"), sel("s", it("A", "", sv("1"))))
	b := rule(ref("s"), sel("s", it("B", "", sv("2"))))
	a.Rule.Name, b.Rule.Name = "a", "b"
	inner := chainCorr("inner", ir.ValueCount, "gte", 2, "a", "b")
	inner.Cond.Field = "ip"
	inner.Aliases = []ir.Alias{
		{Name: "Host", Fields: []ir.AliasField{{Rule: "a", Field: "Computer"}, {Rule: "b", Field: "host.name"}}},
		{Name: "ip", Fields: []ir.AliasField{{Rule: "a", Field: "SrcIp"}, {Rule: "b", Field: "source.ip"}}},
	}
	return &backends.CorrelationInput{Correlation: chainCorr("outer", ir.EventCount, "gte", 2, "inner"),
		Chained: []*backends.CorrelationInput{{Correlation: inner, Rules: []*pipeline.Result{a, b}}}}
}
