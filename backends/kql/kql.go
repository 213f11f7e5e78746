package kql

import (
	"github.com/sigconv/sigconv/backends"
)

// Name is the target name of the KQL backend.
const Name = "kql"

// Format names.
const (
	FormatDefault      = "default"       // Table | where ...
	FormatSentinelRule = "sentinel_rule" // Sentinel scheduled analytic rule YAML
	FormatSentinelARM  = "sentinel_arm"  // ARM template JSON holding every rule
)

// Backend is the KQL backend. The zero value is not ready; use New.
type Backend struct{}

// New returns the KQL backend.
func New() *Backend { return &Backend{} }

// Name returns "kql".
func (*Backend) Name() string { return Name }

// Description is a one-line summary.
func (*Backend) Description() string {
	return "Kusto Query Language for Microsoft Defender XDR advanced hunting and Microsoft Sentinel"
}

// Formats lists the output formats; default comes first.
func (*Backend) Formats() []backends.Format {
	return []backends.Format{
		{Name: FormatDefault, Description: "KQL query: Table | where ...", Ext: ".kql"},
		{Name: FormatSentinelRule, Description: "Microsoft Sentinel scheduled analytic rule (YAML)", Ext: ".yaml"},
		{Name: FormatSentinelARM, Description: "ARM template (JSON) deploying every rule as a Sentinel scheduled analytic rule", Ext: ".json", Bundled: true},
	}
}

// DefaultPipelines names the built-in pipelines used when the user gives no -p.
func (*Backend) DefaultPipelines() []string { return []string{"microsoft_xdr"} }

// Convert converts one processed rule.
func (b *Backend) Convert(in *backends.Input) (*backends.Output, error) {
	r := in.Processed.Rule
	return nil, backends.Unsupported(r.Pos, Name, "rule", "the KQL backend is not implemented yet")
}

// Bundle combines the outputs of every rule into one ARM template.
func (b *Backend) Bundle(format string, cfg backends.Config, outs []*backends.Output) ([]byte, error) {
	return []byte("{}\n"), nil
}

var (
	_ backends.Backend = (*Backend)(nil)
	_ backends.Bundler = (*Backend)(nil)
)
