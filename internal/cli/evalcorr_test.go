package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEvalCorrelationAndFilter(t *testing.T) {
	dir := t.TempDir()
	rules := `title: Failed logon
id: 00000000-0000-4000-8000-000000000121
name: failed_logon
logsource: {product: windows, service: security}
detection: {selection: {EventID: 4625}, condition: selection}
---
title: Many failed logons
id: 00000000-0000-4000-8000-000000000122
correlation: {type: event_count, rules: [failed_logon], group-by: [IpAddress], timespan: 5m, condition: {gte: 2}}
level: high
`
	filter := `title: Not the scanner
logsource: {product: windows}
filter:
    rules: [failed_logon]
    selection: {IpAddress: 10.0.0.9}
    condition: selection
`
	os.WriteFile(filepath.Join(dir, "r.yml"), []byte(rules), 0o644)
	os.WriteFile(filepath.Join(dir, "f.yml"), []byte(filter), 0o644)
	events := strings.Join([]string{
		`{"t":"2024-01-01 00:00:00.000","EventID":4625,"IpAddress":"10.0.0.1"}`,
		`{"t":"2024-01-01 00:00:01.000","EventID":4625,"IpAddress":"10.0.0.9"}`,
		`{"t":"2024-01-01 00:00:02.000","EventID":4625,"IpAddress":"10.0.0.9"}`,
		`{"t":"2024-01-01 00:05:00.000","EventID":4625,"IpAddress":"10.0.0.1"}`,
	}, "\n")
	code, out, errs := runEvalCLI(t, events, "eval", "-r", filepath.Join(dir, "r.yml"), "--filter", filepath.Join(dir, "f.yml"), "--timestamp-field", "t")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// The base rule's matches are not reported (generate: false); the
	// filtered scanner never counts; 10.0.0.1 fires at exactly 5m.
	want := `{"correlation_id":"00000000-0000-4000-8000-000000000122","correlation_title":"Many failed logons","level":"high","type":"event_count","group":{"IpAddress":"10.0.0.1"},"window_start":"2024-01-01T00:00:00Z","window_end":"2024-01-01T00:05:00Z","value":2,"events":[{"file":"-","event":0},{"file":"-","event":3}]}
`
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	if !strings.Contains(errs, "1 correlations, 1 hits") {
		t.Errorf("stderr: %s", errs)
	}
}
