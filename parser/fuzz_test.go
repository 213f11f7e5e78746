package parser

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigconv/sigconv/ir"
)

// fuzzSeeds returns the repository's rules, the dump test inputs and every
// 25th corpus rule (when the corpus is present).
func fuzzSeeds(f *testing.F) [][]byte {
	var files []string
	for _, pat := range []string{"../rules/*/*/*.yml", "testdata/dump/*.yml"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	if _, err := os.Stat(corpusRoot); err == nil {
		all := corpusFiles(f, "rules")
		for i := 0; i < len(all); i += 25 {
			files = append(files, all[i])
		}
	}
	var out [][]byte
	for _, file := range files {
		if src, err := os.ReadFile(file); err == nil {
			out = append(out, src)
		}
	}
	return out
}

// FuzzParseFile checks that no input panics and that every error is
// positioned in the file and carries a code.
func FuzzParseFile(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		docs, errs := ParseFile("f.yml", src)
		for _, e := range errs {
			if e.Pos.File != "f.yml" || e.Pos.Line < 1 || e.Pos.Col < 1 || e.Code == "" {
				t.Fatalf("unpositioned error %#v", e)
			}
			if e.Code == ir.CodeInternal {
				t.Fatalf("internal error: %v", e)
			}
		}
		for _, d := range docs {
			if d == nil || d.Metadata() == nil {
				t.Fatal("nil document")
			}
			if len(errs) == 0 {
				if r, ok := d.(*ir.Rule); ok && (r.Detection == nil || len(r.Detection.Conditions) == 0) {
					t.Fatal("rule without detection or condition but no error")
				}
			}
			_ = ir.DumpJSON(d)
		}
	})
}

// FuzzParseCondition checks that conditions never panic, that errors are
// positioned, and that a parsed condition printed back parses to the same
// tree.
func FuzzParseCondition(f *testing.F) {
	for _, s := range []string{
		"selection", "a and b or c", "not a and b", "a and (b or c)", "not (a or b)",
		"1 of sel* and not 1 of filter*", "all of them", "any of x", "(((a)))", "a | count() > 5",
		"count(x) by y", "a and", ")(", "1 of", "all of them and not _x",
	} {
		f.Add(s)
	}
	for _, src := range fuzzSeeds(f) {
		for _, line := range strings.Split(string(src), "\n") {
			if c, ok := strings.CutPrefix(strings.TrimSpace(line), "condition: "); ok {
				f.Add(c)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		pos := ir.Pos{File: "c", Line: 3, Col: 5}
		c, err := ParseCondition(src, pos)
		if err != nil {
			var list ir.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error is not an ErrorList: %v", err)
			}
			for _, e := range list {
				if e.Pos.File != "c" || e.Pos.Line != 3 || e.Pos.Col < 5 || e.Code != ir.CodeCondition {
					t.Fatalf("bad error %#v", e)
				}
			}
			return
		}
		printed := condSigma(c)
		c2, err := ParseCondition(printed, pos)
		if err != nil {
			t.Fatalf("%q printed as %q does not parse: %v", src, printed, err)
		}
		if a, b := condSigma(c2), printed; a != b {
			t.Fatalf("round trip of %q: %q then %q", src, b, a)
		}
	})
}

// condSigma prints a condition back in Sigma syntax, fully parenthesised.
func condSigma(c ir.Cond) string {
	join := func(ts []ir.Cond, op string) string {
		s := make([]string, len(ts))
		for i, t := range ts {
			s[i] = condSigma(t)
		}
		return "(" + strings.Join(s, " "+op+" ") + ")"
	}
	switch c := c.(type) {
	case *ir.And:
		return join(c.Terms, "and")
	case *ir.Or:
		return join(c.Terms, "or")
	case *ir.Not:
		return "not " + condSigma(c.X)
	case *ir.Ref:
		return c.Name
	case *ir.Quantified:
		if c.Them {
			return c.Word + " of them"
		}
		return c.Word + " of " + c.Pattern
	}
	return "?"
}
