package esql

import (
	"testing"

	"github.com/sigconv/sigconv/verify/internal/estest"
)

// FuzzParse checks that any query either parses or is rejected without panicking, and that
// a parsed one matches events without panicking.
func FuzzParse(f *testing.F) {
	estest.Fuzz(f, New(),
		`FROM x | WHERE TO_LOWER(a) LIKE "*x*" AND NOT COALESCE(b IN ("a", "b"), false)`,
		`FROM x | WHERE CIDR_MATCH(source.ip, "10.0.0.0/8") OR c RLIKE """a.*"""`,
	)
}
