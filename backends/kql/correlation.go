package kql

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
)

// Column names the correlation queries add; the sigconv_ prefix keeps them
// apart from table columns.
const (
	colRule   = "sigconv_rule"   // name of the rule an event matched
	colTime   = "sigconv_time"   // the event's time column, under one name
	colValue  = "sigconv_value"  // the aggregate compared with the condition
	colBucket = "sigconv_bucket" // a chained correlation's time bucket
	colStep   = "sigconv_step"   // a temporal_ordered entry's step, to order equal times
	colStart  = "sigconv_start"  // the time of a hit's first entry
	colHit    = "sigconv_hit"    // a sliding window ending at the entry meets the condition
	colBefore = "sigconv_before" // the time of the group's previous entry
)

// WarnStaticWindow is the warning ID of correlation queries that count in
// fixed time buckets (bin) where Sigma's window slides; the Splunk and
// Elastic backends use the same ID for the same approximation, after the
// specification's "static time boundaries".
const WarnStaticWindow = "static-time-window"

// WarnPercentileEstimate is the warning ID of value_percentile queries:
// Kusto's percentile() is an estimate (T-Digest).
const WarnPercentileEstimate = "percentile-estimate"

// ConvertCorrelation converts a correlation rule. The entries of the
// correlation — the events of each referenced rule and the hits of each
// referenced (chained) correlation — are one `let` each, marked with the
// reference's name, and unioned; a single referenced rule is used as it
// is. Then, one row per hit:
//
//   - temporal_ordered: a scan over the entries sorted by group and time
//     finds the rules in order within the timespan (correlation_scan.go);
//   - event_count and temporal with a gt / gte threshold (or none):
//     sliding windows ending at each entry (correlation_window.go);
//   - the rest: `summarize` of the aggregate by fixed time buckets of the
//     timespan (bin) and the group-by fields, then the condition. Buckets
//     are fixed while a Sigma window slides, so these queries carry the
//     approximate warning static-time-window.
//
// A chained correlation becomes a `let` yielding one row per hit
// (correlation_chain.go), at any depth.
func (b *Backend) ConvertCorrelation(in *backends.CorrelationInput) (*backends.Output, error) {
	c := in.Correlation
	if len(in.Rules) == 0 && len(in.Chained) == 0 {
		return nil, backends.Unsupported(c.Pos, Name, "correlation", "it refers to no rule")
	}
	switch in.Format {
	case FormatSentinelRule, FormatSentinelARM, FormatDefault, "":
	default:
		return nil, backends.Unsupported(c.Pos, Name, "format "+in.Format, "unknown format")
	}
	q := &corrQuery{opts: in.Options}
	body, _, err := q.correlation(in, nil, true)
	if err != nil {
		return nil, err
	}
	query := body
	if len(q.lets) > 0 {
		query = strings.Join(q.lets, "\n") + "\n" + body
	}
	out := &backends.Output{Rule: c, Query: query, Warnings: q.warns, Lookback: in.Lookback()}
	if in.Format == FormatSentinelRule {
		text, err := sentinelRuleYAML(c, out.Lookback, q.tables, query, in.Config)
		if err != nil {
			return nil, err
		}
		out.Text = text
	}
	return out, nil
}

// summarized is the aggregation of a correlation other than
// temporal_ordered over its entries (time column tc): the aggregate by
// fixed buckets and group, then the condition. A chained correlation's
// hit also keeps its time (the bucket's last entry) and the carried fields
// of that entry.
func (q *corrQuery) summarized(c *ir.Correlation, tc string, nRules int, carry []string, top bool) (string, error) {
	agg, warn, err := aggregate(c, nRules)
	if err != nil {
		return "", err
	}
	cond, err := condition(c, nRules)
	if err != nil {
		return "", err
	}
	q.warn(backends.Warning{
		Pos: c.Timespan.Pos, ID: WarnStaticWindow, Approximate: true,
		Msg: fmt.Sprintf("events are grouped in fixed %s buckets (bin); Sigma's %s window slides, so events in adjacent buckets are not counted together", c.Timespan.Raw, c.Timespan.Raw),
	})
	if warn != nil {
		q.warn(*warn)
	}
	aggs := []string{colValue + " = " + agg}
	bucket := fmt.Sprintf("bin(%s, %s)", ident(tc), timespan(c.Timespan))
	if !top {
		if len(carry) > 0 {
			aggs = append(aggs, fmt.Sprintf("arg_max(%s, %s)", ident(tc), identList(carry)))
		} else {
			aggs = append(aggs, fmt.Sprintf("%s = max(%s)", ident(tc), ident(tc)))
		}
		bucket = colBucket + " = " + bucket
	}
	by := []string{bucket}
	for _, g := range c.GroupBy {
		by = append(by, ident(g))
	}
	return fmt.Sprintf("\n| summarize %s by %s\n| where %s", strings.Join(aggs, ", "), strings.Join(by, ", "), cond), nil
}

func identList(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = ident(n)
	}
	return strings.Join(out, ", ")
}

// aggregate is the summarize expression of the correlation type.
func aggregate(c *ir.Correlation, nRules int) (string, *backends.Warning, error) {
	field := ""
	if c.Cond != nil {
		field = ident(c.Cond.Field)
	}
	switch c.Type {
	case ir.EventCount:
		return "count()", nil, nil
	case ir.ValueCount:
		// make_set is exact (dcount is an estimate); empty strings and
		// nulls are no value.
		return fmt.Sprintf("array_length(make_set_if(%s, isnotempty(tostring(%s))))", field, field), nil, nil
	case ir.ValueSum:
		return fmt.Sprintf("sum(todouble(%s))", field), nil, nil
	case ir.ValueAvg:
		return fmt.Sprintf("avg(todouble(%s))", field), nil, nil
	case ir.ValuePercentile, ir.ValueMedian:
		p := c.Cond.Percentile
		if c.Type == ir.ValueMedian || p == 0 {
			p = 50
		}
		return fmt.Sprintf("percentile(todouble(%s), %s)", field, num(p)), &backends.Warning{
			Pos: c.Cond.Pos, ID: WarnPercentileEstimate, Approximate: true,
			Msg: "Kusto's percentile() is an estimate (T-Digest), not the exact percentile",
		}, nil
	case ir.Temporal:
		return "array_length(make_set(" + colRule + "))", nil, nil
	}
	return "", nil, backends.Unsupported(c.TypePos, Name, string(c.Type)+" correlation", "unknown correlation type")
}

var boundOps = map[string]string{"gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "eq": "==", "neq": "!="}

// condition renders the correlation condition on the aggregate; a temporal
// correlation without one needs every referenced rule.
func condition(c *ir.Correlation, nRules int) (string, error) {
	if c.Cond == nil || len(c.Cond.Bounds) == 0 {
		if c.Type == ir.Temporal {
			return fmt.Sprintf("%s == %d", colValue, nRules), nil
		}
		return "", backends.Unsupported(c.Pos, Name, "correlation", "it has no condition")
	}
	var terms []string
	for _, b := range c.Cond.Bounds {
		op, ok := boundOps[b.Op]
		if !ok {
			return "", backends.Unsupported(b.Pos, Name, "condition "+b.Op, "unknown comparison")
		}
		terms = append(terms, fmt.Sprintf("%s %s %s", colValue, op, num(b.Value)))
	}
	return strings.Join(terms, " and "), nil
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

var kustoTimespan = regexp.MustCompile(`^\d+(s|m|h|d)$`)

// timespan renders a correlation timespan as a Kusto timespan literal.
func timespan(t ir.Timespan) string {
	if kustoTimespan.MatchString(t.Raw) {
		return t.Raw
	}
	return strconv.FormatInt(int64(t.Duration.Seconds()), 10) + "s"
}

var _ backends.CorrelationConverter = (*Backend)(nil)
