package estest

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sigconv/sigconv/verify"
	"github.com/sigconv/sigconv/verify/dsl"
	"github.com/sigconv/sigconv/verify/eql"
	"github.com/sigconv/sigconv/verify/esql"
	"github.com/sigconv/sigconv/verify/interp"
	"github.com/sigconv/sigconv/verify/lucene"
)

// mutated reads every query through a deliberate emitter bug before interpreting it.
type mutated struct {
	interp.Interpreter
	mutate func(q string) string
	t      *testing.T
}

func (m mutated) Parse(q string) (interp.Program, error) {
	bad := m.mutate(q)
	if bad == q {
		m.t.Errorf("mutation did not change the query:\n%s", q)
	}
	return m.Interpreter.Parse(bad)
}

// replace returns a mutation replacing old by new once.
func replace(old, new string) func(string) string {
	return func(q string) string { return strings.Replace(q, old, new, 1) }
}

// cut returns a mutation dropping the text from marker up to the end.
func cut(marker string) func(string) string {
	return func(q string) string {
		if i := strings.Index(q, marker); i >= 0 {
			return q[:i]
		}
		return q
	}
}

// dslDropLast drops the last clause of the top-level bool.must.
func dslDropLast(q string) string {
	var body map[string]any
	if err := json.Unmarshal([]byte(q), &body); err != nil {
		return q
	}
	b := body["query"].(map[string]any)["bool"].(map[string]any)
	must := b["must"].([]any)
	b["must"] = must[:len(must)-1]
	out, _ := json.Marshal(body)
	return string(out)
}

// scalarDisagreements counts the disagreements on events without multi-valued fields. The
// correct ES|QL query disagrees on arrays (ES|QL comparisons of multi-values are null, see
// docs/verify-elastic.md), so mutations must be caught on single-valued events.
func scalarDisagreements(reps []*verify.RuleReport) int {
	n := 0
	for _, r := range reps {
	events:
		for _, d := range r.Disagreements {
			for _, v := range d.Event {
				if _, ok := v.([]any); ok {
					continue events
				}
			}
			n++
		}
	}
	return n
}

// TestMutationsCaught checks that verify reports a disagreement for each deliberately broken
// emitter (wrong precedence, regex anchoring, case-sensitive equality, dropped condition) on
// each Elasticsearch language, and none for the correct emitter.
func TestMutationsCaught(t *testing.T) {
	rule := filepath.Join("testdata", "mutation.yml")
	type mutation struct {
		name   string
		mutate func(string) string
	}
	targets := []struct {
		in        interp.Interpreter
		mutations []mutation
	}{
		{lucene.New(), []mutation{
			{"precedence", func(q string) string {
				return strings.Replace(strings.TrimPrefix(q, "("), ".*/) AND", ".*/ AND", 1)
			}},
			{"regex anchoring", replace(`/.*explorer\.exe.*/`, `/explorer\.exe/`)},
			{"case-sensitive equality", replace(`user.name:/[Ss][Yy][Ss][Tt][Ee][Mm]/`, `user.name:"SYSTEM"`)},
			{"dropped condition", cut(" AND NOT user.name")},
		}},
		{dsl.New(), []mutation{
			{"precedence (or read as and)", replace(`"should"`, `"must"`)},
			{"regex anchoring", replace(`.*explorer\\.exe.*`, `explorer\\.exe`)},
			{"case-sensitive equality", func(q string) string {
				return regexp.MustCompile(`"SYSTEM",\s*"case_insensitive": true`).ReplaceAllString(q, `"SYSTEM"`)
			}},
			{"dropped condition", dslDropLast},
		}},
		{esql.New(), []mutation{
			{"precedence", func(q string) string {
				return strings.Replace(strings.Replace(q, "WHERE (", "WHERE ", 1), `*") AND`, `*" AND`, 1)
			}},
			{"regex anchoring", replace(`RLIKE ".*explorer\\.exe.*"`, `RLIKE "explorer\\.exe"`)},
			{"case-sensitive equality", replace(`TO_LOWER(user.name) == "system"`, `user.name == "system"`)},
			{"dropped condition", cut(" AND NOT COALESCE")},
		}},
		{eql.New(), []mutation{
			{"precedence", func(q string) string {
				return strings.Replace(strings.Replace(q, "where (", "where ", 1), `*") and`, `*" and`, 1)
			}},
			{"regex anchoring", replace(`regex ".*explorer\\.exe.*"`, `regex "explorer\\.exe"`)},
			{"case-sensitive equality", replace(`user.name : "SYSTEM"`, `user.name == "SYSTEM"`)},
			{"dropped condition", cut(" and not (user.name")},
		}},
	}
	for _, tg := range targets {
		t.Run(tg.in.Name()+"/correct", func(t *testing.T) {
			sum, reps := Run(t, tg.in, rule)
			if sum.Checked != 1 || scalarDisagreements(reps) != 0 {
				t.Errorf("correct query: %s", sum)
				for _, r := range reps {
					t.Logf("%s\n%s", r.Reason, r.Query)
				}
			}
		})
		for _, m := range tg.mutations {
			t.Run(tg.in.Name()+"/"+m.name, func(t *testing.T) {
				sum, reps := Run(t, mutated{tg.in, m.mutate, t}, rule)
				if scalarDisagreements(reps) == 0 {
					t.Errorf("mutation not caught: %s", sum)
					for _, r := range reps {
						t.Logf("%s %s", r.Fidelity, r.Reason)
					}
				}
			})
		}
	}
}
