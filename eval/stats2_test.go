package eval

import (
	"sort"
	"testing"
	"time"

	"github.com/sigconv/sigconv/eval/internal/gen"
)

func TestRuleCost(t *testing.T) {
	if testing.Short() {
		t.Skip()
	}
	rules, _ := loadCorpus(t)
	e, _ := Compile(rules...)
	g := gen.New(1)
	cost := map[int32]time.Duration{}
	var candT, bindT time.Duration
	const n = 4000
	evs := g.Events(n)
	for _, js := range evs {
		ev, _ := DecodeEvent(js, FlattenAuto)
		t0 := time.Now()
		c := e.getCtx(ev)
		rt := e.infer(c)
		t1 := time.Now()
		cands := e.candidates(c, rt)
		t2 := time.Now()
		bindT += t1.Sub(t0)
		candT += t2.Sub(t1)
		for _, r := range cands {
			s := time.Now()
			for k := 0; k < 10; k++ {
				e.rules[r].cond.eval(c)
			}
			cost[r] += time.Since(s) / 10
		}
		e.putCtx(c)
	}
	type kv struct {
		r int32
		d time.Duration
	}
	var l []kv
	var tot time.Duration
	for r, d := range cost {
		l = append(l, kv{r, d})
		tot += d
	}
	sort.Slice(l, func(i, j int) bool { return l[i].d > l[j].d })
	t.Logf("per event: bind %v, candidates %v, eval %v", bindT/n, candT/n, tot/n)
	for _, x := range l[:25] {
		t.Logf("%8v/event %s", x.d/n, e.rules[x.r].src.Title)
	}
}
