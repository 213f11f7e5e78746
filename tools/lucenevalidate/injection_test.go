package lucenevalidate

import (
	"errors"
	"testing"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/backends/elastic"
	"github.com/sigconv/sigconv/internal/injection"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
	"github.com/sigconv/sigconv/pipeline"
)

// TestInjectionValuesParse converts every crafted value of the injection
// table with every string modifier to Lucene (with ecs_windows) and parses
// each query with Lucene's classic QueryParser: an escaping mistake that
// lets a value break out of its literal shows as a parse error here (the
// verify interpreters check the meaning, in internal/injection).
func TestInjectionValuesParse(t *testing.T) {
	p, err := pipeline.Builtin("ecs_windows")
	if err != nil {
		t.Fatal(err)
	}
	chain := pipeline.NewChain(p)
	b := elastic.NewLucene()
	var queries []string
	for _, mod := range injection.Modifiers {
		for _, v := range injection.Values {
			docs, errs := parser.ParseFile("injection.yml", []byte(injection.LiteralRule(v, mod)))
			if len(errs) > 0 {
				t.Fatalf("%q |%s: %v", v, mod, errs)
			}
			res, err := chain.Apply(docs[0].(*ir.Rule))
			if err != nil {
				t.Fatal(err)
			}
			out, err := b.Convert(&backends.Input{Processed: res, Format: "default"})
			if errors.Is(err, backends.ErrUnsupported) {
				continue
			}
			if err != nil {
				t.Fatalf("%q |%s: %v", v, mod, err)
			}
			queries = append(queries, out.Query)
		}
	}
	validate(t, queries)
}
