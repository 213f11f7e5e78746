package catalog

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/sigconv/sigconv/ir"
)

// ParseFunc parses one Sigma file; parser.ParseFile has this type.
type ParseFunc func(name string, src []byte) ([]ir.Document, ir.ErrorList)

// Entry is one rule of a rule set.
type Entry struct {
	Rel  string   // file path relative to the rule set root, with '/' separators
	Rule *ir.Rule // the parsed rule
	Src  []byte   // the whole file's text
}

// FileError is a rule file of a rule set that could not be read or parsed.
type FileError struct {
	Rel string // file path relative to the rule set root
	Err error  // the problem; ir.ErrorList for parse errors
}

// RuleSet is the rules found under one directory (or a single file).
type RuleSet struct {
	Root    string      // the directory or file as given
	Entries []Entry     // rules in path order, then document order
	Errors  []FileError // files that failed, in path order
}

// Rules returns the rules of the set, in order.
func (s *RuleSet) Rules() []*ir.Rule {
	out := make([]*ir.Rule, len(s.Entries))
	for i, e := range s.Entries {
		out[i] = e.Rule
	}
	return out
}

// LoadRuleSet reads and parses every .yml and .yaml file under root (or
// root itself when it is a file) on a pool of workers. Rules of a file
// with errors are skipped and the file is reported in Errors; correlation
// and filter documents are not catalog pages and are left out.
func LoadRuleSet(root string, parse ParseFunc) (*RuleSet, error) {
	var files []string
	info, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		files = []string{root}
	} else {
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if !d.IsDir() && (strings.HasSuffix(path, ".yml") || strings.HasSuffix(path, ".yaml")) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(files)
	type result struct {
		entries []Entry
		err     error
	}
	results := make([]result, len(files))
	parallel(len(files), func(i int) {
		path := files[i]
		rel := filepath.Base(path)
		if info.IsDir() {
			if r, err := filepath.Rel(root, path); err == nil {
				rel = r
			}
		}
		rel = filepath.ToSlash(rel)
		src, err := os.ReadFile(path)
		if err != nil {
			results[i].err = err
			return
		}
		docs, errs := parse(path, src)
		if e := errs.Err(); e != nil {
			results[i].err = e
			return
		}
		for _, d := range docs {
			if r, ok := d.(*ir.Rule); ok {
				results[i].entries = append(results[i].entries, Entry{Rel: rel, Rule: r, Src: src})
			}
		}
	})
	set := &RuleSet{Root: root}
	for i, r := range results {
		if r.err != nil {
			rel := files[i]
			if info.IsDir() {
				if x, err := filepath.Rel(root, files[i]); err == nil {
					rel = filepath.ToSlash(x)
				}
			}
			set.Errors = append(set.Errors, FileError{Rel: rel, Err: r.err})
			continue
		}
		set.Entries = append(set.Entries, r.entries...)
	}
	return set, nil
}

// parallel calls fn(0) … fn(n-1) on GOMAXPROCS workers and waits.
func parallel(n int, fn func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
