// Command sigconv converts Sigma detection rules into SIEM queries.
//
// All behaviour lives in package internal/cli; see docs/cli.md.
package main

import (
	"os"

	"github.com/sigconv/sigconv/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
