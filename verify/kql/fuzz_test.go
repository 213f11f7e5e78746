package kql

import (
	"testing"

	"github.com/sigconv/sigconv/verify/interp"
)

// FuzzParse checks that any query text parses or fails cleanly, and that a parsed query
// matches without panicking.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`DeviceProcessEvents | where FolderPath endswith @"\cmd.exe" and (a contains "x" or b in~ ("y", "z")) and not(c =~ "d")`,
		`T | extend u = iff(isempty(d), n, strcat(d, @"\", n)) | where u matches regex "(?i)^a.*b$"`,
		`T | where tostring(parse_json(x).y) has "z" and ipv4_is_in_range(ip, "10.0.0.0/8") != true`,
		`T | where n >= 1000 and tohex(tolong(n), 8) == "000003e8"`,
		`T | where a == "x`, `T | summarize count()`, `T | where (`, `| where`,
	} {
		f.Add(s)
	}
	ev := interp.Event{"a": "x", "b": "Y", "c": "d", "x": `{"y":"z z"}`, "ip": "10.1.1.1", "n": 1000.0}
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
