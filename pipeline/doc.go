// Package pipeline implements processing pipelines: IR-to-IR rewrites that
// adapt generic Sigma rules to a target's field names, values, tables and
// indexes. It reads pySigma's YAML processing-pipeline format unchanged
// (plus the sigconv extensions description, tables, value_mapping and
// replace_detection_item, documented in docs/pipelines.md) and ships
// built-in pipelines as embedded YAML (builtin/*.yml).
//
// Load compiles a file once (conditions, regular expressions, embedded
// detection items, templates); NewChain orders pipelines by priority as
// pySigma does; (*Chain).Apply and ApplyCorrelation rewrite a deep copy of
// a rule and never modify their input; a Chain is safe for concurrent use.
// A Result carries the rewritten rule plus target state (table, index,
// ...), the postprocessing steps for ApplyPostprocessing, and a per-field
// summary used by Unmapped and Explain. Finalize combines a run's queries.
//
// Files: pipeline.go (loading), conditions*.go (rule, detection item and
// field name conditions), transform_*.go (transformations by kind),
// chain.go (application), postprocess.go and jinja*.go (postprocessing,
// finalizers, the Jinja2 subset), builtin.go (embedded built-ins),
// unmapped.go and explain.go (reports).
package pipeline
