package kql

import (
	"fmt"
	"math"
	"strings"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
)

// ordered renders a temporal_ordered correlation: its entries sorted by
// group and time, then Kusto's scan operator with one step per referenced
// rule. Step k matches an entry of the k-th rule in the same group, within
// the timespan of the sequence's first entry; the last step outputs the
// entry completing the sequence, with sigconv_start, the time of the first.
//
// scan keeps one partial sequence per step. That is enough to decide
// exactly whether the rules occur in order within the timespan: processing
// a step-k entry promotes the sequence of step k-1, which always started
// at the latest possible time (step 1 keeps the latest first entry, and a
// promotion replaces an older sequence by a younger one), and the latest
// start leaves the most room for the remaining steps. Sorting by group
// makes one scan serve every group: a step compares the group with the
// sequence's first entry, so a sequence never crosses groups.
//
// Equal times: Kusto rows have no arrival order, so entries at one time
// are not in order; with several rules, entries at equal times are sorted
// by descending step (sigconv_step), so that one event matching two
// consecutive rules never takes both steps and the latest-start argument
// still holds. A rule listed at adjacent steps needs a strictly later time
// at the second; a rule that recurs after other rules is refused, since
// equal times then have no order that keeps the scan exact (checked
// against brute force by TestScanSequences).
func (q *corrQuery) ordered(in *backends.CorrelationInput, refs []corrRef, carry []string) (string, string, error) {
	c := in.Correlation
	n, err := orderedSteps(c, len(refs))
	if err != nil {
		return "", "", err
	}
	steps := refs[:n]
	// One let per distinct reference, ranked by its last step; references
	// beyond the steps a condition asks for match no step, but their
	// entries still end windows (rising edges, below).
	distinct := distinctRefs(refs)
	rank := map[string]int{}
	for _, r := range distinct {
		rank[r.name] = 0
	}
	for i, r := range steps {
		rank[r.name] = i + 1
	}
	for i := 1; i < n; i++ {
		for j := 0; j < i-1; j++ {
			if steps[j].name == steps[i].name && steps[i-1].name != steps[i].name {
				return "", "", backends.Unsupported(steps[i].pos, Name, "temporal_ordered sequence",
					"rule %q occurs again after other rules: Kusto rows have no arrival order, and a scan, which keeps one partial sequence per step, cannot order entries at equal times exactly in such a sequence", steps[i].name)
			}
		}
	}
	var stepRank map[string]int
	if len(distinct) > 1 {
		stepRank = rank
	}
	// A hit is the entry completing the sequence: only the last step's
	// rows carry fields for an outer correlation.
	ents, tc, err := q.entries(c, distinct, carry, true, stepRank, map[string]bool{steps[n-1].name: true})
	if err != nil {
		return "", "", err
	}
	marked := len(distinct) > 1 || distinct[0].rule == nil // entries() inlines a single rule
	var b strings.Builder
	b.WriteString(ents)
	var keys []string
	for _, g := range c.GroupBy {
		keys = append(keys, ident(g)+" asc")
	}
	keys = append(keys, ident(tc)+" asc")
	if stepRank != nil {
		keys = append(keys, colStep+" desc")
	}
	b.WriteString("\n| sort by " + strings.Join(keys, ", "))
	var same, samePrev []string
	for _, g := range c.GroupBy {
		same = append(same, fmt.Sprintf("%s == prev(%s)", ident(g), ident(g)))
	}
	before := fmt.Sprintf("prev(%s)", ident(tc))
	if len(same) > 0 {
		before = fmt.Sprintf("iff(%s, %s, datetime(null))", strings.Join(same, " and "), before)
	}
	fmt.Fprintf(&b, "\n| extend %s = %s", colBefore, before)
	fmt.Fprintf(&b, "\n| scan declare (%s: datetime) with (", colStart)
	span := timespan(c.Timespan)
	for k := 1; k <= n; k++ {
		var conds []string
		if marked {
			m, err := quote(steps[k-1].name)
			if err != nil {
				return "", "", backends.Unsupported(steps[k-1].pos, Name, "reference", "%v", err)
			}
			conds = append(conds, colRule+" == "+m)
		}
		if k > 1 {
			for _, g := range c.GroupBy {
				conds = append(conds, fmt.Sprintf("%s == s1.%s", ident(g), ident(g)))
			}
			conds = append(conds, fmt.Sprintf("%s - s1.%s <= %s", ident(tc), ident(tc), span))
			if steps[k-1].name == steps[k-2].name {
				conds = append(conds, fmt.Sprintf("%s > s%d.%s", ident(tc), k-1, ident(tc)))
			}
		}
		if len(conds) == 0 {
			conds = []string{"true"}
		}
		fmt.Fprintf(&b, "\n    step s%d", k)
		if k < n {
			b.WriteString(" output=none")
		}
		b.WriteString(": " + strings.Join(conds, " and "))
		if k == n {
			start := ident(tc)
			if n > 1 {
				start = "s1." + start
			}
			b.WriteString(" => " + colStart + " = " + start)
		}
		b.WriteString(";")
	}
	b.WriteString("\n)")
	// Rising edge: the sequence was complete for every entry since the
	// group's previous completion when the entry before this one is
	// still within the timespan of that completion's start (starts only
	// grow), and then this completion is no new hit.
	samePrev = append(samePrev, same...)
	samePrev = append(samePrev, fmt.Sprintf("isnotnull(%s) and isnotnull(prev(%s))", colBefore, colStart),
		fmt.Sprintf("%s - prev(%s) <= %s", colBefore, colStart, span))
	fmt.Fprintf(&b, "\n| where not(%s)\n| project-away %s", strings.Join(samePrev, " and "), colBefore)
	return b.String(), tc, nil
}

// orderedSteps is the number of leading rules a temporal_ordered
// correlation needs in order: all of them without a condition; with a
// gt / gte bound on the count (the evaluator's value is the longest prefix
// of the rules seen in order), the shortest prefix meeting it.
func orderedSteps(c *ir.Correlation, nRules int) (int, error) {
	if c.Cond == nil || len(c.Cond.Bounds) == 0 {
		return nRules, nil
	}
	pos := c.Cond.Pos
	if len(c.Cond.Bounds) != 1 || (c.Cond.Bounds[0].Op != "gt" && c.Cond.Bounds[0].Op != "gte") {
		return 0, backends.Unsupported(pos, Name, "temporal_ordered condition",
			"only a gt / gte bound on the number of rules seen in order is converted (it asks for a leading part of the sequence); other bounds depend on sequences that stay incomplete, which a scan does not report")
	}
	b := c.Cond.Bounds[0]
	n := int(math.Ceil(b.Value))
	if b.Op == "gt" {
		n = int(math.Floor(b.Value)) + 1
	}
	switch {
	case n < 1:
		return 0, backends.Unsupported(b.Pos, Name, "temporal_ordered condition", "%s %s holds without any event", b.Op, num(b.Value))
	case n > nRules:
		return 0, backends.Unsupported(b.Pos, Name, "temporal_ordered condition", "%s %s can never hold: the sequence has %d rules", b.Op, num(b.Value), nRules)
	}
	return n, nil
}
