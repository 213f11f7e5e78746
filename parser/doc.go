// Package parser turns Sigma YAML files into ir documents: detection rules,
// rule collections (action: global / reset / repeat), correlation rules and
// filters, including the condition grammar and the resolution and
// validation of field modifiers.
//
// It is the only sigconv package that imports a YAML library. It decodes
// into gopkg.in/yaml.v3 yaml.Node trees (which keep line and column) with
// its own fast decoder for the YAML subset rules use (internal/fastyaml),
// falling back to yaml.v3 for anything else, and builds the IR directly
// from the nodes, without reflection-based decoding. Every problem is reported as an *ir.Error carrying
// file:line:col and a stable code; a file with errors may still yield
// partial documents, and a panic inside the parser is recovered and reported
// as an internal-error for that file only.
//
// Entry points: ParseFile (a whole file), ParseCondition (one condition
// expression) and ParseItems (a search mapping, used by pipelines).
package parser
