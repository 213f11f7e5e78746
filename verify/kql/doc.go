// Package kql interprets the subset of Kusto Query Language that sigconv emits for detection
// rules, for sigconv verify. It is written from the Kusto documentation (string operators and
// the definition of a term, in / in~, matches regex, scalar functions isempty, isnotempty,
// isnull, isnotnull, tostring, tolong, toint, toreal, tolower, toupper, strcat, iff, not,
// replace_regex, parse_json, ipv4_is_in_range, ipv6_is_in_range), independently of
// backends/kql.
//
// Semantics implemented:
//   - A query is a table name followed by | where, | extend and | project commands. The table
//     selects the data set and is ignored (verify's events stand for the table's rows).
//   - == and != compare strings case-sensitively, =~ and !~ case-insensitively; contains,
//     startswith, endswith and has (and their ! forms) are case-insensitive, the _cs forms
//     case-sensitive. has matches whole terms: maximal runs of ASCII letters and digits; a
//     needle with non-alphanumeric characters matches where its alphanumeric ends fall on term
//     boundaries. in is case-sensitive, in~ not. matches regex is an unanchored RE2 search.
//   - * as the left operand of a string operator means any column.
//   - Nulls: a string column cannot hold null in Kusto; a missing or null field reads as the
//     empty string in string operations (so isempty is true and !contains is true), and as
//     null in numeric comparisons (false). isnull is true only for a missing or null value.
//   - Numbers compare numerically with numbers and strings that parse as numbers; string
//     operators see a number as its decimal text; booleans as true / false.
//   - extend computes columns, but a column the event already holds is kept: verify's events
//     are written in the rule's field names after pipelines, which are the columns a query
//     derives with extend (verify cannot invert the derivation).
//   - Arrays: Kusto string columns hold one value, so events with arrays are not representable
//     (Represents) and are skipped by verify.
package kql
