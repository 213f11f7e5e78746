package injection

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigconv/sigconv/internal/cli"
)

// TestPartialOutput checks that failing -o runs never leave half-written
// or temporary files: a bad rule next to good ones (the good outputs are
// complete), an output path blocked by a directory, and -o FILE in a
// missing directory.
func TestPartialOutput(t *testing.T) {
	in := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(in, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.yml", literalRule(`a"b`, ""))
	write("b.yml", literalRule("x", "containz")) // unknown modifier
	write("c.yml", literalRule(`c\`, "endswith"))
	runCLI := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := cli.Run(args, strings.NewReader(""), &out, &errb)
		return code, out.String() + errb.String()
	}
	// leftovers lists temporary files under dir.
	leftovers := func(dir string) []string {
		var bad []string
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && strings.Contains(d.Name(), ".tmp") {
				bad = append(bad, p)
			}
			return nil
		})
		return bad
	}
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, msg := runCLI("-t", tg.name, in, "-o", out+"/")
			if code == 0 {
				t.Fatalf("bad rule but exit 0:\n%s", msg)
			}
			for _, name := range []string{"a", "c"} {
				_, single := runCLI("-t", tg.name, filepath.Join(in, name+".yml"))
				files, _ := filepath.Glob(filepath.Join(out, name+".*"))
				if len(files) != 1 {
					t.Fatalf("%s: outputs %v\n%s", name, files, msg)
				}
				got, _ := os.ReadFile(files[0])
				if len(got) == 0 || !strings.Contains(single, strings.TrimSpace(string(got))[:min(40, len(strings.TrimSpace(string(got))))]) {
					t.Errorf("%s: written output %q is not the converted query %q", name, got, single)
				}
			}
			if files, _ := filepath.Glob(filepath.Join(out, "b.*")); len(files) != 0 {
				t.Errorf("failed rule has outputs %v", files)
			}
			if bad := leftovers(out); len(bad) > 0 {
				t.Errorf("temporary files left: %v", bad)
			}

			// An output path taken by a directory: the rename fails.
			blocked := filepath.Join(t.TempDir(), "out")
			single, _ := filepath.Glob(filepath.Join(out, "a.*"))
			if err := os.MkdirAll(filepath.Join(blocked, filepath.Base(single[0]), "x"), 0o755); err != nil {
				t.Fatal(err)
			}
			if code, msg := runCLI("-t", tg.name, filepath.Join(in, "a.yml"), "-o", blocked+"/"); code == 0 {
				t.Errorf("blocked output path but exit 0:\n%s", msg)
			}
			if bad := leftovers(blocked); len(bad) > 0 {
				t.Errorf("temporary files left: %v", bad)
			}

			// -o FILE in a missing directory.
			missing := filepath.Join(t.TempDir(), "no", "such", "file.txt")
			if code, _ := runCLI("-t", tg.name, filepath.Join(in, "a.yml"), "-o", missing); code == 0 {
				t.Errorf("-o in a missing directory but exit 0")
			}
			if _, err := os.Stat(filepath.Dir(missing)); err == nil {
				if bad := leftovers(filepath.Dir(missing)); len(bad) > 0 {
					t.Errorf("temporary files left: %v", bad)
				}
			}
		})
	}
}
