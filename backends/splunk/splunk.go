package splunk

import (
	"fmt"
	"strings"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/backends/internal/lower"
	"github.com/sigconv/sigconv/pipeline"
)

// Name is the target name of the Splunk backend.
const Name = "splunk"

// Format names.
const (
	FormatDefault       = "default"
	FormatSavedSearches = "savedsearches"
	FormatDataModel     = "data_model"
)

// Backend is the Splunk SPL backend. The zero value is ready to use.
type Backend struct{}

// New returns the Splunk backend.
func New() *Backend { return &Backend{} }

// Name returns "splunk".
func (*Backend) Name() string { return Name }

// Description is a one-line summary.
func (*Backend) Description() string {
	return "Splunk SPL searches, savedsearches.conf and CIM data-model (tstats) searches"
}

// Formats lists the output formats; "default" comes first.
func (*Backend) Formats() []backends.Format {
	return []backends.Format{
		{Name: FormatDefault, Description: "one SPL search per rule (plus | table of the rule's fields)", Ext: ".spl"},
		{Name: FormatSavedSearches, Description: "savedsearches.conf with one stanza per rule", Ext: ".conf", Bundled: true},
		{Name: FormatDataModel, Description: "| tstats search over the rule's CIM data model", Ext: ".spl"},
	}
}

// DefaultPipelines names the built-in pipelines applied without -p.
func (*Backend) DefaultPipelines() []string { return []string{"splunk_windows"} }

// Convert converts one processed rule.
func (b *Backend) Convert(in *backends.Input) (*backends.Output, error) {
	if in.Processed == nil || in.Processed.Rule == nil {
		return nil, fmt.Errorf("splunk: no rule to convert")
	}
	res := in.Processed
	r := res.Rule
	x, err := lower.Rule(r, Name)
	if err != nil {
		return nil, err
	}
	e := &emitter{pos: r.Pos}
	if err := e.check(x); err != nil {
		return nil, err
	}
	out := &backends.Output{Rule: res.Rule}
	switch in.Format {
	case FormatDataModel:
		q, err := e.dataModel(res, x)
		if err != nil {
			return nil, err
		}
		out.Query = q
	case FormatDefault, FormatSavedSearches, "":
		out.Query = e.query(res, x)
		if in.Format != FormatSavedSearches && len(r.Fields) > 0 {
			out.Text = out.Query + "\n" + tableStage(r.Fields)
		}
	default:
		return nil, fmt.Errorf("splunk: unknown format %q", in.Format)
	}
	return out, nil
}

// query prints the rule as a search (index/sourcetype/source prefix from
// the pipeline state, the searchable conjuncts) and, when needed, one
// where stage holding every other conjunct.
func (e *emitter) query(res *pipeline.Result, x lower.Expr) string {
	terms := statePrefix(res.State)
	s, w := e.split(x)
	par := parentAnd
	if len(terms) == 0 && len(s) == 1 {
		par = parentNone
	}
	for _, t := range s {
		terms = append(terms, e.search(t, par))
	}
	for _, t := range w {
		if sup := e.superset(t, parentAnd); sup != "" {
			terms = append(terms, sup)
		}
	}
	q := "*"
	if len(terms) > 0 {
		q = strings.Join(terms, " ")
	}
	if len(w) > 0 {
		q += "\n| where " + e.whereAll(w)
	}
	return q
}

// whereAll prints conjuncts as one eval expression.
func (e *emitter) whereAll(w []lower.Expr) string {
	if len(w) == 1 {
		return e.where(w[0], parentNone, false)
	}
	parts := make([]string, len(w))
	for i, t := range w {
		parts[i] = e.where(t, parentAnd, false)
	}
	return strings.Join(parts, " AND ")
}

// statePrefix renders the index, sourcetype and source chosen by the
// pipeline as leading search terms.
func statePrefix(state map[string]any) []string {
	var out []string
	for _, key := range []string{pipeline.StateIndex, pipeline.StateSourcetype, pipeline.StateSource} {
		vals := stateStrings(state[key])
		switch len(vals) {
		case 0:
		case 1:
			out = append(out, key+"="+splString(vals[0]))
		default:
			q := make([]string, len(vals))
			for i, v := range vals {
				q[i] = splString(v)
			}
			out = append(out, key+" IN ("+strings.Join(q, ", ")+")")
		}
	}
	return out
}

// stateStrings reads a state value that is a string or a list of strings.
func stateStrings(v any) []string {
	switch v := v.(type) {
	case string:
		if v == "" {
			return nil
		}
		return []string{v}
	case []string:
		return v
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// tableStage lists the rule's fields of interest.
func tableStage(fields []string) string {
	q := make([]string, len(fields))
	for i, f := range fields {
		q[i] = searchField(f)
	}
	return "| table " + strings.Join(q, ", ")
}

var (
	_ backends.Backend = (*Backend)(nil)
	_ backends.Bundler = (*Backend)(nil)
)
