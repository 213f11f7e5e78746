package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sigconv/sigconv/driver"
	"github.com/sigconv/sigconv/ir"
)

// checkOptions are the flags of check.
type checkOptions struct {
	target    string
	pipelines []string
	filters   []string
	json      bool
	lint      lintOptions
}

func newCheckCmd(e *env) *cobra.Command {
	o := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check [-t TARGET] [-p PIPELINE]... PATH...",
		Short: "Parse and validate Sigma rules",
		Long: `Parse and validate the Sigma rules in the given files and directories and
print one line per problem, file:line:col: error: message [code], on
standard output. With -t the rules are also put through the pipelines and
converted (the queries are discarded), so conversion failures show too;
refusals are listed as well but are not problems.

Each document is also linted like SigmaHQ's CI (id, dates, tags, status,
level, log source, unused searches, conditions that never match, duplicate
ids across the run): file:line:col: warning|error: message [check-id].
Error findings fail the check; --disable and --lint-config skip checks;
--strict adds the missing author/date/description/level checks.

Exit status: 0 when no problem was found, 1 otherwise, 2 for usage errors.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(e, o, args)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.target, "target", "t", "", "also convert for this target")
	f.StringArrayVarP(&o.pipelines, "pipeline", "p", nil, "processing pipeline: built-in name or YAML file (repeatable)")
	f.StringArrayVar(&o.filters, "filter", nil, "Sigma meta filter file (repeatable)")
	f.BoolVar(&o.json, "json", false, "report per-rule results and the summary as NDJSON on standard output")
	addLintFlags(cmd, &o.lint)
	return cmd
}

func runCheck(e *env, o *checkOptions, args []string) error {
	if len(args) == 0 {
		return usagef("check needs at least one PATH (a file, a directory or - for standard input)")
	}
	tuneBatchGC()
	opts := driver.Options{
		Registry:  e.registry,
		Target:    o.target,
		Pipelines: o.pipelines,
		Filters:   o.filters,
		Stdin:     e.stdin,
	}
	if o.target == driver.IRTarget {
		opts.Target = ""
	}
	d, err := driver.New(opts)
	if err != nil {
		return usageErr(err)
	}
	for _, n := range d.Notes() {
		fmt.Fprintf(e.stderr, "sigconv: warning: %s\n", n)
	}
	linter, err := newCheckLinter(&o.lint, e.stdout, o.json)
	if err != nil {
		return usageErr(err)
	}
	problems := newReporter(e.stdout, o.json)
	sum, err := d.Run(context.Background(), args, func(r *driver.Result) error {
		problems.result(r)
		linter.result(r)
		if len(r.Unmapped) > 0 && !o.json {
			fmt.Fprintf(e.stdout, "%s: note: fields left unmapped by the pipelines: %s [%s]\n", r.Pos, strings.Join(r.Unmapped, ", "), ir.CodeUnmappedField)
		}
		return nil
	})
	if err != nil {
		return &exitError{code: ExitFailed, err: err}
	}
	if o.json {
		problems.summary(sum)
	} else {
		counts := newReporter(e.stderr, false)
		counts.noun = "ok"
		counts.summary(sum)
	}
	linter.summary(e.stderr)
	if sum.Failed > 0 || linter.failed() {
		return failed()
	}
	return nil
}
