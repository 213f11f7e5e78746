// Command evgen writes a generated Windows event stream (NDJSON, EVTX
// rendered as JSON) for benchmarking `sigconv eval`:
//
//	go run ./eval/internal/gen/evgen -n 100000 -seed 1 > events.jsonl
package main

import (
	"bufio"
	"flag"
	"os"

	"github.com/sigconv/sigconv/eval/internal/gen"
)

func main() {
	n := flag.Int("n", 100000, "number of events")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	w := bufio.NewWriter(os.Stdout)
	g := gen.New(*seed)
	for i := 0; i < *n; i++ {
		w.Write(g.Next())
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		os.Exit(1)
	}
}
