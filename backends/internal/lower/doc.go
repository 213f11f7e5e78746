// Package lower turns a pipeline-processed rule into the boolean tree the
// text backends print: And / Or / Not over atomic predicates (Pred).
//
// Lowering resolves what is the same for every target: condition references
// and quantifiers, the OR of a search's groups and the AND of a group's
// items, value lists (OR, or AND with the all modifier), neq (NOT), encodings
// (base64, base64offset, utf16*, windash via ir.Encode) and the
// contains / startswith / endswith operators, which become leading and
// trailing '*' parts of a pattern. It also makes the evaluator's presence
// rules explicit: neq and fieldref items carry Exists guards (a missing
// field matches neither), and values encoded with base64 / base64offset are
// case-sensitive. What a target can or cannot express is
// left to the backend, which refuses with backends.UnsupportedError.
package lower
