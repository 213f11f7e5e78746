package parser

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sigconv/sigconv/ir"
)

// parseDump parses src and prints every document and error, the
// observable result of ParseFile.
func parseDump(name string, src []byte, yamlV3Only bool) string {
	docs, errs := parseFile(name, src, yamlV3Only)
	var b bytes.Buffer
	for _, d := range docs {
		b.Write(ir.DumpJSON(d))
	}
	for _, e := range errs {
		b.WriteString(e.Error() + "\n")
	}
	return b.String()
}

// TestFastYAMLSameResult parses every corpus file (all folders) and every
// YAML file of this repository through both YAML front ends and requires
// identical documents and errors. parser/internal/fastyaml compares the
// node trees themselves.
func TestFastYAMLSameResult(t *testing.T) {
	files, _ := filepath.Glob("../rules/*/*/*.yml")
	for _, pat := range []string{"testdata/*/*.yml", "../testdata/golden/*/*.yml"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	if _, err := os.Stat(corpusRoot); err == nil {
		files = append(files, corpusFiles(t, "")...)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(parseDump(f, src, true), parseDump(f, src, false)); diff != "" {
			t.Errorf("%s: yaml.v3 and fastyaml results differ (-yaml.v3 +fastyaml):\n%s", f, diff)
		}
	}
	t.Logf("%d files compared", len(files))
}

// FuzzFrontEnds checks that ParseFile's documents and errors do not depend
// on which YAML front end decoded the file.
func FuzzFrontEnds(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if diff := cmp.Diff(parseDump("f.yml", src, true), parseDump("f.yml", src, false)); diff != "" {
			t.Fatalf("yaml.v3 and fastyaml results differ (-yaml.v3 +fastyaml):\n%s", diff)
		}
	})
}
