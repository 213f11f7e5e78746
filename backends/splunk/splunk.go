package splunk

import (
	"github.com/sigconv/sigconv/backends"
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
	r := in.Processed.Rule
	return nil, backends.Unsupported(r.Pos, Name, "rule", "the splunk backend is not implemented yet")
}

// Bundle combines per-rule outputs into one savedsearches.conf.
func (b *Backend) Bundle(format string, cfg backends.Config, outs []*backends.Output) ([]byte, error) {
	return nil, nil
}

var (
	_ backends.Backend = (*Backend)(nil)
	_ backends.Bundler = (*Backend)(nil)
)
