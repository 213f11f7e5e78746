package interp

// Event is a flat JSON-like event: field name → value (string, float64, bool, nil, []any,
// map[string]any). Field names are the target's (after pipelines).
type Event map[string]any

// Program is a parsed query that can be matched against events.
type Program interface {
	// Match reports whether the event satisfies the query.
	Match(ev Event) (bool, error)
}

// Interpreter parses one query language (the subset sigconv emits).
type Interpreter interface {
	// Name is the target name: splunk, kql, lucene, dsl, esql, eql.
	Name() string
	// Parse parses the whole emitted query text (source/table prefix allowed).
	Parse(query string) (Program, error)
}

// FieldTypes optionally tells interpreters the type of each field (e.g. "keyword", "text",
// "ip", "long", "string"), when the target's semantics depend on it; may be nil.
type FieldTypes map[string]string
