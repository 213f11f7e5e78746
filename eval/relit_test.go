package eval

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReLiterals(t *testing.T) {
	tests := []struct {
		re   string
		want []string
	}{
		{`abcd`, []string{"abcd"}},
		{`(?i)InvokeX\s+`, []string{"invokex"}},
		{`\$PSHome\[\s*\d{1,3}\s*\]`, []string{"$pshome["}},
		{`(evil|wicked)\.exe`, []string{"evil", "wicked"}},
		{`(evil|bad)\.exe`, []string{".exe"}},
		{`a.*b`, nil},
		{`(?:fooo)+x`, []string{"fooo"}},
		{`(?:fooo)*x`, nil},
		{`^.*\\temp\\[a-z]+\.ps1$`, []string{`\temp\`}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, reLiterals(tc.re, 4)); diff != "" {
			t.Errorf("%s (-want +got)\n%s", tc.re, diff)
		}
	}
}

func TestReRareLiterals(t *testing.T) {
	tests := []struct {
		re   string
		want []string
	}{
		{"\\w+`(?:\\w+|-|.)`[\\w+|\\s]", []string{"`"}},
		{`"(?:\{\d\})+"\s*-f`, []string{`"`}},
		{`(?i)\$\{` + "`?e`?n", []string{"${"}},
		{`\s-\s*<`, []string{"<"}},
		{`arp\s+-a`, []string{"arp"}},
		{`ab|cd`, []string{"ab", "cd"}},
		{`\w+`, nil},
		{"x\uFFFDy", nil},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, reRareLiterals(tc.re)); diff != "" {
			t.Errorf("%s (-want +got)\n%s", tc.re, diff)
		}
	}
}
