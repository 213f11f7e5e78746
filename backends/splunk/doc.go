// Package splunk converts pipeline-processed Sigma rules into Splunk SPL.
//
// The backend prints the lowered boolean tree of a rule (see
// backends/internal/lower) as a search-command expression where SPL search
// terms express the Sigma meaning exactly, and as ONE `| where` expression
// otherwise, so that the OR / NOT structure of a rule is never split across
// pipeline stages. Formats: "default" (a search, plus `| table` of the
// rule's fields), "savedsearches" (a savedsearches.conf bundle) and
// "data_model" (a `| tstats` search over a CIM data model).
package splunk
