package parser

import (
	"bytes"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/sigconv/sigconv/parser/internal/fastyaml"
)

// loadCorpus reads every rules/ file of the corpus.
func loadCorpus(b *testing.B) (names []string, srcs [][]byte, total int64) {
	b.Helper()
	names = corpusFiles(b, "rules")
	srcs = make([][]byte, len(names))
	for i, f := range names {
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		srcs[i] = src
		total += int64(len(src))
	}
	return names, srcs, total
}

// parallel runs fn over the indexes 0..n-1 with one worker per GOMAXPROCS,
// the way the CLI's driver does.
func parallel(n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// BenchmarkParseCorpus parses and checks every rules/ file of the corpus.
// Compare with BenchmarkYAMLDecodeCorpus: the goal is at most 2× its time.
func BenchmarkParseCorpus(b *testing.B) {
	names, srcs, total := loadCorpus(b)
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		var failed atomic.Int64
		parallel(len(srcs), func(i int) {
			if _, errs := ParseFile(names[i], srcs[i]); len(errs) > 0 {
				failed.Add(1)
			}
		})
		if failed.Load() > 3 {
			b.Fatalf("%d files failed", failed.Load())
		}
	}
}

// BenchmarkYAMLDecodeCorpus only decodes the same files into yaml.Node trees
// with the same parallelism: the floor for BenchmarkParseCorpus.
func BenchmarkYAMLDecodeCorpus(b *testing.B) {
	_, srcs, total := loadCorpus(b)
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		parallel(len(srcs), func(i int) {
			dec := yaml.NewDecoder(bytes.NewReader(srcs[i]))
			for {
				var n yaml.Node
				if dec.Decode(&n) != nil {
					return
				}
			}
		})
	}
}

// BenchmarkFastYAMLCorpus decodes the same files with the fast YAML front
// end (parser/internal/fastyaml), which ParseFile uses before yaml.v3.
func BenchmarkFastYAMLCorpus(b *testing.B) {
	_, srcs, total := loadCorpus(b)
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		var fellBack atomic.Int64
		parallel(len(srcs), func(i int) {
			if _, ok := fastyaml.Parse(srcs[i]); !ok {
				fellBack.Add(1)
			}
		})
		if n := fellBack.Load(); n > int64(len(srcs)/100) {
			b.Fatalf("%d files fell back to yaml.v3", n)
		}
	}
}
