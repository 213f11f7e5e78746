package kql

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
	"github.com/sigconv/sigconv/pipeline"
)

// corpusDir is the SigmaHQ rules folder; tests needing it skip without it.
const corpusDir = "../../../shared/sigma-rules/rules"

// builtinPipelines are the KQL backend's built-in pipelines, each converting
// the corpus on its own.
var builtinPipelines = []string{"microsoft_xdr", "sentinel_asim", "azure_monitor"}

// corpusResult is the outcome of converting the corpus with one pipeline.
type corpusResult struct {
	rules     int
	converted map[string]string // rule path#doc → query
	refused   map[string]int    // reason (normalised) → count
	unmapped  int               // refusals because no table was chosen
	failed    []string          // errors that are not refusals
}

// convertCorpus converts every rule of dir with the named pipeline.
func convertCorpus(t *testing.T, dir, pipe string) *corpusResult {
	t.Helper()
	p, err := pipeline.Builtin(pipe)
	if err != nil {
		t.Skipf("pipeline %s: %v", pipe, err)
	}
	chain := pipeline.NewChain(p)
	b := New()
	res := &corpusResult{converted: map[string]string{}, refused: map[string]int{}}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yml") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		docs, _ := parser.ParseFile(path, src)
		for i, doc := range docs {
			r, ok := doc.(*ir.Rule)
			if !ok || r.Detection == nil {
				continue
			}
			res.rules++
			key := fmt.Sprintf("%s#%d", strings.TrimPrefix(path, dir+"/"), i)
			pr, err := chain.Apply(r)
			if err == nil {
				var out *backends.Output
				out, err = convertNoPanic(b, &backends.Input{Processed: pr, Format: FormatDefault})
				if err == nil {
					res.converted[key] = out.Query
					continue
				}
			}
			var ue *backends.UnsupportedError
			var ie *ir.Error
			switch {
			case errors.As(err, &ue) && strings.HasPrefix(ue.What, "logsource "):
				res.unmapped++
			case errors.As(err, &ue):
				res.refused[ue.What+": "+reasonKey(ue.Reason)]++
			case errors.As(err, &ie) && (ie.Code == ir.CodeUnsupported || errors.Is(err, backends.ErrUnsupported)):
				res.refused[reasonKey(ie.Msg)]++
			default:
				res.failed = append(res.failed, key+": "+err.Error())
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func convertNoPanic(b *Backend, in *backends.Input) (out *backends.Output, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return b.Convert(in)
}

// reasonKey groups refusal reasons: quoted values are elided.
func reasonKey(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		if r == '"' {
			if !in {
				b.WriteString(`"…`)
			}
			in = !in
			if !in {
				b.WriteRune('"')
			}
			continue
		}
		if !in {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestCorpus(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus not found: %v", err)
	}
	for _, pipe := range builtinPipelines {
		t.Run(pipe, func(t *testing.T) {
			res := convertCorpus(t, corpusDir, pipe)
			refused := 0
			for _, n := range res.refused {
				refused += n
			}
			t.Logf("%s: %d rules: %d converted, %d not mapped to a table, %d refused, %d failed",
				pipe, res.rules, len(res.converted), res.unmapped, refused, len(res.failed))
			type kv struct {
				k string
				n int
			}
			var reasons []kv
			for k, n := range res.refused {
				reasons = append(reasons, kv{k, n})
			}
			sort.Slice(reasons, func(i, j int) bool {
				if reasons[i].n != reasons[j].n {
					return reasons[i].n > reasons[j].n
				}
				return reasons[i].k < reasons[j].k
			})
			for i, r := range reasons {
				if i == 25 {
					t.Logf("  … %d more reasons", len(reasons)-25)
					break
				}
				t.Logf("  %4d %s", r.n, r.k)
			}
			for _, f := range res.failed {
				t.Errorf("failed: %s", f)
			}
			for key, q := range res.converted {
				if err := checkStructure(q); err != nil {
					t.Errorf("%s: %v\n%s", key, err, q)
				}
			}
			if dir := os.Getenv("SIGCONV_KQL_DUMP"); dir != "" {
				dumpQueries(t, filepath.Join(dir, pipe+".ndjson"), res.converted)
			}
		})
	}
}

// dumpQueries writes {name, query} lines for tools/kqlvalidate.
func dumpQueries(t *testing.T, path string, qs map[string]string) {
	t.Helper()
	keys := make([]string, 0, len(qs))
	for k := range qs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		line, _ := json.Marshal(map[string]string{"name": k, "query": qs[k]})
		b.Write(line)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCorpusDeterministic converts the corpus twice with the default
// pipeline and compares the queries byte for byte.
func TestCorpusDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus not found: %v", err)
	}
	a := convertCorpus(t, corpusDir, "microsoft_xdr").converted
	b := convertCorpus(t, corpusDir, "microsoft_xdr").converted
	if len(a) != len(b) {
		t.Fatalf("%d then %d queries", len(a), len(b))
	}
	for k, q := range a {
		if b[k] != q {
			t.Errorf("%s differs between runs:\n%s\n---\n%s", k, q, b[k])
		}
	}
}
