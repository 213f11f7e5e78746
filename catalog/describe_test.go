package catalog_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sigconv/sigconv/internal/cli"
)

var update = flag.Bool("update", false, "rewrite the want.* files of testdata/describe")

// formats are the describe formats checked for every case, with the
// extension of their want file.
var formats = []struct{ name, ext string }{{"markdown", "md"}, {"json", "json"}, {"html", "html"}}

// TestDescribeGolden runs `sigconv describe` through the CLI entry point
// for every case under testdata/describe. A case is a directory holding
// args (one argument per line, paths relative to the repository root) and
// want.md, want.json and want.html. A case whose args name a path under
// ../shared that is absent is skipped.
func TestDescribeGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/describe/*/args")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	type tc struct {
		name, dir string
		args      []string
	}
	var cases []tc
	for _, a := range dirs {
		dir, _ := filepath.Abs(filepath.Dir(a))
		src, err := os.ReadFile(a)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, tc{filepath.Base(dir), dir, strings.Fields(string(src))})
	}
	t.Chdir("..") // arguments are relative to the repository root
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, a := range c.args {
				if strings.HasPrefix(a, "../shared/") {
					if _, err := os.Stat(a); err != nil {
						t.Skipf("%s absent", a)
					}
				}
			}
			for _, f := range formats {
				var stdout, stderr bytes.Buffer
				args := append([]string{"describe", "-f", f.name}, c.args...)
				if code := cli.Run(args, strings.NewReader(""), &stdout, &stderr); code != 0 {
					t.Fatalf("%s: exit %d: %s", f.name, code, stderr.String())
				}
				want := filepath.Join(c.dir, "want."+f.ext)
				if *update {
					if err := os.WriteFile(want, stdout.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				w, err := os.ReadFile(want)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(string(w), stdout.String()); diff != "" {
					t.Errorf("%s (-want +got)\n%s", want, diff)
				}
			}
		})
	}
}
