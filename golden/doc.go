// Package golden holds the golden test: every directory under
// testdata/golden is a case whose rules are converted for each target
// through the driver, exactly as the CLI does, and compared with the
// expected outputs committed next to them. Run
//
//	go test ./golden -update
//
// to rewrite the expected files, then review every changed file: a golden
// file is a claim that the output is right.
package golden
