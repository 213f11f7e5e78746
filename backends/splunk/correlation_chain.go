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
//
// Aliases: a chained correlation whose group-by differs per reference
// groups by a per-reference case() (sigma_q<i>_g<n>), and the level above
// reads that value wherever the evaluator would answer with the hit's
// group value (groupRead).

// chainedStages computes, innermost first, the flags of the chained
// correlations among refs, and records how the level above reads their
// group-by values.
func chainedStages(refs []corrRef) ([]string, error) {
	var lines []string
	for i := range refs {
		if refs[i].sub == nil {
			continue
		}
		inner, err := chainedStages(refs[i].inner)
		if err != nil {
			return nil, err
		}
		stage, groups, err := chainedStage(refs[i].sub, refs[i].inner, refs[i].flag)
		if err != nil {
			return nil, err
		}
		refs[i].groups = groups
		lines = append(lines, inner...)
		lines = append(lines, stage...)
	}
	return lines, nil
}

// groupRead is how the level above reads one group-by value of a chained
// correlation's hits. The evaluator answers the group-by name and every
// field an alias maps it to with the group value; when that value is not
// the event's own field of that name, it is expr.
type groupRead struct {
	names map[string]bool
	expr  string
}

// meta is the metadata of the document r resolves to.
func (r corrRef) meta() *ir.Meta {
	if r.rule != nil {
		return r.rule.Rule.Metadata()
	}
	return r.sub.Correlation.Metadata()
}

// aliasField resolves name through c's aliases for r's document (named by
// name or id), as the evaluator does; pos is the alias entry's position,
// or the zero Pos.
func aliasField(c *ir.Correlation, name string, r corrRef) (field string, pos ir.Pos) {
	m := r.meta()
	for _, a := range c.Aliases {
		if a.Name != name {
			continue
		}
		for _, af := range a.Fields {
			if (m.Name != "" && af.Rule == m.Name) || (m.ID != "" && strings.EqualFold(af.Rule, m.ID)) {
				return af.Field, af.Pos
			}
		}
	}
	return name, ir.Pos{}
}

// readField is the eval expression of field name of r's events as the
// correlation above reads it: a chained correlation's group value, or the
// event's own field.
func readField(r corrRef, name string) string {
	for _, g := range r.groups {
		if g.names[name] {
			return g.expr
		}
	}
	return evalField(name)
}

// chainedReads sets, on the events marked by chained correlations with
// aliases (here or below), the group-by and condition fields of the
// top-level correlation c that are not its own aliases to the values the
// evaluator reads from those hits: their group values.
func chainedReads(c *ir.Correlation, refs []corrRef) ([]string, error) {
	aliased := map[string]bool{}
	for _, a := range c.Aliases {
		aliased[a.Name] = true
	}
	names := append([]string(nil), c.GroupBy...)
	if c.Cond != nil && c.Cond.Field != "" {
		names = append(names, c.Cond.Field)
	}
	var lines []string
	for _, name := range names {
		if aliased[name] {
			continue
		}
		var cases []string
		for _, r := range refs {
			if e := readField(r, name); e != evalField(name) {
				cases = append(cases, r.flag+"==1, "+e)
			}
		}
		if len(cases) == 0 {
			continue
		}
		if !plainEvalField.MatchString(name) {
			return nil, backends.Unsupported(c.Pos, Name, "field", "%q is read from an aliased chained correlation but is not a plain eval field name", name)
		}
		aliased[name] = true // once
		lines = append(lines, "| eval "+name+"=case("+strings.Join(cases, ", ")+", true(), "+name+")")
	}
	return lines, nil
}

// perRef is the eval expression of field name (resolved through c's
// aliases) of the events of each ref: the one expression when they agree,
// else a case() over the refs' flags (an event of several refs takes the
// first).
func perRef(c *ir.Correlation, refs []corrRef, name string, pos ir.Pos) (string, map[string]bool, error) {
	names := map[string]bool{name: true}
	var cases []string
	same := true
	for _, r := range refs {
		f, at := aliasField(c, name, r)
		if !at.IsValid() {
			at = pos
		}
		if !evalFieldOK(f) {
			return "", nil, backends.Unsupported(at, Name, "alias field", "%q cannot be written as an eval field name", f)
		}
		names[f] = true
		e := readField(r, f)
		same = same && (len(cases) == 0 || e == cases[1])
		cases = append(cases, r.flag+"==1", e)
	}
	if same {
		return cases[1], names, nil
	}
	return "case(" + strings.Join(cases, ", ") + ")", names, nil
}

// chainedStage sets flag on the events at which the chained correlation
// in fires; refs are its references with their flags already computed.
func chainedStage(in *backends.CorrelationInput, refs []corrRef, flag string) ([]string, []groupRead, error) {
	c := in.Correlation
	pos := c.TypePos
	if !pos.IsValid() {
		pos = c.Pos
	}
	span := c.Timespan.Duration
	if span < time.Second || span%time.Second != 0 {
		return nil, nil, backends.Unsupported(c.Timespan.Pos, Name, "timespan", "%q is not a whole number of seconds", c.Timespan.Raw)
	}
	secs := int64(span / time.Second)
	window := "time_window=" + strconv.FormatInt(secs, 10) + "s"
	var lines []string
	var groups []groupRead
	byFields := make([]string, len(c.GroupBy))
	for i, g := range c.GroupBy {
		e, names, err := perRef(c, refs, g, pos)
		if err != nil {
			return nil, nil, err
		}
		if e == evalField(g) {
			if !plainSearchField.MatchString(g) {
				return nil, nil, backends.Unsupported(pos, Name, "group-by field", "%q is not a plain field name", g)
			}
			byFields[i] = g
			continue
		}
		// Aliased (here or below): group by the value computed per ref.
		byFields[i] = flag + "_g" + strconv.Itoa(i+1)
		lines = append(lines, "| eval "+byFields[i]+"="+e)
		groups = append(groups, groupRead{names: names, expr: byFields[i]})
	}
	by := ""
	if len(byFields) > 0 {
		by = " by " + strings.Join(byFields, " ")
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
		e, _, err := perRef(c, refs, c.Cond.Field, c.Cond.Pos)
		if err != nil {
			return nil, nil, err
		}
		field = e
	}
	value := flag + "_value"
	var cond string
	switch c.Type {
	case ir.EventCount, ir.ValueCount, ir.ValueSum:
		if !growing {
			return nil, nil, backends.Unsupported(pos, Name, "chained correlation", "only a single gt / gte threshold is converted for a chained %s correlation (it fires when a sliding window reaches it)", c.Type)
		}
		var fn string
		switch {
		case c.Type == ir.EventCount:
			fn = "count(eval(if(" + h + ", 1, null())))"
		case field == "":
			return nil, nil, backends.Unsupported(pos, Name, "chained "+string(c.Type)+" correlation", "the condition names no field")
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
			return nil, nil, backends.Unsupported(pos, Name, "chained correlation", "only the default (all rules) or a single gt / gte threshold is converted for a chained temporal correlation")
		}
	case ir.TemporalOrdered:
		if len(bounds) > 0 {
			return nil, nil, backends.Unsupported(c.Cond.Pos, Name, "temporal_ordered condition", "a condition on an ordered sequence is not converted (the sequence of all rules is required)")
		}
		// The sequence is complete in the window ending at an event when
		// some chain ending at or before it starts within the timespan.
		flags := make([]string, len(refs))
		for i, r := range refs {
			flags[i] = r.flag
		}
		last := flag + "_s" + strconv.Itoa(len(flags))
		lines = append(append(lines, orderedStages(flag+"_", byFields, secs, flags)...),
			"| streamstats "+window+" max("+last+") as "+value+by)
		cond = "_time-" + value + "<=" + strconv.FormatInt(secs, 10)
	default:
		return nil, nil, backends.Unsupported(pos, Name, "chained "+string(c.Type)+" correlation", "only event_count, value_count, value_sum, temporal and temporal_ordered are converted as chained correlations (they fire when a sliding window reaches the condition)")
	}
	on, prev := flag+"_on", flag+"_prev"
	return append(lines,
		"| eval "+on+"=if("+h+", if("+cond+", 1, 0), null())",
		"| streamstats "+window+" current=false last("+on+") as "+prev+by,
		"| eval "+flag+"=if("+on+"==1 AND coalesce("+prev+", 0)==0, 1, 0)",
	), groups, nil
}
