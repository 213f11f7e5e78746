package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

const pipelineSeedRule = "../../rules/windows/network_connection/net_connection_win_domain_devtunnels.yml"

func runPipelineCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func TestPipelineExplain(t *testing.T) {
	out, errs, code := runPipelineCLI(t, "pipeline", "explain", "-p", "windows", "-p", "sysmon", pipelineSeedRule)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"pipelines, in application order:\n  1. windows (priority 10",
		"  2. sysmon (priority 10",
		"apply  sysmon/sysmon_network_connection_eventid add_condition: condition and _cond1: EventID=[3]",
		"result logsource: {category=network_connection, product=windows, service=sysmon}",
		"Initiated: UNMAPPED",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, errs, code := runPipelineCLI(t, "pipeline", "explain", "-p", "nonexistent", pipelineSeedRule); code != ExitUsage || !strings.Contains(errs, `pipeline "nonexistent" is neither a built-in pipeline`) {
		t.Errorf("unknown pipeline: exit %d, %s", code, errs)
	}
}

func TestPipelineUnmappedAndList(t *testing.T) {
	out, errs, code := runPipelineCLI(t, "pipeline", "unmapped", "-p", "sysmon", "../../rules")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "net_connection_win_domain_devtunnels.yml:1:1: Network Connection Initiated To DevTunnels Domain: Initiated, DestinationHostname") {
		t.Errorf("unexpected output:\n%s", out)
	}
	if !strings.Contains(errs, "2 rules, 2 with unmapped fields") {
		t.Errorf("summary: %s", errs)
	}
	out, _, code = runPipelineCLI(t, "pipeline", "list")
	if code != 0 || !strings.Contains(out, "sysmon") || !strings.Contains(out, "windows") {
		t.Errorf("list: exit %d\n%s", code, out)
	}
}

func TestCheckListsUnmappedFields(t *testing.T) {
	out, errs, code := runPipelineCLI(t, "check", "-t", "splunk", "-p", "sysmon", pipelineSeedRule)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := "net_connection_win_domain_devtunnels.yml:1:1: note: fields left unmapped by the pipelines: Initiated, DestinationHostname [unmapped-field]"
	if !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
	out, _, _ = runPipelineCLI(t, "list", "pipelines")
	if !strings.Contains(out, "sysmon") || !strings.Contains(out, "Generic Windows log source categories") {
		t.Errorf("list pipelines:\n%s", out)
	}
}

func TestPipelineValidate(t *testing.T) {
	out, _, code := runPipelineCLI(t, "pipeline", "validate", "sysmon", "../../pipeline/testdata/pysigma_example.yml")
	if code != 0 || !strings.Contains(out, "builtin/sysmon.yml: ok: sysmon, priority 10") || !strings.Contains(out, "pysigma_example.yml: ok: Custom Sysmon field naming, priority 100, 7 transformations") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	dir := t.TempDir()
	bad := dir + "/bad.yml"
	if err := os.WriteFile(bad, []byte("transformations:\n  - type: nope\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code = runPipelineCLI(t, "pipeline", "validate", bad)
	if code != ExitFailed || !strings.Contains(out, "bad.yml:2:11: unknown transformation type \"nope\"") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}
