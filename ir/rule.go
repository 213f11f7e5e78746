package ir

// Document is one YAML document of a Sigma file after parsing: a *Rule, a
// *Correlation or a *Filter. The set is sealed.
type Document interface {
	// Metadata returns the shared descriptive attributes.
	Metadata() *Meta
	document()
}

// Meta holds the descriptive attributes common to rules, correlations and
// filters. Strings are "" and slices nil when absent.
type Meta struct {
	Pos            Pos         // start of the document
	File           string      // source file path as given, or "" for stdin
	Doc            int         // 0-based index of the YAML document in File
	Title          string      // title
	ID             string      // id, usually a UUID
	Name           string      // name: unique human-readable reference for correlations
	Related        []Related   // related rules
	Taxonomy       string      // taxonomy, "" meaning the default "sigma"
	Status         string      // stable, test, experimental, deprecated, unsupported
	Description    string      // description
	License        string      // license
	Author         string      // author
	References     []string    // references
	Date           string      // date as written (YYYY-MM-DD by the spec)
	Modified       string      // modified as written
	Fields         []string    // fields of interest
	FalsePositives []string    // falsepositives
	Level          string      // informational, low, medium, high, critical
	Tags           []string    // tags, e.g. attack.t1572
	Scope          []string    // scope
	Custom         []Attribute // attributes the specification does not define, in source order
}

// Metadata returns m itself, so that embedding types satisfy Document.
func (m *Meta) Metadata() *Meta { return m }

// Related is one entry of the related attribute.
type Related struct {
	Pos  Pos    // position of the entry
	ID   string // related rule id
	Type string // derived, obsolete, merged, renamed, similar
}

// Attribute is a custom (non-specification) attribute kept verbatim.
type Attribute struct {
	Pos   Pos    // position of the key
	Key   string // attribute name
	Value any    // string, int64, float64, bool, nil, []any or []Attribute (a mapping, in order)
}

// LogSource selects the log data a rule applies to.
type LogSource struct {
	Pos        Pos         // position of the logsource mapping
	Category   string      // e.g. process_creation
	Product    string      // e.g. windows
	Service    string      // e.g. security
	Definition string      // free-text description of required configuration
	Custom     []Attribute // other keys, in source order
}

// IsZero reports whether no logsource field is set.
func (l LogSource) IsZero() bool {
	return l.Category == "" && l.Product == "" && l.Service == "" && l.Definition == "" && len(l.Custom) == 0
}

// Rule is a Sigma detection rule.
type Rule struct {
	Meta
	LogSource LogSource  // logsource
	Detection *Detection // detection; never nil for a rule that parsed without errors
	// Collection describes how the rule came from a rule collection, or nil
	// for a plain single-document rule.
	Collection *CollectionInfo
}

// CollectionInfo records the origin of a rule produced by a multi-document
// rule collection (action: global / reset / repeat).
type CollectionInfo struct {
	GlobalDoc int    // index of the global document merged in, or -1
	Action    string // action of the rule's own document: "", "repeat"
}

// Filter is a Sigma meta filter: a detection that is applied to other rules.
type Filter struct {
	Meta
	LogSource LogSource  // logsource the filter applies to
	Rules     []RuleRef  // rules the filter targets (by id or name)
	Detection *Detection // the filter's searches and condition
}

// RuleRef refers to another rule by id or name.
type RuleRef struct {
	Pos Pos    // position of the reference
	Ref string // id or name as written
}

func (*Rule) document()        {}
func (*Filter) document()      {}
func (*Correlation) document() {}
