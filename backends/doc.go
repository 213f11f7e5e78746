// Package backends defines what a target query language implementation is
// (the Backend interface), the typed refusal every backend uses for
// constructs it cannot express exactly (UnsupportedError), and the explicit
// Registry through which the CLI, the golden harness and the fuzzers find
// backends. Concrete backends live in sub-packages and import only ir and
// pipeline types.
package backends
