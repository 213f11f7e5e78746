package splunk

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/backends/internal/lower"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/pipeline"
)

// Correlation rules become one search over the events of every referenced
// rule, an eval marking which rules each event matches (sigma_rule, a
// multivalue field), and a windowed aggregation:
//
//   - thresholds that only grow with the window (gt / gte on event_count,
//     value_count, temporal, and value_sum — the latter exact for
//     non-negative values) use sliding windows: `sort 0 _time` then
//     `streamstats time_window=<T>` ending at every event, which sees every
//     maximal window, hence decides "some window of length T reaches the
//     threshold" exactly;
//   - other conditions (lt, lte, eq, neq, ranges) and value_avg /
//     value_percentile use fixed windows (`bin _time span=<T>` + `stats`),
//     with a static-time-window warning, as the specification allows
//     ("should" level: events straddling a bin boundary are missed);
//   - temporal_ordered chains streamstats stages (orderedSequence);
//   - chained correlations are refused.

// ConvertCorrelation converts one correlation rule.
func (b *Backend) ConvertCorrelation(in *backends.CorrelationInput) (*backends.Output, error) {
	c := in.Correlation
	if c == nil {
		return nil, fmt.Errorf("splunk: no correlation to convert")
	}
	pos := c.TypePos
	if !pos.IsValid() {
		pos = c.Pos
	}
	switch {
	case in.Format == FormatDataModel:
		return nil, backends.Unsupported(pos, Name, "correlation rule", "the data_model format converts detection rules only")
	case len(in.Chained) > 0:
		return nil, backends.Unsupported(pos, Name, "chained correlation", "a correlation over other correlations is not converted to SPL yet")
	case len(in.Rules) == 0:
		return nil, backends.Unsupported(pos, Name, "correlation rule", "it refers to no detection rule")
	}
	span := c.Timespan.Duration
	if span < time.Second || span%time.Second != 0 {
		return nil, backends.Unsupported(c.Timespan.Pos, Name, "timespan", "%q is not a whole number of seconds", c.Timespan.Raw)
	}
	secs := strconv.FormatInt(int64(span/time.Second), 10) + "s"
	for _, g := range c.GroupBy {
		if !plainSearchField.MatchString(g) {
			return nil, backends.Unsupported(pos, Name, "group-by field", "%q is not a plain field name", g)
		}
	}

	lines, err := correlationBase(c, in.Rules)
	if err != nil {
		return nil, err
	}
	var agg []string
	var warn *backends.Warning
	if c.Type == ir.TemporalOrdered {
		agg, err = orderedSequence(c, int64(span/time.Second), len(in.Rules))
	} else {
		agg, warn, err = aggregation(c, secs, len(in.Rules))
	}
	if err != nil {
		return nil, err
	}
	out := &backends.Output{Rule: c, Query: strings.Join(append(lines, agg...), "\n")}
	if warn != nil {
		out.Warnings = append(out.Warnings, *warn)
	}
	return out, nil
}

// correlationBase selects the events of the referenced rules and marks
// them: sigma_rule lists the (names of the) rules an event matches.
func correlationBase(c *ir.Correlation, rules []*pipeline.Result) ([]string, error) {
	if len(rules) == 1 && c.Type != ir.Temporal && c.Type != ir.TemporalOrdered {
		return singleRuleBase(c, rules[0])
	}
	names := make([]string, len(rules))
	searches := make([]string, len(rules))
	evals := make([]string, len(rules))
	for i, res := range rules {
		names[i] = ruleRefName(c, res.Rule, i)
		r := neqPresence(res.Rule)
		x, err := lower.Rule(r, Name)
		if err != nil {
			return nil, err
		}
		caseSensitiveEncodings(x)
		e := &emitter{pos: r.Pos}
		if err := e.check(x); err != nil {
			return nil, err
		}
		searches[i] = e.prefilter(res, x)
		evals[i] = e.whereWithState(res, x)
	}
	var sel string
	if len(searches) == 1 {
		sel = searches[0]
	} else {
		parts := make([]string, len(searches))
		for i, s := range searches {
			parts[i] = "(" + s + ")"
			if s == "*" {
				parts = []string{"*"}
				break
			}
		}
		sel = strings.Join(parts, " OR ")
	}
	flags := make([]string, len(rules))
	marks := make([]string, len(rules))
	hits := make([]string, len(rules))
	for i := range rules {
		flag := "sigma_r" + strconv.Itoa(i+1)
		flags[i] = flag + "=if(" + evals[i] + ", 1, 0)"
		marks[i] = "if(" + flag + "==1, " + splString(names[i]) + ", null())"
		hits[i] = flag + "==1"
	}
	lines := []string{
		sel,
		"| eval " + strings.Join(flags, ", "),
		"| where " + strings.Join(hits, " OR "),
		"| eval sigma_rule=mvappend(" + strings.Join(marks, ", ") + ")",
	}
	for _, a := range c.Aliases {
		if !plainSearchField.MatchString(a.Name) {
			return nil, backends.Unsupported(a.Pos, Name, "alias", "%q is not a plain field name", a.Name)
		}
		var cases []string
		for i := range rules {
			for _, af := range a.Fields {
				if af.Rule == names[i] || af.Rule == rules[i].Rule.ID || af.Rule == rules[i].Rule.Name {
					if !evalFieldOK(af.Field) {
						return nil, backends.Unsupported(af.Pos, Name, "alias field", "%q cannot be written as an eval field name", af.Field)
					}
					cases = append(cases, "sigma_r"+strconv.Itoa(i+1)+"==1, "+evalField(af.Field))
					break
				}
			}
		}
		if len(cases) == 0 {
			return nil, backends.Unsupported(a.Pos, Name, "alias", "alias %s names no field of the referenced rules", a.Name)
		}
		lines = append(lines, "| eval "+a.Name+"=case("+strings.Join(cases, ", ")+")")
	}
	return lines, nil
}

// singleRuleBase is the rule's own query; an alias is the rule's field.
func singleRuleBase(c *ir.Correlation, res *pipeline.Result) ([]string, error) {
	r := neqPresence(res.Rule)
	x, err := lower.Rule(r, Name)
	if err != nil {
		return nil, err
	}
	caseSensitiveEncodings(x)
	e := &emitter{pos: r.Pos}
	if err := e.check(x); err != nil {
		return nil, err
	}
	lines := strings.Split(e.query(res, x), "\n")
	for _, a := range c.Aliases {
		if !plainSearchField.MatchString(a.Name) || len(a.Fields) == 0 || !evalFieldOK(a.Fields[0].Field) {
			return nil, backends.Unsupported(a.Pos, Name, "alias", "%q cannot be written as eval fields", a.Name)
		}
		lines = append(lines, "| eval "+a.Name+"="+evalField(a.Fields[0].Field))
	}
	return lines, nil
}

// ruleRefName is the name the correlation uses for its i-th rule.
func ruleRefName(c *ir.Correlation, r *ir.Rule, i int) string {
	if i < len(c.Rules) && c.Rules[i].Ref != "" {
		return c.Rules[i].Ref
	}
	if r.Name != "" {
		return r.Name
	}
	return r.ID
}

// prefilter is the search part of a rule's query: the state prefix, the
// searchable conjuncts and the supersets of the others.
func (e *emitter) prefilter(res *pipeline.Result, x lower.Expr) string {
	terms := statePrefix(res.State)
	s, w := e.split(x)
	for _, t := range s {
		terms = append(terms, e.search(t, parentAnd))
	}
	for _, t := range w {
		if sup := e.superset(t, parentAnd); sup != "" {
			terms = append(terms, sup)
		}
	}
	if len(terms) == 0 {
		return "*"
	}
	return strings.Join(terms, " ")
}

// whereWithState is the rule's whole meaning as one eval expression,
// including the index / sourcetype / source chosen by the pipeline
// (compared case-insensitively, as search terms compare them).
func (e *emitter) whereWithState(res *pipeline.Result, x lower.Expr) string {
	var parts []string
	for _, key := range []string{pipeline.StateIndex, pipeline.StateSourcetype, pipeline.StateSource} {
		vals := stateStrings(res.State[key])
		if len(vals) == 0 {
			continue
		}
		alts := make([]string, len(vals))
		for i, v := range vals {
			alts[i] = "lower(" + key + ")==" + lowerLiteral(v)
		}
		parts = append(parts, group(strings.Join(alts, " OR "), len(alts) > 1))
	}
	parts = append(parts, e.where(x, parentAnd, false))
	return strings.Join(parts, " AND ")
}

// orderedSequence finds, per group, events of rules 1..n in that order
// within the timespan. Stage k carries, on each event of rule k, the
// latest start time of a chain 1..k ending at it: the maximum of stage
// k-1's values over the earlier events of the window (streamstats
// current=false, so an event never follows itself), kept when the chain
// still fits in the timespan. Taking the latest start is optimal: it leaves
// the most room for the rest of the sequence. The rule matches at events
// of rule n that end a chain.
func orderedSequence(c *ir.Correlation, secs int64, n int) ([]string, error) {
	if c.Cond != nil && len(c.Cond.Bounds) > 0 {
		return nil, backends.Unsupported(c.Cond.Pos, Name, "temporal_ordered condition", "a condition on an ordered sequence is not converted (the sequence of all rules is required)")
	}
	by := ""
	if len(c.GroupBy) > 0 {
		by = " by " + strings.Join(c.GroupBy, " ")
	}
	window := strconv.FormatInt(secs, 10)
	lines := []string{"| sort 0 _time", "| eval sigma_s1=if(sigma_r1==1, _time, null())"}
	for k := 2; k <= n; k++ {
		prev, cur := "sigma_s"+strconv.Itoa(k-1), "sigma_s"+strconv.Itoa(k)
		p := "sigma_p" + strconv.Itoa(k-1)
		lines = append(lines,
			"| streamstats time_window="+window+"s current=false max("+prev+") as "+p+by,
			"| eval "+cur+"=if(sigma_r"+strconv.Itoa(k)+"==1 AND _time-"+p+"<="+window+", "+p+", null())")
	}
	lines = append(lines, "| where isnotnull(sigma_s"+strconv.Itoa(n)+")")
	return lines, nil
}

// aggregation renders the windowed aggregation and its threshold.
func aggregation(c *ir.Correlation, span string, nrules int) ([]string, *backends.Warning, error) {
	pos := c.TypePos
	by := ""
	if len(c.GroupBy) > 0 {
		by = " by " + strings.Join(c.GroupBy, " ")
	}
	var fn, name string
	var bounds []ir.CorrBound
	if c.Cond != nil {
		bounds = c.Cond.Bounds
	}
	field := ""
	if c.Cond != nil && c.Cond.Field != "" {
		if !plainSearchField.MatchString(c.Cond.Field) {
			return nil, nil, backends.Unsupported(c.Cond.Pos, Name, "condition field", "%q is not a plain field name", c.Cond.Field)
		}
		field = c.Cond.Field
	}
	sliding := true
	switch c.Type {
	case ir.EventCount:
		fn, name = "count", "sigma_event_count"
	case ir.ValueCount:
		fn, name = "dc("+field+")", "sigma_value_count"
	case ir.Temporal:
		fn, name = "dc(sigma_rule)", "sigma_rule_count"
		if len(bounds) == 0 {
			bounds = []ir.CorrBound{{Op: "gte", Value: float64(nrules)}}
		}
	case ir.ValueSum:
		fn, name = "sum("+field+")", "sigma_value_sum"
	case ir.ValueAvg:
		fn, name, sliding = "avg("+field+")", "sigma_value_avg", false
	case ir.ValuePercentile, ir.ValueMedian:
		p := 50.0
		if c.Type == ir.ValuePercentile && c.Cond != nil {
			p = c.Cond.Percentile
		}
		if p != float64(int(p)) || p < 0 || p > 100 {
			return nil, nil, backends.Unsupported(pos, Name, "value_percentile", "percentile %v is not a whole number from 0 to 100 (Splunk exactperc<N>)", p)
		}
		fn, name, sliding = "exactperc"+strconv.Itoa(int(p))+"("+field+")", "sigma_value_percentile", false
	default:
		return nil, nil, backends.Unsupported(pos, Name, string(c.Type)+" correlation", "unknown correlation type")
	}
	if (c.Type == ir.ValueCount || c.Type == ir.ValueSum || c.Type == ir.ValueAvg || c.Type == ir.ValuePercentile || c.Type == ir.ValueMedian) && field == "" {
		return nil, nil, backends.Unsupported(pos, Name, string(c.Type)+" correlation", "the condition names no field")
	}
	if len(bounds) == 0 {
		return nil, nil, backends.Unsupported(pos, Name, string(c.Type)+" correlation", "the correlation has no condition")
	}
	var conds []string
	for _, b := range bounds {
		op, ok := corrOps[b.Op]
		if !ok {
			return nil, nil, backends.Unsupported(b.Pos, Name, "condition", "unknown operator %q", b.Op)
		}
		if b.Op != "gt" && b.Op != "gte" {
			sliding = false
		}
		conds = append(conds, name+op+strconv.FormatFloat(b.Value, 'f', -1, 64))
	}
	if len(bounds) > 1 {
		sliding = false
	}
	var warn *backends.Warning
	var lines []string
	if sliding {
		lines = []string{
			"| sort 0 _time",
			"| streamstats time_window=" + span + " " + fn + " as " + name + by,
		}
		if c.Type == ir.ValueSum {
			warn = &backends.Warning{Pos: pos, ID: "sliding-sum-non-negative", Approximate: true,
				Msg: "value_sum is taken over the sliding windows ending at each event, which find every window above the threshold only when the field's values are non-negative"}
		}
	} else {
		lines = []string{
			"| bin _time span=" + span,
			"| stats " + fn + " as " + name + " by _time" + strings.TrimPrefix(by, " by"),
		}
		warn = &backends.Warning{Pos: pos, ID: "static-time-window", Approximate: true,
			Msg: "this condition is evaluated over fixed time bins of the timespan (bin _time), so events that straddle a bin boundary are not counted together"}
	}
	lines = append(lines, "| where "+strings.Join(conds, " AND "))
	return lines, warn, nil
}

var corrOps = map[string]string{"gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "eq": "==", "neq": "!="}

var _ backends.CorrelationConverter = (*Backend)(nil)
