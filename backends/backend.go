package backends

import (
	"errors"
	"fmt"
	"time"

	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/pipeline"
)

// Backend converts pipeline-processed Sigma rules into one target language.
type Backend interface {
	// Name is the target name used with -t, e.g. "kql".
	Name() string
	// Description is a one-line summary for `sigconv list targets`.
	Description() string
	// Formats lists the output formats; the first is the default.
	Formats() []Format
	// DefaultPipelines names the built-in pipelines applied when the user
	// gives no -p, in order.
	DefaultPipelines() []string
	// Convert converts one rule. It returns an error wrapping
	// ErrUnsupported (usually an *UnsupportedError) for a rule the target
	// cannot express exactly, never an approximation.
	Convert(in *Input) (*Output, error)
}

// Bundler is implemented by backends whose formats combine all rules into
// one file (e.g. savedsearches.conf, an ARM template). The driver calls
// Bundle once with the outputs of every converted rule, in input order.
type Bundler interface {
	Bundle(format string, cfg Config, outs []*Output) ([]byte, error)
}

// CorrelationConverter is implemented by backends that convert correlation
// rules. rules holds the processed referenced rules (in Correlation.Rules
// order, chained correlations already resolved by the driver).
type CorrelationConverter interface {
	ConvertCorrelation(in *CorrelationInput) (*Output, error)
}

// Format is one output format of a backend.
type Format struct {
	Name        string // -f value
	Description string // one line
	Ext         string // file extension for -o DIR, with the dot, e.g. ".kql"
	Bundled     bool   // whether outputs are combined by Bundler.Bundle
}

// Config is the decoded --config file: a generic YAML/JSON tree
// (map[string]any, []any, string, int, float64, bool). Backends read the
// keys they document; nil means no config.
type Config map[string]any

// Input is one rule to convert.
type Input struct {
	Processed *pipeline.Result // the rule after all pipelines
	Format    string           // chosen format name (never "", the driver fills the default)
	Config    Config           // user configuration, or nil
	Options   Options          // command-line options
}

// Options are conversion options given on the command line.
type Options struct {
	Table string // --table: target table when no pipeline chose one (KQL)
}

// CorrelationInput is one correlation rule to convert.
type CorrelationInput struct {
	Correlation *ir.Correlation     // the correlation, pipeline-processed
	Rules       []*pipeline.Result  // referenced rules, processed
	Chained     []*CorrelationInput // referenced correlations, in Rules order where applicable
	Format      string              // chosen format
	Config      Config              // user configuration, or nil
	Options     Options             // command-line options
}

// Lookback is how far back in time a correlation's query reads events so
// that its window can be complete: its timespan plus the longest lookback
// among the correlations it refers to (an inner hit at the start of the
// outer window needs events one inner timespan before it).
func (in *CorrelationInput) Lookback() time.Duration {
	var inner time.Duration
	for _, ch := range in.Chained {
		inner = max(inner, ch.Lookback())
	}
	return in.Correlation.Timespan.Duration + inner
}

// Output is the result of converting one rule.
type Output struct {
	Rule     ir.Document   // the converted rule or correlation
	Query    string        // the query text
	Text     string        // the complete output for the format (e.g. a YAML analytic rule); "" means Query
	Warnings []Warning     // approximations and notes
	Lookback time.Duration // correlations: CorrelationInput.Lookback, which scheduled formats must cover; 0 for rules
}

// Fidelity classifies how exactly an output matches the rule's meaning.
type Fidelity int

// Fidelity levels.
const (
	Exact       Fidelity = iota // the query matches exactly the events the rule matches
	Approximate                 // the query differs in documented ways (see Warnings)
)

// Fidelity is Approximate when any warning is an approximation.
func (o *Output) Fidelity() Fidelity {
	for _, w := range o.Warnings {
		if w.Approximate {
			return Approximate
		}
	}
	return Exact
}

// Warning is a non-fatal note about a conversion, with a stable ID.
type Warning struct {
	Pos         ir.Pos // where in the rule, or zero
	ID          string // stable kebab-case id, e.g. "case-sensitive-fallback"
	Msg         string // human-readable
	Approximate bool   // whether the query's meaning differs from the rule's
}

// ErrUnsupported is wrapped by every refusal.
var ErrUnsupported = errors.New("unsupported")

// UnsupportedError is a refusal to convert a construct the target cannot
// express exactly.
type UnsupportedError struct {
	Pos     ir.Pos // position of the construct in the rule
	Backend string // backend name
	What    string // the construct, e.g. "re modifier with lookbehind"
	Reason  string // why the target cannot express it
}

// Unsupported builds an *UnsupportedError.
func Unsupported(pos ir.Pos, backend, what, reason string, args ...any) *UnsupportedError {
	return &UnsupportedError{Pos: pos, Backend: backend, What: what, Reason: fmt.Sprintf(reason, args...)}
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("%s: %s: %s cannot be converted: %s", e.Pos, e.Backend, e.What, e.Reason)
}

// Unwrap makes errors.Is(err, ErrUnsupported) true.
func (e *UnsupportedError) Unwrap() error { return ErrUnsupported }
