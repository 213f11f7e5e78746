// Package esql interprets the ES|QL queries sigconv emits (FROM ... | WHERE ...), for sigconv
// verify. It is written from the ES|QL reference (syntax, literals and identifiers, operators,
// LIKE and RLIKE, IN, IS NULL, functions TO_LOWER, TO_UPPER, TO_STRING, TO_DOUBLE, TO_LONG,
// TO_INTEGER, TO_IP, STARTS_WITH, ENDS_WITH, LOCATE, LENGTH, CIDR_MATCH, COALESCE; "Working
// with NULL values"; "ES|QL multivalued fields"), independently of backends/elastic.
//
// Semantics implemented:
//   - FROM selects indices and is ignored (verify compares detection logic); WHERE commands
//     filter; LIMIT, KEEP, SORT and DROP do not change which events match; other commands
//     (STATS, EVAL, ...) are rejected.
//   - SQL three-valued logic: a missing field is NULL; comparisons, LIKE, RLIKE, IN and
//     functions of NULL are NULL; NOT NULL is NULL; AND / OR follow Kleene logic; WHERE keeps
//     an event only when its condition is true. IS NULL / IS NOT NULL test presence;
//     COALESCE returns its first non-null argument.
//   - A multi-valued field (a JSON array with two or more values) is a multi-value: functions
//     and comparisons of it are NULL (Elasticsearch warns "single-value function encountered
//     multi-value"), conversion functions and TO_LOWER / TO_UPPER map each value.
//   - == and != are case-sensitive; LIKE matches the whole string with * and ?, a backslash
//     escaping the next character (after string-literal unescaping); RLIKE is a Lucene RegExp
//     over the whole string (see verify/internal/es).
//   - Field types (interp.FieldTypes, else ECS defaults): keyword fields read numbers and
//     booleans as their JSON text; numeric fields numbers (strings coerced); ip fields
//     addresses; boolean fields true / false. Comparing values of different types is an
//     error (ES|QL rejects such queries).
package esql
