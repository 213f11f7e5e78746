// Package exprparse holds the parsing machinery the EQL and ES|QL interpreters of sigconv
// verify (verify/eql, verify/esql) share, because the two condition languages agree on it:
//
//   - tokens (identifiers, strings, numbers, operators) and a Scanner with the scanning both
//     lexers do alike: """ strings, "..." strings with the common escapes, backquoted names
//     with doubled backquotes, identifiers, numbers, one- and two-character operators;
//   - a recursive-descent Parser for the boolean layer of a condition (or, and, not, case-
//     insensitive keywords, and binding tighter than or), which records the top-level and
//     chains so that verify can name the operand that dropped an event;
//   - comma-separated lists and error messages that give the language and the position.
//
// What differs between the languages stays in each package: the escapes beyond \n \r \t \"
// \\, raw strings, the predicates and values below not, operators, types and evaluation.
package exprparse
