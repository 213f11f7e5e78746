package eval

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*/want/eval")

const goldenRoot = "../testdata/golden"

// TestGoldenVerdicts runs the evaluator over every golden case that has
// events (events.jsonl, or the file named by case.yml's events key) and
// compares the verdicts with want/eval. Rules are evaluated as written,
// without pipelines. A case may hold eval-vars.json with placeholder
// values for expand.
func TestGoldenVerdicts(t *testing.T) {
	dirs, err := os.ReadDir(goldenRoot)
	if err != nil {
		t.Skip("no golden cases")
	}
	for _, de := range dirs {
		if !de.IsDir() {
			continue
		}
		dir := filepath.Join(goldenRoot, de.Name())
		eventsFile := caseEventsFile(t, dir)
		want := filepath.Join(dir, "want", "eval")
		data, err := os.ReadFile(filepath.Join(dir, eventsFile))
		if err != nil {
			if _, serr := os.Stat(want); serr == nil {
				t.Errorf("%s: want/eval exists but the case has no %s", dir, eventsFile)
			}
			continue
		}
		t.Run(de.Name(), func(t *testing.T) {
			rules := caseRules(t, dir)
			var opts Options
			if vs, err := os.ReadFile(filepath.Join(dir, "eval-vars.json")); err == nil {
				if err := json.Unmarshal(vs, &opts.Vars); err != nil {
					t.Fatal(err)
				}
			}
			got := Verdicts(opts, rules, eventsFile, data)
			if *update {
				if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			w, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("%v (go test ./eval -run TestGoldenVerdicts -update writes it)", err)
			}
			if diff := cmp.Diff(string(w), got); diff != "" {
				t.Errorf("%s (-want +got)\n%s", want, diff)
			}
		})
	}
}

// caseEventsFile returns the events file name of a case.
func caseEventsFile(t *testing.T, dir string) string {
	src, err := os.ReadFile(filepath.Join(dir, "case.yml"))
	if err != nil {
		return "events.jsonl"
	}
	for _, line := range strings.Split(string(src), "\n") {
		if v, ok := strings.CutPrefix(line, "events:"); ok {
			return strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	return "events.jsonl"
}

// caseRules parses the rule files of a case: every *.yml / *.yaml at the
// top of the directory except case.yml; the case's filters are applied.
func caseRules(t *testing.T, dir string) []*ir.Rule {
	files, _ := filepath.Glob(filepath.Join(dir, "*.y*ml"))
	sort.Strings(files)
	var rules []*ir.Rule
	var filters []*ir.Filter
	for _, f := range files {
		if filepath.Base(f) == "case.yml" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs, _ := parser.ParseFile(filepath.Base(f), src)
		for _, d := range docs {
			if r, ok := d.(*ir.Rule); ok && r.Detection != nil {
				rules = append(rules, r)
			}
			if fl, ok := d.(*ir.Filter); ok {
				filters = append(filters, fl)
			}
		}
	}
	// Meta filters of the case apply to its rules, as in convert and eval.
	for i, r := range rules {
		rules[i] = ir.ApplyFilters(r, filters)
	}
	return rules
}
