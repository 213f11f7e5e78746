package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckLint checks that check lints: findings as file:line:col:
// severity: msg [id], duplicate ids across files, --disable and
// --lint-config, and exit 1 on error findings only.
func TestCheckLint(t *testing.T) {
	dir := t.TempDir()
	rule := func(id, extra string) string {
		return "title: t " + id + "\nid: " + id + "\nstatus: test\ndescription: d\nauthor: a\ndate: 2024-01-02\n" + extra +
			"logsource:\n  category: process_creation\n  product: windows\ndetection:\n  sel:\n    Image: x\n  condition: sel\nlevel: low\n"
	}
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const id = "5b1d0c8a-6f0e-4d43-9a55-1a2b3c4d5e6f"
	a := write("a.yml", rule(id, ""))
	b := write("b.yml", rule(id, "tags:\n  - attack.Execution\n"))
	cfg := write("lint.yml", "disabled: [duplicate-id, invalid-tag]\n")
	tests := []struct {
		name string
		args []string
		code int
		want []string // substrings of stdout
		not  []string
	}{
		{"clean", []string{"check", a}, 0, nil, []string{"[duplicate-id]"}},
		{"duplicate and tag", []string{"check", a, b}, 1, []string{"b.yml:2:5: error: id " + id + " is also used at", "b.yml:8:5: error: tag \"attack.Execution\"", "[duplicate-id]", "[invalid-tag]"}, nil},
		{"disable", []string{"check", "--disable", "duplicate-id,invalid-tag", a, b}, 0, nil, []string{"[duplicate-id]", "[invalid-tag]"}},
		{"config", []string{"check", "--lint-config", cfg, a, b}, 0, nil, []string{"[duplicate-id]"}},
		{"no-lint", []string{"check", "--no-lint", a, b}, 0, nil, []string{"[duplicate-id]"}},
		{"unknown id", []string{"check", "--disable", "nope", a}, 2, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(out, w) {
					t.Errorf("stdout has %q:\n%s", w, out)
				}
			}
		})
	}
}
