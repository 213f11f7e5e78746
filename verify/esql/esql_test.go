package esql

import (
	"testing"

	"github.com/sigconv/sigconv/verify/interp"
)

// Cases from the ES|QL reference: operators, LIKE / RLIKE, IN, IS NULL, functions, "Working
// with NULL values" and "ES|QL multivalued fields".
func TestMatch(t *testing.T) {
	ev := interp.Event{"a": "Abc", "b": "y", "true": "t", "not": "n", "destination.port": 445.0, "source.ip": "10.1.2.3", "mv": []any{"p", "q"}}
	const from = "FROM logs-* | WHERE "
	tests := []struct {
		name, where string
		want        bool
	}{
		{"== case-sensitive", `a == "abc"`, false},
		{"== exact", `a == "Abc"`, true},
		{"backquoted true is a field", "`true` == \"t\"", true},
		{"backquoted not is a field", "`not` == \"n\"", true},
		{"true is a literal", `true`, true},
		{"TO_LOWER", `TO_LOWER(a) == "abc"`, true},
		{"LIKE whole value", `a LIKE "b*"`, false},
		{"LIKE wildcards", `a LIKE "?b*"`, true},
		{"LIKE escaped star", `a LIKE "A\\*"`, false},
		{"RLIKE anchored", `a RLIKE "b.*"`, false},
		{"RLIKE", `a RLIKE "A.c"`, true},
		{"IN", `b IN ("x", "y")`, true},
		{"STARTS_WITH", `STARTS_WITH(a, "Ab")`, true},
		{"ENDS_WITH", `ENDS_WITH(TO_LOWER(a), "bc")`, true},
		{"LOCATE", `LOCATE(a, "bc") > 0`, true},
		{"numeric", `destination.port >= 400 AND destination.port < 500`, true},
		{"CIDR_MATCH", `CIDR_MATCH(source.ip, "10.0.0.0/8", "192.168.0.0/16")`, true},
		{"ip implicit cast", `source.ip == "10.1.2.3"`, true},
		{"TO_IP on keyword", `CIDR_MATCH(TO_IP(b), "10.0.0.0/8")`, false},
		{"IS NULL", `zz IS NULL AND a IS NOT NULL`, true},
		{"null comparison is not true", `zz == "x"`, false},
		{"NOT null is null", `NOT zz == "x"`, false},
		{"COALESCE turns null false", `NOT COALESCE(zz == "x", false)`, true},
		{"OR with null", `zz == "x" OR a == "Abc"`, true},
		{"AND with null", `zz == "x" AND a == "Abc"`, false},
		{"multivalue comparison is null", `mv == "p"`, false},
		{"NOT multivalue comparison is null", `NOT mv == "z"`, false},
		{"multivalue IS NOT NULL", `mv IS NOT NULL`, true},
		{"precedence AND over OR", `a == "x" AND b == "z" OR b == "y"`, true},
		{"parentheses", `a == "x" AND (b == "z" OR b == "y")`, false},
		{"NOT LIKE", `a NOT LIKE "x*"`, true},
		{"backquoted field", "`a` == \"Abc\"", true},
		{"TO_STRING of number", `TO_STRING(destination.port) == "445"`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New().Parse(from + tc.where)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Match(ev)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("%s = %v, want %v", tc.where, got, tc.want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	for _, q := range []string{
		`FROM x | STATS count()`,
		`WHERE a == "x"`,
		`FROM x | WHERE a == "x`,
		`FROM x | WHERE FOO(a)`,
		`FROM x | WHERE (a == "x"`,
	} {
		if _, err := New().Parse(q); err == nil {
			t.Errorf("Parse(%s): no error", q)
		}
	}
	for _, q := range []string{
		`FROM x | WHERE destination.port == "0"`,      // ES|QL casts no strings to numbers
		`FROM x | WHERE TO_LOWER(source.ip) == "a"`,   // TO_LOWER takes strings
		`FROM x | WHERE source.ip LIKE "*-*"`,         // LIKE takes strings
		`FROM x | WHERE source.ip == "-"`,             // not an address
		`FROM x | WHERE STARTS_WITH(source.ip, "1.")`, // STARTS_WITH takes strings
	} {
		if _, err := New().Parse(q); err == nil {
			t.Errorf("Parse(%s): no type error", q)
		}
	}
}

func TestFragment(t *testing.T) {
	p, err := New().Parse(`FROM x | WHERE a == "x" AND (b == "y" OR b == "z") AND NOT COALESCE(c == "w", false)`)
	if err != nil {
		t.Fatal(err)
	}
	f := p.(*Program)
	for _, tc := range []struct {
		ev   interp.Event
		want string
	}{
		{interp.Event{"a": "x", "b": "q"}, `(b == "y" OR b == "z")`},
		{interp.Event{"a": "x", "b": "y", "c": "w"}, `NOT COALESCE(c == "w", false)`},
		{interp.Event{"a": "x", "b": "y"}, ""},
	} {
		if got := f.Fragment(tc.ev); got != tc.want {
			t.Errorf("Fragment(%v) = %q, want %q", tc.ev, got, tc.want)
		}
	}
}
