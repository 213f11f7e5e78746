package injection

import (
	"context"
	"errors"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/backends/all"
	"github.com/sigconv/sigconv/driver"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/verify/dsl"
	"github.com/sigconv/sigconv/verify/eql"
	"github.com/sigconv/sigconv/verify/esql"
	"github.com/sigconv/sigconv/verify/interp"
	"github.com/sigconv/sigconv/verify/kql"
	"github.com/sigconv/sigconv/verify/lucene"
	"github.com/sigconv/sigconv/verify/spl"
)

// targets are every backend with the verify interpreter that reads its
// queries back.
var targets = []struct {
	name string
	in   interp.Interpreter
}{
	{"splunk", spl.New()},
	{"kql", kql.New()},
	{"lucene", lucene.New()},
	{"dsl", dsl.New()},
	{"esql", esql.New()},
	{"eql", eql.New()},
}

// memFS is a file system holding one file, r.yml, whose content a test
// sets before each run; it lets a fuzzer reuse one driver (pipelines loaded
// once). Runs are sequential within a fuzz worker.
type memFS struct{ src []byte }

// Open implements fs.FS.
func (m *memFS) Open(name string) (fs.File, error) {
	return fstest.MapFS{"r.yml": {Data: m.src}}.Open(name)
}

// converter converts in-memory rule files for one target.
type converter struct {
	fs *memFS
	d  *driver.Driver
}

// newConverter returns a converter for target with its default pipelines
// ("" only parses and validates, like sigconv check).
func newConverter(t testing.TB, target string) *converter {
	t.Helper()
	m := &memFS{}
	d, err := driver.New(driver.Options{Registry: all.Default(), Target: target, Workers: 1, FS: m})
	if err != nil {
		t.Fatal(err)
	}
	return &converter{fs: m, d: d}
}

// convert converts src and returns one result per document.
func (c *converter) convert(ctx context.Context, t testing.TB, src []byte) []*driver.Result {
	t.Helper()
	c.fs.src = src
	var out []*driver.Result
	if _, err := c.d.Run(ctx, []string{"r.yml"}, func(r *driver.Result) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkResult fails t when r breaks the reliability contract: an internal
// error, an unpositioned error, or a refusal that does not wrap
// backends.ErrUnsupported.
func checkResult(t testing.TB, r *driver.Result) {
	t.Helper()
	switch r.Status {
	case driver.StatusOK:
	case driver.StatusRefused:
		if !errors.Is(r.Refusal, backends.ErrUnsupported) {
			t.Fatalf("refusal does not wrap ErrUnsupported: %v", r.Refusal)
		}
	case driver.StatusFailed:
		if len(r.Errors) == 0 {
			t.Fatal("failed without errors")
		}
		for _, e := range r.Errors {
			if e.Code == ir.CodeInternal {
				t.Fatalf("internal error: %v\n%v", e, e.Err)
			}
			if e.Pos.Line < 1 || e.Pos.Col < 1 {
				t.Fatalf("unpositioned error %#v", e)
			}
		}
	}
}

// searchField returns the (mapped) field of the first item of search sel.
func searchField(r *ir.Rule) string {
	for _, s := range r.Detection.Searches {
		if s.Name == "sel" && len(s.Groups) > 0 && len(s.Groups[0].Items) > 0 {
			return s.Groups[0].Items[0].Field
		}
	}
	return ""
}

func literalRule(v, mod string) string { return LiteralRule(v, mod) }
