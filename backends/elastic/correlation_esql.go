package elastic

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
)

// esqlCorrelation writes an ES|QL aggregation:
//
//	FROM <indexes of every rule>
//	| WHERE (<rule 1>) OR (<rule 2>)
//	| EVAL sigma_r1 = CASE(<rule 1>, 1, 0), sigma_r2 = CASE(<rule 2>, 1, 0)
//	| EVAL <alias> = CASE(sigma_r1 == 1, <field in rule 1>, ...)
//	| WHERE <group-by> IS NOT NULL ...
//	| STATS sigma_value = <aggregate> BY sigma_window = BUCKET(@timestamp, <timespan>), <group-by>
//	| WHERE <condition on sigma_value>
//
// Markers are one 0/1 column per rule rather than one rule-name column, so
// an event matching two rules counts for both (temporal). Events without a
// group-by value are dropped: STATS ... BY would keep them in a null group,
// which the evaluator does not (docs/correlation.md). A temporal_ordered
// correlation of two rules aggregates MIN / MAX of each rule's event times
// and keeps the groups where the first precedes the second. Without
// buckets (a Kibana rule, whose look-back is the window) STATS groups by
// the group-by fields only.
func (b *Backend) esqlCorrelation(c *ir.Correlation, refs []corrRef, buckets bool) (*backends.Output, error) {
	var bounds []ir.CorrBound
	if c.Type == ir.TemporalOrdered {
		if err := b.orderedPair(c, len(refs)); err != nil {
			return nil, err
		}
	} else {
		var err error
		if bounds, err = b.corrBounds(c, len(refs)); err != nil {
			return nil, err
		}
	}
	lines := []string{"FROM " + esqlIndexes(corrIndexes(refs))}
	// A temporal correlation needs the markers even for one rule.
	multi := len(refs) > 1 || c.Type == ir.Temporal || c.Type == ir.TemporalOrdered
	if !multi {
		lines = append(lines, "| WHERE "+refs[0].text)
	} else {
		ors := make([]string, len(refs))
		marks := make([]string, len(refs))
		for i, r := range refs {
			ors[i] = "(" + r.text + ")"
			marks[i] = fmt.Sprintf("sigma_r%d = CASE(%s, 1, 0)", i+1, r.text)
		}
		lines = append(lines, "| WHERE "+strings.Join(ors, " OR "), "| EVAL "+strings.Join(marks, ", "))
	}
	for _, a := range c.Aliases {
		if !plainIdent(a.Name, false) {
			return nil, backends.Unsupported(a.Pos, b.Name(), "alias", "%q is not a plain column name", a.Name)
		}
		var cases []string
		for i, r := range refs {
			f := aliasField(a, r)
			if f == "" {
				continue
			}
			if !multi {
				cases = append(cases, esqlField(f))
				break
			}
			cases = append(cases, fmt.Sprintf("sigma_r%d == 1, %s", i+1, esqlField(f)))
		}
		if len(cases) == 0 {
			return nil, backends.Unsupported(a.Pos, b.Name(), "alias", "alias %s names no field of the referenced rules", a.Name)
		}
		if multi {
			lines = append(lines, "| EVAL "+a.Name+" = CASE("+strings.Join(cases, ", ")+")")
		} else {
			lines = append(lines, "| EVAL "+a.Name+" = "+cases[0])
		}
	}
	var by []string
	if buckets {
		by = append(by, corrWindow+" = BUCKET(@timestamp, "+esqlSpan(c.Timespan.Duration)+")")
	}
	var notNull []string
	for _, g := range c.GroupBy {
		by = append(by, esqlField(g))
		notNull = append(notNull, esqlField(g)+" IS NOT NULL")
	}
	if len(notNull) > 0 {
		lines = append(lines, "| WHERE "+strings.Join(notNull, " AND "))
	}
	agg, warn, err := b.esqlAggregate(c, len(refs), &lines)
	if err != nil {
		return nil, err
	}
	stats := "| STATS " + agg
	if len(by) > 0 {
		stats += " BY " + strings.Join(by, ", ")
	}
	lines = append(lines, stats)
	if c.Type == ir.Temporal {
		sum := make([]string, len(refs))
		for i := range refs {
			sum[i] = fmt.Sprintf("sigma_r%d", i+1)
		}
		lines = append(lines, "| EVAL "+corrValue+" = "+strings.Join(sum, " + "))
	}
	if c.Type == ir.TemporalOrdered {
		lines = append(lines, "| WHERE sigma_t1 < sigma_t2")
	} else {
		lines = append(lines, "| WHERE "+esqlConds(corrValue, bounds))
	}
	out := &backends.Output{Rule: c, Query: strings.Join(lines, "\n")}
	if buckets {
		out.Warnings = append(out.Warnings, staticWindowWarning(c, "BUCKET"))
	}
	if warn != nil {
		out.Warnings = append(out.Warnings, *warn)
	}
	return out, nil
}

// esqlAggregate returns the STATS aggregations; it may add an EVAL line
// before STATS (the aggregated field as a number).
func (b *Backend) esqlAggregate(c *ir.Correlation, nRules int, lines *[]string) (string, *backends.Warning, error) {
	numeric := func() (string, error) {
		f, err := b.condField(c)
		if err != nil {
			return "", err
		}
		*lines = append(*lines, "| EVAL "+corrField+" = TO_DOUBLE("+esqlField(f)+")")
		return corrField, nil
	}
	switch c.Type {
	case ir.EventCount:
		return corrValue + " = COUNT(*)", nil, nil
	case ir.ValueCount:
		f, err := b.condField(c)
		if err != nil {
			return "", nil, err
		}
		return corrValue + " = COUNT_DISTINCT(" + esqlField(f) + ", 40000)", &backends.Warning{
			Pos: c.Cond.Pos, ID: WarnDistinctEstimate, Approximate: true,
			Msg: "COUNT_DISTINCT is a HyperLogLog++ estimate: close to exact below its precision threshold (40000 here), approximate above",
		}, nil
	case ir.ValueSum, ir.ValueAvg:
		f, err := numeric()
		if err != nil {
			return "", nil, err
		}
		fn := "SUM"
		if c.Type == ir.ValueAvg {
			fn = "AVG"
		}
		return corrValue + " = " + fn + "(" + f + ")", nil, nil
	case ir.ValuePercentile, ir.ValueMedian:
		f, err := numeric()
		if err != nil {
			return "", nil, err
		}
		p := percentile(c)
		agg := corrValue + " = PERCENTILE(" + f + ", " + fnum(p) + ")"
		if p == 50 {
			agg = corrValue + " = MEDIAN(" + f + ")"
		}
		return agg, &backends.Warning{Pos: c.Cond.Pos, ID: WarnPercentileEstimate, Approximate: true,
			Msg: "ES|QL's PERCENTILE / MEDIAN are estimates (t-digest), not the exact percentile"}, nil
	case ir.TemporalOrdered:
		// The first rule's earliest event before the second rule's latest
		// one (orderedPair).
		*lines = append(*lines, "| EVAL sigma_t1 = CASE(sigma_r1 == 1, @timestamp), sigma_t2 = CASE(sigma_r2 == 1, @timestamp)")
		return "sigma_t1 = MIN(sigma_t1), sigma_t2 = MAX(sigma_t2)", nil, nil
	case ir.Temporal:
		aggs := make([]string, nRules)
		for i := range aggs {
			aggs[i] = fmt.Sprintf("sigma_r%d = MAX(sigma_r%d)", i+1, i+1)
		}
		return strings.Join(aggs, ", "), nil, nil
	}
	return "", nil, backends.Unsupported(corrPos(c), b.Name(), string(c.Type)+" correlation", "unknown correlation type")
}

// orderedPair checks a temporal_ordered correlation for ES|QL and DSL:
// two rules are in order within a bucket exactly when the first rule's
// earliest event is before the second rule's latest one (MIN < MAX);
// three or more steps need the earliest event of each step after the
// previous step's, which one aggregation cannot compute. The condition
// must ask for the whole sequence, as for EQL.
func (b *Backend) orderedPair(c *ir.Correlation, nRefs int) error {
	if nRefs != 2 {
		return backends.Unsupported(corrPos(c), b.Name(), "temporal_ordered correlation of "+strconv.Itoa(nRefs)+" rules",
			"aggregations order two rules per bucket (the first rule's earliest event before the second's latest); a longer order needs each step's earliest event after the previous step, which one aggregation cannot compute; use -t eql (sequence ... with maxspan)")
	}
	if c.Cond != nil && len(c.Cond.Bounds) > 0 {
		bd := c.Cond.Bounds[0]
		if len(c.Cond.Bounds) != 1 || (bd.Op != "gte" && bd.Op != "eq") || bd.Value != float64(nRefs) {
			return backends.Unsupported(c.Cond.Pos, b.Name(), "temporal_ordered condition",
				"only the whole ordered sequence of rules is converted; a condition asking for fewer is not")
		}
	}
	return nil
}

// esqlConds writes the bounds on column v, AND-ed.
func esqlConds(v string, bounds []ir.CorrBound) string {
	conds := make([]string, len(bounds))
	for i, bd := range bounds {
		conds[i] = v + " " + corrOps[bd.Op] + " " + fnum(bd.Value)
	}
	return strings.Join(conds, " AND ")
}

// esqlSpan writes a whole number of seconds as an ES|QL time-duration
// literal in the largest unit dividing it.
func esqlSpan(d time.Duration) string {
	secs := int64(d / time.Second)
	for _, u := range []struct {
		n    int64
		unit string
	}{{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}} {
		if secs%u.n == 0 {
			n := secs / u.n
			if n == 1 {
				return "1 " + u.unit
			}
			return strconv.FormatInt(n, 10) + " " + u.unit + "s"
		}
	}
	return strconv.FormatInt(secs, 10) + " seconds"
}
