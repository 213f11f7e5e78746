package driver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/sigconv/sigconv/backends"
)

// fake is a backend whose behaviour is chosen by the rule title: "panic"
// panics, "refuse" refuses, "fail" returns a plain error; anything else
// converts to "query <title>".
type fake struct{ correlations bool }

func (fake) Name() string               { return "fake" }
func (fake) Description() string        { return "test backend" }
func (fake) DefaultPipelines() []string { return nil }
func (fake) Formats() []backends.Format {
	return []backends.Format{{Name: "default", Ext: ".q"}}
}

func (fake) Convert(in *backends.Input) (*backends.Output, error) {
	r := in.Processed.Rule
	switch r.Title {
	case "panic":
		panic("boom")
	case "refuse":
		return nil, backends.Unsupported(r.Detection.Pos, "fake", "rule", "refused on purpose")
	case "fail":
		return nil, errors.New("plain failure")
	}
	return &backends.Output{Rule: r, Query: "query " + r.Title + "\n"}, nil
}

// fakeCorr also converts correlations.
type fakeCorr struct{ fake }

func (fakeCorr) ConvertCorrelation(in *backends.CorrelationInput) (*backends.Output, error) {
	var titles []string
	for _, r := range in.Rules {
		titles = append(titles, r.Rule.Title)
	}
	return &backends.Output{Rule: in.Correlation, Query: fmt.Sprintf("correlate %s over %s", in.Correlation.Type, strings.Join(titles, ","))}, nil
}

func rule(title string) string {
	return fmt.Sprintf(`title: %s
name: %s
logsource:
    product: windows
detection:
    selection:
        Image: x
    condition: selection
`, title, title)
}

// runAll converts paths and renders every result on one line. It runs
// with and without Options.ReleaseRules and fails when the two differ.
func runAll(t *testing.T, opts Options, paths ...string) ([]string, *Summary) {
	t.Helper()
	opts.ReleaseRules = false
	got, sum := runOnce(t, opts, paths...)
	opts.ReleaseRules = true
	released, rsum := runOnce(t, opts, paths...)
	if diff := cmp.Diff(got, released); diff != "" {
		t.Errorf("results with ReleaseRules differ (-without +with):\n%s", diff)
	}
	sum.Elapsed, rsum.Elapsed = 0, 0
	if diff := cmp.Diff(sum, rsum); diff != "" {
		t.Errorf("summary with ReleaseRules differs (-without +with):\n%s", diff)
	}
	return got, sum
}

// runOnce converts paths and renders every result on one line.
func runOnce(t *testing.T, opts Options, paths ...string) ([]string, *Summary) {
	t.Helper()
	d, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	sum, err := d.Run(context.Background(), paths, func(r *Result) error {
		line := fmt.Sprintf("%s#%d %s %s", r.File, r.Doc, r.Kind, r.Status)
		switch r.Status {
		case StatusOK:
			line += ": " + r.Text
		case StatusRefused:
			line += ": " + r.RefusalPos().String() + ": " + r.RefusalMessage()
		case StatusFailed:
			for _, e := range r.Errors {
				line += fmt.Sprintf(": %s: %s [%s]", e.Pos, strings.SplitN(e.Msg, "\n", 2)[0], e.Code)
			}
		}
		got = append(got, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, sum
}

func TestRunOutcomes(t *testing.T) {
	fsys := fstest.MapFS{
		"rules/a.yml":       {Data: []byte(rule("alpha"))},
		"rules/b/panic.yml": {Data: []byte(rule("panic"))},
		"rules/b/r.yaml":    {Data: []byte(rule("refuse"))},
		"rules/c.yml":       {Data: []byte(rule("fail"))},
		"rules/d.yml":       {Data: []byte("title: broken\ndetection: [\n")},
		"rules/notes.txt":   {Data: []byte("not a rule")},
		"rules/a.tests.yml": {Data: []byte("match: []")},
		"rules/.git/x.yml":  {Data: []byte("hidden: directory")},
		"corr.yml": {Data: []byte(rule("beta") + "---\n" + `title: corr
correlation:
    type: event_count
    rules: [alpha, beta, missing]
    group-by: [Host]
    timespan: 5m
    condition: {gte: 3}
`)},
	}
	reg := backends.NewRegistry(fake{})
	got, sum := runAll(t, Options{Registry: reg, Target: "fake", FS: fsys, Workers: 3}, "rules", "nope.yml", "corr.yml")
	want := []string{
		"rules/a.yml#0 rule converted: query alpha",
		"rules/b/panic.yml#0 rule failed: rules/b/panic.yml:1:1: internal error in rules/b/panic.yml: boom [internal-error]",
		"rules/b/r.yaml#0 rule refused: rules/b/r.yaml:6:5: fake: rule cannot be converted: refused on purpose",
		"rules/c.yml#0 rule failed: rules/c.yml:1:1: plain failure [internal-error]",
		"rules/d.yml#-1 file failed: rules/d.yml:2:1: invalid YAML: did not find expected node content [yaml-syntax]",
		"nope.yml#-1 file failed: nope.yml: cannot open: file does not exist [io-error]",
		"corr.yml#0 rule converted: query beta",
		"corr.yml#1 correlation refused: corr.yml:12:11: fake: correlation rule cannot be converted: correlation rules not supported by fake",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	wantSum := Summary{Read: 8, Converted: 2, Refused: 2, Failed: 4,
		Reasons: []ReasonCount{{"correlation rule: correlation rules not supported by fake", 1}, {"rule: refused on purpose", 1}}}
	sum.Elapsed = 0
	if diff := cmp.Diff(wantSum, *sum); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}

	// A backend converting correlations gets the referenced rules; an
	// unknown reference fails with its position.
	reg = backends.NewRegistry(fakeCorr{})
	got, _ = runAll(t, Options{Registry: reg, Target: "fake", FS: fsys}, "corr.yml", "rules/a.yml")
	want = []string{
		"corr.yml#0 rule converted: query beta",
		`corr.yml#1 correlation failed: corr.yml:13:26: correlation refers to "missing", which is no rule or correlation among the inputs [unknown-rule-reference]`,
		"rules/a.yml#0 rule converted: query alpha",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("correlation results (-want +got):\n%s", diff)
	}
}

func TestCheckOnlyAndIR(t *testing.T) {
	fsys := fstest.MapFS{
		"a.yml": {Data: []byte(rule("alpha"))},
		"f.yml": {Data: []byte(`title: not a filter
logsource: {product: windows}
detection:
    selection: {Image: y}
    condition: selection
`)},
	}
	got, sum := runAll(t, Options{FS: fsys}, "a.yml")
	if diff := cmp.Diff([]string{"a.yml#0 rule converted: "}, got); diff != "" {
		t.Errorf("check-only (-want +got):\n%s", diff)
	}
	if sum.Converted != 1 {
		t.Errorf("check-only converted = %d, want 1", sum.Converted)
	}
	// A --filter file must hold filters.
	got, _ = runAll(t, Options{FS: fsys, Filters: []string{"f.yml"}}, "a.yml")
	if len(got) != 2 || !strings.Contains(got[0], "is given with --filter but holds a rule") {
		t.Errorf("--filter with a rule: got %q", got)
	}
	// -t ir dumps the document.
	got, _ = runAll(t, Options{FS: fsys, Target: IRTarget}, "a.yml")
	if len(got) != 1 || !strings.Contains(got[0], `"Title": "alpha"`) {
		t.Errorf("-t ir: got %q", got)
	}
}

func TestStdin(t *testing.T) {
	for _, release := range []bool{false, true} {
		opts := Options{Registry: backends.NewRegistry(fake{}), Target: "fake", Stdin: strings.NewReader(rule("gamma")), ReleaseRules: release}
		got, _ := runOnce(t, opts, "-")
		if diff := cmp.Diff([]string{"-#0 rule converted: query gamma"}, got); diff != "" {
			t.Errorf("stdin, ReleaseRules %v (-want +got):\n%s", release, diff)
		}
	}
}

func TestNewErrors(t *testing.T) {
	reg := backends.NewRegistry(fake{})
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"unknown target", Options{Registry: reg, Target: "nope"}, `unknown target "nope" (known: [fake])`},
		{"unknown format", Options{Registry: reg, Target: "fake", Format: "x"}, `target fake has no format "x" (formats: [default])`},
		{"ir format", Options{Target: IRTarget, Format: "x"}, `target ir has no format "x" (formats: [default])`},
		{"format without target", Options{Format: "x"}, `-f x needs a target (-t)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.opts)
			if err == nil || err.Error() != tc.want {
				t.Errorf("New: got %v, want %s", err, tc.want)
			}
		})
	}
}

func TestOrderedStopsOnError(t *testing.T) {
	stop := errors.New("stop")
	var seen []int
	err := ordered(100, 4, func(i int) int { return i * i }, func(i, v int) error {
		if v != i*i {
			t.Errorf("result %d = %d", i, v)
		}
		seen = append(seen, i)
		if i == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || len(seen) != 11 {
		t.Errorf("ordered: err %v after %d results, want stop after 11", err, len(seen))
	}
}

func isDirectory(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}

func TestBadDocumentDoesNotSinkItsFile(t *testing.T) {
	bad := "title: bad\nname: bad\nlogsource: {product: windows}\ndetection:\n    selection: {Image|nope: x}\n    condition: selection\n"
	corr := "title: corr\ncorrelation:\n    type: event_count\n    rules: [bad]\n    group-by: [Host]\n    timespan: 5m\n    condition: {gte: 3}\n"
	fsys := fstest.MapFS{"m.yml": {Data: []byte(rule("alpha") + "---\n" + bad + "---\n" + corr)}}
	reg := backends.NewRegistry(fakeCorr{})
	got, sum := runAll(t, Options{Registry: reg, Target: "fake", FS: fsys}, "m.yml")
	want := []string{
		"m.yml#0 rule converted: query alpha",
		`m.yml#1 rule failed: m.yml:14:23: unknown modifier "nope" [unknown-modifier]`,
		`m.yml#2 correlation failed: m.yml:20:13: correlation refers to "bad", which is no rule or correlation among the inputs [unknown-rule-reference]`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if sum.Read != 3 || sum.Converted != 1 || sum.Failed != 2 {
		t.Errorf("summary %+v", sum)
	}
}

func TestCorrelationGenerate(t *testing.T) {
	corr := func(title, ref string, generate bool) string {
		return fmt.Sprintf("title: %s\ncorrelation:\n    type: event_count\n    rules: [%s]\n    group-by: [Host]\n    timespan: 5m\n    condition: {gte: 3}\n    generate: %v\n", title, ref, generate)
	}
	fsys := fstest.MapFS{
		"r.yml": {Data: []byte(rule("alpha") + "---\n" + rule("beta") + "---\n" + rule("gamma"))},
		"c.yml": {Data: []byte(corr("c1", "alpha", false) + "---\n" + corr("c2", "beta", false) + "---\n" + corr("c3", "beta", true))},
	}
	got, sum := runAll(t, Options{Registry: backends.NewRegistry(fakeCorr{}), Target: "fake", FS: fsys}, "r.yml", "c.yml")
	want := []string{
		"r.yml#0 rule converted: ", // only within c1
		"r.yml#1 rule converted: query beta",
		"r.yml#2 rule converted: query gamma",
		"c.yml#0 correlation converted: correlate event_count over alpha",
		"c.yml#1 correlation converted: correlate event_count over beta",
		"c.yml#2 correlation converted: correlate event_count over beta",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if sum.Converted != 6 {
		t.Errorf("converted = %d, want 6", sum.Converted)
	}
}
