package kql

import (
	"fmt"
	"strings"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/backends/internal/lower"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/pipeline"
)

// Name is the target name of the KQL backend.
const Name = "kql"

// Format names.
const (
	FormatDefault      = "default"       // Table | where ...
	FormatSentinelRule = "sentinel_rule" // Sentinel scheduled analytic rule YAML
	FormatSentinelARM  = "sentinel_arm"  // ARM template JSON holding every rule
)

// Backend is the KQL backend. It holds no state; use New.
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

// DefaultPipelines names the built-in pipelines used when the user gives no
// -p: Sysmon-style Windows fields to Defender XDR advanced hunting tables.
func (*Backend) DefaultPipelines() []string { return []string{"microsoft_xdr"} }

// Convert converts one processed rule into `Table | where ...`, and for the
// sentinel_rule format also into the analytic rule YAML (Output.Text).
func (b *Backend) Convert(in *backends.Input) (*backends.Output, error) {
	res := in.Processed
	r := res.Rule
	table := res.Table
	if table == nil {
		if in.Options.Table == "" {
			return nil, backends.Unsupported(r.LogSource.Pos, Name, "logsource "+logsourceString(r.LogSource),
				"no pipeline maps it to a table; choose pipelines with -p or give the table with --table NAME")
		}
		table = &pipeline.Table{Name: in.Options.Table}
	}
	query, warns, err := query(r, table, extends(res.State), nil)
	if err != nil {
		return nil, err
	}
	out := &backends.Output{Rule: r, Query: query, Warnings: warns}
	switch in.Format {
	case FormatSentinelRule:
		text, err := sentinelRuleYAML(r, 0, []string{table.Name}, query, in.Config)
		if err != nil {
			return nil, err
		}
		out.Text = text
	case FormatSentinelARM, FormatDefault, "":
	default:
		return nil, backends.Unsupported(r.Pos, Name, "format "+in.Format, "unknown format")
	}
	return out, nil
}

// StateExtend is the pipeline state key holding computed columns: a list
// of "Name = expression" strings. A rule may use Name like a string column;
// the query then starts with `| extend Name = expression` (only for the
// names it uses, in list order). Pipelines use it to rebuild a Sysmon
// field's text from the target's columns.
const StateExtend = "kql_extend"

// Extend is one computed column.
type Extend struct {
	Name string // column name
	Expr string // KQL expression
}

// extends reads StateExtend from a pipeline state.
func extends(state map[string]any) []Extend {
	var list []string
	switch v := state[StateExtend].(type) {
	case string:
		list = []string{v}
	case []string:
		list = v
	case []any:
		for _, x := range v {
			list = append(list, fmt.Sprint(x))
		}
	}
	out := make([]Extend, 0, len(list))
	for _, s := range list {
		name, expr, ok := strings.Cut(s, "=")
		if !ok {
			continue
		}
		out = append(out, Extend{Name: strings.TrimSpace(name), Expr: strings.TrimSpace(expr)})
	}
	return out
}

// Query renders the detection of a processed rule as a query on table,
// with the computed columns ext available. Columns not in a table with a
// known schema (nor in ext) are refused.
func Query(r *ir.Rule, table *pipeline.Table, ext []Extend) (string, error) {
	q, _, err := query(r, table, ext, nil)
	return q, err
}

// WarnEmptyIsNull is the warning ID of queries that test a string column
// for presence or for the empty string: Kusto string columns hold "" for a
// missing value, so they cannot tell a missing field from an empty one,
// which Sigma (and the evaluator) distinguish.
const WarnEmptyIsNull = "kql-empty-is-null"

// query is Query that also defines the computed columns named in need
// (correlation group-by fields), used by the rule or not, and returns the
// approximation warnings of the query.
func query(r *ir.Rule, table *pipeline.Table, ext []Extend, need []string) (string, []backends.Warning, error) {
	x, err := lower.Rule(r, Name)
	if err != nil {
		return "", nil, err
	}
	e := &emitter{table: table, virtual: map[string]bool{}, used: map[string]bool{}}
	for _, x := range ext {
		e.virtual[x.Name] = true
	}
	for _, n := range need {
		if e.virtual[n] {
			e.used[n] = true
		}
	}
	where, _, err := e.expr(x, false)
	if err != nil {
		return "", nil, err
	}
	var warns []backends.Warning
	if e.emptyIsNull != nil {
		warns = append(warns, backends.Warning{Pos: e.emptyIsNull.Pos, ID: WarnEmptyIsNull, Approximate: true,
			Msg: fmt.Sprintf("%s is a string column: Kusto stores a missing value as \"\", so this test cannot tell a missing field from an empty one", e.emptyIsNull.Field)})
	}
	var b strings.Builder
	b.WriteString(ident(table.Name))
	var defs []string
	for _, x := range ext {
		if e.used[x.Name] {
			defs = append(defs, ident(x.Name)+" = "+x.Expr)
			e.used[x.Name] = false // first definition wins
		}
	}
	if len(defs) > 0 {
		b.WriteString("\n| extend " + strings.Join(defs, ", "))
	}
	b.WriteString("\n| where " + where)
	return b.String(), warns, nil
}

// logsourceString renders a logsource for messages, e.g.
// "category=process_creation product=windows".
func logsourceString(ls ir.LogSource) string {
	var parts []string
	for _, kv := range [][2]string{{"category", ls.Category}, {"product", ls.Product}, {"service", ls.Service}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	if len(parts) == 0 {
		return "(empty)"
	}
	return strings.Join(parts, " ")
}

var (
	_ backends.Backend = (*Backend)(nil)
	_ backends.Bundler = (*Backend)(nil)
)
