package correlate

import (
	"fmt"
	"testing"
	"time"

	"github.com/sigconv/sigconv/eval"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
)

// BenchmarkMatchAndCorrelate compares matching alone with matching plus
// an event_count and a temporal correlation, over 1,000 groups.
func BenchmarkMatchAndCorrelate(b *testing.B) {
	docs, errs := parser.ParseFile("b.yml", []byte(baseRules+"---\n"+corr("event_count", "  condition: {gte: 50}\n")+"---\n"+
		"title: T\ncorrelation: {type: temporal, rules: [rule_a, rule_b], group-by: [host], timespan: 1m}\n"))
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	var rules []*ir.Rule
	var corrs []*ir.Correlation
	for _, d := range docs {
		switch d := d.(type) {
		case *ir.Rule:
			rules = append(rules, d)
		case *ir.Correlation:
			corrs = append(corrs, d)
		}
	}
	en, _ := eval.Compile(rules...)
	evs := make([]*eval.Event, 10000)
	for i := range evs {
		evs[i] = eval.NewEvent(map[string]any{"@timestamp": t0.Add(time.Duration(i) * 10 * time.Millisecond).Format(time.RFC3339Nano),
			"r": []string{"a", "b"}[i%2], "host": fmt.Sprint(i % 1000)})
	}
	b.Run("match", func(b *testing.B) {
		for b.Loop() {
			for _, ev := range evs {
				en.Match(ev)
			}
		}
	})
	b.Run("match+correlate", func(b *testing.B) {
		for b.Loop() {
			ce, _ := New(rules, corrs, Options{})
			for i, ev := range evs {
				ce.Add(ev, EventRef{Index: i}, en.Match(ev))
			}
			ce.Flush()
		}
	})
}
