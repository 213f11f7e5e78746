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
//   - a chained correlation (event_count, value_count, value_sum with one
//     gt / gte, temporal, temporal_ordered; nested to any depth) is
//     computed in the same pipeline: its events are marked where it fires
//     (correlation_chain.go), and those marks are the events of the
//     correlation above it.

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
	case len(in.Rules) == 0 && len(in.Chained) == 0:
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

	lines, refs, err := correlationBase(c, in.Rules, in.Chained)
	if err != nil {
		return nil, err
	}
	var agg []string
	var warn *backends.Warning
	if c.Type == ir.TemporalOrdered {
		flags := make([]string, len(refs))
		for i, r := range refs {
			flags[i] = r.flag
		}
		agg, err = orderedSequence(c, int64(span/time.Second), flags)
	} else {
		agg, warn, err = aggregation(c, secs, len(refs))
	}
	if err != nil {
		return nil, err
	}
	out := &backends.Output{Rule: c, Query: strings.Join(append(lines, agg...), "\n"), Lookback: in.Lookback()}
	if warn != nil {
		out.Warnings = append(out.Warnings, *warn)
	}
	return out, nil
}

// corrRef is one entry of a correlation's rules: a detection rule or a
// chained correlation, with the eval field that is 1 on its events.
type corrRef struct {
	name   string
	id     string                     // rule or correlation id, for aliases
	rule   *pipeline.Result           // a detection rule, or nil
	sub    *backends.CorrelationInput // a chained correlation, or nil
	flag   string                     // sigma_r<i> (rule) or sigma_q<i>[_<j>…] (correlation)
	inner  []corrRef                  // a chained correlation's own references
	groups []groupRead                // how its group-by values are read, when not plain fields
}

// correlationRefs pairs the correlation's rules with the processed rules and
// chained correlations the driver resolved (rules and chained inputs each
// keep the correlation's order).
func correlationRefs(c *ir.Correlation, rules []*pipeline.Result, chained []*backends.CorrelationInput) ([]corrRef, error) {
	var refs []corrRef
	ri, ci := 0, 0
	for _, ref := range c.Rules {
		if ci < len(chained) && chained[ci].Correlation != nil &&
			(chained[ci].Correlation.Name == ref.Ref || chained[ci].Correlation.ID == ref.Ref) {
			refs = append(refs, corrRef{name: ref.Ref, id: chained[ci].Correlation.ID, sub: chained[ci]})
			ci++
			continue
		}
		if ri >= len(rules) {
			return nil, backends.Unsupported(ref.Pos, Name, "correlation rule", "reference %q was not resolved", ref.Ref)
		}
		refs = append(refs, corrRef{name: ref.Ref, id: rules[ri].Rule.ID, rule: rules[ri]})
		ri++
	}
	if ri != len(rules) || ci != len(chained) {
		return nil, fmt.Errorf("splunk: correlation %q: resolved references do not match its rules", c.Title)
	}
	return refs, nil
}

// leaf is one detection rule whose events the search selects.
type leaf struct {
	res    *pipeline.Result
	search string // search terms (pre-filter)
	eval   string // exact eval expression
}

// correlationBase selects the events of the referenced rules (and of the
// rules of chained correlations), marks them, computes chained
// correlations' hits, and lists in sigma_rule the names of the references
// each remaining event belongs to.
func correlationBase(c *ir.Correlation, rules []*pipeline.Result, chained []*backends.CorrelationInput) ([]string, []corrRef, error) {
	refs, err := correlationRefs(c, rules, chained)
	if err != nil {
		return nil, nil, err
	}
	if len(chained) == 0 && len(rules) == 1 && c.Type != ir.Temporal && c.Type != ir.TemporalOrdered {
		lines, err := singleRuleBase(c, rules[0])
		return lines, refs, err
	}
	var leaves []leaf
	addLeaf := func(res *pipeline.Result) (string, error) {
		r := res.Rule
		x, err := lower.Rule(r, Name)
		if err != nil {
			return "", err
		}
		e := &emitter{pos: r.Pos}
		if err := e.check(x); err != nil {
			return "", err
		}
		leaves = append(leaves, leaf{res: res, search: e.prefilter(res, x), eval: e.whereWithState(res, x)})
		return "sigma_r" + strconv.Itoa(len(leaves)), nil
	}
	var resolve func(refs []corrRef, prefix string) error
	resolve = func(refs []corrRef, prefix string) error {
		for i := range refs {
			if refs[i].rule != nil {
				f, err := addLeaf(refs[i].rule)
				if err != nil {
					return err
				}
				refs[i].flag = f
				continue
			}
			sub := refs[i].sub
			inner, err := correlationRefs(sub.Correlation, sub.Rules, sub.Chained)
			if err != nil {
				return err
			}
			refs[i].flag = prefix + strconv.Itoa(i+1)
			refs[i].inner = inner
			if err := resolve(refs[i].inner, refs[i].flag+"_"); err != nil {
				return err
			}
		}
		return nil
	}
	if err := resolve(refs, "sigma_q"); err != nil {
		return nil, nil, err
	}
	parts := make([]string, len(leaves))
	flags := make([]string, len(leaves))
	all := make([]string, len(leaves))
	for i, l := range leaves {
		parts[i] = "(" + l.search + ")"
		flag := "sigma_r" + strconv.Itoa(i+1)
		flags[i] = flag + "=if(" + l.eval + ", 1, 0)"
		all[i] = flag + "==1"
	}
	sel := strings.Join(parts, " OR ")
	for _, l := range leaves {
		if l.search == "*" {
			sel = "*"
		}
	}
	if len(leaves) == 1 {
		sel = leaves[0].search
	}
	lines := []string{sel, "| eval " + strings.Join(flags, ", "), "| where " + strings.Join(all, " OR ")}
	if len(chained) > 0 {
		lines = append(lines, "| sort 0 _time")
		stages, err := chainedStages(refs)
		if err != nil {
			return nil, nil, err
		}
		lines = append(lines, stages...)
		hits := make([]string, len(refs))
		for i, r := range refs {
			hits[i] = r.flag + "==1"
		}
		lines = append(lines, "| where "+strings.Join(hits, " OR "))
	}
	marks := make([]string, len(refs))
	for i, r := range refs {
		marks[i] = "if(" + r.flag + "==1, " + splString(r.name) + ", null())"
	}
	lines = append(lines, "| eval sigma_rule=mvappend("+strings.Join(marks, ", ")+")")
	for _, a := range c.Aliases {
		if !plainSearchField.MatchString(a.Name) {
			return nil, nil, backends.Unsupported(a.Pos, Name, "alias", "%q is not a plain field name", a.Name)
		}
		var cases []string
		for _, r := range refs {
			for _, af := range a.Fields {
				if af.Rule == r.name || (r.id != "" && af.Rule == r.id) || (r.rule != nil && af.Rule == r.rule.Rule.Name) {
					if !evalFieldOK(af.Field) {
						return nil, nil, backends.Unsupported(af.Pos, Name, "alias field", "%q cannot be written as an eval field name", af.Field)
					}
					cases = append(cases, r.flag+"==1, "+readField(r, af.Field))
					break
				}
			}
		}
		if len(cases) == 0 {
			return nil, nil, backends.Unsupported(a.Pos, Name, "alias", "alias %s names no field of the referenced rules", a.Name)
		}
		lines = append(lines, "| eval "+a.Name+"=case("+strings.Join(cases, ", ")+")")
	}
	read, err := chainedReads(c, refs)
	if err != nil {
		return nil, nil, err
	}
	return append(lines, read...), refs, nil
}

// singleRuleBase is the rule's own query; an alias is the rule's field.
func singleRuleBase(c *ir.Correlation, res *pipeline.Result) ([]string, error) {
	r := res.Rule
	x, err := lower.Rule(r, Name)
	if err != nil {
		return nil, err
	}
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
func orderedSequence(c *ir.Correlation, secs int64, flags []string) ([]string, error) {
	if c.Cond != nil && len(c.Cond.Bounds) > 0 {
		return nil, backends.Unsupported(c.Cond.Pos, Name, "temporal_ordered condition", "a condition on an ordered sequence is not converted (the sequence of all rules is required)")
	}
	lines := append([]string{"| sort 0 _time"}, orderedStages("sigma_", c.GroupBy, secs, flags)...)
	return append(lines, "| where isnotnull(sigma_s"+strconv.Itoa(len(flags))+")"), nil
}

// orderedStages are orderedSequence's stages over the events marked by
// flags (events sorted by time); prefix+"s<n>" ends up set, to the
// chain's latest start, on the events that end a chain.
func orderedStages(prefix string, groupBy []string, secs int64, flags []string) []string {
	by := ""
	if len(groupBy) > 0 {
		by = " by " + strings.Join(groupBy, " ")
	}
	window := strconv.FormatInt(secs, 10)
	lines := []string{"| eval " + prefix + "s1=if(" + flags[0] + "==1, _time, null())"}
	for k := 2; k <= len(flags); k++ {
		prev, cur := prefix+"s"+strconv.Itoa(k-1), prefix+"s"+strconv.Itoa(k)
		p := prefix + "p" + strconv.Itoa(k-1)
		lines = append(lines,
			"| streamstats time_window="+window+"s current=false max("+prev+") as "+p+by,
			"| eval "+cur+"=if("+flags[k-1]+"==1 AND _time-"+p+"<="+window+", "+p+", null())")
	}
	return lines
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
