// Package pipeline implements processing pipelines: IR-to-IR rewrites that
// adapt generic Sigma rules to a target's field names, values, tables and
// indexes. It reads pySigma's YAML processing-pipeline format and ships
// built-in pipelines as embedded YAML.
//
// A pipeline never modifies its input rule; Apply returns a Result holding
// a rewritten copy plus target state (table, index, …) for the backends.
package pipeline
