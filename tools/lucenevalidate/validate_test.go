package lucenevalidate

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/backends/elastic"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
	"github.com/sigconv/sigconv/pipeline"
)

// convertDir converts every rule under dir with the lucene target (with
// and without the ecs_windows pipeline) and returns the queries and the
// number of refusals.
func convertDir(t *testing.T, dir string, withoutPipeline bool) (queries []string, refused int) {
	t.Helper()
	p, err := pipeline.Builtin("ecs_windows")
	if err != nil {
		t.Fatal(err)
	}
	chains := []*pipeline.Chain{pipeline.NewChain(p)}
	if withoutPipeline {
		chains = append(chains, pipeline.NewChain())
	}
	b := elastic.NewLucene()
	var files []string
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".yml") && !strings.Contains(path, string(filepath.Separator)+"want"+string(filepath.Separator)) {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs, _ := parser.ParseFile(f, src)
		for _, d := range docs {
			r, ok := d.(*ir.Rule)
			if !ok || r.Detection == nil {
				continue
			}
			for _, ch := range chains {
				res, err := ch.Apply(r)
				if err != nil {
					continue
				}
				out, err := b.Convert(&backends.Input{Processed: res, Format: "default"})
				if err != nil {
					if errors.Is(err, backends.ErrUnsupported) {
						refused++
					}
					continue
				}
				queries = append(queries, out.Query)
			}
		}
	}
	return queries, refused
}

func validate(t *testing.T, queries []string) {
	t.Helper()
	fails, err := Validate(queries)
	if errors.Is(err, ErrUnavailable) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fails {
		t.Errorf("query %d does not parse: %s\n%s", f.Index, f.Msg, f.Query)
	}
	t.Logf("%d Lucene queries parsed by Lucene's classic QueryParser, %d failures", len(queries), len(fails))
}

func TestGoldenQueriesParse(t *testing.T) {
	queries, _ := convertDir(t, "../../testdata/golden", true)
	queries = append(queries, handWritten...)
	validate(t, queries)
}

// handWritten are escaping cases beyond the golden rules.
var handWritten = []string{
	`f:"a \"b\" \\ c"`,
	`f:a\+b\-c\=d\&\&e\|\|f\>g\<h\!i\(j\)k\{l\}m\[n\]o\^p\"q\~r\*s\?t\:u\\v\/w\ x*`,
	`f:/.*[Aa]\<\>\#\@\&\~.*/`,
}

func TestCorpusQueriesParse(t *testing.T) {
	if os.Getenv("LUCENEVALIDATE_CORPUS") == "" {
		t.Skip("set LUCENEVALIDATE_CORPUS=1 to parse the corpus queries (tools/lucenevalidate/ci.sh does)")
	}
	dir := "../../../shared/sigma-rules/rules"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("SigmaHQ corpus not found at", dir)
	}
	queries, refused := convertDir(t, dir, false)
	t.Logf("corpus: %d queries, %d refused", len(queries), refused)
	validate(t, queries)
}
