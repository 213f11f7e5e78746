package elastic

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
	"github.com/sigconv/sigconv/pipeline"
)

const corpusDir = "../../../shared/sigma-rules/rules"

// corpusRules parses every rule of the SigmaHQ corpus, skipping the test
// when the corpus is absent.
func corpusRules(t *testing.T) (rules []*ir.Rule, parseFailures int) {
	t.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skip("SigmaHQ corpus not found at", corpusDir)
	}
	var files []string
	err := filepath.WalkDir(corpusDir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".yml") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs, errs := parser.ParseFile(f, src)
		if errs.Err() != nil {
			parseFailures++
			continue
		}
		for _, d := range docs {
			if r, ok := d.(*ir.Rule); ok {
				rules = append(rules, r)
			}
		}
	}
	return rules, parseFailures
}

var reasonNoise = regexp.MustCompile(`field \S+|"[^"]*"|[0-9]+`)

// TestCorpus converts every corpus rule to each language with the default
// pipelines and checks that every rule converts or gets a refusal, that
// nothing panics, and that every query is well-formed.
func TestCorpus(t *testing.T) {
	rules, parseFailures := corpusRules(t)
	p, err := pipeline.Builtin("ecs_windows")
	if err != nil {
		t.Fatal(err)
	}
	chain := pipeline.NewChain(p)
	results := make([]*pipeline.Result, len(rules))
	for i, r := range rules {
		if results[i], err = chain.Apply(r); err != nil {
			t.Fatalf("%s: pipeline: %v", r.Pos, err)
		}
	}
	for _, b := range []*Backend{NewLucene(), NewDSL(), NewESQL(), NewEQL()} {
		converted, refused, failed, approx := 0, 0, 0, 0
		reasons := map[string]int{}
		for i, r := range rules {
			out, err := b.Convert(&backends.Input{Processed: results[i], Format: "default"})
			var ue *backends.UnsupportedError
			switch {
			case errors.As(err, &ue):
				refused++
				reasons[ue.What+": "+reasonNoise.ReplaceAllString(ue.Reason, "_")]++
				continue
			case err != nil:
				failed++
				t.Errorf("%s: %s: %v", r.Pos, b.Name(), err)
				continue
			}
			converted++
			if out.Fidelity() == backends.Approximate {
				approx++
			}
			if msg := checkStructure(b.lang, out.Query); msg != "" {
				t.Errorf("%s: %s: malformed query (%s): %s", r.Pos, b.Name(), msg, out.Query)
			}
		}
		t.Logf("%s: %d rules (%d files failed to parse): %d converted (%d approximate), %d refused, %d failed",
			b.Name(), len(rules), parseFailures, converted, approx, refused, failed)
		keys := make([]string, 0, len(reasons))
		for k := range reasons {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			return reasons[keys[i]] > reasons[keys[j]] || reasons[keys[i]] == reasons[keys[j]] && keys[i] < keys[j]
		})
		for _, k := range keys {
			t.Logf("  %4d  %s", reasons[k], k)
		}
	}
}

// TestCorpusDeterministic converts the corpus twice and compares.
func TestCorpusDeterministic(t *testing.T) {
	rules, _ := corpusRules(t)
	p, err := pipeline.Builtin("ecs_windows")
	if err != nil {
		t.Fatal(err)
	}
	chain := pipeline.NewChain(p)
	run := func(b *Backend) []string {
		var out []string
		for _, r := range rules {
			res, err := chain.Apply(r)
			if err != nil {
				t.Fatal(err)
			}
			o, err := b.Convert(&backends.Input{Processed: res, Format: "kibana_ndjson"})
			if err != nil {
				out = append(out, err.Error())
				continue
			}
			out = append(out, o.Text)
		}
		return out
	}
	for _, b := range []*Backend{NewLucene(), NewDSL(), NewESQL(), NewEQL()} {
		a, c := run(b), run(b)
		for i := range a {
			if a[i] != c[i] {
				t.Fatalf("%s: rule %s converts differently on a second run", b.Name(), rules[i].Pos)
			}
		}
	}
}

// checkStructure checks a query cheaply: JSON validity for the DSL;
// balanced quotes, regexps and parentheses and no empty group otherwise.
// It returns "" when the query looks well-formed.
func checkStructure(lang Language, q string) string {
	if lang == DSL {
		if !json.Valid([]byte(q)) {
			return "invalid JSON"
		}
		return ""
	}
	depth := 0
	rs := []rune(q)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == '\\' && lang == Lucene:
			i++ // escaped character
		case c == '"' || c == '`' || c == '/' && lang == Lucene && i > 0 && rs[i-1] == ':':
			end := c
			j := i + 1
			for ; j < len(rs) && rs[j] != end; j++ {
				if rs[j] == '\\' && c != '`' {
					j++
				}
			}
			if j >= len(rs) {
				return fmt.Sprintf("unterminated %c at %d", c, i)
			}
			i = j
		case c == '(':
			depth++
			if i+1 < len(rs) && rs[i+1] == ')' {
				return fmt.Sprintf("empty group at %d", i)
			}
		case c == ')':
			depth--
			if depth < 0 {
				return fmt.Sprintf("unbalanced ) at %d", i)
			}
		}
	}
	if depth != 0 {
		return "unbalanced ("
	}
	for _, bad := range []string{" AND AND ", " OR OR ", " and and ", " or or ", "WHERE  ", "where  "} {
		if strings.Contains(q, bad) {
			return "empty clause " + strings.TrimSpace(bad)
		}
	}
	return ""
}
