// Package fastyaml decodes the YAML subset that Sigma rules use into the
// same yaml.Node document trees that gopkg.in/yaml.v3's Decoder produces,
// several times faster.
//
// Parse handles block mappings and sequences (including compact "- key: v"
// entries and sequences indented like their parent key), plain, single- and
// double-quoted scalars with line folding and escapes, literal and folded
// block scalars with chomping and indentation indicators, single-line flow
// sequences and mappings, comments, "---" and "..." and several documents.
// Node Kind, Style, Tag, Value, Line, Column and Content equal yaml.v3's;
// comments are not kept (the parser never reads them), and Tag resolution of
// plain scalars follows yaml.v3's resolver exactly.
//
// Anything else (anchors, aliases, tags, complex keys, directives, tabs
// outside comment lines, carriage returns, a byte order mark, odd
// indentation, any syntax error or any case this package is not sure of)
// makes Parse report ok == false, and the caller decodes the whole file with
// yaml.v3 instead, so that every error message and every unusual case keeps
// yaml.v3's behaviour.
//
// Only the parser package imports it.
package fastyaml
