package parser

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sigconv/sigconv/ir"
)

var update = flag.Bool("update", false, "rewrite testdata/dump/*.json")

// TestDumpGolden parses testdata/dump/*.yml (and the repository's seed
// rules) and compares ir.DumpJSON of every document, followed by the
// errors, with the .json file next to it.
func TestDumpGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/dump/*.yml")
	seeds, _ := filepath.Glob("../rules/windows/network_connection/*.yml")
	files = append(files, seeds...)
	if len(files) < 4 {
		t.Fatalf("found only %d inputs", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.ToSlash(f)
			docs, errs := ParseFile(name, src)
			var got bytes.Buffer
			for _, d := range docs {
				got.Write(ir.DumpJSON(d))
			}
			for _, e := range errs {
				got.WriteString("error: " + e.Error() + "\n")
			}
			want := filepath.Join("testdata/dump", strings.TrimSuffix(filepath.Base(f), ".yml")+".json")
			if *update {
				if err := os.WriteFile(want, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			wantBytes, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("%v (run go test ./parser -update)", err)
			}
			if diff := cmp.Diff(string(wantBytes), got.String()); diff != "" {
				t.Errorf("%s (-want +got):\n%s", want, diff)
			}
		})
	}
}
