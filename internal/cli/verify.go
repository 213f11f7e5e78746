package cli

import (
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/spf13/cobra"

	"github.com/sigconv/sigconv/verify"
	"github.com/sigconv/sigconv/verify/dsl"
	"github.com/sigconv/sigconv/verify/eql"
	"github.com/sigconv/sigconv/verify/esql"
	"github.com/sigconv/sigconv/verify/interp"
	"github.com/sigconv/sigconv/verify/kql"
	"github.com/sigconv/sigconv/verify/lucene"
	"github.com/sigconv/sigconv/verify/spl"
)

// interpreters returns a new set of the query-language interpreters verify uses, by target.
func interpreters() map[string]interp.Interpreter {
	m := map[string]interp.Interpreter{}
	for _, in := range []interp.Interpreter{spl.New(), kql.New(), lucene.New(), dsl.New(), esql.New(), eql.New()} {
		m[in.Name()] = in
	}
	return m
}

// verifyOptions are the flags of verify.
type verifyOptions struct {
	convertOptions
	targets    []string
	events     []string
	noGenerate bool
	maxEvents  int
	strict     bool
	report     string
	show       int
}

func newVerifyCmd(e *env) *cobra.Command {
	o := &verifyOptions{}
	cmd := &cobra.Command{
		Use:   "verify -t TARGET [-t TARGET]... [flags] RULES...",
		Short: "Check that emitted queries match the same events as their rules",
		Long: `Convert the rules for each target, read every query back with sigconv's own
interpreter of that query language (written from the vendor documentation,
independently of the emitter), and run the interpreter and the evaluator on
the same events: events generated from each rule (matches per selection, case
variants, near misses at wildcard boundaries, missing / null / empty fields,
numbers as strings, arrays) plus those given with --events. Every event on
which they differ is reported with the rule position, the event, the
evaluator's per-search verdicts and the query fragment. -t all checks every
target with an interpreter.

Each rule x target is classified: exact, approximate (the backend reported
approximation warnings; their ids are listed), refused or failed. --report
writes that table and the summaries as JSON.

Exit status: 0 when every disagreement is covered by a reported approximation,
1 on any other disagreement, a query that cannot be read back or a failed
rule (with --strict also on any approximation), 2 for usage errors.
See docs/verify.md.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVerify(e, o, args)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&o.targets, "target", "t", nil, "target to verify (repeatable), or all")
	f.StringVarP(&o.format, "format", "f", "", "output format whose query is verified (default: the target's first)")
	f.StringArrayVarP(&o.pipelines, "pipeline", "p", nil, "processing pipeline: built-in name or YAML file (repeatable; default: the target's own)")
	f.StringVar(&o.config, "config", "", "backend configuration file (YAML or JSON)")
	f.StringVar(&o.table, "table", "", "target table when no pipeline chooses one (KQL)")
	f.StringArrayVar(&o.filters, "filter", nil, "Sigma meta filter file to apply (repeatable)")
	f.StringArrayVar(&o.events, "events", nil, "file of JSON events (NDJSON or an array) tried on every rule (repeatable)")
	f.BoolVar(&o.noGenerate, "no-generate", false, "do not generate events; only try --events")
	f.IntVar(&o.maxEvents, "max-events", 0, "most events generated per rule (default 400)")
	f.BoolVar(&o.strict, "strict", false, "treat approximations as failures")
	f.StringVar(&o.report, "report", "", "write the fidelity report (every rule x target, summaries) as JSON to FILE")
	f.IntVar(&o.show, "show", 3, "disagreeing events shown per rule")
	return cmd
}

func runVerify(e *env, o *verifyOptions, args []string) error {
	if len(o.targets) == 0 {
		return usagef("verify needs a target: -t TARGET or -t all")
	}
	if len(args) == 0 {
		return usagef("verify needs rule files or directories")
	}
	interps := interpreters()
	targets := o.targets
	if len(targets) == 1 && targets[0] == "all" {
		targets = nil
		for name := range interps {
			targets = append(targets, name)
		}
		sort.Strings(targets)
	}
	var userEvents []interp.Event
	for _, name := range o.events {
		data, err := os.ReadFile(name)
		if err != nil {
			return usageErr(err)
		}
		evs, err := verify.ReadEvents(name, data)
		if err != nil {
			return usageErr(err)
		}
		userEvents = append(userEvents, evs...)
	}
	report := &verify.Report{}
	fail := false
	for _, t := range targets {
		o.target = t
		dopts, err := o.driverOptions(e)
		if err != nil {
			return usageErr(err)
		}
		b, err := e.registry.Lookup(t)
		if err != nil {
			return usageErr(err)
		}
		opts := verify.Options{Driver: dopts, Interp: interps[b.Name()], Events: userEvents,
			NoGenerate: o.noGenerate, MaxEvents: o.maxEvents}
		sum, err := verify.Run(context.Background(), opts, args, func(r *verify.RuleReport) error {
			r.WriteText(e.stdout, o.show)
			if r.Failing() || (o.strict && r.Fidelity == verify.FidelityApproximate) {
				fail = true
			}
			if o.report != "" {
				report.Rules = append(report.Rules, r)
			}
			return nil
		})
		if err != nil {
			return usageErr(err)
		}
		report.Summaries = append(report.Summaries, sum)
		fmt.Fprintf(e.stderr, "sigconv verify: %s\n", sum)
	}
	if o.report != "" {
		f, err := os.Create(o.report)
		if err != nil {
			return &exitError{code: ExitFailed, err: err}
		}
		werr := report.WriteJSON(f)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return &exitError{code: ExitFailed, err: werr}
		}
	}
	if fail {
		return failed()
	}
	return nil
}
