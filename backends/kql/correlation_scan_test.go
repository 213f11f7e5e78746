package kql

import (
	"math/rand"
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// scanRow is one entry row of the temporal_ordered query: an event of one
// referenced rule (an event matching two rules gives two rows).
type scanRow struct {
	event int
	rule  string
	group string
	t     int
	rank  int // sigconv_step
}

// simulateScan runs Kusto's scan operator as documented (matching logic,
// checks 1 and 2, steps evaluated from last to first) over rows sorted the
// way the generated query sorts them, with the step conditions the query
// writes, and returns the events output by the last step.
func simulateScan(rows []scanRow, seq []string, span int) []int {
	rows = slices.Clone(rows)
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.group != b.group {
			return a.group < b.group
		}
		if a.t != b.t {
			return a.t < b.t
		}
		return a.rank > b.rank
	})
	n := len(seq)
	// cond is step k's condition on r, with state holding the steps before.
	cond := func(k int, r scanRow, state []scanRow) bool {
		if r.rule != seq[k] {
			return false
		}
		if k == 0 {
			return true
		}
		return r.group == state[0].group && r.t-state[0].t <= span && (seq[k] != seq[k-1] || r.t > state[k-1].t)
	}
	states := make([][]scanRow, n) // state of step k: records of steps 0..k
	var out []int
	for _, r := range rows {
		for k := n - 1; k >= 0; k-- {
			if k > 0 && states[k-1] != nil && cond(k, r, states[k-1]) { // check 1
				states[k] = append(slices.Clone(states[k-1]), r)
				states[k-1] = nil
				if k == n-1 {
					out = append(out, r.event)
				}
				continue
			}
			if (states[k] != nil || k == 0) && cond(k, r, states[k]) { // check 2
				if k == 0 {
					states[0] = []scanRow{r}
				} else {
					states[k][k] = r
				}
				if k == n-1 {
					out = append(out, r.event)
				}
			}
		}
	}
	return out
}

// completions returns the events that end an ordered sequence, by brute
// force: distinct events matching the rules in order at strictly
// increasing times, in one group, the last within span of the first.
func completions(rows []scanRow, seq []string, span int) []int {
	var out []int
	for _, last := range rows {
		if last.rule != seq[len(seq)-1] {
			continue
		}
		used := map[int]bool{last.event: true}
		if prefix(rows, seq, span, last, 0, nil, used) {
			out = append(out, last.event)
		}
	}
	return out
}

// prefix finds rows for steps k..n-2 after prev (nil before the first
// step), all before last.
func prefix(rows []scanRow, seq []string, span int, last scanRow, k int, prev *scanRow, used map[int]bool) bool {
	if k == len(seq)-1 {
		return true
	}
	for _, r := range rows {
		if r.rule != seq[k] || used[r.event] || r.group != last.group || r.t >= last.t || last.t-r.t > span || (prev != nil && r.t <= prev.t) {
			continue
		}
		used[r.event] = true
		ok := prefix(rows, seq, span, last, k+1, &r, used)
		delete(used, r.event)
		if ok {
			return true
		}
	}
	return false
}

// TestScanSequences checks the design of the temporal_ordered query on
// random inputs: the documented scan logic with the generated sort order
// and step conditions outputs exactly the events that complete an ordered
// sequence (brute force), including equal times, events matching two rules
// and a rule listed at adjacent steps.
func TestScanSequences(t *testing.T) {
	seqs := [][]string{{"a", "b"}, {"a", "b", "c"}, {"a", "b", "c", "d"}, {"a", "a"}, {"a", "a", "b"}, {"a", "b", "b"}, {"a", "a", "a"}, {"a", "b", "b", "c"}, {"a"}}
	rng := rand.New(rand.NewSource(1))
	for _, seq := range seqs {
		rank := map[string]int{}
		for i, s := range seq {
			rank[s] = i + 1 // its last step, as ordered() ranks it
		}
		for iter := 0; iter < 5000; iter++ {
			var rows []scanRow
			nev := 2 + rng.Intn(9)
			for e := 0; e < nev; e++ {
				g := string(rune('x' + rng.Intn(2)))
				tm := rng.Intn(12)
				for _, rule := range []string{"a", "b", "c", "d"} {
					if rank[rule] == 0 || rng.Intn(3) != 0 {
						continue
					}
					rows = append(rows, scanRow{event: e, rule: rule, group: g, t: tm, rank: rank[rule]})
				}
			}
			rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
			got := dedupe(simulateScan(rows, seq, 4))
			want := dedupe(completions(rows, seq, 4))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("sequence %v, rows %+v: completing events (-brute force +scan):\n%s", seq, rows, diff)
			}
		}
	}
}

func dedupe(xs []int) []int {
	sort.Ints(xs)
	return slices.Compact(xs)
}
