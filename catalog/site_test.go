package catalog_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sigconv/sigconv/catalog"
	"github.com/sigconv/sigconv/catalog/attack"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
)

// fakeConverter "converts" a rule into its title, so that the test needs
// no backend.
type fakeConverter struct{}

func (fakeConverter) Convert(r *ir.Rule) []catalog.Query {
	return []catalog.Query{
		{Target: "fake", Format: "default", Status: "converted", Text: "title=" + r.Title},
		{Target: "picky", Format: "default", Status: "refused", Reason: "picky: cannot <do> it"},
	}
}

// readTree returns every file of dir by slash-separated relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWriteSite(t *testing.T) {
	var trees []map[string][]byte
	for range 2 {
		set, err := catalog.LoadRuleSet("testdata", parser.ParseFile)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		st, err := catalog.WriteSite(set, dir, catalog.SiteOptions{Attack: attack.MustLoad(), Converter: fakeConverter{}})
		if err != nil {
			t.Fatal(err)
		}
		if st.Pages != 4 || st.FailedFiles != 0 {
			t.Errorf("stats: %v", st)
		}
		trees = append(trees, readTree(t, dir))
	}
	var names []string
	for n := range trees[0] {
		names = append(names, n)
	}
	slices.Sort(names)
	want := []string{
		"attack-notice.txt",
		"index.html",
		"rules/corpus/complex.html",
		"rules/corpus/other.html",
		"rules/multi/collection-1.html",
		"rules/multi/collection-2.html",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("files (-want +got)\n%s", diff)
	}
	if diff := cmp.Diff(trees[0], trees[1]); diff != "" {
		t.Errorf("two runs differ (-first +second)\n%s", diff)
	}
	page := string(trees[0]["rules/corpus/complex.html"])
	for _, s := range []string{
		`<a id="home" href="../../index.html">`,
		`<pre><code>title=Suspicious Encoded Shell Launched From Office</code></pre>`,
		`picky: cannot &lt;do&gt; it`,
		`href="../../attack-notice.txt"`,
	} {
		if !strings.Contains(page, s) {
			t.Errorf("complex.html lacks %q", s)
		}
	}
	index := string(trees[0]["index.html"])
	if n := strings.Count(index, "<tr data-text="); n != 4 {
		t.Errorf("index rows: %d, want 4", n)
	}
	if !bytes.Contains(trees[0]["attack-notice.txt"], []byte("The MITRE Corporation")) {
		t.Error("ATT&CK notice missing")
	}
}
