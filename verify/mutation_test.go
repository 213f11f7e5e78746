package verify_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/sigconv/sigconv/backends/all"
	"github.com/sigconv/sigconv/driver"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/verify"
	"github.com/sigconv/sigconv/verify/gen"
	"github.com/sigconv/sigconv/verify/interp"
	"github.com/sigconv/sigconv/verify/kql"
	"github.com/sigconv/sigconv/verify/spl"
)

// convert converts one rule file for a target and returns the processed rule and the query.
func convert(t *testing.T, target, file string) (*ir.Rule, string) {
	t.Helper()
	d, err := driver.New(driver.Options{Registry: all.Default(), Target: target})
	if err != nil {
		t.Fatal(err)
	}
	var res *driver.Result
	if _, err := d.Run(context.Background(), []string{file}, func(r *driver.Result) error {
		res = r
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if res == nil || res.Status != driver.StatusOK {
		t.Fatalf("%s: %s: not converted: %+v", target, file, res)
	}
	return res.Output.Rule.(*ir.Rule), res.Output.Query
}

// TestBrokenEmitters mutates correct queries the way a broken emitter would (wrong
// precedence, unanchored regex, case-sensitive equality, dropped condition) and checks that
// verify reports disagreements for each, and none for the correct query.
func TestBrokenEmitters(t *testing.T) {
	type mutation struct {
		name     string
		old, new string
	}
	tests := []struct {
		target    string
		in        interp.Interpreter
		mutations []mutation
	}{
		{"splunk", spl.New(), []mutation{
			{"wrong precedence", ` NOT ParentImage="*\\explorer.exe"` + "\n| where ", "\n| where NOT match(ParentImage, \"(?i)\\\\\\\\explorer\\\\.exe$\") AND "},
			{"unanchored regex", `"^net\\s+user$"`, `"net\\s+user"`},
			{"case-sensitive equality", `lower(User)=="admin"`, `User=="admin"`},
			{"dropped condition", ` NOT ParentImage="*\\explorer.exe"`, ``},
		}},
		{"kql", kql.New(), []mutation{
			{"wrong precedence", `and (ProcessCommandLine`, `and ProcessCommandLine`},
			{"unanchored regex", `@"^net\s+user$"`, `@"net\s+user"`},
			{"case-sensitive equality", `User =~ "Admin"`, `User == "Admin"`},
			{"dropped condition", ` and InitiatingProcessFolderPath !endswith @"\explorer.exe"`, ``},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			rule, query := convert(t, tt.target, "testdata/mutation_rule.yml")
			events := gen.Generate(rule, gen.Options{})
			out, err := verify.Check(rule, query, tt.in, events)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Disagreements) != 0 || out.Matches == 0 {
				t.Fatalf("correct query: %d disagreements, %d matches; query:\n%s", len(out.Disagreements), out.Matches, query)
			}
			for _, m := range tt.mutations {
				t.Run(m.name, func(t *testing.T) {
					q := strings.Replace(query, m.old, m.new, 1)
					if tt.target == "kql" && m.name == "wrong precedence" {
						q = strings.Replace(q, `=~ "Admin")`, `=~ "Admin"`, 1)
					}
					if q == query {
						t.Fatalf("mutation did not apply to:\n%s", query)
					}
					out, err := verify.Check(rule, q, tt.in, events)
					if err != nil {
						t.Fatal(err)
					}
					if len(out.Disagreements) == 0 {
						t.Errorf("broken query not caught:\n%s", q)
					}
				})
			}
		})
	}
}

func TestMain(m *testing.M) { os.Exit(m.Run()) }
