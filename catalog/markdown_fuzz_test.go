package catalog

import (
	"strings"
	"testing"
)

// FuzzMarkdownCell checks that any text put in a table cell keeps the
// table intact: no line break and no unescaped pipe.
func FuzzMarkdownCell(f *testing.F) {
	for _, s := range []string{"", "a|b", "`x`", " -enc ", "line\nbreak", "\\|", "``", "a\r\nb", "<script>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, cell := range map[string]string{"mdEscape": mdEscape(s), "mdCode": mdCode(s)} {
			if strings.ContainsAny(cell, "\r\n") {
				t.Errorf("%s(%q) = %q has a line break", name, s, cell)
			}
			for i := 0; i < len(cell); i++ {
				if cell[i] == '|' && (i == 0 || cell[i-1] != '\\') {
					t.Errorf("%s(%q) = %q has an unescaped pipe", name, s, cell)
				}
			}
		}
		if strings.ContainsAny(strings.ReplaceAll(mdEscape(s), "<br>", ""), "<>") {
			t.Errorf("mdEscape(%q) keeps HTML brackets", s)
		}
	})
}
