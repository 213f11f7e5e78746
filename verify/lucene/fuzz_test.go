package lucene

import (
	"testing"

	"github.com/sigconv/sigconv/verify/interp"
)

// FuzzParse checks that any query either parses or is rejected without panicking, and that
// a parsed one matches events without panicking.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`a:"x" AND (b:/.*[Xx]/ OR NOT _exists_:c)`, `f:*a\ b?* OR g:>=5 OR h:[1 TO 2]`, `x:(a OR b)`} {
		f.Add(s)
	}
	events := []interp.Event{
		{"a": "x", "b": []any{"x", nil, 3.0}, "source.ip": "10.0.0.1"},
		{"a": true, "c": map[string]any{"d": "e"}},
	}
	f.Fuzz(func(t *testing.T, q string) {
		p, err := New().Parse(q)
		if err != nil {
			return
		}
		for _, ev := range events {
			_, _ = p.Match(ev)
		}
	})
}
