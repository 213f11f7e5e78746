package elastic

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
)

// dslChained writes a correlation referring to correlations as one search
// body when one bucket level computes both: the chained correlations have
// the outer timespan and group-by, so each time bucket and group holds the
// chained correlation's cell (a filter aggregation over its rules with its
// metric) next to the outer rules' filters, and one bucket_selector tests
// the inner condition (a hit, 0 or 1 per cell) inside the outer one:
//
//	sigma_window: date_histogram, sigma_group: terms (the shared group-by)
//	  sigma_q1: filter { <inner rules> } [metric]      (a chained correlation)
//	  sigma_q2: filter { <rule> }                      (a detection rule)
//	  sigma_condition: bucket_selector ((params.sigma_q1 >= 10 ? 1 : 0) + ...)
//
// Other shapes need the inner buckets and groups nested in the outer ones
// and a count of the inner buckets a selector kept, which is not written:
// they are refused with a pointer to ES|QL. An ordered outer correlation
// is refused too: the time a chained correlation fires inside a bucket
// (its N-th event) is no metric.
func (b *Backend) dslChained(in *backends.CorrelationInput, cfg config) (*backends.Output, error) {
	c := in.Correlation
	pos := corrPos(c)
	refs, err := b.chainRefs(in, cfg)
	if err != nil {
		return nil, err
	}
	switch c.Type {
	case ir.EventCount, ir.Temporal:
	case ir.TemporalOrdered:
		return nil, backends.Unsupported(pos, b.Name(), "temporal_ordered correlation of correlations",
			"the time a chained correlation fires inside a bucket (its N-th event) is no Query DSL metric, so its order with other events cannot be tested; use -t esql")
	default:
		return nil, backends.Unsupported(pos, b.Name(), string(c.Type)+" correlation of correlations",
			"the hits of a correlation carry only its group-by values; Query DSL chains are converted for event_count and temporal over correlations")
	}
	bounds, err := b.corrBounds(c, len(refs))
	if err != nil {
		return nil, err
	}
	inner, err := b.chainInner(c, refs, true)
	if err != nil {
		return nil, err
	}
	if inner.Timespan.Duration != c.Timespan.Duration {
		return nil, backends.Unsupported(inner.Timespan.Pos, b.Name(), "chained correlation timespan",
			"Query DSL chains are written when the chained correlation's timespan is the outer one (%s), so that one date_histogram holds both; use -t esql, which nests the buckets", c.Timespan.Raw)
	}
	keys, err := b.chainKeys(c, refs, inner)
	if err != nil {
		return nil, err
	}
	if len(keys) != len(inner.GroupBy) || !containsAll(keys, inner.GroupBy) {
		return nil, backends.Unsupported(pos, b.Name(), "group-by",
			"Query DSL chains are written when the outer group-by is the chained correlation's (one terms aggregation holds both); use -t esql, which groups twice")
	}
	var chained *chainRef
	for i := range refs {
		if refs[i].sub != nil {
			chained = &refs[i]
			break
		}
	}
	// The inner group-by fields, through its aliases.
	innerBy, _, err := b.uniformFields(inner, chained.rules)
	if err != nil {
		return nil, err
	}
	fields := make([]string, len(keys))
	for i, k := range keys {
		fields[i] = innerBy[slices.Index(inner.GroupBy, k)]
	}

	var leaves []any
	metric := obj{}
	paths := obj{}
	var sum []string
	warns := []backends.Warning{staticWindowWarning(c, "date_histogram"), staticWindowWarning(inner, "date_histogram")}
	for j, r := range refs {
		name := fmt.Sprintf("sigma_q%d", j+1)
		qs := make([]any, len(r.rules))
		for i, l := range r.rules {
			qs[i] = l.dsl
			leaves = append(leaves, l.dsl)
		}
		if r.sub == nil {
			metric = append(metric, kv{name, obj{{"filter", qs[0]}}})
			paths = append(paths, kv{name, name + ">_count"})
			if c.Type == ir.EventCount {
				sum = append(sum, "params."+name)
			} else {
				sum = append(sum, "(params."+name+" > 0 ? 1 : 0)")
			}
			continue
		}
		s := r.sub.Correlation
		_, field, err := b.uniformFields(s, r.rules)
		if err != nil {
			return nil, err
		}
		sub, subPaths, value, warn, err := b.dslInner(s, name, r.rules, field)
		if err != nil {
			return nil, err
		}
		if warn != nil {
			warns = append(warns, *warn)
		}
		agg := obj{{"filter", anyQuery(qs)}}
		if len(sub) > 0 {
			agg = append(agg, kv{"aggs", sub})
		}
		metric = append(metric, kv{name, agg})
		paths = append(paths, subPaths...)
		sb, err := b.corrBounds(s, len(r.rules))
		if err != nil {
			return nil, err
		}
		conds := make([]string, len(sb))
		for i, bd := range sb {
			conds[i] = value + " " + corrOps[bd.Op] + " " + fnum(bd.Value)
		}
		sum = append(sum, "("+strings.Join(conds, " && ")+" ? 1 : 0)")
	}
	conds := make([]string, len(bounds))
	for i, bd := range bounds {
		conds[i] = "(" + strings.Join(sum, " + ") + ") " + corrOps[bd.Op] + " " + fnum(bd.Value)
	}
	aggs := append(metric, kv{"sigma_condition", obj{{"bucket_selector", obj{
		{"buckets_path", paths},
		{"script", strings.Join(conds, " && ")},
	}}}})
	aggs = groupAggs(fields, aggs)
	if len(fields) > 0 {
		warns = append(warns, backends.Warning{Pos: c.Timespan.Pos, ID: WarnTermsSize, Approximate: false,
			Msg: fmt.Sprintf("at most %d groups per time bucket are returned (terms size)", termsSize)})
	}
	body := obj{
		{"size", 0},
		{"query", anyQuery(leaves)},
		{"aggs", obj{{corrWindow, obj{
			{"date_histogram", obj{{"field", "@timestamp"}, {"fixed_interval", shortSpan(c.Timespan.Duration)}, {"min_doc_count", 1}}},
			{"aggs", aggs},
		}}}},
	}
	js, err := marshal(body)
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		for _, l := range r.rules {
			warns = append(warns, l.warnings...)
		}
	}
	return &backends.Output{Rule: c, Query: indent(js), Warnings: warns}, nil
}

// dslInner returns the sub-aggregations of chained correlation s inside
// its filter aggregation name, the buckets_path entries reading them and
// the script expression of its value.
func (b *Backend) dslInner(s *ir.Correlation, name string, rules []corrRef, field string) (obj, obj, string, *backends.Warning, error) {
	value := "params." + name
	if s.Type == ir.EventCount {
		return nil, obj{{name, name + ">_count"}}, value, nil, nil
	}
	if s.Type == ir.Temporal {
		sub, paths := obj{}, obj{}
		var seen []string
		for i, r := range rules {
			leaf := fmt.Sprintf("sigma_r%d", i+1)
			v := fmt.Sprintf("%s_r%d", name, i+1)
			sub = append(sub, kv{leaf, obj{{"filter", r.dsl}}})
			paths = append(paths, kv{v, name + ">" + leaf + ">_count"})
			seen = append(seen, "(params."+v+" > 0 ? 1 : 0)")
		}
		return sub, paths, "(" + strings.Join(seen, " + ") + ")", nil, nil
	}
	if _, err := b.condField(s); err != nil {
		return nil, nil, "", nil, err
	}
	path := name + ">" + corrValue
	var m obj
	var warn *backends.Warning
	switch s.Type {
	case ir.ValueCount:
		m = obj{{"cardinality", obj{{"field", field}, {"precision_threshold", 40000}}}}
		warn = &backends.Warning{Pos: s.Cond.Pos, ID: WarnDistinctEstimate, Approximate: true,
			Msg: "the cardinality aggregation is a HyperLogLog++ estimate: close to exact below its precision_threshold (40000 here), approximate above"}
	case ir.ValueSum:
		m = obj{{"sum", obj{{"field", field}}}}
	case ir.ValueAvg:
		m = obj{{"avg", obj{{"field", field}}}}
	case ir.ValuePercentile, ir.ValueMedian:
		p := percentile(s)
		if p != float64(int(p)) || p < 0 || p > 100 {
			return nil, nil, "", nil, backends.Unsupported(s.Cond.Pos, b.Name(), "value_percentile", "percentile %v is not a whole number from 0 to 100 (a buckets_path names it as sigma_value.<N>)", p)
		}
		m = obj{{"percentiles", obj{{"field", field}, {"percents", []float64{p}}}}}
		path = fmt.Sprintf("%s.%d", path, int(p))
		warn = &backends.Warning{Pos: s.Cond.Pos, ID: WarnPercentileEstimate, Approximate: true,
			Msg: "the percentiles aggregation is an estimate (t-digest), not the exact percentile"}
	default:
		return nil, nil, "", nil, backends.Unsupported(corrPos(s), b.Name(), "chained "+string(s.Type)+" correlation", "not converted as a chained correlation")
	}
	return obj{{corrValue, m}}, obj{{name, path}}, value, warn, nil
}

// groupAggs nests aggs under a terms (one field) or multi_terms
// aggregation named sigma_group; no fields leave aggs as they are.
func groupAggs(fields []string, aggs obj) obj {
	switch len(fields) {
	case 0:
		return aggs
	case 1:
		return obj{{"sigma_group", obj{{"terms", obj{{"field", fields[0]}, {"size", termsSize}}}, {"aggs", aggs}}}}
	}
	terms := make([]any, len(fields))
	for i, g := range fields {
		terms[i] = obj{{"field", g}}
	}
	return obj{{"sigma_group", obj{{"multi_terms", obj{{"terms", terms}, {"size", termsSize}}}, {"aggs", aggs}}}}
}

// anyQuery is a bool should over qs (qs[0] alone when there is one).
func anyQuery(qs []any) any {
	if len(qs) == 1 {
		return qs[0]
	}
	return obj{{"bool", obj{{"should", qs}, {"minimum_should_match", 1}}}}
}

// containsAll reports whether every element of want is in have.
func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}
