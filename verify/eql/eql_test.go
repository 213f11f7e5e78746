package eql

import (
	"testing"

	"github.com/sigconv/sigconv/verify/interp"
)

// Cases from the EQL syntax reference: conditions, : and wildcards, ==, like(~), regex(~),
// in(~), lookups, null, functions.
func TestMatch(t *testing.T) {
	ev := interp.Event{"a": "Abc", "b": "y", "destination.port": 445.0, "destination.ip": "10.1.2.3", "mv": []any{"p", "q"}}
	tests := []struct {
		name, cond string
		want       bool
	}{
		{": case-insensitive", `a : "abc"`, true},
		{": wildcard", `a : "a*"`, true},
		{": ? wildcard", `a : "?bc"`, true},
		{": list", `a : ("x", "ABC")`, true},
		{"== case-sensitive", `a == "abc"`, false},
		{"== literal star", `a == "A*"`, false},
		{"!=", `a != "abc"`, true},
		{"like case-sensitive", `a like "a*"`, false},
		{"like~", `a like~ "a*"`, true},
		{"regex anchored", `a regex "b.*"`, false},
		{"regex", `a regex "A.c"`, true},
		{"regex~", `a regex~ "abc"`, true},
		{"in case-sensitive", `a in ("abc")`, false},
		{"in~", `a in~ ("abc")`, true},
		{"not in", `b not in ("x", "z")`, true},
		{"numeric", `destination.port >= 400 and destination.port < 500`, true},
		{"cidrMatch", `cidrMatch(destination.ip, "10.0.0.0/8")`, true},
		{"not cidrMatch missing", `not cidrMatch(source.ip, "10.0.0.0/8")`, true},
		{"== null", `zz == null`, true},
		{"!= null", `a != null`, true},
		{"missing compares false", `zz : "x"`, false},
		{"not missing", `not zz : "x"`, true},
		{"multi-value any", `mv : "q"`, true},
		{"precedence and over or", `a == "x" and b == "z" or b == "y"`, true},
		{"parentheses", `a == "x" and (b == "z" or b == "y")`, false},
		{"backslash is literal in :", `c : "C:\\*"`, false},
		{"startsWith~", `startsWith~(a, "ab")`, true},
		{"number()", `number(n) > 5`, true},
		{"unicode escape", `u : "\u{41}"`, true},
	}
	ev["c"] = "C:x"
	ev["n"] = "7"
	ev["u"] = "a"
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New().Parse("any where " + tc.cond)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Match(ev)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("%s = %v, want %v", tc.cond, got, tc.want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	for _, q := range []string{
		`sequence by a [any where true]`,
		`any where a == "x" | head 1`,
		`any where destination.port == "445"`,
		`any where cidrMatch(a, "10.0.0.0/8")`,
		`any where a : "x`,
		`any a : "x"`,
	} {
		if _, err := New().Parse(q); err == nil {
			t.Errorf("Parse(%s): no error", q)
		}
	}
}

func TestFragment(t *testing.T) {
	q := `process where a : "x" and (b : "y" or b : "z") and not (c : "w")`
	p, err := New().Parse(q)
	if err != nil {
		t.Fatal(err)
	}
	f := p.(*Program)
	for _, tc := range []struct {
		ev   interp.Event
		want string
	}{
		{interp.Event{"a": "x", "b": "q"}, `(b : "y" or b : "z")`},
		{interp.Event{"a": "x", "b": "y", "c": "w"}, `not (c : "w")`},
		{interp.Event{"a": "x", "b": "y"}, q},
	} {
		if got := f.Fragment(tc.ev); got != tc.want {
			t.Errorf("Fragment(%v) = %q, want %q", tc.ev, got, tc.want)
		}
	}
}
