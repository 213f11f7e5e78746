package parser

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sigconv/sigconv/ir"
)

// corpusRoot is the SigmaHQ rule corpus, next to the repository.
const corpusRoot = "../../shared/sigma-rules"

// corpusFiles lists the .yml files below dir of the corpus, sorted, or
// skips the test when the corpus is absent.
func corpusFiles(tb testing.TB, dir string) []string {
	tb.Helper()
	root := filepath.Join(corpusRoot, dir)
	if _, err := os.Stat(root); err != nil {
		tb.Skipf("corpus not available: %v", err)
	}
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".yml") || strings.HasSuffix(path, ".yaml")) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// knownRejected lists corpus rules that are rejected on purpose, each with
// the reason a rule author would agree with.
var knownRejected = map[string]string{}

func TestCorpusRules(t *testing.T) {
	files := corpusFiles(t, "rules")
	accepted := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs, errs := ParseFile(f, src)
		checkPositioned(t, f, errs)
		if len(errs) == 0 && len(docs) > 0 {
			accepted++
			continue
		}
		rel, _ := filepath.Rel(corpusRoot, f)
		if _, ok := knownRejected[rel]; !ok {
			t.Errorf("%s rejected unexpectedly:\n%v", rel, errs)
		} else {
			t.Logf("rejected (known): %v", errs)
		}
	}
	t.Logf("rules/: %d of %d files accepted", accepted, len(files))
	if len(files) >= 3141 && accepted < 3138 {
		t.Errorf("only %d of %d rules accepted, want at least 3138", accepted, len(files))
	}
}

func TestCorpusOtherFolders(t *testing.T) {
	for _, dir := range []string{"rules-emerging-threats", "rules-threat-hunting", "rules-compliance", "rules-placeholder", "deprecated", "unsupported"} {
		t.Run(dir, func(t *testing.T) {
			files := corpusFiles(t, dir)
			rejected := 0
			for _, f := range files {
				src, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				_, errs := ParseFile(f, src)
				checkPositioned(t, f, errs)
				if len(errs) > 0 {
					rejected++
					t.Logf("%v", errs)
				}
			}
			t.Logf("%s: %d of %d files rejected", dir, rejected, len(files))
		})
	}
}

// checkPositioned asserts every error names the file and a line and column.
func checkPositioned(t *testing.T, file string, errs ir.ErrorList) {
	t.Helper()
	for _, e := range errs {
		if e.Pos.File != file || e.Pos.Line < 1 || e.Pos.Col < 1 || e.Code == "" {
			t.Errorf("%s: error without position or code: %#v", file, e)
		}
		if e.Code == ir.CodeInternal {
			t.Errorf("%s: internal error: %v", file, e)
		}
	}
}
