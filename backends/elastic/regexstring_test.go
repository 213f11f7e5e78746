package elastic

import (
	"regexp/syntax"
	"strings"
	"testing"
)

// TestRegexString checks the fast printing of counted repetitions of
// classes against (*syntax.Regexp).String.
func TestRegexString(t *testing.T) {
	exprs := []string{
		`[^"]{0,64}`, `[^\t\n\f\r \-]{0,20}`, `[a-z]{2,}`, `[a-z]{3}`, `\d{1,5}?`,
		`[\x00-\x1f\x{2028}]{2,9}`, `[-a]{1,100}`, `[\-\]\[^\\]{4,70}`, `(?i)[a-k]{2,90}`,
		`[^\x00]{5,}`, `\s{1,200}`, `\W{3,9}`, `[^a-zA-Z0-9]{65,}`, `[\x{10000}-\x{10FFFF}]{1,2}`,
		`.{1,50}`, `(?s).{1,50}`, `(ab){2,3}`, `a{2,5}`, `[ab]*`,
	}
	for _, flags := range []syntax.Flags{syntax.Perl, syntax.Perl | syntax.FoldCase, syntax.Perl | syntax.DotNL} {
		for _, expr := range exprs {
			re, err := syntax.Parse(expr, flags)
			if err != nil {
				t.Fatalf("%s: %v", expr, err)
			}
			if got, want := regexString(re), re.String(); got != want {
				t.Errorf("regexString(%q, %v) = %q, want %q", expr, flags, got, want)
			}
		}
	}
}

// TestWriteFoldText checks writeFoldText against writeFoldRune per rune.
func TestWriteFoldText(t *testing.T) {
	for _, s := range []string{"", "AbcXYZ az", `C:\Windows\*.exe`, "ß\u212aİÄö", "bad\xffutf\xc3", "\x00\x7f~{|}@[`"} {
		var got, want strings.Builder
		writeFoldText(&got, s)
		for _, r := range s {
			writeFoldRune(&want, r)
		}
		if got.String() != want.String() {
			t.Errorf("writeFoldText(%q) = %q, want %q", s, got.String(), want.String())
		}
	}
}
