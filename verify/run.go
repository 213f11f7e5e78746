package verify

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/driver"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/verify/gen"
	"github.com/sigconv/sigconv/verify/interp"
)

// Fidelity classes of one rule × target, as written in reports.
const (
	FidelityExact       = "exact"       // converted; no approximation reported
	FidelityApproximate = "approximate" // converted with approximation warnings
	FidelityRefused     = "refused"     // the backend refused the rule
	FidelityFailed      = "failed"      // parse, pipeline or internal error
	FidelitySkipped     = "skipped"     // converted, but verify cannot check it (e.g. a correlation)
)

// Options configure a verify run for one target.
type Options struct {
	// Driver configures the conversion (target, pipelines, config, ...).
	Driver driver.Options
	// Interp reads the target's queries back.
	Interp interp.Interpreter
	// Events are user-supplied events, tried on every rule.
	Events []interp.Event
	// NoGenerate turns the event generator off (only Events are tried).
	NoGenerate bool
	// MaxEvents bounds the generated events per rule; 0 is the generator's default.
	MaxEvents int
}

// RuleReport is the verification of one document for one target.
type RuleReport struct {
	File          string         `json:"file"`                    // input file
	Pos           string         `json:"pos"`                     // file:line:col of the document
	ID            string         `json:"id,omitempty"`            // rule id
	Title         string         `json:"title,omitempty"`         // rule title
	Target        string         `json:"target"`                  // target name
	Fidelity      string         `json:"fidelity"`                // one of the Fidelity* classes
	Warnings      []string       `json:"warnings,omitempty"`      // ids of the approximation warnings
	Reason        string         `json:"reason,omitempty"`        // refusal, failure or skip reason
	Query         string         `json:"query,omitempty"`         // the emitted query
	Events        int            `json:"events"`                  // events tried
	Agreements    int            `json:"agreements"`              // events with equal verdicts
	Matches       int            `json:"matches"`                 // events the evaluator matched
	Disagreements []Disagreement `json:"disagreements,omitempty"` // events with different verdicts
	// Unverified is set when the query could not be read back (Reason says why).
	Unverified bool `json:"unverified,omitempty"`
}

// Covered reports whether the report's disagreements are explained by a reported
// approximation.
func (r *RuleReport) Covered() bool { return r.Fidelity == FidelityApproximate }

// Failing reports whether the report fails a run: a disagreement or an unreadable query not
// covered by a reported approximation, or a failed conversion.
func (r *RuleReport) Failing() bool {
	if r.Fidelity == FidelityFailed {
		return true
	}
	return (len(r.Disagreements) > 0 || r.Unverified) && !r.Covered()
}

// Summary counts a verify run.
type Summary struct {
	Target        string        `json:"target"`
	Rules         int           `json:"rules"`         // documents read
	Checked       int           `json:"checked"`       // rules whose query was checked on events
	Exact         int           `json:"exact"`         // fidelity counts
	Approximate   int           `json:"approximate"`   //
	Refused       int           `json:"refused"`       //
	Failed        int           `json:"failed"`        //
	Skipped       int           `json:"skipped"`       //
	Unverified    int           `json:"unverified"`    // converted queries the interpreter could not read
	Events        int           `json:"events"`        // rule × event checks
	Agreements    int           `json:"agreements"`    //
	Disagreements int           `json:"disagreements"` // events with different verdicts, all rules
	Uncovered     int           `json:"uncovered"`     // of which on rules without a reported approximation
	FailingRules  int           `json:"failing_rules"` // rules failing the run
	Elapsed       time.Duration `json:"elapsed_ns"`    // wall time
}

// Run converts the rules in paths for one target and verifies every converted rule. emit is
// called with one report per document, in input order.
func Run(ctx context.Context, opts Options, paths []string, emit func(*RuleReport) error) (*Summary, error) {
	start := time.Now()
	d, err := driver.New(opts.Driver)
	if err != nil {
		return nil, err
	}
	var results []*driver.Result
	if _, err := d.Run(ctx, paths, func(r *driver.Result) error {
		if r.Kind != driver.KindFilter {
			results = append(results, r)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	target := opts.Driver.Target
	if b := d.Backend(); b != nil {
		target = b.Name()
	}
	reports := make([]*RuleReport, len(results))
	workers := opts.Driver.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				reports[i] = verifyOne(results[i], target, opts)
			}
		}()
	}
	for i := range results {
		next <- i
	}
	close(next)
	wg.Wait()
	sum := &Summary{Target: target}
	for _, rep := range reports {
		sum.add(rep)
		if err := emit(rep); err != nil {
			return nil, err
		}
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

func (s *Summary) add(r *RuleReport) {
	s.Rules++
	switch r.Fidelity {
	case FidelityExact:
		s.Exact++
	case FidelityApproximate:
		s.Approximate++
	case FidelityRefused:
		s.Refused++
	case FidelityFailed:
		s.Failed++
	case FidelitySkipped:
		s.Skipped++
	}
	if r.Unverified {
		s.Unverified++
	} else if r.Events > 0 {
		s.Checked++
	}
	s.Events += r.Events
	s.Agreements += r.Agreements
	s.Disagreements += len(r.Disagreements)
	if !r.Covered() {
		s.Uncovered += len(r.Disagreements)
	}
	if r.Failing() {
		s.FailingRules++
	}
}

// verifyOne classifies one driver result and, for a converted rule, checks its query.
func verifyOne(res *driver.Result, target string, opts Options) *RuleReport {
	rep := &RuleReport{File: res.File, Pos: res.Pos.String(), ID: res.ID, Title: res.Title, Target: target}
	switch res.Status {
	case driver.StatusRefused:
		rep.Fidelity, rep.Reason = FidelityRefused, res.Reason()
		return rep
	case driver.StatusFailed:
		rep.Fidelity = FidelityFailed
		if len(res.Errors) > 0 {
			rep.Reason = res.Errors[0].Error()
		}
		return rep
	}
	out := res.Output
	if out == nil {
		rep.Fidelity, rep.Reason = FidelitySkipped, "no output"
		return rep
	}
	rep.Fidelity = FidelityExact
	for _, w := range out.Warnings {
		if w.Approximate {
			rep.Fidelity = FidelityApproximate
			rep.Warnings = append(rep.Warnings, w.ID)
		}
	}
	rep.Warnings = dedupe(rep.Warnings)
	rep.Query = out.Query
	rule, ok := out.Rule.(*ir.Rule)
	if !ok {
		if rep.Fidelity == FidelityExact {
			rep.Fidelity = FidelitySkipped
		}
		rep.Reason = "correlation rules are not verified on single events"
		return rep
	}
	if opts.Interp == nil {
		rep.Unverified, rep.Reason = true, "no interpreter for target "+target
		return rep
	}
	events := append([]interp.Event(nil), opts.Events...)
	if !opts.NoGenerate {
		events = append(events, gen.Generate(rule, gen.Options{Max: opts.MaxEvents})...)
	}
	o, err := check(rule, out, opts.Interp, events)
	if err != nil {
		rep.Unverified, rep.Reason = true, err.Error()
		return rep
	}
	rep.Events, rep.Agreements, rep.Matches, rep.Disagreements = o.Events, o.Agreements, o.Matches, o.Disagreements
	return rep
}

// check runs Check, turning a panic in an interpreter into an error so that one rule never
// stops a run.
func check(rule *ir.Rule, out *backends.Output, in interp.Interpreter, events []interp.Event) (o *Outcome, err error) {
	defer func() {
		if p := recover(); p != nil {
			o, err = nil, fmt.Errorf("internal error: %v", p)
		}
	}()
	return Check(rule, out.Query, in, events)
}

func dedupe(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
