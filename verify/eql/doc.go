// Package eql interprets the Event Query Language queries sigconv emits (category where
// condition), for sigconv verify. It is written from the Elasticsearch EQL syntax reference
// (conditions, comparison operators, :, like, like~, regex, regex~, in, in~, lookups, logical
// operators, strings and escapes, field names, null, functions cidrMatch, number, string,
// startsWith, endsWith, stringContains, length; "Limitations"), independently of
// backends/elastic.
//
// Semantics implemented:
//   - The event category before where selects the data set (event.category) and is ignored:
//     verify compares detection logic. Sequences, samples and pipes are rejected.
//   - : is case-insensitive equality with * and ? wildcards (a backslash is an ordinary
//     character: EQL wildcards cannot be escaped); == and != are case-sensitive and literal;
//     like / like~ are wildcard matches (case-sensitive / -insensitive); regex / regex~ a
//     Lucene RegExp over the whole value (see verify/internal/es); in / in~ list lookups; a
//     list after : , like or regex matches when any element does.
//   - A missing field satisfies no comparison but == null; != is the negation of ==, so it
//     also holds for missing fields, and != null means present. A multi-valued field
//     satisfies a comparison when any value does. A condition on a missing value, including
//     a boolean function such as cidrMatch, is false and its negation true: EQL runs
//     field conditions as Query DSL filters (not as bool must_not), where a document without
//     the field fails a positive clause and passes a negated one. Functions used as values
//     (number, string, length) of a missing field yield no value.
//   - Field types (interp.FieldTypes, else ECS defaults): strings compare with keyword
//     fields, numbers with numeric fields; mixing them, or cidrMatch on a non-ip field, is an
//     error, as EQL's type checker rejects such queries.
package eql
