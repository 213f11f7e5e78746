package catalog_test

import (
	"os"
	"testing"

	"github.com/sigconv/sigconv/catalog"
	"github.com/sigconv/sigconv/catalog/attack"
	"github.com/sigconv/sigconv/parser"
)

const sigmaHQ = "../../shared/sigma-rules/rules"

// BenchmarkWriteSite writes the site (without queries) for the SigmaHQ
// corpus: parsing, page building, rendering and writing.
func BenchmarkWriteSite(b *testing.B) {
	if _, err := os.Stat(sigmaHQ); err != nil {
		b.Skip("SigmaHQ corpus absent")
	}
	m := attack.MustLoad()
	for b.Loop() {
		set, err := catalog.LoadRuleSet(sigmaHQ, parser.ParseFile)
		if err != nil {
			b.Fatal(err)
		}
		st, err := catalog.WriteSite(set, b.TempDir(), catalog.SiteOptions{Attack: m, Events: catalog.WindowsEvents()})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(st.Pages), "pages/op")
	}
}

// BenchmarkBuildPages builds (without rendering) every page of the SigmaHQ
// corpus, indicator counts included.
func BenchmarkBuildPages(b *testing.B) {
	if _, err := os.Stat(sigmaHQ); err != nil {
		b.Skip("SigmaHQ corpus absent")
	}
	set, err := catalog.LoadRuleSet(sigmaHQ, parser.ParseFile)
	if err != nil {
		b.Fatal(err)
	}
	opt := catalog.Options{Attack: attack.MustLoad(), Events: catalog.WindowsEvents(), Corpus: catalog.NewCorpus(sigmaHQ, set.Rules())}
	for b.Loop() {
		for _, e := range set.Entries {
			catalog.Build(e.Rule, e.Src, opt)
		}
	}
}
