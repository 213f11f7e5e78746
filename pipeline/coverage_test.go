package pipeline

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
)

// corpusWindows is the SigmaHQ Windows rule folder, relative to this
// package.
const corpusWindows = "../../shared/sigma-rules/rules/windows"

// loadCorpus parses every rule under dir; files that do not parse are
// skipped (the parser's corpus test reports them).
func loadCorpus(tb testing.TB, dir string) []*ir.Rule {
	tb.Helper()
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("corpus not available: %v", err)
	}
	var rules []*ir.Rule
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yml") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		docs, errs := parser.ParseFile(path, src)
		if len(errs) > 0 {
			return nil
		}
		for _, d := range docs {
			if r, ok := d.(*ir.Rule); ok {
				rules = append(rules, r)
			}
		}
		return nil
	})
	return rules
}

// coverageRow is one log source line of the coverage table.
type coverageRow struct {
	key             string
	rules, ls, full int
	failed          int
	unmapped        map[string]int
}

// TestCoverage measures, for every built-in pipeline, the share of SigmaHQ
// Windows rules whose log source and every field are mapped, per log source
// category (or service), and logs the table with the most frequent
// unmapped fields. Run with -v to see it (docs/pipelines.md quotes it).
func TestCoverage(t *testing.T) {
	rules := loadCorpus(t, corpusWindows)
	type subject struct {
		name     string
		pipes    []*Pipeline
		identity bool
	}
	var subjects []subject
	for _, info := range Builtins() {
		p, err := Builtin(info.Name)
		if err != nil {
			t.Errorf("%s: %v", info.Name, err)
			continue
		}
		subjects = append(subjects, subject{info.Name, []*Pipeline{p}, !p.mapsFields()})
	}
	sys, err1 := Builtin("sysmon")
	win, err2 := Builtin("windows")
	if err1 == nil && err2 == nil {
		subjects = append(subjects, subject{"sysmon + windows", []*Pipeline{sys, win}, true})
	}
	for _, sub := range subjects {
		t.Log(coverageTable(sub.name, NewChain(sub.pipes...), sub.identity, rules))
	}
}

// coverageTable applies chain to rules and renders the markdown report.
func coverageTable(name string, chain *Chain, identity bool, rules []*ir.Rule) string {
	rows := map[string]*coverageRow{}
	var total coverageRow
	for _, r := range rules {
		key := r.LogSource.Category
		if key == "" {
			key = "service:" + r.LogSource.Service
		}
		row := rows[key]
		if row == nil {
			row = &coverageRow{key: key, unmapped: map[string]int{}}
			rows[key] = row
		}
		row.rules++
		total.rules++
		res, err := chain.Apply(r)
		if err != nil {
			row.failed++
			total.failed++
			continue
		}
		lsOK := res.LogsourceMapped || res.Table != nil
		un := Unmapped(res)
		if identity {
			un = nil // the pipeline keeps the rule's field names by design
		}
		if lsOK {
			row.ls++
			total.ls++
		}
		if lsOK && len(un) == 0 {
			row.full++
			total.full++
		}
		for _, f := range un {
			row.unmapped[f]++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n### %s\n\n%d rules: log source mapped %s, log source and every field mapped %s, refused by the pipeline %d\n\n",
		name, total.rules, pct(total.ls, total.rules), pct(total.full, total.rules), total.failed)
	if identity {
		b.WriteString("This pipeline maps no field names (the target keeps the Sysmon / Windows names), so a rule counts as fully mapped when its log source is.\n\n")
	}
	b.WriteString("| log source | rules | log source mapped | all mapped | most frequent unmapped fields |\n|---|---:|---:|---:|---|\n")
	keys := make([]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if rows[keys[i]].rules != rows[keys[j]].rules {
			return rows[keys[i]].rules > rows[keys[j]].rules
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		row := rows[k]
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s |\n", k, row.rules, pct(row.ls, row.rules), pct(row.full, row.rules), topFields(row.unmapped, 6))
	}
	return b.String()
}

func pct(n, of int) string {
	if of == 0 {
		return "-"
	}
	return fmt.Sprintf("%d (%.1f%%)", n, 100*float64(n)/float64(of))
}

func topFields(m map[string]int, n int) string {
	type kv struct {
		k string
		v int
	}
	var list []kv
	for k, v := range m {
		list = append(list, kv{k, v})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].v != list[j].v {
			return list[i].v > list[j].v
		}
		return list[i].k < list[j].k
	})
	var parts []string
	for i, e := range list {
		if i == n {
			parts = append(parts, fmt.Sprintf("… %d more", len(list)-n))
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%d)", e.k, e.v))
	}
	return strings.Join(parts, ", ")
}

// BenchmarkApplyCorpus applies sysmon+windows to every SigmaHQ Windows rule
// (one iteration = the whole folder).
func BenchmarkApplyCorpus(b *testing.B) {
	rules := loadCorpus(b, corpusWindows)
	sys, _ := Builtin("sysmon")
	win, _ := Builtin("windows")
	chain := NewChain(sys, win)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, r := range rules {
			if _, err := chain.Apply(r); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(rules)), "rules/op")
}

// BenchmarkLoadBuiltins measures compiling every built-in pipeline.
func BenchmarkLoadBuiltins(b *testing.B) {
	for i := 0; i < b.N; i++ {
		for _, in := range Builtins() {
			if _, err := Builtin(in.Name); err != nil {
				b.Fatal(err)
			}
		}
	}
}
