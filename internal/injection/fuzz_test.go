package injection

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/sigconv/sigconv/driver"
	"github.com/sigconv/sigconv/eval"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/verify/gen"
)

// corpusRules is the SigmaHQ corpus next to the repository.
const corpusRules = "../../../shared/sigma-rules/rules"

// ruleSeeds returns the repository's rules, the golden cases' rules and
// every 50th corpus rule (when the corpus is present).
func ruleSeeds(f *testing.F) [][]byte {
	var files []string
	for _, pat := range []string{"../../rules/*/*/*.yml", "../../testdata/golden/*/*.yml"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	if _, err := os.Stat(corpusRules); err == nil {
		n := 0
		_ = filepath.WalkDir(corpusRules, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && filepath.Ext(p) == ".yml" {
				if n%50 == 0 {
					files = append(files, p)
				}
				n++
			}
			return nil
		})
	}
	var out [][]byte
	for _, file := range files {
		if src, err := os.ReadFile(file); err == nil {
			out = append(out, src)
		}
	}
	return out
}

// FuzzLiteral converts a rule comparing a field with an arbitrary value
// (every character literal) for a target and modifier picked by the
// fuzzer, and reads the query back with the target's verify interpreter:
// the exact value matches, near values do not, and the interpreter agrees
// with the evaluator. A typed refusal is accepted.
func FuzzLiteral(f *testing.F) {
	for i, v := range Values {
		f.Add(v, uint8(i), uint8(i/len(targets)))
	}
	convs := make([]*converter, len(targets))
	for i, tg := range targets {
		convs[i] = newConverter(f, tg.name)
	}
	mods := []string{"", "contains", "startswith", "endswith"}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, v string, target, mod uint8) {
		// YAML cannot carry invalid UTF-8 or NUL; long values only slow
		// the fuzzer down.
		if !utf8.ValidString(v) || len(v) > 200 || v == "" {
			return
		}
		for _, r := range v {
			if r == 0 || r == 0xfffe || r == 0xffff || (r >= 0xd800 && r <= 0xdfff) {
				return
			}
		}
		i := int(target) % len(targets)
		checkLiteral(ctx, t, convs[i], targets[i].in, v, mods[int(mod)%len(mods)])
	})
}

// FuzzConvert parses arbitrary rule files and converts them for every
// target: no panic, every error positioned and not internal, every refusal
// typed; each converted rule compiles in the evaluator, which matches its
// generated events without panicking.
func FuzzConvert(f *testing.F) {
	for _, s := range ruleSeeds(f) {
		f.Add(s)
	}
	convs := []*converter{newConverter(f, "")}
	for _, tg := range targets {
		convs = append(convs, newConverter(f, tg.name))
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 64<<10 {
			return
		}
		for _, c := range convs {
			for _, r := range c.convert(ctx, t, src) {
				checkResult(t, r)
				if r.Status != driver.StatusOK || r.Output == nil {
					continue
				}
				rule, ok := r.Output.Rule.(*ir.Rule)
				if !ok {
					continue
				}
				if r.Output.Query == "" {
					t.Fatalf("%s: converted without a query", c.d.Backend().Name())
				}
				eng, err := eval.Compile(rule)
				if err != nil {
					continue // the evaluator may refuse what a backend converts
				}
				route := eng.AllRules()
				for _, ev := range gen.Generate(rule, gen.Options{Max: 20}) {
					eng.MatchRoute(eval.NewEvent(map[string]any(ev)), route)
				}
			}
		}
	})
}
