package pipeline

import "github.com/sigconv/sigconv/ir"

// Result is a rule after a pipeline has been applied: the rewritten rule
// plus everything a backend needs to know that is not part of Sigma.
type Result struct {
	// Rule is the transformed rule; the input rule is never modified.
	Rule *ir.Rule
	// State holds processing state set by set_state and by built-in
	// pipelines. Well-known keys are the State* constants; values are
	// strings, numbers, bools or []string.
	State map[string]any
	// Table is the target table or data source chosen for the rule's
	// logsource (KQL table, Elastic index pattern, Splunk data model), or
	// nil when no pipeline chose one.
	Table *Table
	// Postprocess lists query postprocessing steps, applied by the driver
	// to the backend's query text in order.
	Postprocess []Postprocessing
	// Applied records which processing items applied, for explain and
	// for processing_item_applied conditions, in application order.
	Applied []Applied
	// Fields tells, per field of the input rule in order of appearance,
	// what the pipelines made of it (for unmapped-field reports).
	Fields []FieldMapping
	// LogsourceMapped is true when an item with a logsource rule condition
	// applied, i.e. some pipeline knows the rule's log source.
	LogsourceMapped bool
	// Expressions holds the query expressions that
	// query_expression_placeholders put in place of placeholder values,
	// keyed by the value they replace; see Expression.
	Expressions map[ir.Value]string
}

// Well-known State keys.
const (
	StateIndex      = "index"      // Splunk index / Elastic index pattern, string or []string
	StateSourcetype = "sourcetype" // Splunk sourcetype
	StateSource     = "source"     // Splunk source
	StateDataModel  = "data_model" // Splunk CIM data model (e.g. Endpoint.Processes)
)

// Table describes a target table and its columns, so that a backend can
// pick operators by column type and refuse unknown columns.
type Table struct {
	Name    string   // table name, e.g. DeviceProcessEvents
	Columns []Column // known columns; empty means "schema unknown, accept any"
}

// Column is one column of a Table.
type Column struct {
	Name string // column name
	Type string // Kusto-style scalar type: string, int, long, real, bool, datetime, dynamic, guid, timespan
}

// Column returns the column with the given name, or nil.
func (t *Table) Column(name string) *Column {
	if t == nil {
		return nil
	}
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// Postprocessing is one query postprocessing step.
type Postprocessing struct {
	ID     string         // processing item id, or ""
	Type   string         // embed, simple_template, template, json or replace
	Params map[string]any // type-specific parameters

	tmpl *jinjaTemplate // compiled template of a template step
	vars map[string]any // vars of the pipeline holding the step (pipeline.vars)
}

// Applied records one processing item that applied to a rule.
type Applied struct {
	ID       string // processing item id, or "" when it has none
	Type     string // transformation type
	Pipeline string // pipeline name
	Detail   string // what it changed, human-readable; filled by Explain only
	Pos      ir.Pos // position of the item in its pipeline file
}

// FieldMapping tells what one field of the input rule became.
type FieldMapping struct {
	Field   string   // field name in the input rule
	Target  []string // field names in the processed rule, in order
	Mapped  bool     // whether a field name mapping changed or confirmed it
	Dropped bool     // whether every detection item on it was removed
	By      []string // ids (or type@position) of the items that mapped it
}
