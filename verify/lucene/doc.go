// Package lucene interprets Elasticsearch query_string queries (the Lucene classic query
// syntax) as sigconv emits them, for sigconv verify. It is written from the Elasticsearch
// reference (query_string query: syntax, field names, wildcards, regular expressions, ranges,
// boolean operators, reserved characters, _exists_), the Lucene classic QueryParser
// documentation and the mapping-type pages, independently of backends/elastic.
//
// Semantics implemented:
//   - Boolean structure follows the classic parser, not boolean algebra: a query is a list of
//     clauses, each SHOULD, MUST or MUST_NOT. With the default operator OR, a clause is
//     SHOULD unless introduced by AND (or +), which also makes the preceding clause MUST, or
//     by NOT / ! / -, which makes it MUST_NOT. So "a AND b OR c" means a AND b, and
//     "a OR NOT b" means "a, but not b". A group with MUST clauses needs all of them; else at
//     least one SHOULD; MUST_NOT clauses exclude. A purely negative group matches every
//     document but the excluded ones (Elasticsearch adds match_all).
//   - field:value forms: "phrase" (an exact term on keyword fields: keyword fields are not
//     analysed), term (escapes removed), wildcard term (* and ?, escapes keep their
//     character literal), /regexp/ (Lucene RegExp, anchored over the whole term, see
//     verify/internal/es), >v >=v <v <=v and [a TO b] / {a TO b} ranges, field:(group), and
//     _exists_:field. Unfielded terms, fuzzy (~) and boosts (^) are rejected.
//   - Field types (interp.FieldTypes, else ECS defaults): keyword terms are case-sensitive
//     and compare the value's JSON text (numbers, booleans); numeric fields compare numbers
//     (strings coerced); ip fields take an address or CIDR prefix; boolean fields true /
//     false. A multi-valued field matches when any value does; null values are not indexed
//     (missing). Events Elasticsearch would reject (a non-numeric string in a numeric field)
//     are not represented (skipped by verify).
package lucene
