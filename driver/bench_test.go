package driver

import (
	"context"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/sigconv/sigconv/backends/all"
)

// BenchmarkRun converts the SigmaHQ corpus (held in memory) for every target,
// and parses it only ("parse-only", the reference the targets' costs add to),
// with one worker and with GOMAXPROCS workers; compare the two for the
// parallel speed-up. It runs with ReleaseRules, as sigconv convert does.
// It skips when ../shared/sigma-rules is absent.
func BenchmarkRun(b *testing.B) {
	corpus := filepath.Join("..", "..", "shared", "sigma-rules", "rules")
	if !isDirectory(corpus) {
		b.Skip("../shared/sigma-rules not present")
	}
	fsys := fstest.MapFS{}
	load(b, fsys, corpus, "corpus")
	reg := all.Default()
	for _, target := range []string{"", "splunk", "kql", "lucene", "dsl", "esql", "eql"} {
		for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
			name := target
			if name == "" {
				name = "parse-only"
			}
			b.Run(name+"/workers="+strconv.Itoa(workers), func(b *testing.B) {
				d, err := New(Options{Registry: reg, Target: target, Workers: workers, FS: fsys, ReleaseRules: true})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := d.Run(context.Background(), []string{"corpus"}, func(*Result) error { return nil }); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(fsys))*float64(b.N)/b.Elapsed().Seconds(), "rules/s")
			})
		}
	}
}
