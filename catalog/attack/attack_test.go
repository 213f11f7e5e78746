package attack

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoad(t *testing.T) {
	m, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(m.Tactics()), 14; got != want {
		t.Errorf("tactics: got %d, want %d", got, want)
	}
	if got, want := len(m.Techniques()), 691; got != want {
		t.Errorf("techniques: got %d, want %d", got, want)
	}
	if first := m.Tactics()[0].ShortName; first != "reconnaissance" {
		t.Errorf("first tactic in matrix order: got %q", first)
	}
	if !strings.Contains(Notice(), "The MITRE Corporation") {
		t.Error("notice lost")
	}
}

func TestDisplayNames(t *testing.T) {
	m := MustLoad()
	tests := []struct {
		name, in, want string
		tactic         bool
	}{
		{"tactic with and", "command-and-control", "Command & Control", true},
		{"tactic underscore", "command_and_control", "Command & Control", true},
		{"tactic plain", "exfiltration", "Exfiltration", true},
		{"technique", "t1572", "T1572 Protocol Tunneling", false},
		{"sub-technique", "T1567.001", "T1567.001 Exfiltration Over Web Service: Exfiltration to Code Repository", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			if tc.tactic {
				ta, ok := m.Tactic(tc.in)
				if !ok {
					t.Fatalf("tactic %q not found", tc.in)
				}
				got = ta.DisplayName()
			} else {
				te, ok := m.Technique(tc.in)
				if !ok {
					t.Fatalf("technique %q not found", tc.in)
				}
				got = te.DisplayName()
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
	if _, ok := m.Tactic("stealth"); ok {
		t.Error("stealth is not an ATT&CK v18.1 tactic")
	}
}
