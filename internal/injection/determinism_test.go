package injection

import (
	"bytes"
	"os"
	"os/exec"
	"testing"

	"github.com/sigconv/sigconv/internal/cli"
)

// childEnv makes the test binary act as sigconv (see TestMain): the
// determinism test runs it as a child process to vary GOMAXPROCS.
const childEnv = "SIGCONV_INJECTION_CHILD"

// TestMain runs the CLI instead of the tests when started by
// TestDeterminismAcrossProcs.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		var args []string
		for i, a := range os.Args {
			if a == "--" {
				args = os.Args[i+1:]
				break
			}
		}
		os.Exit(cli.Run(args, os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestDeterminismAcrossProcs converts rules/ and testdata/golden (and the
// corpus's rules/ outside -short mode) for every target in separate
// processes, twice with GOMAXPROCS=2 and once with GOMAXPROCS=1: standard
// output and standard error must be byte-identical.
func TestDeterminismAcrossProcs(t *testing.T) {
	paths := []string{"../../rules", "../../testdata/golden"}
	if _, err := os.Stat(corpusRules); err == nil && !testing.Short() {
		paths = append(paths, corpusRules)
	}
	for _, target := range []string{"splunk", "kql", "lucene", "dsl", "esql", "eql", "ir"} {
		t.Run(target, func(t *testing.T) {
			run := func(procs string) (string, string) {
				args := append([]string{"--", "-t", target}, paths...)
				cmd := exec.Command(os.Args[0], args...)
				cmd.Env = append(os.Environ(), childEnv+"=1", "GOMAXPROCS="+procs)
				var out, errb bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &errb
				_ = cmd.Run() // rule errors exit 1; the output is what matters
				// The summary line carries the elapsed time.
				return out.String(), string(dropSummary(errb.Bytes()))
			}
			o1, e1 := run("2")
			if o1 == "" {
				t.Fatalf("no output; stderr:\n%s", e1)
			}
			for _, procs := range []string{"2", "1"} {
				o, e := run(procs)
				if o != o1 {
					t.Errorf("GOMAXPROCS=%s: standard output differs", procs)
				}
				if e != e1 {
					t.Errorf("GOMAXPROCS=%s: standard error differs", procs)
				}
			}
		})
	}
}

// dropSummary removes the final "sigconv: N rules read ... (Xms)" line.
func dropSummary(b []byte) []byte {
	lines := bytes.Split(b, []byte("\n"))
	var out [][]byte
	for _, l := range lines {
		if bytes.HasPrefix(l, []byte("sigconv: ")) && bytes.Contains(l, []byte(" rules read")) {
			continue
		}
		out = append(out, l)
	}
	return bytes.Join(out, []byte("\n"))
}
