package cli

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runEvalCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

const evalSysmon3 = `{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},"EventID":3,"Channel":"Microsoft-Windows-Sysmon/Operational"},"EventData":{"Initiated":"%s","DestinationHostname":"%s"}}}`

func TestEvalCommand(t *testing.T) {
	rules := filepath.Join("..", "..", "rules")
	events := strings.Join([]string{
		strings.ReplaceAll(strings.Replace(evalSysmon3, "%s", "true", 1), "%s", "a.devtunnels.ms"),
		`{"broken":`,
		strings.ReplaceAll(strings.Replace(evalSysmon3, "%s", "false", 1), "%s", "a.devtunnels.ms"),
		strings.ReplaceAll(strings.Replace(evalSysmon3, "%s", "true", 1), "%s", "x.trycloudflare.com"),
	}, "\n") + "\n"

	code, out, errs := runEvalCLI(t, events, "eval", "-r", rules)
	if code != ExitFailed {
		t.Errorf("exit code %d, want %d (a malformed line was skipped)", code, ExitFailed)
	}
	want := `{"rule_id":"9501f8e6-8e3d-48fc-a8a6-1089dd5d7ef4","rule_title":"Network Connection Initiated To DevTunnels Domain","level":"medium","file":"-","event":0,"fields":{"DestinationHostname":"a.devtunnels.ms","Initiated":"true"}}
{"rule_id":"7cd1dcdc-6edf-4896-86dc-d1f19ad64903","rule_title":"Network Connection Initiated To Cloudflared Tunnels Domains","level":"medium","file":"-","event":3,"fields":{"DestinationHostname":"x.trycloudflare.com","Initiated":"true"}}
`
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	if !strings.Contains(errs, "-:2: event 1 skipped") || !strings.Contains(errs, "eval: 4 events, 2 rules (0 failed") {
		t.Errorf("stderr: %s", errs)
	}

	// The same events from a gzip file, with no problems: exit 0.
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(strings.Replace(events, "{\"broken\":\n", "", 1)))
	zw.Close()
	file := filepath.Join(dir, "ev.json.gz")
	os.WriteFile(file, gz.Bytes(), 0o644)
	code, out, errs = runEvalCLI(t, "", "eval", "-r", rules, file)
	if code != ExitOK || strings.Count(out, "\n") != 2 {
		t.Errorf("gzip: code %d, out %q, err %q", code, out, errs)
	}

	// --explain tells why.
	_, _, errs = runEvalCLI(t, events, "eval", "--explain", "-r", rules)
	if !strings.Contains(errs, `selection = true: Initiated: value "true" matched "true"`) {
		t.Errorf("explain output: %s", errs)
	}

	// Usage errors.
	if code, _, _ := runEvalCLI(t, "", "eval"); code != ExitUsage {
		t.Errorf("no -r: exit %d", code)
	}
	if code, _, _ := runEvalCLI(t, "", "eval", "-r", rules, "--flatten", "xml"); code != ExitUsage {
		t.Errorf("bad --flatten: exit %d", code)
	}
}

func TestEvalVars(t *testing.T) {
	dir := t.TempDir()
	rule := filepath.Join("..", "..", "testdata", "golden", "mod_expand", "rule.yml")
	vars := filepath.Join(dir, "vars.yml")
	os.WriteFile(vars, []byte("admin_users:\n  - 'CORP\\Administrator'\n  - 'CORP\\admin_*'\n"), 0o644)
	events := "{\"User\":\"corp\\\\admin_x\"}\n{\"User\":\"CORP\\\\bob\"}\n"
	code, out, errs := runEvalCLI(t, events, "eval", "-r", rule, "--vars", vars)
	if code != ExitOK || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"event":0`) {
		t.Errorf("code %d\nout %s\nerr %s", code, out, errs)
	}
	// Without values the rule is reported and the run fails.
	code, _, errs = runEvalCLI(t, events, "eval", "-r", rule)
	if code != ExitFailed || !strings.Contains(errs, "placeholder %admin_users% has no value") {
		t.Errorf("code %d, err %s", code, errs)
	}
}
