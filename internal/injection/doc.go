// Package injection holds reliability tests that cut across packages: the
// injection table (crafted values converted by every target must stay
// literals, checked by the verify interpreters and the evaluator), the
// resource-limit table (huge files, huge value lists, deep nesting,
// pathological wildcards and regexes) and the cross-backend fuzzers
// (FuzzLiteral, FuzzConvert). It has no non-test code; see
// docs/reliability.md.
package injection
