package splunk

import (
	"strconv"
	"strings"
	"time"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
)

// Correlations of correlations are computed in the search that selects
// the events of every rule underneath them, sorted by time. Each chained
// correlation gets a flag field (sigma_q<i>, nested ones sigma_q<i>_<j>…)
// that is 1 on the events at which it fires; those events are its
// "events" for the correlation above it, as the evaluator feeds a hit at
// the time of the event that completed it (eval/correlate). Inner levels
// are computed first, so the flags of level k are the events of level k+1.
//
// Firing follows the evaluator: the condition is tested at each event of
// the correlation (an event of one of its references), over the sliding
// window ending there, and the correlation fires when it becomes true for
// the group (rising edge), not at every event while it stays true:
//
//	| eval Q_on=if(<member>, if(<condition>, 1, 0), null())
//	| streamstats time_window=<T>s current=false last(Q_on) as Q_prev by G
//	| eval Q=if(Q_on==1 AND coalesce(Q_prev, 0)==0, 1, 0)
//
// Q_prev is the condition at the group's previous event within the
// timespan; after a longer gap the group starts afresh, as the evaluator
// drops a group once its newest entry leaves the window.

// chainedStages computes, innermost first, the flags of the chained
// correlations among refs.
func chainedStages(refs []corrRef) ([]string, error) {
	var lines []string
	for _, r := range refs {
		if r.sub == nil {
			continue
		}
		inner, err := chainedStages(r.inner)
		if err != nil {
			return nil, err
		}
		stage, err := chainedStage(r.sub, r.inner, r.flag)
		if err != nil {
			return nil, err
		}
		lines = append(lines, inner...)
		lines = append(lines, stage...)
	}
	return lines, nil
}

// chainedStage sets flag on the events at which the chained correlation
// in fires; refs are its references with their flags already computed.
func chainedStage(in *backends.CorrelationInput, refs []corrRef, flag string) ([]string, error) {
	c := in.Correlation
	pos := c.TypePos
	if !pos.IsValid() {
		pos = c.Pos
	}
	if len(c.Aliases) > 0 {
		return nil, backends.Unsupported(c.Aliases[0].Pos, Name, "chained correlation", "aliases in a chained correlation are not converted")
	}
	span := c.Timespan.Duration
	if span < time.Second || span%time.Second != 0 {
		return nil, backends.Unsupported(c.Timespan.Pos, Name, "timespan", "%q is not a whole number of seconds", c.Timespan.Raw)
	}
	secs := int64(span / time.Second)
	window := "time_window=" + strconv.FormatInt(secs, 10) + "s"
	for _, g := range c.GroupBy {
		if !plainSearchField.MatchString(g) {
			return nil, backends.Unsupported(pos, Name, "group-by field", "%q is not a plain field name", g)
		}
	}
	by := ""
	if len(c.GroupBy) > 0 {
		by = " by " + strings.Join(c.GroupBy, " ")
	}
	var bounds []ir.CorrBound
	if c.Cond != nil {
		bounds = c.Cond.Bounds
	}
	growing := len(bounds) == 1 && (bounds[0].Op == "gt" || bounds[0].Op == "gte")
	threshold := func(value string) string {
		return value + corrOps[bounds[0].Op] + strconv.FormatFloat(bounds[0].Value, 'f', -1, 64)
	}
	member := make([]string, len(refs))
	for i, r := range refs {
		member[i] = r.flag + "==1"
	}
	h := strings.Join(member, " OR ")
	field := ""
	if c.Cond != nil && c.Cond.Field != "" {
		if !evalFieldOK(c.Cond.Field) {
			return nil, backends.Unsupported(c.Cond.Pos, Name, "condition field", "%q cannot be written as an eval field name", c.Cond.Field)
		}
		field = evalField(c.Cond.Field)
	}
	value := flag + "_value"
	var lines []string
	var cond string
	switch c.Type {
	case ir.EventCount, ir.ValueCount, ir.ValueSum:
		if !growing {
			return nil, backends.Unsupported(pos, Name, "chained correlation", "only a single gt / gte threshold is converted for a chained %s correlation (it fires when a sliding window reaches it)", c.Type)
		}
		var fn string
		switch {
		case c.Type == ir.EventCount:
			fn = "count(eval(if(" + h + ", 1, null())))"
		case field == "":
			return nil, backends.Unsupported(pos, Name, "chained "+string(c.Type)+" correlation", "the condition names no field")
		case c.Type == ir.ValueCount:
			fn = "dc(eval(if(" + h + ", " + field + ", null())))"
		default:
			fn = "sum(eval(if(" + h + ", " + field + ", null())))"
		}
		lines = append(lines, "| streamstats "+window+" "+fn+" as "+value+by)
		cond = threshold(value)
	case ir.Temporal:
		// One max(flag) per distinct referenced document: 1 when one of
		// its events is in the window; their sum counts distinct rules.
		seen := map[any]bool{}
		var fns, terms []string
		for _, r := range refs {
			var doc any = r.sub
			if r.rule != nil {
				doc = r.rule.Rule
			} else if r.sub != nil {
				doc = r.sub.Correlation
			}
			if seen[doc] {
				continue
			}
			seen[doc] = true
			name := flag + "_c" + strconv.Itoa(len(fns)+1)
			fns = append(fns, "max("+r.flag+") as "+name)
			terms = append(terms, "coalesce("+name+", 0)")
		}
		lines = append(lines,
			"| streamstats "+window+" "+strings.Join(fns, " ")+by,
			"| eval "+value+"="+strings.Join(terms, "+"))
		switch {
		case len(bounds) == 0:
			cond = value + ">=" + strconv.Itoa(len(fns))
		case growing:
			cond = threshold(value)
		default:
			return nil, backends.Unsupported(pos, Name, "chained correlation", "only the default (all rules) or a single gt / gte threshold is converted for a chained temporal correlation")
		}
	case ir.TemporalOrdered:
		if len(bounds) > 0 {
			return nil, backends.Unsupported(c.Cond.Pos, Name, "temporal_ordered condition", "a condition on an ordered sequence is not converted (the sequence of all rules is required)")
		}
		// The sequence is complete in the window ending at an event when
		// some chain ending at or before it starts within the timespan.
		flags := make([]string, len(refs))
		for i, r := range refs {
			flags[i] = r.flag
		}
		last := flag + "_s" + strconv.Itoa(len(flags))
		lines = append(orderedStages(flag+"_", c.GroupBy, secs, flags),
			"| streamstats "+window+" max("+last+") as "+value+by)
		cond = "_time-" + value + "<=" + strconv.FormatInt(secs, 10)
	default:
		return nil, backends.Unsupported(pos, Name, "chained "+string(c.Type)+" correlation", "only event_count, value_count, value_sum, temporal and temporal_ordered are converted as chained correlations (they fire when a sliding window reaches the condition)")
	}
	on, prev := flag+"_on", flag+"_prev"
	return append(lines,
		"| eval "+on+"=if("+h+", if("+cond+", 1, 0), null())",
		"| streamstats "+window+" current=false last("+on+") as "+prev+by,
		"| eval "+flag+"=if("+on+"==1 AND coalesce("+prev+", 0)==0, 1, 0)",
	), nil
}
