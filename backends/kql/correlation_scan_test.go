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

// sortRows sorts rows the way the generated query does: group, time,
// descending step.
func sortRows(rows []scanRow) []scanRow {
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
	return rows
}

// scanOut is one row output by the last step: the index of the entry in
// the sorted rows and the time of the sequence's first entry.
type scanOut struct{ idx, start int }

// simulateScan runs Kusto's scan operator as documented (matching logic,
// checks 1 and 2, steps evaluated from last to first) over sorted rows,
// with the step conditions the query writes, and returns the rows output
// by the last step.
func simulateScan(rows []scanRow, seq []string, span int) []scanOut {
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
	var out []scanOut
	for i, r := range rows {
		for k := n - 1; k >= 0; k-- {
			if k > 0 && states[k-1] != nil && cond(k, r, states[k-1]) { // check 1
				states[k] = append(slices.Clone(states[k-1]), r)
				states[k-1] = nil
				if k == n-1 {
					out = append(out, scanOut{i, states[k][0].t})
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
					out = append(out, scanOut{i, states[k][0].t})
				}
			}
		}
	}
	return out
}

// risingEdges applies the query's filter after the scan: an output row is
// a new hit unless the previous output row is of the same group and the
// group's entry before this row is within span of that row's start.
func risingEdges(rows []scanRow, outs []scanOut, span int) []int {
	var hits []int
	for j, o := range outs {
		r := rows[o.idx]
		if j > 0 && o.idx > 0 {
			p, before := outs[j-1], rows[o.idx-1]
			if rows[p.idx].group == r.group && before.group == r.group && before.t-p.start <= span {
				continue
			}
		}
		hits = append(hits, o.idx)
	}
	return hits
}

// evaluatorHits is the evaluator's rising edge by brute force over the
// sorted rows: row i holds when rows 0..i hold a sequence of its group
// starting within span before it; a hit is a row that holds while the
// group's previous row does not.
func evaluatorHits(rows []scanRow, seq []string, span int) []int {
	holds := func(i int) bool {
		r := rows[i]
		for _, last := range rows[:i+1] {
			if last.rule != seq[len(seq)-1] || last.group != r.group {
				continue
			}
			used := map[int]bool{last.event: true}
			if len(seq) == 1 {
				if last.t >= r.t-span {
					return true
				}
				continue
			}
			if prefixFrom(rows[:i+1], seq, last, r.t-span, 0, nil, used) {
				return true
			}
		}
		return false
	}
	var hits []int
	for i := range rows {
		if holds(i) && !(i > 0 && rows[i-1].group == rows[i].group && holds(i-1)) {
			hits = append(hits, i)
		}
	}
	return hits
}

// prefixFrom finds rows for steps k..n-2 after prev, all before last and
// at or after minStart.
func prefixFrom(rows []scanRow, seq []string, last scanRow, minStart, k int, prev *scanRow, used map[int]bool) bool {
	if k == len(seq)-1 {
		return true
	}
	for _, r := range rows {
		if r.rule != seq[k] || used[r.event] || r.group != last.group || r.t >= last.t || r.t < minStart || (prev != nil && r.t <= prev.t) {
			continue
		}
		used[r.event] = true
		ok := prefixFrom(rows, seq, last, minStart, k+1, &r, used)
		delete(used, r.event)
		if ok {
			return true
		}
	}
	return false
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
// and a rule listed at adjacent steps, and the rising-edge filter after it
// keeps exactly the evaluator's hits (rows where the window ending there
// holds a sequence and the one ending at the previous row does not).
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
			rows = sortRows(rows)
			outs := simulateScan(rows, seq, 4)
			var ends []int
			for _, o := range outs {
				ends = append(ends, rows[o.idx].event)
			}
			if diff := cmp.Diff(dedupe(completions(rows, seq, 4)), dedupe(ends)); diff != "" {
				t.Fatalf("sequence %v, rows %+v: completing events (-brute force +scan):\n%s", seq, rows, diff)
			}
			if diff := cmp.Diff(evaluatorHits(rows, seq, 4), risingEdges(rows, outs, 4)); diff != "" {
				t.Fatalf("sequence %v, rows %+v: hits (-evaluator +query):\n%s", seq, rows, diff)
			}
		}
	}
}

func dedupe(xs []int) []int {
	sort.Ints(xs)
	return slices.Compact(xs)
}
