// Package es holds what the Elasticsearch interpreters of sigconv verify (verify/lucene,
// verify/dsl, verify/esql, verify/eql) share: the field-type model of an index (ECS defaults,
// overridable), how a JSON event is indexed (multi-valued fields, nulls, numbers and booleans
// on keyword fields, coercion of strings on numeric, ip and boolean fields), Lucene's RegExp
// syntax and wildcard patterns compiled to Go regular expressions, and the small value helpers
// their evaluators have in common (a field's typed values, "any value satisfies", a value's
// text, number ordering, the comparison operators).
//
// It is written from the Elasticsearch reference (mapping types keyword, numeric, ip, boolean;
// null_value and arrays; term-level queries; regular expression syntax) and the Lucene RegExp
// documentation, independently of backends/elastic.
package es
