// Package driver is sigconv's conversion engine, shared by the command line
// and the golden tests.
//
// A run has two phases. First every input file is read and parsed (in
// parallel), because filter documents and correlation rules may refer to
// rules in any other input. Then every document is filtered, put through
// the processing pipelines and converted by the backend, on a bounded
// worker pool; results are delivered to the caller in input order as soon
// as they and all their predecessors are ready, so output streams while
// later rules are still being converted.
//
// With Options.ReleaseRules (sigconv convert) rules are converted in phase
// one, right after their file is parsed, and only their results and the
// files' bytes are kept; correlations re-parse the rules they refer to. The
// results are the same, the memory and the collector's work smaller.
//
// Every document yields one Result: converted (StatusOK), refused by the
// backend (StatusRefused, an expected outcome) or failed (StatusFailed:
// parse, pipeline or internal error, including a recovered panic). One bad
// rule never stops the run.
package driver
