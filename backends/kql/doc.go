// Package kql converts pipeline-processed Sigma rules into Kusto Query
// Language (KQL) for Microsoft Defender XDR advanced hunting and Microsoft
// Sentinel (Log Analytics), and into Sentinel's scheduled analytic rule
// formats (YAML and ARM template JSON).
//
// The emitter prints the tree built by backends/internal/lower. Column types
// from the pipeline's table schema (pipeline.Result.Table) choose between
// case-insensitive string operators and numeric or boolean comparisons; an
// unknown column of a known table is refused. Constructs KQL cannot express
// exactly are refused with a backends.UnsupportedError. See docs/kql.md for
// the translation table.
//
// Correlation rules (ConvertCorrelation) become one query over the
// referenced rules' events: sliding windows (prev, scan) for event_count and
// temporal thresholds, a scan for temporal_ordered, fixed time buckets for
// the other conditions, and a let sub-query per chained correlation.
package kql
