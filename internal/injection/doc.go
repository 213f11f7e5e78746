// Package injection holds reliability tests that cut across packages: the
// injection table (crafted values converted by every target must stay
// literals, checked by the verify interpreters and the evaluator), the
// resource-limit table (huge files, huge value lists, deep nesting,
// pathological wildcards and regexes) and the cross-backend fuzzers
// (FuzzLiteral, FuzzConvert). Its only non-test code is the table of
// crafted values (Values, LiteralRule), which the Kusto.Language and
// Lucene validator tests also convert; see docs/reliability.md.
package injection
