// Package dsl interprets Elasticsearch Query DSL search bodies as sigconv emits them, for
// sigconv verify. It is written from the Elasticsearch reference (bool query, term, terms,
// prefix, wildcard, regexp, exists, range, match_all, match_none; case_insensitive;
// minimum_should_match) and the mapping-type pages, independently of backends/elastic.
//
// Semantics implemented:
//   - The body is {"query": Q} (or Q itself). bool: every must and filter clause, none of the
//     must_not clauses, and at least minimum_should_match of the should clauses; that minimum
//     defaults to 1 when there are should clauses and no must / filter, else 0. An empty bool
//     matches every document.
//   - term / terms: exact terms, case-sensitive unless "case_insensitive": true (Unicode case
//     folding); prefix and wildcard (* and ?, backslash escapes) likewise; regexp is a Lucene
//     RegExp over the whole term (flags ignored: all operators are read; case_insensitive
//     folds ASCII letters); exists: the field has a non-null value; range: gt / gte / lt /
//     lte, numeric on numeric fields, by term order on keyword fields.
//   - Field types as in verify/lucene (interp.FieldTypes, else ECS defaults): numbers and
//     booleans given to keyword fields compare as their JSON text; a multi-valued field
//     matches when any value does; null values are missing.
package dsl
