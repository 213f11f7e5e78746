// Package elastic converts Sigma rules into the query languages of
// Elasticsearch and Elastic Security: Lucene (query_string), Query DSL
// (JSON), ES|QL and EQL, and into Kibana Security detection rule import
// files (NDJSON).
//
// All four languages share this package: escaping helpers, the ECS-aware
// field-type knowledge, the rule metadata mapping (severity, risk score,
// ATT&CK threat) and the kibana_ndjson writer. Each language has its own
// printer over the lowered boolean tree of backends/internal/lower; the
// printers refuse (backends.UnsupportedError) whatever the language cannot
// express with Sigma's meaning, case-insensitivity included.
package elastic
