package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/driver"
)

// convertOptions are the flags of convert (and of the root command).
type convertOptions struct {
	target    string
	pipelines []string
	format    string
	output    string
	config    string
	table     string
	filters   []string
	json      bool
}

func (o *convertOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.target, "target", "t", "", "target query language (see 'sigconv list targets'), or ir to dump the parsed rules")
	f.StringArrayVarP(&o.pipelines, "pipeline", "p", nil, "processing pipeline: built-in name or YAML file (repeatable; default: the target's own)")
	f.StringVarP(&o.format, "format", "f", "", "output format (see 'sigconv list formats'; default: the target's first)")
	f.StringVarP(&o.output, "output", "o", "", "write to FILE, or one file per rule under DIR (an existing directory or a path ending in /)")
	f.StringVar(&o.config, "config", "", "backend configuration file (YAML or JSON)")
	f.StringVar(&o.table, "table", "", "target table when no pipeline chooses one (KQL)")
	f.StringArrayVar(&o.filters, "filter", nil, "Sigma meta filter file to apply (repeatable)")
	f.BoolVar(&o.json, "json", false, "report per-rule results and the summary as NDJSON on stderr")
}

func newConvertCmd(e *env) *cobra.Command {
	o := &convertOptions{}
	cmd := &cobra.Command{
		Use:   "convert -t TARGET [flags] PATH...",
		Short: "Convert Sigma rules into queries",
		Long: `Convert the Sigma rules in the given files and directories (searched
recursively for *.yml and *.yaml; - reads standard input) into queries
for the target. Queries go to standard output in input order, separated
by blank lines, or to -o. Problems go to standard error as
file:line:col: error|refused: message, followed by a summary.

Exit status: 0 when no rule failed (refusals are expected outcomes),
1 when a rule failed to parse or convert, 2 for usage errors.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConvert(e, o, args)
		},
	}
	o.addFlags(cmd)
	return cmd
}

// driverOptions turns the flags into driver options; its errors are usage
// errors.
func (o *convertOptions) driverOptions(e *env) (driver.Options, error) {
	opts := driver.Options{
		Registry: e.registry,
		Target:   o.target,
		Format:   o.format,
		Table:    o.table,
		Filters:  o.filters,
		Stdin:    e.stdin,
	}
	if o.pipelines != nil { // -p given: replaces the target's defaults
		opts.Pipelines = o.pipelines
	}
	if o.config != "" {
		src, err := os.ReadFile(o.config)
		if err != nil {
			return opts, err
		}
		cfg, err := driver.ParseConfig(o.config, src)
		if err != nil {
			return opts, err
		}
		opts.Config = cfg
	}
	return opts, nil
}

func runConvert(e *env, o *convertOptions, args []string) error {
	if o.target == "" {
		return usagef("convert needs a target: -t TARGET (see 'sigconv list targets')")
	}
	if len(args) == 0 {
		return usagef("convert needs at least one PATH (a file, a directory or - for standard input)")
	}
	tuneBatchGC()
	opts, err := o.driverOptions(e)
	if err != nil {
		return usageErr(err)
	}
	// convert needs a result's rule only to bundle it (Combined formats,
	// for which the driver keeps it): let the driver release the IR.
	opts.ReleaseRules = true
	d, err := driver.New(opts)
	if err != nil {
		return usageErr(err)
	}
	for _, n := range d.Notes() {
		fmt.Fprintf(e.stderr, "sigconv: warning: %s\n", n)
	}
	out, err := newSink(e, o.output, d.Format())
	if err != nil {
		return usageErr(err)
	}
	rep := newReporter(e.stderr, o.json)
	bundled := d.Combined()
	var outs []*backends.Output
	writeFailed := 0
	// On Ctrl-C the run stops after the rule being written and a partly
	// written -o FILE is removed.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sum, runErr := d.Run(ctx, args, func(r *driver.Result) error {
		if r.Status == driver.StatusOK && r.Text != "" {
			if bundled && r.Output != nil {
				outs = append(outs, r.Output)
			} else if err := out.add(r); err != nil {
				// The rule converted but could not be written: report
				// it as this rule's failure and carry on.
				r.Status, r.Errors = driver.StatusFailed, nil
				r.Errors.Add(r.Pos, "io-error", "%v", err)
				writeFailed++
			}
		}
		rep.result(r)
		return nil
	})
	if runErr != nil {
		out.abort()
		return &exitError{code: ExitFailed, err: runErr}
	}
	sum.Converted -= writeFailed
	sum.Failed += writeFailed
	if bundled && len(outs) > 0 {
		data, err := d.Combine(outs)
		if err == nil {
			err = out.bundle(data)
		}
		if err != nil {
			out.abort()
			rep.summary(sum)
			return &exitError{code: ExitFailed, err: fmt.Errorf("combining the outputs: %w", err)}
		}
	}
	if err := out.close(); err != nil {
		rep.summary(sum)
		return &exitError{code: ExitFailed, err: err}
	}
	rep.summary(sum)
	if sum.Failed > 0 {
		return failed()
	}
	return nil
}
