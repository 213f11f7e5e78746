package splunk

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckStructure(t *testing.T) {
	tests := []struct {
		q  string
		ok bool
	}{
		{`a="1" (b="2" OR c="3")`, true},
		{"*\n| where match(f, \"(?i)a\\\\)\") AND NOT (isnull(g))", true},
		{`a="x\"y" b IN ("1", "2")`, true},
		{`a="1`, false},                          // unterminated string
		{`(a="1" OR b="2"`, false},               // unbalanced
		{`a="1")`, false},                        // unbalanced
		{`a="1" () b="2"`, false},                // empty group
		{`a="1" OR`, false},                      // dangling operator
		{`OR a="1"`, false},                      // missing left operand
		{`a="1" OR OR b="2"`, false},             // doubled operator
		{`(a="1" | where b)`, false},             // pipeline stage inside a group
		{"a=\"1\"\n| where", true},               // a command may have no argument here
		{"x\n| where match('a.b, \"y\")", false}, // unterminated field quote
	}
	for _, tc := range tests {
		err := CheckStructure(tc.q)
		if (err == nil) != tc.ok {
			t.Errorf("CheckStructure(%q) = %v, want ok=%v", tc.q, err, tc.ok)
		}
	}
}

func TestCheckConf(t *testing.T) {
	good := "# c\n\n[a]\nsearch = x \\\n| where y\ndescription = d\n\n[b]\nsearch = z\n"
	if err := CheckConf([]byte(good)); err != nil {
		t.Errorf("good conf: %v", err)
	}
	for _, bad := range []string{
		"[a]\nsearch = x\n[a]\nsearch = y\n", // duplicate stanza
		"[a]\ndescription = d\n",             // no search
		"[a]]\nsearch = x\n",                 // malformed header
		"[a]\nsearch = x\n| where y\n",       // continuation without backslash
	} {
		if err := CheckConf([]byte(bad)); err == nil {
			t.Errorf("CheckConf accepted %q", bad)
		}
	}
}

// TestGoldenStructure runs the structure checks over every Splunk golden
// output: each query of want/splunk.default and want/splunk.data_model
// (blank-line separated; refusal and warning lines skipped) and each
// want/splunk.savedsearches file.
func TestGoldenStructure(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/golden/*/want/splunk.*")
	if len(files) == 0 {
		t.Skip("no golden files")
	}
	queries := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f, ".savedsearches") {
			var conf []string
			for _, l := range strings.Split(string(src), "\n") {
				if !strings.HasPrefix(l, "rule.yml:") && !strings.Contains(l, ".yml:") {
					conf = append(conf, l)
				}
			}
			if err := CheckConf([]byte(strings.Join(conf, "\n"))); err != nil {
				t.Errorf("%s: %v", f, err)
			}
			continue
		}
		for _, block := range strings.Split(string(src), "\n\n") {
			var lines []string
			for _, l := range strings.Split(strings.TrimSpace(block), "\n") {
				if strings.Contains(l, ": refused: ") || strings.Contains(l, ": warning: ") || strings.Contains(l, ": error: ") || l == "" {
					continue
				}
				lines = append(lines, l)
			}
			if len(lines) == 0 {
				continue
			}
			queries++
			if err := CheckStructure(strings.Join(lines, "\n")); err != nil {
				t.Errorf("%s: %v\n%s", f, err, block)
			}
		}
	}
	t.Logf("%d golden queries checked in %d files", queries, len(files))
}

// TestPlainFieldFunctions checks the byte loops against the regular
// expressions they replace in hot paths.
func TestPlainFieldFunctions(t *testing.T) {
	for _, name := range []string{"", "a", "A_b.c", "9x", "_x9", "x y", "a-b", "é", "a.b.", "Image", "process.name", "x\n"} {
		if got, want := isPlainSearchField(name), plainSearchField.MatchString(name); got != want {
			t.Errorf("isPlainSearchField(%q) = %v, want %v", name, got, want)
		}
		if got, want := isPlainEvalField(name), plainEvalField.MatchString(name); got != want {
			t.Errorf("isPlainEvalField(%q) = %v, want %v", name, got, want)
		}
	}
}
