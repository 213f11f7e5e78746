package dsl

import (
	"testing"

	"github.com/sigconv/sigconv/verify/internal/estest"
)

// FuzzParse checks that any query either parses or is rejected without panicking, and that
// a parsed one matches events without panicking.
func FuzzParse(f *testing.F) {
	estest.Fuzz(f, New(),
		`{"query":{"bool":{"must":[{"term":{"a":{"value":"x","case_insensitive":true}}}],"should":[{"wildcard":{"b":{"value":"*x"}}}],"minimum_should_match":1}}}`,
		`{"regexp":{"a":{"value":".*"}}}`,
	)
}
