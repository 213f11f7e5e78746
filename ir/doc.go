// Package ir is sigconv's lossless intermediate representation of Sigma
// documents: detection rules, correlation rules and filters.
//
// The parser produces it, pipelines rewrite it, the evaluator compiles it and
// the backends print it. It knows nothing of YAML or of any target language
// and imports only the standard library.
//
// Design rules:
//   - Node kinds are sealed: Document, Cond and Value are interfaces with
//     unexported marker methods, consumed with type switches.
//   - Order is kept: searches, items and values are slices in source order,
//     never maps.
//   - Nothing is lost or pre-computed: modifiers are kept as written and
//     resolved into an explicit Match (operator, case flag, encodings, regex
//     flags), string values keep their wildcard and placeholder parts, and
//     encodings are applied only on demand (see Encode), so the evaluator can
//     replay them and a backend can refuse them.
//   - Every node carries a Pos (1-based line and column).
package ir
