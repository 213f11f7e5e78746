package gen

import (
	"encoding/json"
	"testing"

	"github.com/sigconv/sigconv/eval"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
)

const rule = `title: t
logsource: {product: windows, category: process_creation}
detection:
  sel:
    Image|endswith: '\cmd.exe'
    CommandLine|contains|all: ['a?c', 'x*z']
  re:
    CommandLine|re: '^net\s+user$'
  filter:
    User: SYSTEM
  condition: (sel or re) and not filter
`

func parse(t *testing.T) *ir.Rule {
	t.Helper()
	docs, errs := parser.ParseFile("rule.yml", []byte(rule))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return docs[0].(*ir.Rule)
}

// TestGenerate checks that the events are deterministic and distinct, that some match and
// some do not, and that the near misses probe wildcards.
func TestGenerate(t *testing.T) {
	r := parse(t)
	a, b := Generate(r, Options{}), Generate(r, Options{})
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Fatal("not deterministic")
	}
	eng, err := eval.Compile(r)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	match, miss := 0, 0
	for _, ev := range a {
		j, _ := json.Marshal(ev)
		if seen[string(j)] {
			t.Fatalf("duplicate event %s", j)
		}
		seen[string(j)] = true
		if len(eng.MatchRoute(eval.NewEvent(ev), eng.AllRules())) > 0 {
			match++
		} else {
			miss++
		}
	}
	if match < 5 || miss < 5 {
		t.Errorf("%d events: %d match, %d do not; want several of each", len(a), match, miss)
	}
	if n := len(Generate(r, Options{Max: 10})); n != 10 {
		t.Errorf("Max 10 gave %d events", n)
	}
}

func TestRegexSample(t *testing.T) {
	for _, re := range []string{`^net\s+user$`, `a[0-9]{3}b`, `(foo|bar)+baz`, `x.y`} {
		s := RegexSample(re, false)
		if !mustMatch(re, s) {
			t.Errorf("RegexSample(%q) = %q does not match", re, s)
		}
	}
}
