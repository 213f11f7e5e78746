// Package catalog describes Sigma rules the way a detection catalog does and
// writes a static catalog site.
//
// A Page is built from a parsed rule (ir.Rule) and its source text. In
// order it holds: title and description; the MITRE ATT&CK coverage from the
// rule's attack.* tags (names from package catalog/attack); the event
// coverage from the logsource (through an EventSource, normally the
// evaluator's Windows event mapping); the rule body as written; the
// condition as stages and each selection with its predicates; and the
// indicators (field, kind, value) with, for each, the number of other
// rules of the same rule set that use it (a Corpus index).
//
// Pages render as Markdown, JSON or HTML (Render*). WriteSite writes a
// whole rule set as static HTML: an index page filterable client-side (also
// from the URL fragment, e.g. #q=devtunnels) and one page per rule,
// generated in parallel with byte-identical output across runs.
//
// The package does not parse YAML or convert rules itself: callers pass a
// ParseFunc (parser.ParseFile) and optionally a Converter (the backends),
// so the data flow stays parser → ir → catalog.
package catalog
