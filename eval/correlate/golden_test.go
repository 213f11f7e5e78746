package correlate

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sigconv/sigconv/eval"
	"github.com/sigconv/sigconv/eval/events"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*/want/correlations")

const goldenRoot = "../../testdata/golden"

// TestGoldenCorrelations evaluates every golden case holding correlation
// rules and events.jsonl (rules as written, filters applied, no
// pipelines) and compares the hits with want/correlations (see
// renderHits). The per-event base verdicts are eval's want/eval.
func TestGoldenCorrelations(t *testing.T) {
	dirs, err := os.ReadDir(goldenRoot)
	if err != nil {
		t.Skip("no golden cases")
	}
	for _, de := range dirs {
		dir := filepath.Join(goldenRoot, de.Name())
		want := filepath.Join(dir, "want", "correlations")
		if !de.IsDir() {
			continue
		}
		rules, corrs := goldenDocs(t, dir)
		data, err := os.ReadFile(filepath.Join(dir, "events.jsonl"))
		if err != nil || len(corrs) == 0 {
			if _, serr := os.Stat(want); serr == nil {
				t.Errorf("%s: want/correlations exists but the case has no correlation or no events.jsonl", dir)
			}
			continue
		}
		t.Run(de.Name(), func(t *testing.T) {
			got := renderHits(t, rules, corrs, data)
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
				t.Fatalf("%v (go test ./eval/correlate -run TestGoldenCorrelations -update writes it)", err)
			}
			if diff := cmp.Diff(string(w), got); diff != "" {
				t.Errorf("%s (-want +got)\n%s", want, diff)
			}
		})
	}
}

// goldenDocs parses a case's rule files and applies its filters.
func goldenDocs(t *testing.T, dir string) ([]*ir.Rule, []*ir.Correlation) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.y*ml"))
	sort.Strings(files)
	var rules []*ir.Rule
	var corrs []*ir.Correlation
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
			switch d := d.(type) {
			case *ir.Rule:
				if d.Detection != nil {
					rules = append(rules, d)
				}
			case *ir.Correlation:
				corrs = append(corrs, d)
			case *ir.Filter:
				filters = append(filters, d)
			}
		}
	}
	for i, r := range rules {
		rules[i] = ir.ApplyFilters(r, filters)
	}
	return rules, corrs
}

// renderHits is the golden form of a run: reference errors, one line per
// hit (internal hits, of correlations used only by others, marked), the
// base rules whose matches are not reported on their own, and the
// counters:
//
//	hit <title>: group k=v,... window <start> .. <end> value <v> events <i> <j> ...
func renderHits(t *testing.T, rules []*ir.Rule, corrs []*ir.Correlation, data []byte) string {
	var b strings.Builder
	en, err := eval.Compile(rules...)
	if err != nil {
		fmt.Fprintf(&b, "compile error: %v\n", err)
	}
	ce, errs := New(rules, corrs, Options{})
	for _, e := range errs {
		fmt.Fprintf(&b, "error: %v [%s]\n", e, e.Code)
	}
	var hits []Hit
	rerr := events.Read("events.jsonl", bytes.NewReader(data), func(rec events.Record) error {
		ev, err := eval.DecodeEvent(rec.Data, eval.FlattenAuto)
		if err != nil {
			return err
		}
		hits = append(hits, ce.Add(ev, EventRef{File: rec.File, Index: rec.Index}, en.Match(ev))...)
		return nil
	})
	if rerr != nil {
		t.Fatal(rerr)
	}
	hits = append(hits, ce.Flush()...)
	for _, h := range hits {
		var g, evs []string
		for _, v := range h.Group {
			g = append(g, v.Field+"="+v.Value)
		}
		for _, r := range h.Events {
			evs = append(evs, fmt.Sprint(r.Index))
		}
		kind := "hit"
		if !h.Reported {
			kind = "internal hit"
		}
		fmt.Fprintf(&b, "%s %s: group %s window %s .. %s value %g events %s\n", kind, h.Correlation.Title,
			strings.Join(g, ","), h.Start.Format(time.RFC3339Nano), h.End.Format(time.RFC3339Nano), h.Value, strings.Join(evs, " "))
	}
	for _, r := range rules {
		if !ce.ReportedRule(r) {
			fmt.Fprintf(&b, "not reported on its own: %s\n", r.Title)
		}
	}
	st := ce.Stats()
	fmt.Fprintf(&b, "stats: %d without time, %d late, %d without group value, %d groups expired\n", st.NoTime, st.Late, st.NoGroup, st.Expired)
	return b.String()
}
