// Package cli implements the sigconv command line. Run builds a fresh cobra
// command tree on every call (there are no package-level commands or flag
// variables), so that tests can run the CLI in-process with their own
// standard streams.
//
// Each command lives in its own file and is registered in one place, the
// AddCommand list in root.go.
package cli
