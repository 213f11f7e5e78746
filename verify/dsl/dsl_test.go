package dsl

import (
	"testing"

	"github.com/sigconv/sigconv/verify/interp"
)

// Cases from the Query DSL reference: bool (must / should / must_not / filter,
// minimum_should_match defaults), term-level queries and case_insensitive.
func TestMatch(t *testing.T) {
	ev := interp.Event{"a": "Abc", "b": "y", "destination.port": 445.0, "source.ip": "10.1.2.3"}
	tests := []struct {
		name, q string
		ev      interp.Event
		want    bool
	}{
		{"term case-sensitive", `{"query":{"term":{"a":{"value":"abc"}}}}`, ev, false},
		{"term case_insensitive", `{"query":{"term":{"a":{"value":"abc","case_insensitive":true}}}}`, ev, true},
		{"term short form", `{"term":{"a":"Abc"}}`, ev, true},
		{"terms", `{"terms":{"b":["x","y"]}}`, ev, true},
		{"prefix", `{"prefix":{"a":{"value":"Ab"}}}`, ev, true},
		{"prefix ci", `{"prefix":{"a":{"value":"aB","case_insensitive":true}}}`, ev, true},
		{"wildcard", `{"wildcard":{"a":{"value":"*b?"}}}`, ev, true},
		{"wildcard escaped star", `{"wildcard":{"a":{"value":"A\\*"}}}`, ev, false},
		{"regexp anchored", `{"regexp":{"a":{"value":"b.*"}}}`, ev, false},
		{"regexp ci", `{"regexp":{"a":{"value":"abc","case_insensitive":true}}}`, ev, true},
		{"exists", `{"exists":{"field":"a"}}`, ev, true},
		{"range", `{"range":{"destination.port":{"gte":400,"lt":500}}}`, ev, true},
		{"numeric term", `{"term":{"destination.port":{"value":445}}}`, ev, true},
		{"ip cidr term", `{"term":{"source.ip":{"value":"10.0.0.0/8"}}}`, ev, true},
		{"should defaults to one", `{"bool":{"should":[{"term":{"b":"z"}},{"term":{"b":"q"}}]}}`, ev, false},
		{"should optional with must", `{"bool":{"must":[{"term":{"b":"y"}}],"should":[{"term":{"b":"z"}}]}}`, ev, true},
		{"minimum_should_match", `{"bool":{"must":[{"term":{"b":"y"}}],"should":[{"term":{"b":"z"}}],"minimum_should_match":1}}`, ev, false},
		{"must_not", `{"bool":{"must_not":[{"exists":{"field":"zz"}}]}}`, ev, true},
		{"filter", `{"bool":{"filter":[{"term":{"b":"q"}}]}}`, ev, false},
		{"array any", `{"term":{"b":"q"}}`, interp.Event{"b": []any{"p", "q"}}, true},
		{"keyword number", `{"term":{"code":{"value":4624}}}`, interp.Event{"code": "4624"}, true},
		{"empty value term", `{"term":{"b":{"value":""}}}`, interp.Event{"b": []any{"p", ""}}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New().Parse(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := p.Match(tc.ev); got != tc.want {
				t.Errorf("%s on %v = %v, want %v", tc.q, tc.ev, got, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, q := range []string{
		`{"query":{"match":{"a":"x"}}}`,
		`{"query":{"wildcard":{"source.ip":{"value":"10.*"}}}}`,
		`{"query":{"term":{"file.code_signature.signed":{"value":"true","case_insensitive":true}}}}`,
		`{"query":{"term":{"a":"x"},"exists":{"field":"a"}}}`,
		`not json`,
	} {
		if _, err := New().Parse(q); err == nil {
			t.Errorf("Parse(%s): no error", q)
		}
	}
}
