package elastic

import (
	"strings"
	"testing"

	"github.com/sigconv/sigconv/ir"
)

// likePattern is the reference for writeESQLLike: a Sigma pattern as an
// ES|QL LIKE pattern, literal *, ? and \ escaped with a backslash.
func likePattern(parts []ir.StrPart, lowerCase bool) string {
	var b strings.Builder
	b.Grow(patternLen(parts) + 8)
	for _, p := range parts {
		switch p.Kind {
		case ir.PartLit:
			t := p.Text
			if lowerCase {
				t = strings.ToLower(t)
			}
			for _, r := range t {
				if r == '*' || r == '?' || r == '\\' {
					b.WriteByte('\\')
				}
				b.WriteRune(r)
			}
		case ir.PartWildMany:
			b.WriteByte('*')
		case ir.PartWildOne:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// TestWriteESQLText checks the one-pass ES|QL literal writers against
// lowercasing, LIKE escaping and string escaping done one after another.
func TestWriteESQLText(t *testing.T) {
	texts := []string{
		"", "plain", `C:\Windows\*.exe`, "a\"b\nc\rd\te", "Quoted \"*?\\\"", "\u212a\u0130ÄÖ", "bad\xffutf\xc3", "\ufffd", "MiXeD-Case_123",
	}
	for _, s := range texts {
		for _, lowerCase := range []bool{false, true} {
			want := s
			if lowerCase {
				want = strings.ToLower(s)
			}
			var wb, gb strings.Builder
			writeESQLString(&wb, want)
			writeESQLText(&gb, s, lowerCase, false)
			if gb.String() != wb.String() {
				t.Errorf("writeESQLText(%q, %v) = %s, want %s", s, lowerCase, gb.String(), wb.String())
			}
			parts := []ir.StrPart{{Kind: ir.PartWildMany}, {Kind: ir.PartLit, Text: s}, {Kind: ir.PartWildOne}, {Kind: ir.PartLit, Text: s}}
			wb.Reset()
			gb.Reset()
			writeESQLString(&wb, likePattern(parts, lowerCase))
			writeESQLLike(&gb, parts, lowerCase)
			if gb.String() != wb.String() {
				t.Errorf("writeESQLLike(%q, %v) = %s, want %s", s, lowerCase, gb.String(), wb.String())
			}
		}
	}
}
