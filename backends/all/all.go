// Package all assembles the registry of every backend sigconv ships. It is
// the one place that knows the list; the CLI, the golden harness and the
// fuzzers all enumerate the registry it returns.
package all

import (
	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/backends/elastic"
	"github.com/sigconv/sigconv/backends/kql"
	"github.com/sigconv/sigconv/backends/splunk"
)

// Default returns a new registry holding every backend, with the aliases
// users know from other tools (spl for splunk; es-qs and elasticsearch for
// lucene, pySigma's name for the Lucene query string backend).
func Default() *backends.Registry {
	r := backends.NewRegistry(
		splunk.New(),
		kql.New(),
		elastic.NewLucene(),
		elastic.NewDSL(),
		elastic.NewESQL(),
		elastic.NewEQL(),
	)
	r.Alias("spl", "splunk")
	r.Alias("es-qs", "lucene")
	r.Alias("elasticsearch", "lucene")
	return r
}
