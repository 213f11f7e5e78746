package kql

import (
	"errors"
	"fmt"
	"testing"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/internal/injection"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
	"github.com/sigconv/sigconv/pipeline"
)

// TestValidateInjection converts every crafted value of the injection
// table with every string modifier (microsoft_xdr pipeline) and checks each
// query with Kusto.Language: a value that breaks out of its literal shows
// as a syntax or semantic error here (the verify interpreters check the
// meaning, in internal/injection).
func TestValidateInjection(t *testing.T) {
	if testing.Short() {
		t.Skip("short: starts node")
	}
	p, err := pipeline.Builtin("microsoft_xdr")
	if err != nil {
		t.Fatal(err)
	}
	chain := pipeline.NewChain(p)
	b := New()
	queries := map[string]string{}
	for _, mod := range injection.Modifiers {
		for i, v := range injection.Values {
			docs, errs := parser.ParseFile("injection.yml", []byte(injection.LiteralRule(v, mod)))
			if len(errs) > 0 {
				t.Fatalf("%q |%s: %v", v, mod, errs)
			}
			res, err := chain.Apply(docs[0].(*ir.Rule))
			if err != nil {
				t.Fatal(err)
			}
			out, err := b.Convert(&backends.Input{Processed: res, Format: FormatDefault})
			if errors.Is(err, backends.ErrUnsupported) {
				continue
			}
			if err != nil {
				t.Fatalf("%q |%s: %v", v, mod, err)
			}
			queries[fmt.Sprintf("%s#%02d", mod, i)] = out.Query
		}
	}
	report, ok := validate(t, queries)
	if !ok {
		t.Errorf("Kusto.Language errors:\n%s", report)
	}
	t.Log(lastLine(report))
}
