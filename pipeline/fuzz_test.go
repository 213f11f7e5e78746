package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sigconv/sigconv/ir"
)

// FuzzLoad checks that Load never panics, that every load error carries a
// position, and that a pipeline that loads can be applied to a rule
// without panicking. Seeds: the built-ins and the test pipelines.
func FuzzLoad(f *testing.F) {
	for _, n := range builtinNames() {
		src, err := builtinFS.ReadFile("builtin/" + n + ".yml")
		if err == nil {
			f.Add(src)
		}
	}
	files, _ := filepath.Glob("testdata/*.yml")
	golden, _ := filepath.Glob("../testdata/golden/*/pipeline.yml")
	for _, p := range append(files, golden...) {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte("transformations:\n  - type: nest\n    items:\n      - type: field_name_prefix\n        prefix: x\n"))
	docs := parseRuleNoT(baseRule)
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := Load("f.yml", src)
		if err != nil {
			var list ir.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error is not an ir.ErrorList: %T %v", err, err)
			}
			for _, e := range list {
				if e.Code != ir.CodeYAML && e.Pos.Line <= 0 {
					t.Fatalf("error without line: %v", e)
				}
			}
			return
		}
		if docs != nil {
			_, _ = NewChain(p).Apply(docs)
		}
	})
}

// FuzzJinja checks that compiling and rendering any template never
// panics.
func FuzzJinja(f *testing.F) {
	for _, s := range []string{
		"{{ query }}", "{% if a in ['x'] %}y{% elif b %}z{% else %}w{% endif %}",
		"{% for q in queries %}{{ loop.index }}{{ q | upper }}{% endfor %}",
		"{%- set x = 'a' if b else c -%}{{ x ~ 1 | length }}", "{{ rule.date.strftime('%Y') }}",
		"{{ a.get('k', [1, 2])[0] | default(3) | indent(2, true) }}",
	} {
		f.Add(s)
	}
	vars := map[string]any{"query": "q", "queries": []string{"a", "b"}, "rule": map[string]any{"date": "2024-01-02", "level": enumValue("high")}}
	f.Fuzz(func(t *testing.T, src string) {
		tmpl, err := compileJinja(src)
		if err != nil {
			return
		}
		_, _ = tmpl.render(vars)
	})
}
