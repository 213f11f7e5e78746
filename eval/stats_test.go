package eval

import (
	"os"
	"sort"
	"testing"

	"github.com/sigconv/sigconv/eval/internal/gen"
)

// TestPrefilterStats prints how many candidate rules the pre-filter lets
// through per generated event and which rules are tried most, with their
// anchors. It is a diagnostic: set EVAL_STATS=1 to run it.
func TestPrefilterStats(t *testing.T) {
	if os.Getenv("EVAL_STATS") == "" {
		t.Skip("set EVAL_STATS=1")
	}
	rules, _ := loadCorpus(t)
	e, _ := Compile(rules...)
	g := gen.New(1)
	hits := map[int32]int{}
	total, unan := 0, 0
	const n = 2000
	for _, js := range g.Events(n) {
		ev, _ := DecodeEvent(js, FlattenAuto)
		c := e.getCtx(ev)
		rt := e.infer(c)
		cands := e.candidates(c, rt)
		total += len(cands)
		unan += len(rt.unanchored)
		for _, r := range cands {
			hits[r]++
		}
		e.putCtx(c)
	}
	t.Logf("avg candidates/event %.1f (unanchored %.1f)", float64(total)/n, float64(unan)/n)
	type kv struct {
		r int32
		n int
	}
	var l []kv
	for r, c := range hits {
		l = append(l, kv{r, c})
	}
	sort.Slice(l, func(i, j int) bool { return l[i].n > l[j].n })
	for _, x := range l[:40] {
		r := e.rules[x.r]
		desc := "unanchored"
		if r.anchor != nil {
			desc = ""
			for i, a := range r.anchor {
				if i == 3 {
					desc += "..."
					break
				}
				desc += e.fieldNames[a.field] + ":" + a.text + "/" + string([]byte{byte(a.gram >> 24), byte(a.gram >> 16), byte(a.gram >> 8), byte(a.gram)}) + " "
			}
		}
		t.Logf("%5d %s  %s", x.n, r.src.Title, desc)
	}
}
