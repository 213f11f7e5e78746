package spl

import (
	"testing"

	"github.com/sigconv/sigconv/verify/interp"
)

// FuzzParse checks that any query text parses or fails cleanly, and that a parsed query
// matches without panicking.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`source="x" EventCode=1 Image="*\\cmd.exe" NOT a="b" (c IN ("d", "e*") OR f!=g)`,
		`a=1 | where match(b, "(?i)x\\.y") OR lower('c d')=="e" AND NOT isnull(f)`,
		`* | eval x=if(a>1, "y", null()) | where like(x, "y%") | table x`,
		`"unterminated`, `a=1 | stats count`, `((a=1)`, `| where`,
	} {
		f.Add(s)
	}
	ev := interp.Event{"a": "1", "b": "x.y", "c d": "e", "Image": `C:\cmd.exe`, "n": 3.0, "m": []any{"1", "2"}}
	f.Fuzz(func(t *testing.T, q string) {
		p, err := New().Parse(q)
		if err != nil {
			return
		}
		if _, err := p.Match(ev); err != nil {
			t.Fatal(err)
		}
	})
}
