package lucene

import (
	"testing"

	"github.com/sigconv/sigconv/verify/interp"
)

type matchCase struct {
	name  string
	query string
	ev    interp.Event
	want  bool
}

func runCases(t *testing.T, in interp.Interpreter, tests []matchCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := in.Parse(tc.query)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.query, err)
			}
			got, err := p.Match(tc.ev)
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if got != tc.want {
				t.Errorf("%q on %v = %v, want %v", tc.query, tc.ev, got, tc.want)
			}
		})
	}
}

// Cases from the query_string reference (field names, wildcards, regular expressions,
// ranges, boolean operators, reserved characters) and the classic QueryParser's clause rules.
func TestMatch(t *testing.T) {
	ev := interp.Event{"a": "x", "b": "y", "cmd": "C:\\Windows\\cmd.exe /c", "port": 3.0}
	runCases(t, New(), []matchCase{
		{"phrase exact", `a:"x"`, ev, true},
		{"keyword is case-sensitive", `a:"X"`, ev, false},
		{"AND", `a:"x" AND b:"y"`, ev, true},
		{"AND miss", `a:"x" AND b:"z"`, ev, false},
		{"OR", `a:"z" OR b:"y"`, ev, true},
		{"a AND b OR c is a AND b (c optional)", `a:"x" AND b:"z" OR a:"x"`, ev, false},
		{"a OR b AND c makes b and c required", `a:"x" OR b:"z" AND a:"x"`, ev, false},
		{"parentheses", `(a:"x" AND b:"z") OR a:"x"`, ev, true},
		{"NOT", `NOT a:"z"`, ev, true},
		{"a OR NOT b prohibits b", `a:"z" OR NOT b:"y"`, ev, false},
		{"a OR NOT b: a alone is not enough when b matches", `a:"x" OR NOT b:"y"`, ev, false},
		{"(NOT b) group inside OR", `a:"x" OR (NOT b:"y")`, ev, true},
		{"purely negative group matches all others", `(NOT a:"z")`, ev, true},
		{"AND NOT", `a:"x" AND NOT b:"y"`, ev, false},
		{"&& and ||", `a:"x" && (b:"z" || b:"y")`, ev, true},
		{"exists", `_exists_:a`, ev, true},
		{"exists missing", `_exists_:zz`, ev, false},
		{"NOT exists", `NOT _exists_:zz`, ev, true},
		{"wildcard", `cmd:*\\cmd.exe*`, ev, true},
		{"wildcard case-sensitive", `cmd:*\\CMD.exe*`, ev, false},
		{"wildcard ? one char", `a:?`, ev, true},
		{"escaped space in term", `cmd:*cmd.exe\ \/c`, ev, true},
		{"escaped * is literal", `a:\*`, ev, false},
		{"regexp anchored", `cmd:/cmd/`, ev, false},
		{"regexp padded", `cmd:/.*cmd.*/`, ev, true},
		{"regexp class", `a:/[Xx]/`, interp.Event{"a": "X"}, true},
		{"numeric range", `port:>=3`, ev, true},
		{"numeric range miss", `port:>3`, ev, false},
		{"bracket range", `port:[1 TO 5]`, ev, true},
		{"numeric phrase", `port:"3"`, ev, true},
		{"string number coerced", `port:"3"`, interp.Event{"port": "3"}, true},
		{"keyword number as text", `a:"3"`, interp.Event{"a": 3.0}, true},
		{"array any element", `a:"y"`, interp.Event{"a": []any{"x", "y"}}, true},
		{"null is missing", `_exists_:a`, interp.Event{"a": nil}, false},
		{"empty string exists", `_exists_:a AND NOT a:?*`, interp.Event{"a": ""}, true},
		{"cidr on ip field", `source.ip:"10.0.0.0/8"`, interp.Event{"source.ip": "10.1.2.3"}, true},
		{"cidr miss", `source.ip:"10.0.0.0/8"`, interp.Event{"source.ip": "11.1.2.3"}, false},
		{"field group", `a:(x OR z)`, ev, true},
		{"escaped field name", `odd\ name:"v"`, interp.Event{"odd name": "v"}, true},
		{"unicode space is a term char", "a:*\u2000*", interp.Event{"a": "p\u2000q"}, true},
	})
}

func TestParseErrors(t *testing.T) {
	for _, q := range []string{`a:"x`, `a:/x`, `(a:"x"`, `x`, `a:x~2`, `a:x^2`, `port:*1*`, `source.ip:"-"`} {
		if _, err := New().Parse(q); err == nil {
			t.Errorf("Parse(%q): no error", q)
		}
	}
}

func TestFragment(t *testing.T) {
	p, err := New().Parse(`a:"x" AND (b:"y" OR b:"z") AND NOT c:"w"`)
	if err != nil {
		t.Fatal(err)
	}
	f := p.(*Program)
	for _, tc := range []struct {
		ev   interp.Event
		want string
	}{
		{interp.Event{"a": "x", "b": "q"}, `(b:"y" OR b:"z")`},
		{interp.Event{"a": "x", "b": "y", "c": "w"}, `NOT c:"w"`},
		{interp.Event{"a": "x", "b": "y"}, ""},
	} {
		if got := f.Fragment(tc.ev); got != tc.want {
			t.Errorf("Fragment(%v) = %q, want %q", tc.ev, got, tc.want)
		}
	}
}
