package fastyaml

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gopkg.in/yaml.v3"
)

// corpusRoot is the SigmaHQ rule corpus, next to the repository.
const corpusRoot = "../../../../shared/sigma-rules"

// repoRoot is the root of this repository.
const repoRoot = "../../.."

// decodeV3 decodes src the way the parser did before this package: one
// yaml.v3 Decode call per document until io.EOF.
func decodeV3(src []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var docs []*yaml.Node
	for {
		n := new(yaml.Node)
		err := dec.Decode(n)
		if err == io.EOF {
			return docs, nil
		}
		if err != nil {
			return docs, err
		}
		docs = append(docs, n)
	}
}

// ignoreComments leaves out the only fields Parse does not fill: the parser
// never reads comments.
var ignoreComments = cmpopts.IgnoreFields(yaml.Node{}, "HeadComment", "LineComment", "FootComment")

// differ checks the differential property: when Parse handles src, yaml.v3
// decodes it without error into equal trees. It reports whether Parse
// handled src.
func differ(t *testing.T, name string, src []byte) bool {
	t.Helper()
	got, ok := Parse(src)
	if !ok {
		return false
	}
	want, err := decodeV3(src)
	if err != nil {
		t.Errorf("%s: fast path accepted input yaml.v3 rejects (%v)", name, err)
		return true
	}
	if equal(want, got) {
		return true
	}
	if diff := cmp.Diff(want, got, ignoreComments); diff != "" {
		t.Errorf("%s: trees differ (-yaml.v3 +fastyaml):\n%s", name, diff)
	}
	return true
}

func TestCases(t *testing.T) {
	for _, tc := range []struct {
		src     string
		handled bool
	}{
		{"", true},
		{"# only a comment\n", true},
		{"a: 1\nb: [x, 'y', {k: v}]\nc: {}\nd: []\n", true},
		{"---\n---\n...\n", true},
		{"a: 1\n...\n---\nb: 2\n", true},
		{"- \n- a\n-\n  b\n- - c\n  - d\n- e: 1\n  f: 2\n", true},
		{"a:\n- b\n- c\nd: e\n", true},
		{"a: x\n  y\n\n  z\nb: 1\n", true},
		{"a: x\n  -\n  - y\n", true},
		{"a: 'it''s'\nb: \"tab\\there\\u00e9\\x41\\\n   next\"\nc: 'x\n\n  y  z'\n", true},
		{"a: |+\n  x\n\n\nb: >-\n  x\n  y\n\n   z\n  w\nc: |2\n    two\nd: >\n\n  folded\n  text\n", true},
		{"a: 1 #c\n#d\nb: 0x10\nc: 1_000\nd: .5\ne: 2020-01-02\nf: ~\ng: True\nh: <<\ni: -0b11\nj: 0o17\nk: 1e3\nl: 08\n", true},
		{"key: été\nnext: ä: x\n", false},
		{"a: &x 1\nb: *x\n", false},
		{"a: !!str 1\n", false},
		{"? a\n: b\n", false},
		{"%YAML 1.2\n---\na: 1\n", false},
		{"a:\n\tb: 1\n", false},
		{"# tab\there\na: 1\n  #\tx\nb: |\n  # \tin the value\n", true},
		{"a: 'x\n  #\ty'\n", false},
		{"a: 1 #\tx\n", false},
		{"a: 1\r\n", false},
		{"\ufeffa: 1\n", false},
		{"a: b: c\n", false},
		{"a: - b\n", false},
		{"a: 'x\n", false},
		{"a:\n  b: 1\n c: 2\n", false},
		{"a: \"\\/\"\n", false},
	} {
		_, ok := Parse([]byte(tc.src))
		if ok != tc.handled {
			t.Errorf("Parse(%q) handled = %v, want %v", tc.src, ok, tc.handled)
		}
		differ(t, tc.src, []byte(tc.src))
	}
}

// ymlFiles lists the *.yml and *.yaml files below root (nil when root is
// absent).
func ymlFiles(root string) []string {
	var files []string
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".yml") || strings.HasSuffix(path, ".yaml")) {
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files)
	return files
}

// TestCorpusDifferential compares Parse with yaml.v3 on every YAML file of
// the SigmaHQ corpus (all folders) and of this repository, and reports how
// many files the fast path handles per folder.
func TestCorpusDifferential(t *testing.T) {
	type count struct{ handled, total int }
	counts := map[string]*count{}
	var skipped []string
	check := func(group, file string) {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		c := counts[group]
		if c == nil {
			c = &count{}
			counts[group] = c
		}
		c.total++
		if differ(t, file, src) {
			c.handled++
		} else if group == "sigma-rules/rules" {
			skipped = append(skipped, file)
		}
	}
	for _, f := range ymlFiles(repoRoot) {
		check("repository", f)
	}
	if _, err := os.Stat(corpusRoot); errors.Is(err, fs.ErrNotExist) {
		t.Log("corpus absent: only the repository's files were compared")
	} else {
		for _, f := range ymlFiles(corpusRoot) {
			rel, _ := filepath.Rel(corpusRoot, f)
			check("sigma-rules/"+strings.Split(filepath.ToSlash(rel), "/")[0], f)
		}
	}
	groups := make([]string, 0, len(counts))
	for g := range counts {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		c := counts[g]
		t.Logf("%-36s %5d of %5d files handled by the fast path (%.2f%%)", g, c.handled, c.total, 100*float64(c.handled)/float64(c.total))
	}
	for _, f := range skipped {
		t.Logf("falls back: %s", f)
	}
}

// FuzzFastYAML checks the differential property on arbitrary input: when
// Parse handles it, yaml.v3 accepts it and builds equal trees.
func FuzzFastYAML(f *testing.F) {
	for _, tc := range []string{
		"a: 1\n", "- a\n- b: c\n  d: e\n", "a: |-\n  x\n\n  y\n", "a: >+\n  x\n   y\n\n", "a: '\n  x\n\n  y'\n",
		"a: \"\\x41\\u00e9\\\n  b\"\n", "a: [1, 'b', {c: d}]\n", "--- # c\na: 1\n...\n---\n", "a: b #c\n  # d\n",
	} {
		f.Add([]byte(tc))
	}
	// Every file of this repository and every 50th of the corpus (read at
	// run time, as the parser's own fuzz tests do, rather than copied).
	files := ymlFiles(repoRoot)
	for i, c := range ymlFiles(corpusRoot) {
		if i%50 == 0 {
			files = append(files, c)
		}
	}
	for _, file := range files {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		differ(t, "input", src)
	})
}

// equal compares the fields Parse fills (everything but comments) and is
// much faster than cmp.Equal; cmp.Diff explains a difference.
func equal(a, b []*yaml.Node) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Kind != y.Kind || x.Style != y.Style || x.Tag != y.Tag || x.Value != y.Value || x.Anchor != y.Anchor ||
			x.Line != y.Line || x.Column != y.Column || (x.Alias == nil) != (y.Alias == nil) ||
			(x.Content == nil) != (y.Content == nil) || !equal(x.Content, y.Content) {
			return false
		}
	}
	return true
}

// TestCheckText compares the word-at-a-time check with a plain loop over
// every byte value at every position of a word.
func TestCheckText(t *testing.T) {
	slow := func(src []byte) bool {
		for _, c := range src {
			if c < 0x80 && ((c < ' ' && c != '\n') || c == 0x7f) {
				return false
			}
		}
		return true
	}
	for c := range 0x80 {
		for pos := range 17 {
			src := []byte(strings.Repeat("abcdefgh", 3))
			src[pos] = byte(c)
			if _, ok := checkText(src); ok != slow(src) {
				t.Errorf("byte %#x at %d: ok = %v", c, pos, ok)
			}
		}
	}
	for _, s := range []string{"0123456789abcdé", "ab\u2028cdefghijkl", "abcdefgh\ufeff", "abcdefg\u0085", "abcdefgh\U0001F600"} {
		ascii, ok := checkText([]byte(s))
		want := !strings.ContainsAny(s, "\u2028\ufeff\u0085")
		if ok != want || ascii {
			t.Errorf("checkText(%q) = %v, %v", s, ascii, ok)
		}
	}
}

// TestResolveTag compares resolveTag with the tag yaml.v3 gives the same
// plain scalar.
func TestResolveTag(t *testing.T) {
	for _, v := range []string{
		"a", "true", "True", "TRUE", "tRue", "yes", "No", "on", "off", "~", "null", "Null", "NULL", "nULL",
		".inf", ".Inf", "+.INF", "-.inf", ".nan", ".NaN", ".5", ".", "..", ".e3", ".5e3", "0", "-0", "+1", "007", "08", "0x1F",
		"0X1f", "0o17", "0O17", "-0o17", "0b101", "-0b101", "0b2", "1_000", "1__0", "_1", "1e3", "1E+3", "1.", "1.5.2",
		"9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616", "-9223372036854775809",
		"0x8000000000000000", "1:2", "1,000", "2020-01-02", "2020-1-2", "2020-01-02T03:04:05Z", "2020-01-02t03:04:05+01:00",
		"2020-01-02 03:04:05", "2020-01-02 03:04:05.123", "2020-13-02", "2020-01-02T", "20200-01-02", "2020/01/02",
		"<<", "<", "+", "-a", "+.5", "-.5e-3", "1e", "inf", "Infinity", "nan", "0x", "0o", "0b",
	} {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte("- "+v+"\n"), &doc); err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		if want, got := doc.Content[0].Content[0].Tag, resolveTag(v); got != want {
			t.Errorf("resolveTag(%q) = %s, yaml.v3: %s", v, got, want)
		}
	}
}
