package golden

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/backends/all"
	"github.com/sigconv/sigconv/driver"
)

var update = flag.Bool("update", false, "rewrite the want/ files of testdata/golden")

const root = "../testdata/golden"

// caseConfig is a case's optional case.yml.
type caseConfig struct {
	Targets   []string `yaml:"targets"`   // "target" or "target/format"; default: every target's default format and ir
	Pipelines []string `yaml:"pipelines"` // -p values; default: each target's own
	Config    string   `yaml:"config"`    // --config file in the case directory
	Table     string   `yaml:"table"`     // --table
	Events    string   `yaml:"events"`    // events file for the evaluator; default events.jsonl
}

// run is one target/format of a case.
type run struct {
	target, format string
}

func (r run) wantName() string { return r.target + "." + r.format }

func TestGolden(t *testing.T) {
	reg := all.Default()
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range dirs {
		if !de.IsDir() {
			continue
		}
		name := de.Name()
		dir := filepath.Join(root, name)
		cfg, err := loadCase(dir)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		runs, err := caseRuns(reg, cfg)
		if err != nil {
			t.Errorf("%s: case.yml: %v", name, err)
			continue
		}
		checkOrphans(t, dir, runs)
		inputs, err := caseInputs(dir, cfg)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, r := range runs {
			t.Run(name+"/"+r.wantName(), func(t *testing.T) {
				t.Parallel()
				got, err := render(reg, dir, cfg, r, inputs)
				if err != nil {
					t.Fatal(err)
				}
				compare(t, filepath.Join(dir, "want", r.wantName()), got)
			})
		}
	}
}

func loadCase(dir string) (*caseConfig, error) {
	cfg := &caseConfig{}
	src, err := os.ReadFile(filepath.Join(dir, "case.yml"))
	if os.IsNotExist(err) {
		return cfg, nil
	}
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		return nil, fmt.Errorf("case.yml: %w", err)
	}
	return cfg, nil
}

// caseRuns lists the target/format pairs of a case.
func caseRuns(reg *backends.Registry, cfg *caseConfig) ([]run, error) {
	if len(cfg.Targets) == 0 {
		var runs []run
		for _, b := range reg.Backends() {
			runs = append(runs, run{b.Name(), b.Formats()[0].Name})
		}
		return append(runs, run{driver.IRTarget, "default"}), nil
	}
	var runs []run
	for _, spec := range cfg.Targets {
		target, format, _ := strings.Cut(spec, "/")
		if target == driver.IRTarget {
			runs = append(runs, run{target, "default"})
			continue
		}
		b, err := reg.Lookup(target)
		if err != nil {
			return nil, err
		}
		f, err := backends.FindFormat(b, format)
		if err != nil {
			return nil, err
		}
		runs = append(runs, run{b.Name(), f.Name})
	}
	return runs, nil
}

// checkOrphans fails for want/ files that no run of the case produces (or
// removes them with -update), so that stale expectations cannot pile up.
func checkOrphans(t *testing.T, dir string, runs []run) {
	t.Helper()
	expected := map[string]bool{}
	for _, r := range runs {
		expected[r.wantName()] = true
	}
	files, err := os.ReadDir(filepath.Join(dir, "want"))
	if err != nil {
		return
	}
	for _, f := range files {
		if f.IsDir() || expected[f.Name()] || f.Name() == "eval" || f.Name() == "correlations" {
			continue
		}
		p := filepath.Join(dir, "want", f.Name())
		if *update {
			if err := os.Remove(p); err != nil {
				t.Error(err)
			}
			continue
		}
		t.Errorf("%s: orphaned want file: no target/format of the case produces it (go test ./golden -update removes it)", p)
	}
}

// caseInputs lists the rule files of a case: every *.yml and *.yaml at the
// top of the directory except case.yml and the files case.yml names.
func caseInputs(dir string, cfg *caseConfig) ([]string, error) {
	skip := map[string]bool{"case.yml": true, cfg.Config: true}
	for _, p := range cfg.Pipelines {
		skip[p] = true
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var inputs []string
	for _, e := range entries {
		ext := path.Ext(e.Name())
		if e.IsDir() || skip[e.Name()] || (ext != ".yml" && ext != ".yaml") {
			continue
		}
		inputs = append(inputs, e.Name())
	}
	sort.Strings(inputs)
	if len(inputs) == 0 {
		return nil, fmt.Errorf("no rule files")
	}
	return inputs, nil
}

// render converts a case for one target/format the way the CLI does and
// returns what a reader should see: each document's text, problems as
// file:line:col lines, and a bundled format's file at the end.
func render(reg *backends.Registry, dir string, cfg *caseConfig, r run, inputs []string) (string, error) {
	fsys := os.DirFS(dir)
	opts := driver.Options{
		Registry:  reg,
		Target:    r.target,
		Format:    r.format,
		Pipelines: cfg.Pipelines,
		Table:     cfg.Table,
		Workers:   2,
		FS:        fsys,
	}
	if cfg.Config != "" {
		src, err := fs.ReadFile(fsys, cfg.Config)
		if err != nil {
			return "", err
		}
		if opts.Config, err = driver.ParseConfig(cfg.Config, src); err != nil {
			return "", err
		}
	}
	d, err := driver.New(opts)
	if err != nil {
		return "", err
	}
	var parts []string
	var outs []*backends.Output
	_, err = d.Run(context.Background(), inputs, func(res *driver.Result) error {
		parts = append(parts, renderResult(res, d.Combined()))
		if res.Output != nil && d.Combined() {
			outs = append(outs, res.Output)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if len(outs) > 0 {
		data, err := d.Combine(outs)
		if err != nil {
			parts = append(parts, "bundle error: "+err.Error())
		} else {
			parts = append(parts, strings.TrimRight(string(data), "\n"))
		}
	}
	var nonEmpty []string
	for _, p := range parts {
		if p != "" {
			nonEmpty = append(nonEmpty, p)
		}
	}
	return strings.Join(nonEmpty, "\n\n") + "\n", nil
}

// renderResult is the golden form of one result: its text (unless the format is
// bundled), its warnings, or its problems in the CLI's stderr form.
func renderResult(res *driver.Result, bundled bool) string {
	var lines []string
	switch res.Status {
	case driver.StatusOK:
		if !bundled && res.Text != "" {
			lines = append(lines, res.Text)
		}
		if res.Output != nil {
			for _, w := range res.Output.Warnings {
				p := w.Pos
				if !p.IsValid() {
					p = res.Pos
				}
				lines = append(lines, fmt.Sprintf("%s: warning: %s [%s]", p, w.Msg, w.ID))
			}
		}
	case driver.StatusRefused:
		lines = append(lines, fmt.Sprintf("%s: refused: %s", res.RefusalPos(), res.RefusalMessage()))
	case driver.StatusFailed:
		for _, e := range res.Errors {
			lines = append(lines, fmt.Sprintf("%s: error: %s [%s]", e.Pos, e.Msg, e.Code))
		}
	}
	return strings.Join(lines, "\n")
}

// compare checks got against the want file, or rewrites it with -update.
// Line endings are normalised to LF on both sides.
func compare(t *testing.T, file, got string) {
	t.Helper()
	got = strings.ReplaceAll(got, "\r\n", "\n")
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (go test ./golden -update creates it)", err)
	}
	if diff := cmp.Diff(strings.ReplaceAll(string(want), "\r\n", "\n"), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", file, diff)
	}
}
