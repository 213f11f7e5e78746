package kql

import (
	"testing"

	"github.com/sigconv/sigconv/verify/interp"
)

// Cases follow the Kusto documentation: string operators, null values, in / in~ (see doc.go).
func TestMatch(t *testing.T) {
	tests := []struct {
		name  string
		query string
		ev    interp.Event
		want  bool
	}{
		{"== is case-sensitive", `T | where a == "aBc"`, interp.Event{"a": "abc"}, false},
		{"=~ is case-insensitive", `T | where a =~ "aBc"`, interp.Event{"a": "ABC"}, true},
		{"!~", `T | where a !~ "xyz"`, interp.Event{"a": "aBc"}, true},
		{"contains is case-insensitive", `T | where a contains "BRik"`, interp.Event{"a": "FabriKam"}, true},
		{"contains_cs", `T | where a contains_cs "Kam"`, interp.Event{"a": "Fabrikam"}, false},
		{"!contains", `T | where a !contains "xyz"`, interp.Event{"a": "Fabrikam"}, true},
		{"endswith", `T | where a endswith "Kam"`, interp.Event{"a": "Fabrikam"}, true},
		{"startswith_cs", `T | where a startswith_cs "fab"`, interp.Event{"a": "Fabrikam"}, false},
		{"has whole term", `T | where a has "america"`, interp.Event{"a": "North America"}, true},
		{"has is not substring", `T | where a has "meri"`, interp.Event{"a": "North America"}, false},
		{"has_cs", `T | where a has_cs "america"`, interp.Event{"a": "North America"}, false},
		{"in is case-sensitive", `T | where a in ("x", "Y")`, interp.Event{"a": "y"}, false},
		{"in~", `T | where a in~ ("x", "Y")`, interp.Event{"a": "y"}, true},
		{"!in~", `T | where a !in~ ("x", "Y")`, interp.Event{"a": "y"}, false},
		{"matches regex is unanchored", `T | where a matches regex "b.d"`, interp.Event{"a": "abcde"}, true},
		{"verbatim string", `T | where a endswith @"\cmd.exe"`, interp.Event{"a": `C:\cmd.exe`}, true},
		{"escaped string", `T | where a == "x\\y"`, interp.Event{"a": `x\y`}, true},
		{"missing string is empty", `T | where isempty(a)`, interp.Event{}, true},
		{"missing string !contains", `T | where a !contains "x"`, interp.Event{}, true},
		{"null == value is false", `T | where n == 5`, interp.Event{}, false},
		{"null != value is true", `T | where n != 5`, interp.Event{}, true},
		{"null > value is null", `T | where n > 5`, interp.Event{}, false},
		{"null or true", `T | where n > 5 or isnull(n)`, interp.Event{}, true},
		{"and binds tighter than or", `T | where a == "1" or b == "2" and c == "3"`, interp.Event{"a": "1"}, true},
		{"not()", `T | where not(a == "1")`, interp.Event{"a": "2"}, true},
		{"number column", `T | where n >= 1000 and n < 2000`, interp.Event{"n": 1500.0}, true},
		{"ipv4_is_in_range", `T | where ipv4_is_in_range(ip, "10.0.0.0/8")`, interp.Event{"ip": "10.9.9.9"}, true},
		{"ipv4_is_in_range on empty is null", `T | where ipv4_is_in_range(ip, "10.0.0.0/8") != true`, interp.Event{}, true},
		{"any column", `T | where * contains "mimi"`, interp.Event{"x": "a", "y": "MIMIKATZ"}, true},
		{"extend keeps an existing column", `T | extend u = strcat(d, "\\", n) | where u =~ "x"`, interp.Event{"u": "X"}, true},
		{"extend computes", `T | extend u = strcat(d, "\\", n) | where u =~ "a\\b"`, interp.Event{"d": "A", "n": "B"}, true},
		{"tostring of number", `T | where tostring(n) startswith "12"`, interp.Event{"n": 123.0}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New().Parse(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Match(tt.ev)
			if err != nil || got != tt.want {
				t.Errorf("%s on %v = %v, %v; want %v", tt.query, tt.ev, got, err, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, q := range []string{`T | where a == "x`, `T | summarize count()`, `T | where (a == 1`, `T | where a matches regex "("`} {
		if _, err := New().Parse(q); err == nil {
			t.Errorf("Parse(%q): no error", q)
		}
	}
}
