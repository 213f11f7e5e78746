// Package events reads event streams for the evaluator: newline-delimited
// JSON, a JSON array of objects, or concatenated (pretty-printed) JSON
// values, from files or stdin, gzip-compressed or not (detected by the
// magic bytes). It only splits the input into records with their line
// numbers; decoding is the caller's business, so one malformed record is
// reported and skipped without losing the rest.
package events
