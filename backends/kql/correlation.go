package kql

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/pipeline"
)

// Column names the correlation queries add; the sigconv_ prefix keeps them
// apart from table columns.
const (
	colRule  = "sigconv_rule"  // name of the rule an event matched
	colTime  = "sigconv_time"  // the event's time column, under one name
	colValue = "sigconv_value" // the aggregate compared with the condition
)

// WarnFixedWindow is the warning ID of correlation queries that count in
// fixed time buckets where Sigma's window slides.
const WarnFixedWindow = "correlation-fixed-window"

// WarnPercentileEstimate is the warning ID of value_percentile queries:
// Kusto's percentile() is an estimate (T-Digest).
const WarnPercentileEstimate = "percentile-estimate"

// ConvertCorrelation converts a correlation rule: the referenced rules'
// queries (one `let` each when there are several, marked with the rule's
// name), unioned, then `summarize` of the aggregate by fixed time buckets of
// the timespan and the group-by fields, then the condition.
//
// Buckets are fixed (bin()), while a Sigma window slides: events that fall
// into two adjacent buckets but within one timespan are not counted
// together, so every correlation query carries the approximate warning
// correlation-fixed-window. temporal_ordered (an order inside the window)
// and chained correlations are refused.
func (b *Backend) ConvertCorrelation(in *backends.CorrelationInput) (*backends.Output, error) {
	c := in.Correlation
	if len(in.Chained) > 0 {
		return nil, backends.Unsupported(c.Pos, Name, "correlation of correlations",
			"a correlation referring to another correlation is not supported by the KQL backend yet")
	}
	if len(in.Rules) == 0 {
		return nil, backends.Unsupported(c.Pos, Name, "correlation", "it refers to no rule")
	}
	if c.Type == ir.TemporalOrdered {
		return nil, backends.Unsupported(c.TypePos, Name, "temporal_ordered correlation",
			"an order of events inside a sliding window needs a scan-based query the KQL backend does not write yet")
	}
	names := make([]string, len(in.Rules))
	for i := range in.Rules {
		names[i] = in.Rules[i].Rule.Name
		if names[i] == "" {
			names[i] = in.Rules[i].Rule.ID
		}
		if i < len(c.Rules) && c.Rules[i].Ref != "" {
			names[i] = c.Rules[i].Ref
		}
	}
	var (
		parts  []string
		tables []string
	)
	single := len(in.Rules) == 1
	timeCol := ""
	for i, res := range in.Rules {
		table := res.Table
		if table == nil {
			if in.Options.Table == "" {
				return nil, backends.Unsupported(res.Rule.LogSource.Pos, Name, "logsource "+logsourceString(res.Rule.LogSource),
					"no pipeline maps it to a table; choose pipelines with -p or give the table with --table NAME")
			}
			table = &pipeline.Table{Name: in.Options.Table}
		}
		tables = append(tables, table.Name)
		exts := extends(res.State)
		q, _, err := query(res.Rule, table, exts, correlationFields(c))
		if err != nil {
			return nil, err
		}
		ext, tc, err := correlationColumns(c, res, table, exts, names[i], !single)
		if err != nil {
			return nil, err
		}
		if ext != "" {
			q += "\n| extend " + ext
		}
		if single {
			timeCol = tc
			parts = append(parts, q)
			continue
		}
		parts = append(parts, fmt.Sprintf("let sigconv_r%d = %s;", i, q))
	}
	var body strings.Builder
	if single {
		body.WriteString(parts[0])
	} else {
		timeCol = colTime
		body.WriteString(strings.Join(parts, "\n"))
		body.WriteString("\nunion ")
		for i := range in.Rules {
			if i > 0 {
				body.WriteString(", ")
			}
			fmt.Fprintf(&body, "sigconv_r%d", i)
		}
	}
	agg, warn, err := aggregate(c, len(in.Rules))
	if err != nil {
		return nil, err
	}
	by := []string{fmt.Sprintf("bin(%s, %s)", ident(timeCol), timespan(c.Timespan))}
	for _, g := range c.GroupBy {
		by = append(by, ident(g))
	}
	fmt.Fprintf(&body, "\n| summarize %s = %s by %s", colValue, agg, strings.Join(by, ", "))
	cond, err := condition(c, len(in.Rules))
	if err != nil {
		return nil, err
	}
	body.WriteString("\n| where " + cond)
	query := body.String()
	out := &backends.Output{Rule: c, Query: query, Warnings: []backends.Warning{{
		Pos: c.Timespan.Pos, ID: WarnFixedWindow, Approximate: true,
		Msg: fmt.Sprintf("events are grouped in fixed %s buckets (bin); Sigma's %s window slides, so events in adjacent buckets are not counted together", c.Timespan.Raw, c.Timespan.Raw),
	}}}
	if warn != nil {
		out.Warnings = append(out.Warnings, *warn)
	}
	switch in.Format {
	case FormatSentinelRule:
		text, err := sentinelRuleYAML(c, tables, query, in.Config)
		if err != nil {
			return nil, err
		}
		out.Text = text
	case FormatSentinelARM, FormatDefault, "":
	default:
		return nil, backends.Unsupported(c.Pos, Name, "format "+in.Format, "unknown format")
	}
	return out, nil
}

// correlationColumns returns the extend clause of one referenced rule's
// query — its aliases, and with several rules the rule marker and the time
// column under one name — and the rule's time column. Group-by fields and
// the aggregated field must be columns (or aliases) of the rule's table.
func correlationColumns(c *ir.Correlation, res *pipeline.Result, table *pipeline.Table, exts []Extend, name string, multi bool) (string, string, error) {
	known := func(f string) bool {
		for _, x := range exts {
			if x.Name == f {
				return true
			}
		}
		return len(table.Columns) == 0 || table.Column(f) != nil
	}
	aliases := map[string]bool{}
	var ext []string
	for _, a := range c.Aliases {
		for _, af := range a.Fields {
			if af.Rule != name && af.Rule != res.Rule.ID && af.Rule != res.Rule.Name {
				continue
			}
			if !known(af.Field) {
				return "", "", backends.Unsupported(af.Pos, Name, fmt.Sprintf("alias field %q", af.Field), "table %s has no column %q", table.Name, af.Field)
			}
			ext = append(ext, ident(a.Name)+" = "+ident(af.Field))
			aliases[a.Name] = true
		}
	}
	for _, f := range correlationFields(c) {
		if !aliases[f] && !known(f) {
			return "", "", backends.Unsupported(c.Pos, Name, fmt.Sprintf("field %q", f), "table %s has no column %q (no pipeline maps this field to a column of the table)", table.Name, f)
		}
	}
	tc := "TimeGenerated"
	if col := table.Column("Timestamp"); col != nil && col.Type == "datetime" {
		tc = "Timestamp" // Defender XDR advanced hunting
	}
	if multi {
		q, _ := quote(name)
		ext = append([]string{colRule + " = " + q, colTime + " = " + ident(tc)}, ext...)
	}
	return strings.Join(ext, ", "), tc, nil
}

// correlationFields are the group-by fields and the aggregated field.
func correlationFields(c *ir.Correlation) []string {
	fields := append([]string(nil), c.GroupBy...)
	if c.Cond != nil && c.Cond.Field != "" {
		fields = append(fields, c.Cond.Field)
	}
	for _, a := range c.Aliases {
		for _, af := range a.Fields {
			fields = append(fields, af.Field)
		}
	}
	return fields
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
