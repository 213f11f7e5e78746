package kql

import (
	"math/rand"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSlidingWindows checks the design of the sliding-window queries on
// random sorted entries: the rows the query keeps (prev n-1 rows back for
// event_count, the latest time of each rule for temporal, then the rising
// edge) are exactly the evaluator's hits, brute force: rows whose window
// (the group's rows up to it within the timespan) reaches the threshold
// while the group's previous row's window does not.
func TestSlidingWindows(t *testing.T) {
	const span = 4
	rules := []string{"a", "b", "c"}
	rng := rand.New(rand.NewSource(2))
	for iter := 0; iter < 5000; iter++ {
		var rows []scanRow
		for e := 0; e < 2+rng.Intn(12); e++ {
			rows = append(rows, scanRow{event: e, rule: rules[rng.Intn(3)], group: string(rune('x' + rng.Intn(2))), t: rng.Intn(15)})
		}
		rows = sortRows(rows)
		n := 1 + rng.Intn(4)
		// The query's rows.
		count := make([]bool, len(rows))
		temporal := make([]bool, len(rows))
		last := map[string]int{}
		for i, r := range rows {
			if i > 0 && rows[i-1].group != r.group {
				last = map[string]int{}
			}
			count[i] = i-(n-1) >= 0 && rows[i-(n-1)].group == r.group && r.t-rows[i-(n-1)].t <= span
			last[r.rule] = r.t
			seen := 0
			for _, lt := range last {
				if lt >= r.t-span {
					seen++
				}
			}
			temporal[i] = seen >= min(n, 3)
		}
		// The evaluator: aggregate each row's window by brute force.
		holdsCount := func(i int) bool {
			c := 0
			for _, r := range rows[:i+1] {
				if r.group == rows[i].group && r.t >= rows[i].t-span {
					c++
				}
			}
			return c >= n
		}
		holdsTemporal := func(i int) bool {
			seen := map[string]bool{}
			for _, r := range rows[:i+1] {
				if r.group == rows[i].group && r.t >= rows[i].t-span {
					seen[r.rule] = true
				}
			}
			return len(seen) >= min(n, 3)
		}
		for _, tc := range []struct {
			name  string
			query []bool
			holds func(int) bool
		}{{"event_count", count, holdsCount}, {"temporal", temporal, holdsTemporal}} {
			var got, want []int
			for i := range rows {
				same := i > 0 && rows[i-1].group == rows[i].group
				if tc.query[i] && !(same && tc.query[i-1]) {
					got = append(got, i)
				}
				if tc.holds(i) && !(same && tc.holds(i-1)) {
					want = append(want, i)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%s n=%d rows %+v: hits (-evaluator +query):\n%s", tc.name, n, rows, diff)
			}
		}
	}
}
