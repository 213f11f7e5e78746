package kql

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sigconv/sigconv/ir"
)

// decodeLiteral reads a Kusto string literal as Kusto does (regular with
// \\ \" \' \t \n \r escapes, or verbatim @"..." with "" for a quote).
func decodeLiteral(t *testing.T, lit string) string {
	t.Helper()
	if strings.HasPrefix(lit, `@"`) && strings.HasSuffix(lit, `"`) {
		body := lit[2 : len(lit)-1]
		if strings.Contains(strings.ReplaceAll(body, `""`, ""), `"`) {
			t.Fatalf("verbatim literal %s has a lone quote", lit)
		}
		return strings.ReplaceAll(body, `""`, `"`)
	}
	if !strings.HasPrefix(lit, `"`) || !strings.HasSuffix(lit, `"`) || len(lit) < 2 {
		t.Fatalf("not a literal: %s", lit)
	}
	var b strings.Builder
	body := lit[1 : len(lit)-1]
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '"':
			t.Fatalf("unescaped quote in %s", lit)
		case c == '\n' || c == '\r':
			t.Fatalf("raw line break in %s", lit)
		case c == '\\':
			i++
			if i == len(body) {
				t.Fatalf("dangling backslash in %s", lit)
			}
			switch body[i] {
			case '\\', '"', '\'':
				b.WriteByte(body[i])
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			default:
				t.Fatalf("unknown escape \\%c in %s", body[i], lit)
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func FuzzQuote(f *testing.F) {
	for _, s := range []string{"", "abc", `C:\Windows\`, `say "hi"`, "a\nb", "tab\there\\", `\"`, "日本", "\x00", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lit, err := quote(s)
		if err != nil {
			if utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
				return (r < 0x20 || r == 0x7f) && r != '\t' && r != '\n' && r != '\r'
			}) {
				t.Fatalf("quote(%q) refused a printable value: %v", s, err)
			}
			return
		}
		if got := decodeLiteral(t, lit); got != s {
			t.Fatalf("quote(%q) = %s denotes %q", s, lit, got)
		}
		if err := checkStructure("T\n| where A == " + lit); err != nil {
			t.Fatalf("structure of %s: %v", lit, err)
		}
	})
}

// FuzzWildcardRegex checks that the anchored regex of a pattern built from
// the input (with '*' and '?' as wildcards) compiles and matches the input
// text itself read as a literal where the wildcards stand for themselves.
func FuzzWildcardRegex(f *testing.F) {
	for _, s := range []string{"a*b", "C:\\*\\x.exe", "?x?", "(a|b)+[c]", "**", "é?"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		var parts []ir.StrPart
		for _, r := range s {
			switch r {
			case '*':
				parts = append(parts, ir.StrPart{Kind: ir.PartWildMany})
			case '?':
				parts = append(parts, ir.StrPart{Kind: ir.PartWildOne})
			default:
				parts = append(parts, ir.StrPart{Kind: ir.PartLit, Text: string(r)})
			}
		}
		re, err := regexp.Compile(wildcardRegex(parts, true, true))
		if err != nil {
			t.Fatalf("pattern %q: %v", s, err)
		}
		if !re.MatchString(s) {
			t.Fatalf("regex %s does not match its own pattern text %q", re, s)
		}
	})
}
