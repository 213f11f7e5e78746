package driver

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
)

// shape converts a rule to its title and the shape of its detection
// (searches and their fields), and a correlation to the same of every rule
// it refers to, so that tests see whether rules reached the backend whole
// and with the filters applied.
type shape struct{ fake }

func detectionShape(r *ir.Rule) string {
	var parts []string
	for _, s := range r.Detection.Searches {
		var fields []string
		ir.WalkItems(&ir.Detection{Searches: []*ir.Search{s}}, func(_ *ir.Search, _ *ir.Group, it *ir.Item) bool {
			fields = append(fields, it.Field)
			return true
		})
		parts = append(parts, s.Name+"("+strings.Join(fields, ",")+")")
	}
	return r.Title + "[" + strings.Join(parts, " ") + "]"
}

func (shape) Convert(in *backends.Input) (*backends.Output, error) {
	r := in.Processed.Rule
	return &backends.Output{Rule: r, Query: detectionShape(r)}, nil
}

func (shape) ConvertCorrelation(in *backends.CorrelationInput) (*backends.Output, error) {
	var rules []string
	for _, p := range in.Rules {
		rules = append(rules, detectionShape(p.Rule))
	}
	return &backends.Output{Rule: in.Correlation, Query: "correlate " + strings.Join(rules, " ")}, nil
}

// TestReleaseRules covers what ReleaseRules changes: correlations get the
// complete rules they refer to (by id or name, in files converted early),
// filter documents among the inputs still apply to rules of every file,
// and outputs lose their rule only for per-rule formats. runAll checks
// that the results equal those without ReleaseRules.
func TestReleaseRules(t *testing.T) {
	ruleWithID := func(title, id string) string {
		return strings.Replace(rule(title), "name: "+title+"\n", "name: "+title+"\nid: "+id+"\n", 1)
	}
	corr := fmt.Sprintf("title: c\ncorrelation:\n    type: event_count\n    rules: [%s, beta]\n    group-by: [Host]\n    timespan: 5m\n    condition: {gte: 3}\n", "11111111-1111-4111-8111-111111111111")
	filter := `title: f
logsource:
    product: windows
filter:
    rules: [alpha, gamma]
    sel:
        User: admin
    condition: not sel
`
	reg := backends.NewRegistry(shape{})
	files := fstest.MapFS{
		"a.yml": {Data: []byte(ruleWithID("alpha", "11111111-1111-4111-8111-111111111111"))},
		"b.yml": {Data: []byte(rule("beta") + "---\n" + rule("gamma"))},
		"c.yml": {Data: []byte(corr)},
	}
	got, _ := runAll(t, Options{Registry: reg, Target: "fake", FS: files}, "a.yml", "b.yml", "c.yml")
	want := []string{
		"a.yml#0 rule converted: ",
		"b.yml#0 rule converted: ",
		"b.yml#1 rule converted: gamma[selection(Image)]",
		"c.yml#0 correlation converted: correlate alpha[selection(Image)] beta[selection(Image)]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("correlation (-want +got):\n%s", diff)
	}

	// A filter document among the inputs, after the rules it applies to.
	files["z.yml"] = &fstest.MapFile{Data: []byte(filter)}
	got, _ = runAll(t, Options{Registry: reg, Target: "fake", FS: files}, "a.yml", "b.yml", "c.yml", "z.yml")
	want = []string{
		"a.yml#0 rule converted: ",
		"b.yml#0 rule converted: ",
		"b.yml#1 rule converted: gamma[selection(Image) _sigconv_filter0_sel(User)]",
		"c.yml#0 correlation converted: correlate alpha[selection(Image) _sigconv_filter0_sel(User)] beta[selection(Image)]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("filter among the inputs (-want +got):\n%s", diff)
	}

	// The same filter given with --filter.
	got, _ = runAll(t, Options{Registry: reg, Target: "fake", FS: files, Filters: []string{"z.yml"}}, "a.yml", "b.yml", "c.yml")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("--filter (-want +got):\n%s", diff)
	}
}

// TestReleaseRulesDropsOutputRule checks that per-rule results lose the
// rule they were converted from, so that nothing keeps it alive.
func TestReleaseRulesDropsOutputRule(t *testing.T) {
	files := fstest.MapFS{"a.yml": {Data: []byte(rule("alpha"))}}
	for _, release := range []bool{false, true} {
		d, err := New(Options{Registry: backends.NewRegistry(shape{}), Target: "fake", FS: files, ReleaseRules: release})
		if err != nil {
			t.Fatal(err)
		}
		var rule ir.Document
		if _, err := d.Run(t.Context(), []string{"a.yml"}, func(r *Result) error {
			rule = r.Output.Rule
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if (rule == nil) != release {
			t.Errorf("ReleaseRules %v: Output.Rule = %v", release, rule)
		}
	}
}
