package cli

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sigconv/sigconv/eval"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
	"github.com/sigconv/sigconv/pipeline"
	"github.com/sigconv/sigconv/verify"
	"github.com/sigconv/sigconv/verify/interp"
)

// testOptions are the flags of test.
type testOptions struct {
	targets    []string
	pipelines  []string
	junit      string
	update     bool
	noGenerate bool
}

func newTestCmd(e *env) *cobra.Command {
	o := &testOptions{}
	cmd := &cobra.Command{
		Use:   "test [-t TARGET]... [--junit FILE] [--update] DIR...",
		Short: "Run detection-as-code tests: rules with their match / nomatch events",
		Long: `Find the rules under DIR that have tests and run them:

  NAME.yml + NAME.tests.yml        match: / nomatch: lists of events (and
                                   optionally targets: to verify)
  tests/NAME/match/*.json          events NAME must match
  tests/NAME/nomatch/*.json        events NAME must not match
  tests/NAME/TARGET.query          the expected query for TARGET

For each rule: the evaluator must match every match event and no nomatch
event; for each target (-t, repeatable, default every target with an
interpreter, or the tests file's targets:) sigconv verify runs on those
events (renamed through the target's field mappings) plus generated ones;
golden queries are compared (--update rewrites them). --junit writes a JUnit
XML report for CI systems.

Exit status: 0 when every test passes, 1 when one fails, 2 for usage errors.
See docs/verify.md.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTest(e, o, args)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&o.targets, "target", "t", nil, "target to verify (repeatable; default every target with an interpreter)")
	f.StringArrayVarP(&o.pipelines, "pipeline", "p", nil, "processing pipeline (repeatable; default: each target's own)")
	f.StringVar(&o.junit, "junit", "", "write a JUnit XML report to FILE")
	f.BoolVar(&o.update, "update", false, "rewrite golden query files with the current output")
	f.BoolVar(&o.noGenerate, "no-generate", false, "verify only on the test events, without generated ones")
	return cmd
}

// skipPrefix marks a test result as skipped (e.g. the target refused the rule).
const skipPrefix = "skip: "

// junitCase is one JUnit test case.
type junitCase struct {
	XMLName   xml.Name      `xml:"testcase"`
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

type junitSuite struct {
	XMLName  xml.Name    `xml:"testsuite"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

func runTest(e *env, o *testOptions, dirs []string) error {
	start := time.Now()
	interps := interpreters()
	defaultTargets := o.targets
	if len(defaultTargets) == 0 {
		for name := range interps {
			defaultTargets = append(defaultTargets, name)
		}
		sort.Strings(defaultTargets)
	}
	suite := &junitSuite{Name: "sigconv test"}
	add := func(class, name string, t0 time.Time, failure string) {
		c := junitCase{Classname: class, Name: name, Time: fmt.Sprintf("%.3f", time.Since(t0).Seconds())}
		if reason, ok := strings.CutPrefix(failure, skipPrefix); ok {
			c.Skipped = &junitSkipped{Message: reason}
			suite.Skipped++
			failure = ""
		}
		if failure != "" {
			msg := failure
			if i := strings.IndexByte(msg, '\n'); i >= 0 {
				msg = msg[:i]
			}
			c.Failure = &junitFailure{Message: msg, Text: failure}
			suite.Failures++
			fmt.Fprintf(e.stdout, "FAIL %s: %s\n%s\n", class, name, testIndent(failure))
		}
		suite.Tests++
		suite.Cases = append(suite.Cases, c)
	}
	for _, dir := range dirs {
		s, err := verify.Discover(dir)
		if err != nil {
			return usageErr(err)
		}
		for _, c := range s.Cases {
			rules, perr := testParseRules(c.Rule)
			t0 := time.Now()
			if perr != "" {
				add(c.Rule, "parse", t0, perr)
				continue
			}
			testEval(c, rules, add)
			targets := defaultTargets
			if len(c.Targets) > 0 {
				targets = c.Targets
			}
			for _, t := range targets {
				testTarget(e, o, c, rules, t, interps, add)
			}
		}
	}
	suite.Time = fmt.Sprintf("%.3f", time.Since(start).Seconds())
	fmt.Fprintf(e.stderr, "sigconv test: %d tests, %d failures, %d skipped (%s)\n", suite.Tests, suite.Failures, suite.Skipped, time.Since(start).Round(time.Millisecond))
	if o.junit != "" {
		var b bytes.Buffer
		b.WriteString(xml.Header)
		enc := xml.NewEncoder(&b)
		enc.Indent("", "  ")
		if err := enc.Encode(suite); err != nil {
			return &exitError{code: ExitFailed, err: err}
		}
		b.WriteByte('\n')
		if err := os.WriteFile(o.junit, b.Bytes(), 0o644); err != nil {
			return &exitError{code: ExitFailed, err: err}
		}
	}
	if suite.Failures > 0 {
		return failed()
	}
	return nil
}

func testIndent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

// testParseRules parses a rule file; the string is the parse errors, or "".
func testParseRules(file string) ([]*ir.Rule, string) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, err.Error()
	}
	docs, errs := parser.ParseFile(file, src)
	if len(errs) > 0 {
		return nil, errs.Error()
	}
	var rules []*ir.Rule
	for _, d := range docs {
		if r, ok := d.(*ir.Rule); ok {
			rules = append(rules, r)
		}
	}
	if len(rules) == 0 {
		return nil, "no detection rule in file"
	}
	return rules, ""
}

// testEval checks the evaluator's verdicts on the rule's own test events.
func testEval(c *verify.Case, rules []*ir.Rule, add func(class, name string, t0 time.Time, failure string)) {
	t0 := time.Now()
	eng, err := eval.Compile(rules...)
	if err != nil {
		add(c.Rule, "eval", t0, err.Error())
		return
	}
	check := func(evs []verify.NamedEvent, want bool) {
		for _, ev := range evs {
			t1 := time.Now()
			got := len(eng.MatchRoute(eval.NewEvent(map[string]any(ev.Event)), eng.AllRules())) > 0
			failure := ""
			if got != want {
				failure = fmt.Sprintf("evaluator: matched=%v, want %v\nevent: %s", got, want, verify.FormatEvent(ev.Event))
			}
			add(c.Rule, "eval: "+ev.Name, t1, failure)
		}
	}
	check(c.Match, true)
	check(c.NoMatch, false)
}

// testTarget verifies one rule for one target on its test events and compares the golden
// query.
func testTarget(e *env, o *testOptions, c *verify.Case, rules []*ir.Rule, target string, interps map[string]interp.Interpreter, add func(class, name string, t0 time.Time, failure string)) {
	t0 := time.Now()
	b, err := e.registry.Lookup(target)
	if err != nil {
		add(c.Rule, "verify: "+target, t0, err.Error())
		return
	}
	names := o.pipelines
	if names == nil {
		names = b.DefaultPipelines()
	}
	var fields []pipeline.FieldMapping
	if chain, err := testLoadChain(names); err == nil {
		for _, r := range rules {
			if res, err := chain.Apply(r); err == nil {
				fields = append(fields, res.Fields...)
			}
		}
	}
	var events []interp.Event
	for _, ev := range append(append([]verify.NamedEvent(nil), c.Match...), c.NoMatch...) {
		events = append(events, verify.MapEvent(ev.Event, fields))
	}
	opts := verify.Options{Interp: interps[b.Name()], Events: events, NoGenerate: o.noGenerate}
	opts.Driver.Registry, opts.Driver.Target, opts.Driver.Pipelines = e.registry, target, o.pipelines
	var reps []*verify.RuleReport
	if _, err := verify.Run(context.Background(), opts, []string{c.Rule}, func(r *verify.RuleReport) error {
		reps = append(reps, r)
		return nil
	}); err != nil {
		add(c.Rule, "verify: "+target, t0, err.Error())
		return
	}
	var failure strings.Builder
	var queries []string
	for _, r := range reps {
		if r.Failing() {
			r.WriteText(&failure, 3)
		}
		queries = append(queries, r.Query)
	}
	refused := len(reps) > 0
	for _, r := range reps {
		if r.Fidelity != verify.FidelityRefused {
			refused = false
		}
	}
	switch {
	case opts.Interp == nil:
		failure.Reset()
		failure.WriteString(skipPrefix + "no interpreter for target " + target)
	case refused:
		failure.WriteString(skipPrefix + "refused: " + reps[0].Reason)
	}
	add(c.Rule, "verify: "+target, t0, failure.String())
	if g, ok := c.Golden[b.Name()]; ok {
		t1 := time.Now()
		got := strings.Join(queries, "\n\n") + "\n"
		want, err := os.ReadFile(g)
		msg := ""
		switch {
		case o.update && (err != nil || string(want) != got):
			if err := os.WriteFile(g, []byte(got), 0o644); err != nil {
				msg = err.Error()
			}
		case err != nil:
			msg = err.Error()
		case string(want) != got:
			msg = fmt.Sprintf("query differs from %s\nwant:\n%s\ngot:\n%s", g, want, got)
		}
		add(c.Rule, "golden: "+b.Name(), t1, msg)
	}
}

// testLoadChain builds the pipeline chain of built-in pipeline names or pipeline files.
func testLoadChain(names []string) (*pipeline.Chain, error) {
	var ps []*pipeline.Pipeline
	for _, n := range names {
		var p *pipeline.Pipeline
		var err error
		if strings.ContainsAny(n, `/\`) || strings.Contains(n, ".") {
			var src []byte
			if src, err = os.ReadFile(n); err == nil {
				p, err = pipeline.Load(n, src)
			}
		} else {
			p, err = pipeline.Builtin(n)
		}
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return pipeline.NewChain(ps...), nil
}
