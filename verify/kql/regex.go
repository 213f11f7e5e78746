package kql

import "regexp"

// compileRegex compiles a matches regex pattern: Kusto uses RE2, which is Go's syntax.
func compileRegex(s string) (*regexp.Regexp, error) { return regexp.Compile(s) }
