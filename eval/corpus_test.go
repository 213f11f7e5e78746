package eval

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sigconv/sigconv/eval/internal/gen"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
)

const corpusDir = "../../shared/sigma-rules/rules"

// loadCorpus parses every rule of the SigmaHQ corpus; it skips the test
// when the corpus is absent. Files that fail to parse are returned with
// their errors.
func loadCorpus(tb testing.TB) (rules []*ir.Rule, parseErrs map[string]ir.ErrorList) {
	tb.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		tb.Skipf("SigmaHQ corpus not found at %s", corpusDir)
	}
	parseErrs = map[string]ir.ErrorList{}
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yml") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		docs, errs := parser.ParseFile(path, src)
		if len(errs) > 0 {
			parseErrs[path] = errs
			return nil
		}
		for _, doc := range docs {
			if r, ok := doc.(*ir.Rule); ok {
				rules = append(rules, r)
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return rules, parseErrs
}

// TestCorpus compiles every rule of the SigmaHQ corpus: each compiles or
// gets a per-rule reason, which is logged.
func TestCorpus(t *testing.T) {
	pstart := cpuTime()
	rules, parseErrs := loadCorpus(t)
	parseCPU := cpuTime() - pstart
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start, cstart := time.Now(), cpuTime()
	e, err := Compile(rules...)
	took, compileCPU := time.Since(start), cpuTime()-cstart
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("parse: %v cpu; compile: %v wall, %v cpu; engine heap %.1f MB",
		parseCPU.Round(time.Millisecond), took.Round(time.Millisecond), compileCPU.Round(time.Millisecond),
		float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20))
	runtime.KeepAlive(e)
	var cerrs ir.ErrorList
	if err != nil {
		cerrs = err.(ir.ErrorList)
	}
	for _, ce := range cerrs {
		t.Logf("not compiled: %v [%s]", ce, ce.Code)
	}
	files := make([]string, 0, len(parseErrs))
	for f := range parseErrs {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		t.Logf("not parsed: %v", parseErrs[f][0])
	}
	anchored := 0
	for _, r := range e.rules {
		if r.anchor != nil {
			anchored++
		}
	}
	t.Logf("corpus: %d rules parsed, %d files failed to parse, %d compiled, %d failed to compile (each with a reason above); %d anchored by the pre-filter; compile took %v",
		len(rules), len(parseErrs), e.Rules(), len(e.Failed()), anchored, took)
	if len(e.Failed()) != len(uniqueRules(cerrs)) && len(cerrs) == 0 {
		t.Errorf("failed rules without a reason")
	}
}

func uniqueRules(l ir.ErrorList) map[string]bool {
	m := map[string]bool{}
	for _, e := range l {
		m[e.Pos.File] = true
	}
	return m
}

// TestCorpusPrefilterAgrees checks on a generated stream that the
// pre-filter and routing never lose a match that plain evaluation of every
// rule finds (for rules compatible with the event's route).
func TestCorpusPrefilterAgrees(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	rules, _ := loadCorpus(t)
	e, _ := Compile(rules...)
	g := gen.New(7)
	total := 0
	dec := NewDecoder(FlattenAuto) // interned keys and key numbers
	dev := &Event{}
	for _, js := range g.Events(3000) {
		ev, err := DecodeEvent(js, FlattenAuto)
		if err != nil {
			t.Fatal(err)
		}
		fast := e.Match(ev)
		if err := dec.DecodeString(dev, string(js)); err != nil {
			t.Fatal(err)
		}
		if a, b := matchIndexes(fast), matchIndexes(e.Match(dev)); !equalInts(a, b) {
			t.Fatalf("Decoder and DecodeEvent disagree on %s:\n%v\n%v", js, a, b)
		}
		c := e.getCtx(ev)
		rt := e.infer(c)
		var slow []int
		for i, r := range e.rules {
			if rt.ok[i] && r.cond.eval(c) {
				slow = append(slow, r.index)
			}
		}
		e.putCtx(c)
		got := matchIndexes(fast)
		if !equalInts(got, slow) {
			t.Fatalf("pre-filter disagrees on %s:\nfast %v\nslow %v", js, got, slow)
		}
		total += len(got)
	}
	t.Logf("3000 generated events, %d matches, pre-filter agrees with full evaluation", total)
}

func matchIndexes(ms []Match) []int {
	var out []int
	for _, m := range ms {
		out = append(out, m.Index)
	}
	return out
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// BenchmarkCorpusLoad measures compiling the whole corpus (parsing not
// included).
func BenchmarkCorpusLoad(b *testing.B) {
	rules, _ := loadCorpus(b)
	b.ReportAllocs()
	start, n := cpuTime(), 0
	for b.Loop() {
		if _, err := Compile(rules...); err != nil && len(err.(ir.ErrorList)) == 0 {
			b.Fatal(err)
		}
		n++
	}
	reportCPU(b, start, n)
}

// BenchmarkCorpusMatch matches the whole corpus against a generated mixed
// Windows stream, with routing. Match measures matching decoded events;
// DecodeAndMatch adds JSON decoding and flattening.
func BenchmarkCorpusMatch(b *testing.B) {
	rules, _ := loadCorpus(b)
	e, _ := Compile(rules...)
	raw := gen.New(1).Events(20000)
	evs := make([]*Event, len(raw))
	pre := NewDecoder(FlattenAuto) // as the CLI decodes: keys interned
	for i, js := range raw {
		ev, err := pre.Decode(js)
		if err != nil {
			b.Fatal(err)
		}
		evs[i] = ev
	}
	b.Run("Match", func(b *testing.B) {
		b.ReportAllocs()
		n, matches := 0, 0
		start := cpuTime()
		for b.Loop() {
			matches += len(e.Match(evs[n%len(evs)]))
			n++
		}
		reportCPU(b, start, n)
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
		b.ReportMetric(float64(matches)/float64(n), "matches/event")
	})
	b.Run("DecodeAndMatch", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		dec := NewDecoder(FlattenAuto)
		ev := &Event{}
		start := cpuTime()
		for b.Loop() {
			if err := dec.DecodeInto(ev, raw[n%len(raw)]); err != nil {
				b.Fatal(err)
			}
			e.Match(ev)
			n++
		}
		reportCPU(b, start, n)
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	})
}
