package elastic

import (
	"fmt"
	"strings"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
)

// termsSize caps the group buckets per time bucket (the terms aggregation
// returns the largest groups first; Elasticsearch's default
// search.max_buckets is 65,536 per response).
const termsSize = 10000

// dslCorrelation writes a search body (POST <index>/_search) whose
// aggregations compute the correlation:
//
//	"size": 0, "query": <any referenced rule>,
//	"aggs": sigma_window: date_histogram(@timestamp, fixed_interval=<timespan>)
//	          sigma_group: terms / multi_terms(<group-by>)      (when grouped)
//	            sigma_value: <metric>, sigma_condition: bucket_selector(<condition>)
//
// The buckets left in the response are the correlation's hits. The terms
// aggregation ignores documents without the field, as the evaluator
// ignores events without a group-by value. temporal_ordered of two rules
// compares the first rule's earliest event with the second's latest;
// longer orders and aliases whose field differs per rule are refused.
func (b *Backend) dslCorrelation(c *ir.Correlation, refs []corrRef) (*backends.Output, error) {
	pos := corrPos(c)
	groupBy, condField, err := b.uniformFields(c, refs)
	if err != nil {
		return nil, err
	}
	var bounds []ir.CorrBound
	if c.Type == ir.TemporalOrdered {
		err = b.orderedPair(c, len(refs))
	} else {
		bounds, err = b.corrBounds(c, len(refs))
	}
	if err != nil {
		return nil, err
	}
	var query any
	if len(refs) == 1 {
		query = refs[0].dsl
	} else {
		qs := make([]any, len(refs))
		for i, r := range refs {
			qs[i] = r.dsl
		}
		query = obj{{"bool", obj{{"should", qs}, {"minimum_should_match", 1}}}}
	}
	var warns []backends.Warning
	var metric obj
	paths := obj{}
	value := "params." + corrValue
	field := func() (string, error) {
		if _, err := b.condField(c); err != nil {
			return "", err
		}
		return condField, nil
	}
	switch c.Type {
	case ir.EventCount:
		paths = append(paths, kv{corrValue, "_count"})
	case ir.ValueCount, ir.ValueSum, ir.ValueAvg, ir.ValuePercentile, ir.ValueMedian:
		f, err := field()
		if err != nil {
			return nil, err
		}
		path := corrValue
		switch c.Type {
		case ir.ValueCount:
			metric = obj{{corrValue, obj{{"cardinality", obj{{"field", f}, {"precision_threshold", 40000}}}}}}
			warns = append(warns, backends.Warning{Pos: c.Cond.Pos, ID: WarnDistinctEstimate, Approximate: true,
				Msg: "the cardinality aggregation is a HyperLogLog++ estimate: close to exact below its precision_threshold (40000 here), approximate above"})
		case ir.ValueSum:
			metric = obj{{corrValue, obj{{"sum", obj{{"field", f}}}}}}
		case ir.ValueAvg:
			metric = obj{{corrValue, obj{{"avg", obj{{"field", f}}}}}}
		default:
			p := percentile(c)
			if p != float64(int(p)) || p < 0 || p > 100 {
				return nil, backends.Unsupported(c.Cond.Pos, b.Name(), "value_percentile", "percentile %v is not a whole number from 0 to 100 (a buckets_path names it as sigma_value.<N>)", p)
			}
			metric = obj{{corrValue, obj{{"percentiles", obj{{"field", f}, {"percents", []float64{p}}}}}}}
			path = fmt.Sprintf("%s.%d", corrValue, int(p))
			warns = append(warns, backends.Warning{Pos: c.Cond.Pos, ID: WarnPercentileEstimate, Approximate: true,
				Msg: "the percentiles aggregation is an estimate (t-digest), not the exact percentile"})
		}
		paths = append(paths, kv{corrValue, path})
	case ir.Temporal:
		var sum []string
		for i, r := range refs {
			name := fmt.Sprintf("sigma_r%d", i+1)
			metric = append(metric, kv{name, obj{{"filter", r.dsl}}})
			paths = append(paths, kv{name, name + ">_count"})
			sum = append(sum, fmt.Sprintf("(params.%s > 0 ? 1 : 0)", name))
		}
		value = "(" + strings.Join(sum, " + ") + ")"
	case ir.TemporalOrdered:
		// The first rule's earliest event before the second rule's latest
		// (orderedPair); an empty filter's min / max is infinite, never
		// in order.
		for i, r := range refs {
			name, fn := fmt.Sprintf("sigma_r%d", i+1), "min"
			if i == 1 {
				fn = "max"
			}
			metric = append(metric, kv{name, obj{{"filter", r.dsl}, {"aggs", obj{{"sigma_t", obj{{fn, obj{{"field", "@timestamp"}}}}}}}}})
			paths = append(paths, kv{fmt.Sprintf("sigma_t%d", i+1), name + ">sigma_t"})
		}
		value = "params.sigma_t1 < params.sigma_t2"
	default:
		return nil, backends.Unsupported(pos, b.Name(), string(c.Type)+" correlation", "unknown correlation type")
	}
	conds := make([]string, len(bounds))
	for i, bd := range bounds {
		conds[i] = value + " " + corrOps[bd.Op] + " " + fnum(bd.Value)
	}
	if c.Type == ir.TemporalOrdered {
		conds = []string{value}
	}
	aggs := append(metric, kv{"sigma_condition", obj{{"bucket_selector", obj{
		{"buckets_path", paths},
		{"script", strings.Join(conds, " && ")},
	}}}})
	switch len(groupBy) {
	case 0:
	case 1:
		aggs = obj{{"sigma_group", obj{{"terms", obj{{"field", groupBy[0]}, {"size", termsSize}}}, {"aggs", aggs}}}}
	default:
		terms := make([]any, len(groupBy))
		for i, g := range groupBy {
			terms[i] = obj{{"field", g}}
		}
		aggs = obj{{"sigma_group", obj{{"multi_terms", obj{{"terms", terms}, {"size", termsSize}}}, {"aggs", aggs}}}}
	}
	if len(c.GroupBy) > 0 {
		warns = append(warns, backends.Warning{Pos: c.Timespan.Pos, ID: WarnTermsSize, Approximate: false,
			Msg: fmt.Sprintf("at most %d groups per time bucket are returned (terms size)", termsSize)})
	}
	body := obj{
		{"size", 0},
		{"query", query},
		{"aggs", obj{{corrWindow, obj{
			{"date_histogram", obj{{"field", "@timestamp"}, {"fixed_interval", shortSpan(c.Timespan.Duration)}, {"min_doc_count", 1}}},
			{"aggs", aggs},
		}}}},
	}
	js, err := marshal(body)
	if err != nil {
		return nil, err
	}
	warns = append([]backends.Warning{staticWindowWarning(c, "date_histogram")}, warns...)
	return &backends.Output{Rule: c, Query: indent(js), Warnings: warns}, nil
}
