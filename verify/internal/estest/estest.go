// Package estest runs sigconv verify for the Elasticsearch interpreters in tests: over the
// SigmaHQ corpus (skipped when ../shared/sigma-rules is absent) and over single rules.
package estest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/sigconv/sigconv/backends/all"
	"github.com/sigconv/sigconv/driver"
	"github.com/sigconv/sigconv/verify"
	"github.com/sigconv/sigconv/verify/interp"
)

// CorpusDir is where the SigmaHQ rules are, relative to a package directory of verify/*.
func CorpusDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "shared", "sigma-rules", "rules")
}

// Run verifies paths for in's target and returns the summary and the reports.
func Run(t testing.TB, in interp.Interpreter, paths ...string) (*verify.Summary, []*verify.RuleReport) {
	t.Helper()
	opts := verify.Options{
		Driver: driver.Options{Registry: all.Default(), Target: in.Name()},
		Interp: in,
	}
	var reps []*verify.RuleReport
	sum, err := verify.Run(context.Background(), opts, paths, func(r *verify.RuleReport) error {
		reps = append(reps, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sum, reps
}

// Corpus verifies the whole corpus for in's target, logs the summary, unverified-query
// reasons grouped, and the first disagreements; with VERIFY_DUMP=FILE every failing report is
// written to FILE. It never fails the test: the figures are the point (the backends own the
// fixes); it fails only when nothing could be checked.
func Corpus(t *testing.T, in interp.Interpreter) {
	dir := CorpusDir()
	if _, err := os.Stat(dir); err != nil {
		t.Skip("SigmaHQ corpus not present:", dir)
	}
	if testing.Short() {
		t.Skip("corpus verification in -short mode")
	}
	sum, reps := Run(t, in, dir)
	t.Logf("%s", sum)
	reasons := map[string]int{}
	var dump strings.Builder
	shown := 0
	for _, r := range reps {
		if r.Unverified {
			reason := r.Reason
			if len(reason) > 90 {
				reason = reason[:90]
			}
			reasons[reason]++
		}
		if len(r.Disagreements) == 0 && !r.Unverified {
			continue
		}
		fmt.Fprintf(&dump, "== %s [%s %v] %s\n%s\n", r.Pos, r.Fidelity, r.Warnings, r.Reason, r.Query)
		for _, d := range r.Disagreements {
			fmt.Fprintf(&dump, "   eval=%v query=%v %s %s %s\n", d.Eval, d.Query, verify.FormatEvent(d.Event), d.Searches, d.Err)
		}
		if len(r.Disagreements) > 0 && shown < 5 {
			shown++
			d := r.Disagreements[0]
			t.Logf("%s: eval=%v query=%v on %s\n  %.300s", r.Pos, d.Eval, d.Query, verify.FormatEvent(d.Event), r.Query)
		}
	}
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return reasons[keys[i]] > reasons[keys[j]] })
	for i, k := range keys {
		if i == 10 {
			break
		}
		t.Logf("unverified x%d: %s", reasons[k], k)
	}
	if f := os.Getenv("VERIFY_DUMP"); f != "" {
		if err := os.WriteFile(f, []byte(dump.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
	if sum.Checked == 0 {
		t.Errorf("no rule was checked")
	}
}

// fuzzEvents are what Fuzz matches parsed queries against: a multi-valued field with a null
// and a number, an ip, a boolean where strings are expected, an object.
var fuzzEvents = []interp.Event{
	{"a": "x", "b": []any{"x", nil, 3.0}, "source.ip": "10.0.0.1"},
	{"a": true, "c": map[string]any{"d": "e"}},
}

// Fuzz fuzzes in's parser from the seed queries: any query either parses or is rejected
// without panicking, and a parsed one matches events without panicking.
func Fuzz(f *testing.F, in interp.Interpreter, seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		p, err := in.Parse(q)
		if err != nil {
			return
		}
		for _, ev := range fuzzEvents {
			_, _ = p.Match(ev)
		}
	})
}
