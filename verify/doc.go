// Package verify proves that emitted queries mean what their rules mean. For each rule and
// target it reads the emitted query back with an independent interpreter of that query
// language (verify/interp and the packages implementing it), generates events from the
// processed rule (verify/gen), and runs the interpreter and the evaluator (package eval, the
// reference) on the same events. Every event on which they differ is a Disagreement, reported
// with the rule position, the event, the per-search verdicts of the evaluator and the query.
//
// Each rule × target is also classified for the fidelity report: exact, approximate (the
// backend reported warnings with Approximate set; their ids are the reasons), refused (the
// backend's reason) or failed. A disagreement on a rule whose conversion reported an
// approximation is "covered": expected, and shown, but not a failure.
package verify
