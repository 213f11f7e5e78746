package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVerifyCommand(t *testing.T) {
	seeds := filepath.Join("..", "..", "rules")
	report := filepath.Join(t.TempDir(), "report.json")
	events := writeTree(t, map[string]string{"ev.jsonl": `{"Initiated":"true","DestinationHostname":"a.devtunnels.ms","EventCode":3}` + "\n"})
	code, out, errs := run(t, "", "verify", "-t", "splunk", "-t", "kql", "--report", report, "--events", filepath.Join(events, "ev.jsonl"), seeds)
	if code != ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	for _, want := range []string{"sigconv verify: splunk: 2 rules: 2 exact", "sigconv verify: kql: 2 rules: 2 exact", "0 disagree"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Summaries []struct{ Target string } `json:"summaries"`
		Rules     []struct {
			Target, Fidelity string
			Events           int
		} `json:"rules"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Summaries) != 2 || len(rep.Rules) != 4 || rep.Rules[0].Fidelity != "exact" || rep.Rules[0].Events == 0 {
		t.Errorf("report: %+v", rep)
	}

	if code, _, _ := run(t, "", "verify", seeds); code != ExitUsage {
		t.Errorf("verify without -t: exit %d, want %d", code, ExitUsage)
	}
}

const testRule = `title: Whoami
id: 11111111-2222-3333-4444-555555555555
logsource: {product: windows, category: process_creation}
detection:
  sel:
    Image|endswith: '\whoami.exe'
  condition: sel
`

func TestTestCommand(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"r/whoami.yml":                      testRule,
		"r/whoami.tests.yml":                "match:\n  - {Image: 'C:\\Windows\\System32\\whoami.exe'}\nnomatch:\n  - {Image: 'C:\\Windows\\System32\\cmd.exe'}\n",
		"r/tests/whoami/nomatch/other.json": `{"Image":"C:\\x\\who.exe"}`,
		"r/tests/whoami/splunk.query":       "",
	})
	junit := filepath.Join(dir, "junit.xml")
	// The empty golden query fails until --update writes it.
	if code, out, _ := run(t, "", "test", "-t", "splunk", dir); code != ExitFailed || !strings.Contains(out, "golden: splunk") {
		t.Fatalf("exit %d, want %d with a golden failure:\n%s", code, ExitFailed, out)
	}
	if code, out, errs := run(t, "", "test", "-t", "splunk", "--update", dir); code != ExitOK {
		t.Fatalf("--update: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs := run(t, "", "test", "-t", "splunk", "-t", "kql", "--junit", junit, dir)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(errs, "6 tests, 0 failures, 0 skipped") {
		t.Errorf("stderr: %s", errs)
	}
	x, err := os.ReadFile(junit)
	if err != nil || !strings.Contains(string(x), `<testsuite name="sigconv test" tests="6" failures="0" skipped="0"`) {
		t.Errorf("junit: %v\n%s", err, x)
	}
	// A wrong expectation fails.
	os.WriteFile(filepath.Join(dir, "r", "tests", "whoami", "nomatch", "bad.json"), []byte(`{"Image":"x\\whoami.exe"}`), 0o644)
	if code, out, _ := run(t, "", "test", "-t", "splunk", dir); code != ExitFailed || !strings.Contains(out, "FAIL") {
		t.Errorf("exit %d, want %d:\n%s", code, ExitFailed, out)
	}
}
