//go:build unix

// Command yamlbound is the lower bound that scripts/bench.sh compares
// sigconv with: it walks the same paths the way sigconv's driver does
// (recursively, *.yml and *.yaml, dot directories skipped), reads every file
// and decodes each of its YAML documents into a yaml.Node tree with yaml.v3,
// with the same parallelism as the driver's parse phase, and does nothing
// else. It prints the number of files, documents and nodes.
//
//	go run ./tools/yamlbound ../shared/sigma-rules/rules
package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"gopkg.in/yaml.v3"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: yamlbound PATH...")
		os.Exit(2)
	}
	var files []string
	for _, root := range os.Args[1:] {
		found, err := walk(root)
		if err != nil {
			fmt.Fprintln(os.Stderr, "yamlbound:", err)
			os.Exit(1)
		}
		files = append(files, found...)
	}
	var docs, nodes, failed atomic.Int64
	// The driver parses with max(GOMAXPROCS, 8) goroutines (reading is
	// partly waiting for the disk); do the same.
	workers := max(runtime.GOMAXPROCS(0), 8)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(files) {
					return
				}
				d, n, err := decode(files[i])
				docs.Add(int64(d))
				nodes.Add(int64(n))
				if err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	fmt.Printf("%d files, %d documents, %d nodes, %d failed\n", len(files), docs.Load(), nodes.Load(), failed.Load())
}

// walk lists the YAML files under root in lexical order, as the driver
// does; a root that is a file is taken as is.
func walk(root string) ([]string, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{root}, nil
	}
	var out []string
	err = filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if de.IsDir() {
			if p != root && strings.HasPrefix(de.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if ext := strings.ToLower(filepath.Ext(p)); ext == ".yml" || ext == ".yaml" {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// decode reads one file and decodes its documents, returning how many
// documents and nodes it held.
func decode(name string) (docs, nodes int, err error) {
	src, err := readFile(name)
	if err != nil {
		return 0, 0, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if err == io.EOF {
				return docs, nodes, nil
			}
			return docs, nodes, err
		}
		docs++
		nodes += count(&n)
	}
}

// readFile reads a whole file with plain system calls, as sigconv's driver
// does (driver/readfile_unix.go), so that the bound pays the same for
// reading.
func readFile(name string) ([]byte, error) {
	fd, err := syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	size := 0
	var st syscall.Stat_t
	if syscall.Fstat(fd, &st) == nil && st.Size > 0 && st.Size < 1<<30 {
		size = int(st.Size)
	}
	data := make([]byte, 0, max(size+1, 512))
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := syscall.Read(fd, data[len(data):cap(data)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n <= 0 {
			return data, nil
		}
		data = data[:len(data)+n]
	}
}

// count returns the number of nodes in a tree.
func count(n *yaml.Node) int {
	c := 1
	for _, k := range n.Content {
		c += count(k)
	}
	return c
}
