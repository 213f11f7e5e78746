package driver

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sigconv/sigconv/backends/all"
)

// TestDeterministic converts the example rules, and the SigmaHQ corpus
// when it is present, for every target with one worker and with four, and
// with four and ReleaseRules: the outputs (texts, refusals and errors, in
// order) must be byte-identical.
func TestDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("converts the corpus")
	}
	// Read the files once into memory: every run then measures the
	// driver, not the disk.
	fsys := fstest.MapFS{}
	paths := []string{"rules"}
	load(t, fsys, filepath.Join("..", "rules"), "rules")
	if corpus := filepath.Join("..", "..", "shared", "sigma-rules", "rules"); isDirectory(corpus) {
		load(t, fsys, corpus, "corpus")
		paths = append(paths, "corpus")
	} else {
		t.Log("../shared/sigma-rules not present: example rules only")
	}
	reg := all.Default()
	for _, target := range append(reg.Names(), IRTarget) {
		t.Run(target, func(t *testing.T) {
			render := func(workers int, release bool) string {
				d, err := New(Options{Registry: reg, Target: target, Workers: workers, FS: fsys, ReleaseRules: release})
				if err != nil {
					t.Fatal(err)
				}
				var b strings.Builder
				_, err = d.Run(context.Background(), paths, func(r *Result) error {
					fmt.Fprintf(&b, "%s#%d %s %s %v %v\n", r.File, r.Doc, r.Status, r.Text, r.Refusal, r.Errors)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				return b.String()
			}
			one := render(1, false)
			if render(4, false) != one {
				t.Errorf("-t %s: output differs between 1 and 4 workers", target)
			}
			if render(4, true) != one {
				t.Errorf("-t %s: output differs with ReleaseRules", target)
			}
		})
	}
}

// load copies the *.yml files under dir into fsys under prefix.
func load(t testing.TB, fsys fstest.MapFS, dir, prefix string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() || filepath.Ext(p) != ".yml" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fsys[path.Join(prefix, filepath.ToSlash(rel))] = &fstest.MapFile{Data: data}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
