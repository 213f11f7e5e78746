package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/backends/all"
)

// Exit codes, documented in docs/cli.md.
const (
	ExitOK     = 0 // every rule converted or was refused
	ExitFailed = 1 // some rule failed to parse, a pipeline failed, an internal error, or output could not be written
	ExitUsage  = 2 // bad flags or arguments, unknown target, format or pipeline
)

// env is what every command needs: the standard streams and the backends.
type env struct {
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
	registry *backends.Registry
}

// Run runs the sigconv command line with the given arguments (without the
// program name) and streams, and returns the process exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, registry: all.Default()}
	root := newRootCmd(e)
	root.AddCommand(
		newConvertCmd(e),
		newCheckCmd(e),
		newListCmd(e),
		newVersionCmd(e),
		newDescribeCmd(e),
		newCatalogCmd(e),
		newEvalCmd(e),
		newPipelineCmd(e),
		newVerifyCmd(e),
		newTestCmd(e),
	)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SilenceErrors = true
	root.SilenceUsage = true
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr(err) })
	for _, c := range root.Commands() {
		c.SilenceErrors, c.SilenceUsage = true, true
	}

	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if !errors.As(err, &ee) {
		// Cobra's own errors (unknown command, wrong argument count)
		// are usage errors.
		ee = &exitError{code: ExitUsage, err: err}
	}
	if ee.err != nil {
		fmt.Fprintf(stderr, "sigconv: %v\n", ee.err)
		if ee.code == ExitUsage {
			fmt.Fprintln(stderr, "Run 'sigconv --help' for usage.")
		}
	}
	return ee.code
}

// exitError carries an exit code out of a command; err, when not nil, is
// printed to stderr.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErr makes err a usage error (exit code 2).
func usageErr(err error) error { return &exitError{code: ExitUsage, err: err} }

// usagef formats a usage error.
func usagef(format string, args ...any) error { return usageErr(fmt.Errorf(format, args...)) }

// failed is the silent exit with code 1 after problems were reported.
func failed() error { return &exitError{code: ExitFailed} }

// newRootCmd builds the root command. `sigconv -t TARGET PATH...` is
// shorthand for `sigconv convert -t TARGET PATH...`, so the root command
// takes the convert flags too.
func newRootCmd(e *env) *cobra.Command {
	o := &convertOptions{}
	cmd := &cobra.Command{
		Use:   "sigconv [-t TARGET] [flags] PATH...",
		Short: "Convert Sigma rules into SIEM queries",
		Long: `sigconv converts Sigma detection rules into SIEM queries: Splunk SPL,
Microsoft KQL, and Elasticsearch Lucene, Query DSL, ES|QL and EQL.

'sigconv -t TARGET PATH...' is shorthand for 'sigconv convert -t TARGET PATH...'.
See 'sigconv list targets' for the targets.`,
		Args:          cobra.ArbitraryArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && o.target == "" {
				return cmd.Help()
			}
			if o.target == "" {
				return usagef("unknown command %q (to convert files, give a target with -t)", args[0])
			}
			return runConvert(e, o, args)
		},
	}
	o.addFlags(cmd)
	return cmd
}
