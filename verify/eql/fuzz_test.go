package eql

import (
	"testing"

	"github.com/sigconv/sigconv/verify/internal/estest"
)

// FuzzParse checks that any query either parses or is rejected without panicking, and that
// a parsed one matches events without panicking.
func FuzzParse(f *testing.F) {
	estest.Fuzz(f, New(),
		`any where a : ("x*", "y") and not b regex~ ".*" or cidrMatch(source.ip, "10.0.0.0/8")`,
		`process where number(a) > 5 and c != null and d like~ "a?"`,
	)
}
