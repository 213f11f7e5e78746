package splunk

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sigconv/sigconv/ir"
)

// unquote reverses splString.
func unquote(q string) (string, bool) {
	if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(q)-1; i++ {
		c := q[i]
		if c == '\\' {
			i++
			if i == len(q)-1 {
				return "", false
			}
			c = q[i]
		} else if c == '"' {
			return "", false
		}
		b.WriteByte(c)
	}
	return b.String(), true
}

// FuzzSPLString checks that every string survives quoting and that a
// quoted value never unbalances a query.
func FuzzSPLString(f *testing.F) {
	for _, s := range []string{``, `a"b`, `\`, `a\`, `"`, `) OR (`, `| delete`, "x\ny", "`m`"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := splString(s)
		got, ok := unquote(q)
		if !ok || got != s {
			t.Fatalf("splString(%q) = %s does not unquote", s, q)
		}
		if err := CheckStructure("f=" + q + " g=1"); err != nil {
			t.Fatalf("CheckStructure(f=%s): %v", q, err)
		}
	})
}

// globMatch is the reference meaning of a Sigma pattern: '*' any run of
// characters, '?' exactly one, literals compared case-insensitively when
// fold is set. Dynamic programming over runes keeps it linear in the
// product of the lengths.
func globMatch(parts []ir.StrPart, s string, fold bool) bool {
	type tok struct {
		kind ir.PartKind
		r    rune
	}
	var toks []tok
	for _, p := range parts {
		if p.Kind == ir.PartLit {
			for _, r := range p.Text {
				toks = append(toks, tok{ir.PartLit, r})
			}
			continue
		}
		toks = append(toks, tok{kind: p.Kind})
	}
	in := []rune(s)
	// can[j] reports whether toks[:i] matches in[:j], row by row.
	can := make([]bool, len(in)+1)
	can[0] = true
	for _, t := range toks {
		next := make([]bool, len(in)+1)
		for j := 0; j <= len(in); j++ {
			switch t.kind {
			case ir.PartWildMany:
				next[j] = can[j] || (j > 0 && next[j-1])
			case ir.PartWildOne:
				next[j] = j > 0 && can[j-1]
			default:
				next[j] = j > 0 && can[j-1] && (in[j-1] == t.r || (fold && strings.EqualFold(string(in[j-1]), string(t.r))))
			}
		}
		can = next
	}
	return can[len(in)]
}

// FuzzPatternRegex checks that the PCRE written for a pattern matches the
// same strings as the pattern (Go's RE2 reads the emitted subset — quoted
// metacharacters, \x{..}, ., .*, ^, \z — the same way PCRE does).
func FuzzPatternRegex(f *testing.F) {
	f.Add(`C:\Windows\*\cmd.exe`, `c:\windows\system32\cmd.exe`, true)
	f.Add(`a?c`, "a\nc", false)
	f.Add(`*x.y*`, `xxy`, true)
	f.Add(`(a|b)[c]{2}$^`, `(a|b)[c]{2}$^`, false)
	f.Add("t`ick", "T`ICK", true)
	f.Fuzz(func(t *testing.T, pattern, probe string, fold bool) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(probe) {
			return
		}
		parts := parseGlob(pattern)
		re, dot := patternRegex(parts, true)
		flags := regexFlags(fold, false, dot)
		rx, err := regexp.Compile(flags + re)
		if err != nil {
			t.Fatalf("pattern %q: regex %q does not compile: %v", pattern, flags+re, err)
		}
		if strings.Contains(re, "`") {
			t.Fatalf("regex %q holds a backtick", re)
		}
		// Go's (?i) folds Unicode simple case pairs like strings.EqualFold.
		if got, want := rx.MatchString(probe), globMatch(parts, probe, fold); got != want {
			t.Fatalf("pattern %q probe %q fold %v: regex %q says %v, glob says %v", pattern, probe, fold, flags+re, got, want)
		}
	})
}

// parseGlob reads a pattern where '*' and '?' are wildcards (no escapes).
func parseGlob(s string) []ir.StrPart {
	var parts []ir.StrPart
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, ir.StrPart{Kind: ir.PartLit, Text: lit.String()})
			lit.Reset()
		}
	}
	for _, r := range s {
		switch r {
		case '*':
			flush()
			parts = append(parts, ir.StrPart{Kind: ir.PartWildMany})
		case '?':
			flush()
			parts = append(parts, ir.StrPart{Kind: ir.PartWildOne})
		default:
			lit.WriteRune(r)
		}
	}
	flush()
	return parts
}
