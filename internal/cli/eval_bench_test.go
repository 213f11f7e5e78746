package cli

import (
	"bytes"
	"io"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/sigconv/sigconv/eval"
)

// BenchmarkEvalEvents measures the event half of `sigconv eval` — reading,
// decoding, matching and writing the match lines, the code of evalEvents —
// over the SigmaHQ corpus (or the rules under EVAL_RULES) with routing,
// with the rules loaded once. The events come from the file named by
// EVAL_EVENTS, e.g.
//
//	go run ./eval/internal/gen/evgen -n 20000 > /tmp/ev.jsonl
//	EVAL_EVENTS=/tmp/ev.jsonl go test ./internal/cli -run '^$' -bench EvalEvents -cpu 1
//
// cpu-ns/event is the process CPU time per event (getrusage), which
// includes the garbage collector and the reader and writer goroutines.
func BenchmarkEvalEvents(b *testing.B) {
	file := os.Getenv("EVAL_EVENTS")
	if file == "" {
		b.Skip("set EVAL_EVENTS to a file of events")
	}
	corpus := "../../../shared/sigma-rules/rules"
	if dir := os.Getenv("EVAL_RULES"); dir != "" {
		corpus = dir // e.g. a subset, to measure scaling with the rule count
	}
	if _, err := os.Stat(corpus); err != nil {
		b.Skipf("SigmaHQ corpus not found at %s", corpus)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	rules, _, errs := loadRules([]string{corpus})
	if len(errs) > 0 {
		b.Fatal(errs[0])
	}
	engine, _ := eval.Compile(rules...)
	runtime.GC() // the garbage of loading is not the events' cost
	var matches, events int
	start := cpuTime()
	for b.Loop() {
		e := &env{stdin: bytes.NewReader(data), stdout: io.Discard, stderr: io.Discard}
		n, m, problems, err := evalEvents(e, engine, nil, eval.FlattenAuto, false, nil, []string{"-"})
		if err != nil || problems > 0 {
			b.Fatalf("%d problems, %v", problems, err)
		}
		events += n
		matches = m
	}
	if events > 0 {
		b.ReportMetric(float64(cpuTime()-start)/float64(events), "cpu-ns/event")
		b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	}
	b.ReportMetric(float64(matches), "matches")
	b.ReportMetric(float64(engine.Rules()), "rules")
}

// cpuTime returns the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
