package spl

import (
	"testing"

	"github.com/sigconv/sigconv/verify/interp"
)

// Cases follow the Splunk Search Manual and Search Reference (see doc.go).
func TestMatch(t *testing.T) {
	tests := []struct {
		name  string
		query string
		ev    interp.Event
		want  bool
	}{
		{"search is case-insensitive", `Image="*\\CMD.exe"`, interp.Event{"Image": `C:\x\cmd.EXE`}, true},
		{"field names are case-sensitive", `image="x"`, interp.Event{"Image": "x"}, false},
		{"? is not a wildcard in search", `a="b?"`, interp.Event{"a": "bc"}, false},
		{"? literal", `a="b?"`, interp.Event{"a": "b?"}, true},
		{"* wildcard", `a="b*d"`, interp.Event{"a": "bxxd"}, true},
		{"backslash escape in quotes", `a="x\\y"`, interp.Event{"a": `x\y`}, true},
		{"NOT field=value matches missing", `NOT a="x"`, interp.Event{}, true},
		{"field!=value needs the field", `a!="x"`, interp.Event{}, false},
		{"field!=value", `a!="x"`, interp.Event{"a": "y"}, true},
		{"OR binds tighter than AND in search", `a=1 b=2 OR c=3`, interp.Event{"a": "1", "c": "3"}, true},
		{"OR binds tighter than AND (2)", `a=1 b=2 OR c=3`, interp.Event{"c": "3"}, false},
		{"IN", `a IN ("x", "y*")`, interp.Event{"a": "YES"}, true},
		{"multi-value any", `a="x"`, interp.Event{"a": []any{"y", "x"}}, true},
		{"number as text", `EventCode=4688`, interp.Event{"EventCode": 4688.0}, true},
		{"CIDR in search", `ip="10.0.0.0/8"`, interp.Event{"ip": "10.1.2.3"}, true},
		{"CIDR in search, outside", `ip="10.0.0.0/8"`, interp.Event{"ip": "11.1.2.3"}, false},
		{"scope terms ignored", `index=main sourcetype="x" a=1`, interp.Event{"a": "1"}, true},
		{"bare term on raw segments", `hello`, interp.Event{"m": "say hello world"}, true},
		{"bare term not inside a segment", `hell`, interp.Event{"m": "say hello world"}, false},
		{"bare wildcard term", `"*ell*"`, interp.Event{"m": "say hello"}, true},
		{"where == is case-sensitive", `* | where a=="X"`, interp.Event{"a": "x"}, false},
		{"where lower()", `* | where lower(a)=="x"`, interp.Event{"a": "X"}, true},
		{"where AND binds tighter than OR", `* | where a=="1" OR b=="2" AND c=="3"`, interp.Event{"a": "1"}, true},
		{"where match is unanchored", `* | where match(a, "b.d")`, interp.Event{"a": "xxbcdxx"}, true},
		{"where match anchored", `* | where match(a, "^b.d$")`, interp.Event{"a": "xbcd"}, false},
		{"where like", `* | where like(a, "b_d%")`, interp.Event{"a": "bcdxx"}, true},
		{"where like is case-sensitive", `* | where like(a, "B%")`, interp.Event{"a": "b"}, false},
		{"where cidrmatch", `* | where cidrmatch("192.168.0.0/16", ip)`, interp.Event{"ip": "192.168.4.4"}, true},
		{"where isnull", `* | where isnull(a)`, interp.Event{}, true},
		{"where null comparison is not true", `* | where NOT a=="x"`, interp.Event{}, false},
		{"where numeric compare", `* | where tonumber(a)>=10`, interp.Event{"a": "9"}, false},
		{"where numeric compare (numbers, not text)", `* | where tonumber(a)>=10`, interp.Event{"a": "100"}, true},
		{"single-quoted field", `* | where lower('Field Name')=="x"`, interp.Event{"Field Name": "X"}, true},
		{"eval then where", `* | eval b=lower(a) | where b=="x"`, interp.Event{"a": "X"}, true},
		{"comment lines skipped", "# note\na=1", interp.Event{"a": "1"}, true},
		{"tstats where clause", `| tstats count min(_time) as t from datamodel=Endpoint.Processes where Processes.process="*http*" NOT Processes.user="x" by Processes.dest`, interp.Event{"Processes.process": "a HTTP b"}, true},
		{"tstats where clause, no match", `| tstats count from datamodel=D where P.a IN ("x", "y") by P.b`, interp.Event{"P.a": "z"}, false},
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
	for _, q := range []string{`a="x`, `a=1 | stats count`, `(a=1`, `* | where match(a, "(")`} {
		if _, err := New().Parse(q); err == nil {
			t.Errorf("Parse(%q): no error", q)
		}
	}
}
