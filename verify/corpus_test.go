package verify_test

import (
	"context"
	"os"
	"testing"

	"github.com/sigconv/sigconv/backends/all"
	"github.com/sigconv/sigconv/driver"
	"github.com/sigconv/sigconv/verify"
	"github.com/sigconv/sigconv/verify/interp"
	"github.com/sigconv/sigconv/verify/kql"
	"github.com/sigconv/sigconv/verify/spl"
)

const corpus = "../../shared/sigma-rules/rules"

// TestCorpus verifies the SigmaHQ corpus for the targets whose interpreters live in this
// tree's framework part, with fewer generated events per rule than the CLI, and logs the
// figures. Disagreements are logged, not failed: they are backend findings, reported to
// their owners (see docs/verify.md); the test fails only if verify itself breaks (an
// interpreter that cannot read an exact query of a target it covers).
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus run skipped in -short mode")
	}
	if _, err := os.Stat(corpus); err != nil {
		t.Skip("SigmaHQ corpus not found at " + corpus)
	}
	for _, in := range []interp.Interpreter{spl.New(), kql.New()} {
		t.Run(in.Name(), func(t *testing.T) {
			opts := verify.Options{Driver: driver.Options{Registry: all.Default(), Target: in.Name()}, Interp: in, MaxEvents: 60}
			sum, err := verify.Run(context.Background(), opts, []string{corpus}, func(r *verify.RuleReport) error {
				if r.Unverified {
					t.Errorf("%s: unverified: %s", r.Pos, r.Reason)
				}
				if len(r.Disagreements) > 0 && testing.Verbose() {
					t.Logf("%s: %d disagreements", r.Pos, len(r.Disagreements))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Log(sum)
		})
	}
}
