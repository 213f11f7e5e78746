package injection

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sigconv/sigconv/driver"
	"github.com/sigconv/sigconv/eval"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
)

// hangGuard is a generous bound that only catches hangs and blow-ups (the
// machine may be busy); the speed itself is measured by benchmarks.
const hangGuard = 2 * time.Minute

// guard runs fn and fails t when it does not return within hangGuard.
func guard(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(hangGuard):
		t.Fatalf("%s: no result after %v", what, hangGuard)
	}
}

// ruleWith returns a rule whose detection is body (indented under
// detection:) and whose condition is cond.
func ruleWith(body, cond string) string {
	return "title: limits\nid: 9a1c7a52-3f7e-4b8e-8f55-0c2d2c6e4b10\nstatus: test\n" +
		"logsource:\n  category: process_creation\n  product: windows\n" +
		"detection:\n" + body + "  condition: " + cond + "\nlevel: low\n"
}

// TestResourceLimits converts and evaluates inputs built to exhaust time,
// memory or stack: each must end (within a hang guard) in a query, a typed
// refusal or a positioned error, never a panic or an internal error.
func TestResourceLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("resource limits take tens of seconds on a busy machine")
	}
	var values strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&values, "      - 'value%06d'\n", i)
	}
	var manySearches, manyRefs strings.Builder
	for i := range 2_000 {
		fmt.Fprintf(&manySearches, "  s%d:\n    CommandLine: 'x%d'\n", i, i)
		if i > 0 {
			manyRefs.WriteString(" and ")
		}
		fmt.Fprintf(&manyRefs, "s%d", i)
	}
	wild := strings.Repeat("*a", 40) + "*b"
	var docs strings.Builder
	for i := range 1_000 {
		if i > 0 {
			docs.WriteString("---\n")
		}
		fmt.Fprintf(&docs, "title: r%d\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel:\n    CommandLine|contains: 'v%d'\n  condition: sel\n", i, i)
	}
	tests := []struct {
		name string
		src  string
	}{
		{"100k values", ruleWith("  sel:\n    CommandLine|contains:\n"+values.String(), "sel")},
		{"2000 searches", ruleWith(manySearches.String(), manyRefs.String())},
		{"1 of 2000 searches", ruleWith(manySearches.String(), "1 of s*")},
		{"deep parentheses", ruleWith("  sel:\n    CommandLine: x\n", strings.Repeat("(", 20_000)+"sel"+strings.Repeat(")", 20_000))},
		{"deep not", ruleWith("  sel:\n    CommandLine: x\n", strings.Repeat("not ", 20_000)+"sel")},
		{"deep yaml sequence", ruleWith("  sel:\n    CommandLine: "+strings.Repeat("[", 50_000)+strings.Repeat("]", 50_000)+"\n", "sel")},
		{"deep yaml mapping", ruleWith("  sel:\n    CommandLine: "+strings.Repeat("{a: ", 20_000)+"x"+strings.Repeat("}", 20_000)+"\n", "sel")},
		{"yaml alias bomb", "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n" +
			ruleWith("  sel:\n    CommandLine: *g\n", "sel")},
		{"pathological wildcard", ruleWith("  sel:\n    CommandLine: '"+wild+"'\n", "sel")},
		{"pathological regex", ruleWith("  sel:\n    CommandLine|re: '(a+)+(b|c?)*((a|aa)+)+$'\n", "sel")},
		{"huge value", ruleWith("  sel:\n    CommandLine|contains: '"+strings.Repeat("ab", 500_000)+"'\n", "sel")},
		{"1000 documents", docs.String()},
	}
	long := strings.Repeat("a", 200_000)
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, target := range []string{"", "splunk", "kql", "lucene", "dsl", "esql", "eql"} {
				c := newConverter(t, target)
				guard(t, target, func() {
					res := c.convert(ctx, t, []byte(tt.src))
					counts := map[driver.Status]int{}
					for _, r := range res {
						checkResult(t, r)
						counts[r.Status]++
					}
					t.Logf("%s: %d converted, %d refused, %d failed", target, counts[driver.StatusOK], counts[driver.StatusRefused], counts[driver.StatusFailed])
				})
			}
			guard(t, "evaluator", func() {
				docs, errs := parser.ParseFile("r.yml", []byte(tt.src))
				if len(errs) > 0 {
					return
				}
				for _, d := range docs {
					r, ok := d.(*ir.Rule)
					if !ok {
						continue
					}
					eng, err := eval.Compile(r)
					if err != nil {
						t.Logf("evaluator refuses: %v", err)
						continue
					}
					route := eng.AllRules()
					for _, v := range []string{long, long + "b", strings.Repeat("ab", 100_000)} {
						eng.MatchRoute(eval.NewEvent(map[string]any{"CommandLine": v}), route)
					}
				}
			})
		})
	}
}
