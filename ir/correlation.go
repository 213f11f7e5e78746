package ir

import "time"

// CorrelationType is the type of a correlation rule.
type CorrelationType string

// The correlation types of the specification (value_median is accepted as
// value_percentile with percentile 50 by the parser).
const (
	EventCount      CorrelationType = "event_count"
	ValueCount      CorrelationType = "value_count"
	Temporal        CorrelationType = "temporal"
	TemporalOrdered CorrelationType = "temporal_ordered"
	ValueSum        CorrelationType = "value_sum"
	ValueAvg        CorrelationType = "value_avg"
	ValuePercentile CorrelationType = "value_percentile"
	ValueMedian     CorrelationType = "value_median"
)

// Correlation is a Sigma correlation rule.
type Correlation struct {
	Meta
	Type     CorrelationType // correlation type
	TypePos  Pos             // position of the type value
	Rules    []RuleRef       // referenced rules or correlations, by id or name
	GroupBy  []string        // group-by fields (or aliases)
	Timespan Timespan        // timespan
	Cond     *CorrCondition  // condition, or nil for temporal types without one
	Aliases  []Alias         // field name aliases, in source order
	Generate bool            // generate: also emit the referenced rules
}

// Timespan is a correlation time window.
type Timespan struct {
	Pos      Pos           // position of the value
	Raw      string        // as written, e.g. "90m"
	Duration time.Duration // parsed length
}

// CorrCondition is the condition of a correlation: one or two bounds on the
// aggregate, AND-ed, and the aggregated field where the type needs one.
type CorrCondition struct {
	Pos        Pos         // position of the condition mapping
	Field      string      // field for value_count / value_sum / value_avg / value_percentile, or ""
	Percentile float64     // percentile for value_percentile; the parser defaults it to 50 (the median)
	Bounds     []CorrBound // one or more comparisons, in source order
}

// CorrBound is one comparison of a correlation condition.
type CorrBound struct {
	Pos   Pos     // position of the operator key
	Op    string  // gt, gte, lt, lte, eq, neq
	Value float64 // threshold
}

// Alias maps one alias name to a field per referenced rule.
type Alias struct {
	Pos    Pos          // position of the alias name
	Name   string       // alias used in group-by
	Fields []AliasField // per-rule field, in source order
}

// AliasField is the field an alias stands for in events of one rule.
type AliasField struct {
	Pos   Pos    // position of the entry
	Rule  string // rule name (or id)
	Field string // field in that rule's events
}
