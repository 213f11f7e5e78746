package elastic

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
)

// Correlations of correlations (chaining) in ES|QL: one pipeline over the
// events of every detection rule involved, aggregated twice.
//
//	FROM ... | WHERE (<leaf 1>) OR ... | EVAL sigma_r1 = CASE(<leaf 1>, 1, 0), ...
//	| STATS <inner aggregates, per-rule counts or times>
//	        BY sigma_window = BUCKET(@timestamp, <inner timespan>), <inner group-by>
//	| EVAL sigma_q1 = CASE(<inner condition> AND <inner group-by> IS NOT NULL, 1, 0)
//	| WHERE <outer group-by> IS NOT NULL
//	| EVAL sigma_window = DATE_TRUNC(<outer timespan>, sigma_window)
//	| STATS <outer aggregate over the inner hits and rule events> BY sigma_window, <outer group-by>
//	| WHERE <outer condition>
//
// The first STATS computes each chained correlation per bucket and group
// exactly as a stand-alone one; a cell whose condition holds is one hit.
// The outer correlation then counts hits (sigma_q<i> = 1) and the events of
// its own detection rules (their counts per cell), or orders them. This is
// exact with respect to the fixed buckets when:
//
//   - the inner buckets nest in the outer ones (the inner timespan divides
//     the outer timespan; both are aligned to the epoch);
//   - every outer group-by field names one of the inner group-by fields
//     (a hit carries only its group values: the evaluator also reads the
//     fields of the event that completed the hit, which an aggregation
//     cannot pick) and the outer rules' own fields are among them too;
//   - several chained correlations share their group-by and timespan (one
//     STATS computes them all) and have no aliases.
//
// Anything else is refused with the reason. The hits are per bucket (one
// per cell where the evaluator reports one each time the sliding window
// reaches the condition): the static-time-window warning says so.

// chainRef is one entry of a chaining correlation's rules: a detection rule
// or a chained correlation, with the leaf flags (sigma_r<n>) of its rules.
type chainRef struct {
	name  string
	rule  *corrRef                   // a detection rule, or nil
	sub   *backends.CorrelationInput // a chained correlation, or nil
	rules []corrRef                  // the detection rules (one for a rule)
	flags []int                      // leaf numbers of rules
}

// chainRefs pairs the correlation's rules with the processed rules and
// chained correlations the driver resolved (each kept in the correlation's
// order) and converts every detection rule involved.
func (b *Backend) chainRefs(in *backends.CorrelationInput, cfg config) ([]chainRef, error) {
	c := in.Correlation
	plain, err := b.corrRefs(c, in.Rules, cfg)
	if err != nil {
		return nil, err
	}
	var refs []chainRef
	ri, ci := 0, 0
	for _, ref := range c.Rules {
		if ci < len(in.Chained) && isDoc(in.Chained[ci].Correlation, ref.Ref) {
			sub := in.Chained[ci]
			ci++
			if len(sub.Chained) > 0 {
				return nil, backends.Unsupported(corrPos(sub.Correlation), b.Name(), "chained correlation",
					"correlations nested more than one level are not converted")
			}
			rules, err := b.corrRefs(sub.Correlation, sub.Rules, cfg)
			if err != nil {
				return nil, err
			}
			refs = append(refs, chainRef{name: ref.Ref, sub: sub, rules: rules})
			continue
		}
		if ri >= len(plain) {
			return nil, backends.Unsupported(ref.Pos, b.Name(), "correlation rule", "reference %q was not resolved", ref.Ref)
		}
		r := plain[ri]
		r.name = ref.Ref
		ri++
		refs = append(refs, chainRef{name: ref.Ref, rule: &r, rules: []corrRef{r}})
	}
	if ri != len(plain) || ci != len(in.Chained) {
		return nil, fmt.Errorf("%s: correlation %q: resolved references do not match its rules", b.Name(), c.Title)
	}
	n := 0
	for i := range refs {
		for range refs[i].rules {
			n++
			refs[i].flags = append(refs[i].flags, n)
		}
	}
	return refs, nil
}

// isDoc reports whether the reference ref names c.
func isDoc(c *ir.Correlation, ref string) bool {
	return c != nil && ((c.Name != "" && c.Name == ref) || (c.ID != "" && strings.EqualFold(c.ID, ref)))
}

// esqlChained writes a correlation referring to correlations (see the
// comment at the top of the file). Without buckets (a Kibana rule) both
// STATS group by the group-by fields only and the timespans must be equal.
func (b *Backend) esqlChained(in *backends.CorrelationInput, cfg config, buckets bool) (*backends.Output, error) {
	c := in.Correlation
	refs, err := b.chainRefs(in, cfg)
	if err != nil {
		return nil, err
	}
	var bounds []ir.CorrBound
	switch c.Type {
	case ir.EventCount, ir.Temporal:
		if bounds, err = b.corrBounds(c, len(refs)); err != nil {
			return nil, err
		}
	case ir.TemporalOrdered:
		if err := b.orderedPair(c, len(refs)); err != nil {
			return nil, err
		}
	default:
		return nil, backends.Unsupported(corrPos(c), b.Name(), string(c.Type)+" correlation of correlations",
			"the hits of a correlation carry only its group-by values; ES|QL chains are converted for event_count, temporal and temporal_ordered (two rules) over correlations")
	}
	inner, err := b.chainInner(c, refs, buckets)
	if err != nil {
		return nil, err
	}
	keys := inner.GroupBy
	outerKeys, err := b.chainKeys(c, refs, inner)
	if err != nil {
		return nil, err
	}

	var leaves []corrRef
	for _, r := range refs {
		leaves = append(leaves, r.rules...)
	}
	ors := make([]string, len(leaves))
	marks := make([]string, len(leaves))
	for i, l := range leaves {
		ors[i] = "(" + l.text + ")"
		marks[i] = fmt.Sprintf("sigma_r%d = CASE(%s, 1, 0)", i+1, l.text)
	}
	lines := []string{
		"FROM " + esqlIndexes(corrIndexes(leaves)),
		"| WHERE " + strings.Join(ors, " OR "),
		"| EVAL " + strings.Join(marks, ", "),
	}
	var warns []backends.Warning
	if buckets {
		warns = append(warns, staticWindowWarning(c, "BUCKET"))
	}
	var cols chainColumns
	for j, r := range refs {
		if err := b.esqlChainRef(c, j, r, keys, buckets, &cols); err != nil {
			return nil, err
		}
	}
	warns = append(warns, cols.warns...)
	evals, aggs, post, outer, sum := cols.evals, cols.aggs, cols.post, cols.outer, cols.sum
	for _, a := range inner.Aliases {
		cases, err := b.aliasCases(a, refs)
		if err != nil {
			return nil, err
		}
		lines = append(lines, "| EVAL "+a.Name+" = CASE("+strings.Join(cases, ", ")+")")
	}
	if len(evals) > 0 {
		lines = append(lines, "| EVAL "+strings.Join(evals, ", "))
	}
	var by []string
	if buckets {
		by = append(by, corrWindow+" = BUCKET(@timestamp, "+esqlSpan(inner.Timespan.Duration)+")")
	}
	for _, k := range keys {
		by = append(by, esqlField(k))
	}
	lines = append(lines, statsLine(aggs, by))
	if len(post) > 0 {
		lines = append(lines, "| EVAL "+strings.Join(post, ", "))
	}
	// Cells without an outer group value contribute nothing (the evaluator
	// ignores events and hits without one).
	var notNull []string
	by = nil
	if buckets {
		by = append(by, corrWindow)
	}
	for _, k := range outerKeys {
		notNull = append(notNull, esqlField(k)+" IS NOT NULL")
		by = append(by, esqlField(k))
	}
	if len(notNull) > 0 {
		lines = append(lines, "| WHERE "+strings.Join(notNull, " AND "))
	}
	if buckets && inner.Timespan.Duration != c.Timespan.Duration {
		lines = append(lines, "| EVAL "+corrWindow+" = DATE_TRUNC("+esqlSpan(c.Timespan.Duration)+", "+corrWindow+")")
	}
	lines = append(lines, statsLine(outer, by))
	if c.Type == ir.TemporalOrdered {
		lines = append(lines, "| WHERE sigma_t1 < sigma_t2")
	} else {
		lines = append(lines, "| EVAL "+corrValue+" = "+strings.Join(sum, " + "), "| WHERE "+esqlConds(corrValue, bounds))
	}
	for _, l := range leaves {
		warns = append(warns, l.warnings...)
	}
	return &backends.Output{Rule: c, Query: strings.Join(lines, "\n"), Warnings: warns}, nil
}

// chainColumns are the pieces of an ES|QL chain the references add: EVAL
// assignments and aggregations of the first STATS, assignments after it,
// aggregations of the second STATS, the terms of the outer value.
type chainColumns struct {
	evals, aggs, post, outer, sum []string
	warns                         []backends.Warning
}

// esqlChainRef adds reference j (sigma_q<j+1>, sigma_t<j+1>) of c to cols:
// a detection rule's events counted, marked or timed per cell, or a
// chained correlation computed per cell and tested (a hit).
func (b *Backend) esqlChainRef(c *ir.Correlation, j int, r chainRef, keys []string, buckets bool, cols *chainColumns) error {
	q := "sigma_q" + strconv.Itoa(j+1)
	t := "sigma_t" + strconv.Itoa(j+1)
	hit := flagExpr(r.flags)
	if len(r.flags) > 1 && (r.sub == nil || r.sub.Correlation.Type != ir.Temporal) {
		cols.evals = append(cols.evals, q+"_in = CASE("+hit+", 1, 0)")
		hit = q + "_in == 1"
	}
	cols.sum = append(cols.sum, q)
	if r.sub == nil {
		switch c.Type {
		case ir.EventCount:
			cols.aggs = append(cols.aggs, q+" = SUM(sigma_r"+strconv.Itoa(r.flags[0])+")")
			cols.outer = append(cols.outer, q+" = SUM("+q+")")
		case ir.Temporal:
			cols.aggs = append(cols.aggs, q+" = MAX(sigma_r"+strconv.Itoa(r.flags[0])+")")
			cols.outer = append(cols.outer, q+" = MAX("+q+")")
		default: // ordered: the first rule's earliest event, the second's latest
			fn := "MIN"
			if j == 1 {
				fn = "MAX"
			}
			cols.evals = append(cols.evals, t+" = CASE("+hit+", @timestamp)")
			cols.aggs = append(cols.aggs, t+" = "+fn+"("+t+")")
			cols.outer = append(cols.outer, t+" = "+fn+"("+t+")")
		}
		return nil
	}
	s := r.sub.Correlation
	if buckets {
		cols.warns = append(cols.warns, staticWindowWarning(s, "BUCKET"))
	}
	ev, ag, value, warn, err := b.innerAggregate(s, q, hit, r.flags)
	if err != nil {
		return err
	}
	if warn != nil {
		cols.warns = append(cols.warns, *warn)
	}
	cols.evals, cols.aggs = append(cols.evals, ev...), append(cols.aggs, ag...)
	sb, err := b.corrBounds(s, len(r.rules))
	if err != nil {
		return err
	}
	conds := []string{esqlConds(value, sb)}
	for _, k := range keys {
		conds = append(conds, esqlField(k)+" IS NOT NULL")
	}
	cols.post = append(cols.post, q+" = CASE("+strings.Join(conds, " AND ")+", 1, 0)")
	switch c.Type {
	case ir.EventCount:
		cols.outer = append(cols.outer, q+" = SUM("+q+")")
	case ir.Temporal:
		cols.outer = append(cols.outer, q+" = MAX("+q+")")
	default:
		// The time the chained correlation fires in its cell: the
		// N-th event of an event_count reaching N.
		n, err := b.hitEvent(s)
		if err != nil {
			return err
		}
		fn := "MIN"
		if j == 1 {
			fn = "MAX"
		}
		cols.evals = append(cols.evals, t+" = CASE("+hit+", @timestamp)")
		cols.aggs = append(cols.aggs, t+" = TOP("+t+", "+strconv.Itoa(n)+", \"asc\")")
		cols.post = append(cols.post, t+" = CASE("+q+" == 1, MV_MAX("+t+"))")
		cols.outer = append(cols.outer, t+" = "+fn+"("+t+")")
	}
	return nil
}

// chainInner checks the chained correlations and returns the first one:
// they share a timespan and group-by (one STATS computes them), which
// divides the outer timespan (equals it without buckets); with several,
// none has aliases.
func (b *Backend) chainInner(c *ir.Correlation, refs []chainRef, buckets bool) (*ir.Correlation, error) {
	var first *ir.Correlation
	for _, r := range refs {
		if r.sub == nil {
			continue
		}
		s := r.sub.Correlation
		pos := corrPos(s)
		span := s.Timespan.Duration
		switch {
		case s.Type == ir.TemporalOrdered:
			return nil, backends.Unsupported(pos, b.Name(), "chained temporal_ordered correlation",
				"an ordered correlation referred to by another correlation is not converted to ES|QL")
		case span < time.Second || span%time.Second != 0:
			return nil, backends.Unsupported(s.Timespan.Pos, b.Name(), "timespan", "%q is not a whole number of seconds", s.Timespan.Raw)
		case buckets && c.Timespan.Duration%span != 0:
			return nil, backends.Unsupported(s.Timespan.Pos, b.Name(), "chained correlation timespan",
				"its %s buckets do not nest in the %s buckets of the correlation referring to it (the inner timespan must divide the outer one)", s.Timespan.Raw, c.Timespan.Raw)
		case !buckets && span != c.Timespan.Duration:
			return nil, backends.Unsupported(s.Timespan.Pos, b.Name(), "chained correlation timespan",
				"a Kibana rule has one look-back, so the chained correlation's timespan (%s) must equal the outer one (%s)", s.Timespan.Raw, c.Timespan.Raw)
		case first == nil:
			first = s
		case span != first.Timespan.Duration || !slices.Equal(s.GroupBy, first.GroupBy):
			return nil, backends.Unsupported(pos, b.Name(), "chained correlations",
				"correlations referred to together are converted when they share their timespan and group-by (one aggregation computes them all)")
		case len(s.Aliases) > 0 || len(first.Aliases) > 0:
			return nil, backends.Unsupported(pos, b.Name(), "chained correlations with aliases",
				"aliases are converted when one correlation is referred to")
		}
	}
	for _, a := range first.Aliases {
		if !plainIdent(a.Name, false) {
			return nil, backends.Unsupported(a.Pos, b.Name(), "alias", "%q is not a plain column name", a.Name)
		}
	}
	return first, nil
}

// chainKeys returns, per outer group-by entry, the inner group-by column
// every reference reads it from: for a chained correlation the group-by
// entry (or a field one of its aliases stands for) the outer field names,
// for a detection rule its own field, which must be an inner group-by
// field too (the first STATS keeps only those).
func (b *Backend) chainKeys(c *ir.Correlation, refs []chainRef, inner *ir.Correlation) ([]string, error) {
	isAlias := map[string]bool{}
	for _, a := range inner.Aliases {
		isAlias[a.Name] = true
	}
	out := make([]string, len(c.GroupBy))
	for i, g := range c.GroupBy {
		col := ""
		for _, r := range refs {
			var k string
			if r.sub != nil {
				k = hitColumn(r.sub.Correlation, outerField(c, g, r))
			} else if f := joinField(c, g, *r.rule); slices.Contains(inner.GroupBy, f) && !isAlias[f] {
				k = f
			}
			if k == "" || (col != "" && k != col) {
				return nil, backends.Unsupported(corrPos(c), b.Name(), "group-by "+g,
					"for reference %s it names no group-by field of the chained correlation: a hit carries only its group values (the field of the event completing it cannot be picked by an aggregation), and the detection rules' events are grouped by the chained correlation's fields", r.name)
			}
			col = k
		}
		out[i] = col
	}
	return out, nil
}

// outerField is the field the outer correlation reads for a chained
// correlation's hits: an outer alias entry for it, or g.
func outerField(c *ir.Correlation, g string, r chainRef) string {
	s := r.sub.Correlation
	for _, a := range c.Aliases {
		if a.Name != g {
			continue
		}
		for _, af := range a.Fields {
			if af.Rule == r.name || isDoc(s, af.Rule) {
				return af.Field
			}
		}
	}
	return g
}

// hitColumn is the group-by entry of s whose value a hit of s has under
// name: the entry itself or a field an alias entry stands for.
func hitColumn(s *ir.Correlation, name string) string {
	for _, g := range s.GroupBy {
		if g == name {
			return g
		}
		for _, a := range s.Aliases {
			if a.Name != g {
				continue
			}
			for _, af := range a.Fields {
				if af.Field == name {
					return g
				}
			}
		}
	}
	return ""
}

// aliasCases writes a chained correlation's alias as CASE branches over
// the leaf flags of its rules.
func (b *Backend) aliasCases(a ir.Alias, refs []chainRef) ([]string, error) {
	var cases []string
	for _, r := range refs {
		if r.sub == nil {
			continue
		}
		for i, l := range r.rules {
			if f := aliasField(a, l); f != "" {
				cases = append(cases, fmt.Sprintf("sigma_r%d == 1, %s", r.flags[i], esqlField(f)))
			}
		}
	}
	if len(cases) == 0 {
		return nil, backends.Unsupported(a.Pos, b.Name(), "alias", "alias %s names no field of the referenced rules", a.Name)
	}
	return cases, nil
}

// innerAggregate returns the EVAL assignments and STATS aggregations that
// compute chained correlation s per cell over the events where hit holds
// (its rules' leaf flags are flags), and the expression of its value.
func (b *Backend) innerAggregate(s *ir.Correlation, q, hit string, flags []int) (evals, aggs []string, value string, warn *backends.Warning, err error) {
	value = q + "_value"
	field := func(numeric bool) (string, error) {
		f, err := b.condField(s)
		if err != nil {
			return "", err
		}
		x := esqlField(f)
		if numeric {
			x = "TO_DOUBLE(" + x + ")"
		}
		evals = append(evals, q+"_f = CASE("+hit+", "+x+")")
		return q + "_f", nil
	}
	in := q + "_in" // a 0/1 column: the event belongs to s
	if len(flags) == 1 {
		in = "sigma_r" + strconv.Itoa(flags[0])
	}
	switch s.Type {
	case ir.EventCount:
		aggs = append(aggs, value+" = SUM("+in+")")
	case ir.ValueCount:
		f, err := field(false)
		if err != nil {
			return nil, nil, "", nil, err
		}
		aggs = append(aggs, value+" = COUNT_DISTINCT("+f+", 40000)")
		warn = &backends.Warning{Pos: s.Cond.Pos, ID: WarnDistinctEstimate, Approximate: true,
			Msg: "COUNT_DISTINCT is a HyperLogLog++ estimate: close to exact below its precision threshold (40000 here), approximate above"}
	case ir.ValueSum, ir.ValueAvg:
		f, err := field(true)
		if err != nil {
			return nil, nil, "", nil, err
		}
		fn := "SUM"
		if s.Type == ir.ValueAvg {
			fn = "AVG"
		}
		aggs = append(aggs, value+" = "+fn+"("+f+")")
	case ir.ValuePercentile, ir.ValueMedian:
		f, err := field(true)
		if err != nil {
			return nil, nil, "", nil, err
		}
		p := percentile(s)
		agg := value + " = PERCENTILE(" + f + ", " + fnum(p) + ")"
		if p == 50 {
			agg = value + " = MEDIAN(" + f + ")"
		}
		aggs = append(aggs, agg)
		warn = &backends.Warning{Pos: s.Cond.Pos, ID: WarnPercentileEstimate, Approximate: true,
			Msg: "ES|QL's PERCENTILE / MEDIAN are estimates (t-digest), not the exact percentile"}
	case ir.Temporal:
		// The number of its rules seen in the cell.
		seen := make([]string, len(flags))
		for i, f := range flags {
			seen[i] = fmt.Sprintf("%s_r%d", q, i+1)
			aggs = append(aggs, fmt.Sprintf("%s = MAX(sigma_r%d)", seen[i], f))
		}
		return nil, aggs, "(" + strings.Join(seen, " + ") + ")", nil, nil
	default:
		return nil, nil, "", nil, backends.Unsupported(corrPos(s), b.Name(), string(s.Type)+" correlation", "not converted as a chained correlation")
	}
	return evals, aggs, value, warn, nil
}

// hitEvent returns N for a chained event_count correlation with a single
// gte N (gt N: N+1) bound: inside a bucket it fires on its N-th event. The
// firing time of other types inside a bucket is not an aggregate.
func (b *Backend) hitEvent(s *ir.Correlation) (int, error) {
	if s.Type == ir.EventCount && s.Cond != nil && len(s.Cond.Bounds) == 1 {
		bd := s.Cond.Bounds[0]
		n := int(bd.Value)
		switch {
		case bd.Op == "gt":
			n++
		case bd.Op == "gte" && float64(n) != bd.Value:
			n++
		case bd.Op != "gte":
			n = -1
		}
		if n >= 0 {
			return max(n, 1), nil
		}
	}
	return 0, backends.Unsupported(corrPos(s), b.Name(), "chained "+string(s.Type)+" correlation in an ordered correlation",
		"the time it fires inside a bucket is not an aggregate; an event_count with a single gt / gte threshold (fired by its N-th event) is converted")
}

// flagExpr is "sigma_r<n> == 1" OR-ed over the leaf numbers.
func flagExpr(flags []int) string {
	parts := make([]string, len(flags))
	for i, f := range flags {
		parts[i] = "sigma_r" + strconv.Itoa(f) + " == 1"
	}
	return strings.Join(parts, " OR ")
}

// statsLine writes a STATS command.
func statsLine(aggs, by []string) string {
	s := "| STATS " + strings.Join(aggs, ", ")
	if len(by) > 0 {
		s += " BY " + strings.Join(by, ", ")
	}
	return s
}
