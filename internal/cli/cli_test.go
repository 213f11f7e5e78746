package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const goodRule = `title: Good
id: 11111111-1111-4111-8111-111111111111
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\good.exe'
    condition: selection
`

const badModifier = `title: Bad modifier
logsource:
    product: windows
detection:
    selection:
        Image|containz: x
    condition: selection
`

const badCondition = `title: Bad condition
logsource:
    product: windows
detection:
    selection:
        Image: x
    condition: selection and missing
`

// writeTree creates files (slash-separated names) under a new temporary
// directory and returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// run runs the CLI in-process.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// listFiles returns the slash-separated paths of every file under dir.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

func TestMixedDirectoryToOutputDir(t *testing.T) {
	in := writeTree(t, map[string]string{
		"a/good.yml":      goodRule,
		"a/bad_mod.yml":   badModifier,
		"b/bad_cond.yaml": badCondition,
		"b/good2.yml":     strings.Replace(goodRule, "Good", "Good two", 1),
		"b/readme.txt":    "ignored",
	})
	out := filepath.Join(t.TempDir(), "out") + "/"
	code, stdout, stderr := run(t, "", "convert", "-t", "ir", "-o", out, in)
	if code != ExitFailed {
		t.Errorf("exit code %d, want %d", code, ExitFailed)
	}
	if stdout != "" {
		t.Errorf("stdout not empty with -o DIR: %q", stdout)
	}
	// Problems name file:line:col.
	for _, want := range []string{
		filepath.Join(in, "a", "bad_mod.yml") + `:6:15: error: unknown modifier "containz" [unknown-modifier]`,
		filepath.Join(in, "b", "bad_cond.yaml") + `:7:30: error: undefined search identifier "missing" [undefined-identifier]`,
		"sigconv: 4 rules read: 2 converted, 0 refused, 2 failed",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	// Only the good rules are written, mirroring the input tree, and no
	// temporary file is left behind.
	if diff := cmp.Diff([]string{"a/good.json", "b/good2.json"}, listFiles(t, out)); diff != "" {
		t.Errorf("files under -o DIR (-want +got):\n%s", diff)
	}
	data, err := os.ReadFile(filepath.Join(out, "a", "good.json"))
	if err != nil || !json.Valid(data) || !bytes.Contains(data, []byte(`"Title": "Good"`)) {
		t.Errorf("a/good.json: %v %q", err, data)
	}
}

func TestOutputFileIsAtomic(t *testing.T) {
	in := writeTree(t, map[string]string{"r1.yml": goodRule, "r2.yml": strings.Replace(goodRule, "Good", "Other", 1)})
	dir := t.TempDir()
	out := filepath.Join(dir, "all.json")
	code, stdout, stderr := run(t, "", "-t", "ir", "-o", out, filepath.Join(in, "r1.yml"), filepath.Join(in, "r2.yml"))
	if code != ExitOK || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if diff := cmp.Diff([]string{"all.json"}, listFiles(t, dir)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	data, _ := os.ReadFile(out)
	docs := strings.Split(string(data), "\n\n")
	if len(docs) != 2 || !json.Valid([]byte(docs[0])) || !json.Valid([]byte(docs[1])) {
		t.Errorf("-o FILE holds %d documents: %q", len(docs), data)
	}
}

func TestCommands(t *testing.T) {
	in := writeTree(t, map[string]string{"good.yml": goodRule, "bad.yml": badModifier})
	good, bad := filepath.Join(in, "good.yml"), filepath.Join(in, "bad.yml")
	for _, tc := range []struct {
		name       string
		args       []string
		stdin      string
		code       int
		stdout     string // substring expected on stdout
		stderr     string // substring expected on stderr
		noStdout   bool
		exactLines int // if > 0, the exact number of stdout lines
	}{
		{name: "help", args: nil, code: ExitOK, stdout: "Usage:"},
		{name: "shorthand ir", args: []string{"-t", "ir", good}, code: ExitOK, stdout: `"Title": "Good"`},
		{name: "stdin", args: []string{"convert", "-t", "ir", "-"}, stdin: goodRule, code: ExitOK, stdout: `"File": "-"`},
		{name: "failed rule", args: []string{"-t", "ir", bad}, code: ExitFailed, stderr: "bad.yml:6:15: error: unknown modifier", noStdout: true},
		{name: "missing path", args: []string{"-t", "ir", filepath.Join(in, "nope.yml")}, code: ExitFailed, stderr: "nope.yml: error: cannot stat"},
		{name: "refusal is not failure", args: []string{"-t", "kql", good}, code: ExitOK},
		{name: "no target", args: []string{"convert", good}, code: ExitUsage, stderr: "convert needs a target"},
		{name: "root without target", args: []string{good}, code: ExitUsage, stderr: "give a target with -t"},
		{name: "unknown target", args: []string{"-t", "nope", good}, code: ExitUsage, stderr: `unknown target "nope"`},
		{name: "unknown format", args: []string{"-t", "kql", "-f", "nope", good}, code: ExitUsage, stderr: `has no format "nope"`},
		{name: "unknown flag", args: []string{"convert", "--nope"}, code: ExitUsage, stderr: "unknown flag: --nope"},
		{name: "no paths", args: []string{"-t", "ir"}, code: ExitUsage, stderr: "at least one PATH"},
		{name: "check ok", args: []string{"check", "--no-lint", good}, code: ExitOK, noStdout: true},
		{name: "check problem", args: []string{"check", "--no-lint", in}, code: ExitFailed, stdout: "bad.yml:6:15: error: unknown modifier \"containz\" [unknown-modifier]", exactLines: 1},
		{name: "check summary", args: []string{"check", "--no-lint", in}, code: ExitFailed, stderr: "2 rules read: 1 ok, 0 refused, 1 failed"},
		{name: "list targets", args: []string{"list", "targets"}, code: ExitOK, stdout: "kql"},
		{name: "list formats", args: []string{"list", "formats"}, code: ExitOK, stdout: "ir      default"},
		{name: "list pipelines", args: []string{"list", "pipelines"}, code: ExitOK, stdout: "sysmon"},
		{name: "list modifiers", args: []string{"list", "modifiers"}, code: ExitOK, stdout: "base64offset"},
		{name: "list unknown", args: []string{"list", "nope"}, code: ExitUsage, stderr: "unknown topic"},
		{name: "version", args: []string{"version"}, code: ExitOK, stdout: "sigconv "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tc.stdin, tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, stdout)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
			if tc.noStdout && stdout != "" {
				t.Errorf("stdout not empty: %q", stdout)
			}
			if n := strings.Count(stdout, "\n"); tc.exactLines > 0 && n != tc.exactLines {
				t.Errorf("stdout has %d lines, want %d:\n%s", n, tc.exactLines, stdout)
			}
		})
	}
}

func TestJSONReport(t *testing.T) {
	in := writeTree(t, map[string]string{"good.yml": goodRule, "bad.yml": badModifier})
	code, _, stderr := run(t, "", "-t", "ir", "--json", in)
	if code != ExitFailed {
		t.Errorf("exit code %d, want %d", code, ExitFailed)
	}
	var records []map[string]any
	sc := bufio.NewScanner(strings.NewReader(stderr))
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("stderr line is not JSON: %q", sc.Text())
		}
		records = append(records, rec)
	}
	if len(records) != 3 {
		t.Fatalf("got %d records, want 2 results and a summary:\n%s", len(records), stderr)
	}
	if records[0]["status"] != "failed" || records[0]["kind"] != "rule" || records[1]["status"] != "converted" {
		t.Errorf("result records: %v", records[:2])
	}
	errs, _ := records[0]["errors"].([]any)
	if len(errs) != 1 || errs[0].(map[string]any)["code"] != "unknown-modifier" || errs[0].(map[string]any)["line"] != 6.0 {
		t.Errorf("errors of the bad rule: %v", records[0]["errors"])
	}
	sum := records[2]
	if sum["type"] != "summary" || sum["read"] != 2.0 || sum["converted"] != 1.0 || sum["failed"] != 1.0 {
		t.Errorf("summary record: %v", sum)
	}
}
