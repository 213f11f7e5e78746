package elastic

import (
	"strings"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
)

// maxSequenceCount is the largest event_count threshold written as a
// sequence of repeated queries: every step is one more partial sequence
// EQL keeps per join key.
const maxSequenceCount = 10

// eqlCorrelation writes an EQL sequence:
//
//   - temporal_ordered: one step per rule, in the correlation's order,
//     `sequence by <group-by> with maxspan=<timespan> [q1] [q2] ...`:
//     EQL matches events of the steps in time order, all within maxspan,
//     per join key — the correlation's meaning;
//   - event_count gte N (gt N: N+1) with N ≤ maxSequenceCount: the rule's
//     query repeated N times; N distinct events in order within maxspan
//     exist exactly when a window of the timespan holds N events.
//
// Aliases become per-step join keys (`[q1] by f1 [q2] by f2`). Every step
// requires its join fields to be present, as the evaluator drops events
// without a group-by value. Other types and conditions are refused: EQL
// has no aggregation, and no unordered join within a window (sample has no
// time bound).
func (b *Backend) eqlCorrelation(c *ir.Correlation, refs []corrRef) (*backends.Output, error) {
	pos := corrPos(c)
	var steps []corrRef
	switch c.Type {
	case ir.TemporalOrdered:
		if c.Cond != nil && len(c.Cond.Bounds) > 0 {
			bd := c.Cond.Bounds[0]
			if len(c.Cond.Bounds) != 1 || (bd.Op != "gte" && bd.Op != "eq") || bd.Value != float64(len(refs)) {
				return nil, backends.Unsupported(c.Cond.Pos, b.Name(), "temporal_ordered condition",
					"an EQL sequence finds the whole ordered sequence of rules only; a condition asking for fewer is not converted")
			}
		}
		steps = refs
	case ir.EventCount:
		n, err := b.sequenceCount(c)
		if err != nil {
			return nil, err
		}
		one := refs[0]
		if len(refs) > 1 {
			if len(c.Aliases) > 0 {
				return nil, backends.Unsupported(pos, b.Name(), "event_count correlation with aliases",
					"one EQL step selects the events of every rule and can have only one join key per group-by entry")
			}
			cat := eqlCategory(refs[0].res.Rule.LogSource.Category)
			ors := make([]string, len(refs))
			for i, r := range refs {
				if eqlCategory(r.res.Rule.LogSource.Category) != cat {
					cat = "any"
				}
				ors[i] = "(" + r.text + ")"
			}
			one = corrRef{name: refs[0].name, res: refs[0].res, text: strings.Join(ors, " or "), index: refs[0].index}
			one.category = cat
		}
		for range n {
			steps = append(steps, one)
		}
	default:
		return nil, backends.Unsupported(pos, b.Name(), string(c.Type)+" correlation",
			"EQL has no aggregations, and no unordered join within a time window (sample has no time bound); use -t esql or -t dsl")
	}
	if len(steps) == 1 {
		// A sequence needs two steps; one event is the rule's own query
		// (with its group-by fields present).
		return &backends.Output{Rule: c, Query: eqlStep(c, steps[0])}, nil
	}
	perStep := len(c.Aliases) > 0
	var sb strings.Builder
	sb.WriteString("sequence")
	if len(c.GroupBy) > 0 && !perStep {
		keys := make([]string, len(c.GroupBy))
		for i, g := range c.GroupBy {
			keys[i] = eqlField(g)
		}
		sb.WriteString(" by " + strings.Join(keys, ", "))
	}
	sb.WriteString(" with maxspan=" + shortSpan(c.Timespan.Duration))
	for _, s := range steps {
		sb.WriteString("\n  [" + eqlStep(c, s) + "]")
		if perStep && len(c.GroupBy) > 0 {
			sb.WriteString(" by " + strings.Join(eqlJoinKeys(c, s), ", "))
		}
	}
	return &backends.Output{Rule: c, Query: sb.String()}, nil
}

// sequenceCount returns the number of steps for an event_count
// correlation: N for gte N, N+1 for gt N.
func (b *Backend) sequenceCount(c *ir.Correlation) (int, error) {
	pos := corrPos(c)
	if c.Cond == nil || len(c.Cond.Bounds) != 1 {
		return 0, backends.Unsupported(pos, b.Name(), "event_count correlation", "EQL converts a single gt / gte threshold only (as a sequence of repeated queries)")
	}
	bd := c.Cond.Bounds[0]
	n := int(bd.Value)
	if float64(n) != bd.Value {
		n++ // gte 2.5 is gte 3
	}
	switch bd.Op {
	case "gte":
	case "gt":
		n = int(bd.Value) + 1
	default:
		return 0, backends.Unsupported(bd.Pos, b.Name(), "event_count condition "+bd.Op,
			"EQL converts gt / gte thresholds only (as a sequence of repeated queries); fewer or exactly N events need an aggregation: use -t esql or -t dsl")
	}
	if n < 1 {
		n = 1
	}
	if n > maxSequenceCount {
		return 0, backends.Unsupported(bd.Pos, b.Name(), "event_count threshold", "%d events would be a sequence of %d steps; EQL sequences are written for at most %d events (use -t esql or -t dsl)", n, n, maxSequenceCount)
	}
	return n, nil
}

// eqlJoinKeys are the fields of s's events standing for the group-by
// entries.
func eqlJoinKeys(c *ir.Correlation, s corrRef) []string {
	keys := make([]string, len(c.GroupBy))
	for i, g := range c.GroupBy {
		keys[i] = eqlField(joinField(c, g, s))
	}
	return keys
}

// eqlStep is one step's query: the rule's category and condition, with its
// join fields required to be present.
func eqlStep(c *ir.Correlation, s corrRef) string {
	cat := s.category
	if cat == "" {
		cat = eqlCategory(s.res.Rule.LogSource.Category)
	}
	keys := eqlJoinKeys(c, s)
	if len(keys) == 0 {
		return cat + " where " + s.text
	}
	notNull := make([]string, len(keys))
	for i, k := range keys {
		notNull[i] = k + " != null"
	}
	return cat + " where (" + s.text + ") and " + strings.Join(notNull, " and ")
}
