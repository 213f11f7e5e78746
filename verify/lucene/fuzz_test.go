package lucene

import (
	"testing"

	"github.com/sigconv/sigconv/verify/internal/estest"
)

// FuzzParse checks that any query either parses or is rejected without panicking, and that
// a parsed one matches events without panicking.
func FuzzParse(f *testing.F) {
	estest.Fuzz(f, New(),
		`a:"x" AND (b:/.*[Xx]/ OR NOT _exists_:c)`,
		`f:*a\ b?* OR g:>=5 OR h:[1 TO 2]`,
		`x:(a OR b)`,
	)
}
