package kql

import (
	"fmt"
	"math"
	"strings"

	"github.com/sigconv/sigconv/ir"
)

// slidingThreshold returns n when correlation c is decided exactly over
// sliding windows: an event_count with a gt / gte bound (n entries within
// the timespan), or a temporal correlation without a condition or with a
// gt / gte bound (n distinct rules within the timespan). Such thresholds
// only grow with the window, so some window of the timespan reaches them
// exactly when a window ending at an entry does.
func slidingThreshold(c *ir.Correlation, nRules int) (int, bool) {
	if c.Type != ir.EventCount && c.Type != ir.Temporal {
		return 0, false
	}
	if c.Cond == nil || len(c.Cond.Bounds) == 0 {
		return nRules, c.Type == ir.Temporal
	}
	if len(c.Cond.Bounds) != 1 {
		return 0, false
	}
	b := c.Cond.Bounds[0]
	var n int
	switch b.Op {
	case "gte":
		n = int(math.Ceil(b.Value))
	case "gt":
		n = int(math.Floor(b.Value)) + 1
	default:
		return 0, false
	}
	return max(n, 1), true
}

// sliding renders an event_count or temporal correlation over sliding
// windows (slidingThreshold), after its entries sorted by group and time
// (time column tc); markers are the distinct references of a temporal one.
// Each entry ends a window; the rows are the entries at which the window
// reaches the threshold while the window ending at the group's previous
// entry did not (the evaluator's rising edge), with sigconv_start:
//
//   - event_count: the entry n-1 rows back in the group (prev) is within
//     the timespan; sigconv_start is its time;
//   - temporal: a one-step scan keeps, per group, the latest time of each
//     rule (sigconv_t<i>); the rules seen within the timespan are counted,
//     and sigconv_start is the earliest of their times.
func sliding(c *ir.Correlation, tc string, n int, markers []string) (string, error) {
	var b strings.Builder
	var keys, same, samePrev []string
	for _, g := range c.GroupBy {
		keys = append(keys, ident(g)+" asc")
		same = append(same, fmt.Sprintf("%s == s1.%s", ident(g), ident(g)))
		samePrev = append(samePrev, fmt.Sprintf("%s == prev(%s)", ident(g), ident(g)))
	}
	t := ident(tc)
	span := timespan(c.Timespan)
	b.WriteString("\n| sort by " + strings.Join(append(keys, t+" asc"), ", "))
	if c.Type == ir.EventCount {
		start := t
		if n > 1 {
			var conds []string
			for _, g := range c.GroupBy {
				conds = append(conds, fmt.Sprintf("%s == prev(%s, %d)", ident(g), ident(g), n-1))
			}
			start = fmt.Sprintf("prev(%s, %d)", t, n-1)
			if len(conds) > 0 {
				start = fmt.Sprintf("iff(%s, %s, datetime(null))", strings.Join(conds, " and "), start)
			}
		}
		fmt.Fprintf(&b, "\n| extend %s = %s", colStart, start)
		fmt.Fprintf(&b, "\n| extend %s = isnotnull(%s) and %s - %s <= %s", colHit, colStart, t, colStart, span)
	} else {
		decl := make([]string, len(markers))
		assign := make([]string, len(markers))
		inWindow := make([]string, len(markers))
		for i, m := range markers {
			last := fmt.Sprintf("sigconv_t%d", i)
			q, err := quote(m)
			if err != nil {
				return "", err
			}
			decl[i] = last + ": datetime"
			keep := "s1." + last
			if len(same) > 0 {
				keep = fmt.Sprintf("iff(%s, s1.%s, datetime(null))", strings.Join(same, " and "), last)
			}
			assign[i] = fmt.Sprintf("%s = iff(%s == %s, %s, %s)", last, colRule, q, t, keep)
			inWindow[i] = fmt.Sprintf("iff(%s >= %s - %s, 1, 0)", last, t, span)
		}
		fmt.Fprintf(&b, "\n| scan declare (%s) with (\n    step s1: true => %s;\n)", strings.Join(decl, ", "), strings.Join(assign, ", "))
		fmt.Fprintf(&b, "\n| extend %s = %s", colValue, strings.Join(inWindow, " + "))
		lasts := make([]string, len(markers))
		for i := range markers {
			lasts[i] = fmt.Sprintf("iff(sigconv_t%d >= %s - %s, sigconv_t%d, %s)", i, t, span, i, t)
		}
		start := lasts[0]
		if len(lasts) > 1 {
			start = "min_of(" + strings.Join(lasts, ", ") + ")"
		}
		fmt.Fprintf(&b, "\n| extend %s = %s, %s = %s >= %d", colStart, start, colHit, colValue, n)
	}
	prevHit := fmt.Sprintf("prev(%s, 1, false)", colHit)
	if len(samePrev) > 0 {
		prevHit = prevHit + " and " + strings.Join(samePrev, " and ")
	}
	fmt.Fprintf(&b, "\n| where %s and not(%s)\n| project-away %s", colHit, prevHit, colHit)
	return b.String(), nil
}
