package splunk_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/backends/splunk"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
	"github.com/sigconv/sigconv/pipeline"
)

// corpusDir is the SigmaHQ rules folder; the corpus tests skip without it.
const corpusDir = "../../../shared/sigma-rules/rules"

// corpusRun is the outcome of converting the corpus in one format.
type corpusRun struct {
	rules     int
	converted map[string]*backends.Output // path#doc → output
	order     []string                    // converted keys in walk order
	refused   map[string]int              // grouped reason → count
	failed    []string                    // errors that are not refusals
	where     int                         // converted queries with a where stage
	elapsed   time.Duration
}

// parsedRule is one corpus rule, parsed once for every run.
type parsedRule struct {
	key  string
	rule *ir.Rule
}

func loadCorpus(t testing.TB) []parsedRule {
	t.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus not found: %v", err)
	}
	var out []parsedRule
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yml") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		docs, _ := parser.ParseFile(path, src)
		for i, doc := range docs {
			if r, ok := doc.(*ir.Rule); ok && r.Detection != nil {
				out = append(out, parsedRule{fmt.Sprintf("%s#%d", strings.TrimPrefix(path, corpusDir+"/"), i), r})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func convertCorpus(t *testing.T, rules []parsedRule, pipe, format string) *corpusRun {
	t.Helper()
	p, err := pipeline.Builtin(pipe)
	if err != nil {
		t.Fatalf("pipeline %s: %v", pipe, err)
	}
	chain := pipeline.NewChain(p)
	b := splunk.New()
	run := &corpusRun{converted: map[string]*backends.Output{}, refused: map[string]int{}}
	start := time.Now()
	for _, pr := range rules {
		run.rules++
		res, err := chain.Apply(pr.rule)
		var out *backends.Output
		if err == nil {
			out, err = convertNoPanic(b, &backends.Input{Processed: res, Format: format})
		}
		var ue *backends.UnsupportedError
		switch {
		case err == nil:
			run.converted[pr.key] = out
			run.order = append(run.order, pr.key)
			if strings.Contains(out.Query, "\n| where ") {
				run.where++
			}
		case errors.As(err, &ue):
			run.refused[ue.What+": "+groupReason(ue.Reason)]++
		case errors.Is(err, backends.ErrUnsupported):
			run.refused[groupReason(err.Error())]++
		default:
			run.failed = append(run.failed, pr.key+": "+err.Error())
		}
	}
	run.elapsed = time.Since(start)
	return run
}

func convertNoPanic(b *splunk.Backend, in *backends.Input) (out *backends.Output, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return b.Convert(in)
}

// groupReason elides quoted values so that refusals group by kind.
func groupReason(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		if r == '"' {
			if !in {
				b.WriteString(`"…"`)
			}
			in = !in
			continue
		}
		if !in {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func logRun(t *testing.T, name string, run *corpusRun) {
	t.Helper()
	refused := 0
	type kv struct {
		k string
		n int
	}
	var reasons []kv
	for k, n := range run.refused {
		refused += n
		reasons = append(reasons, kv{k, n})
	}
	sort.Slice(reasons, func(i, j int) bool {
		if reasons[i].n != reasons[j].n {
			return reasons[i].n > reasons[j].n
		}
		return reasons[i].k < reasons[j].k
	})
	t.Logf("%s: %d rules: %d converted (%d with a where stage), %d refused, %d failed, %v",
		name, run.rules, len(run.converted), run.where, refused, len(run.failed), run.elapsed.Round(time.Millisecond))
	for i, r := range reasons {
		if i == 20 {
			t.Logf("  … %d more reasons", len(reasons)-20)
			break
		}
		t.Logf("  %4d %s", r.n, r.k)
	}
	for _, f := range run.failed {
		t.Errorf("failed: %s", f)
	}
}

// TestCorpus converts every corpus rule with the splunk_windows pipeline,
// checks the structure of every emitted query and that a second run is
// byte-identical, and logs the figures.
func TestCorpus(t *testing.T) {
	rules := loadCorpus(t)
	run := convertCorpus(t, rules, "splunk_windows", splunk.FormatDefault)
	logRun(t, "splunk_windows/default", run)
	for _, key := range run.order {
		q := run.converted[key].Query
		if err := splunk.CheckStructure(q); err != nil {
			t.Errorf("%s: %v\n%s", key, err, q)
		}
		if strings.Count(q, "\n| where ") > 1 {
			t.Errorf("%s: more than one where stage\n%s", key, q)
		}
	}
	again := convertCorpus(t, rules, "splunk_windows", splunk.FormatDefault)
	for _, key := range run.order {
		if a, b := run.converted[key].Query, again.converted[key]; b == nil || a != b.Query {
			t.Errorf("%s: output differs between runs", key)
		}
	}

	ss := convertCorpus(t, rules, "splunk_windows", splunk.FormatSavedSearches)
	outs := make([]*backends.Output, 0, len(ss.order))
	for _, key := range ss.order {
		outs = append(outs, ss.converted[key])
	}
	conf, err := splunk.New().Bundle(splunk.FormatSavedSearches, nil, outs)
	if err != nil {
		t.Fatal(err)
	}
	if err := splunk.CheckConf(conf); err != nil {
		t.Errorf("savedsearches.conf: %v", err)
	}
	t.Logf("savedsearches: %d stanzas, %d bytes", strings.Count(string(conf), "\n["), len(conf))

	dm := convertCorpus(t, rules, "splunk_cim", splunk.FormatDataModel)
	logRun(t, "splunk_cim/data_model", dm)
	for _, key := range dm.order {
		if err := splunk.CheckStructure(dm.converted[key].Query); err != nil {
			t.Errorf("%s: %v\n%s", key, err, dm.converted[key].Query)
		}
	}
}

// BenchmarkCorpus measures pipeline application plus conversion of every
// corpus rule (parsing excluded).
func BenchmarkCorpus(b *testing.B) {
	rules := loadCorpus(b)
	p, err := pipeline.Builtin("splunk_windows")
	if err != nil {
		b.Fatal(err)
	}
	chain := pipeline.NewChain(p)
	be := splunk.New()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, pr := range rules {
			res, err := chain.Apply(pr.rule)
			if err != nil {
				continue
			}
			_, _ = be.Convert(&backends.Input{Processed: res, Format: splunk.FormatDefault})
		}
	}
	b.ReportMetric(float64(len(rules)), "rules/op")
}
