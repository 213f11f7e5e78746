package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/sigconv/sigconv/driver"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/lint"
	"github.com/sigconv/sigconv/parser"
)

// lintOptions are check's lint flags.
type lintOptions struct {
	disable []string // --disable ID,...
	config  string   // --lint-config FILE
	off     bool     // --no-lint
	strict  bool     // --strict
}

// completenessChecks report missing recommended metadata. SigmaHQ's CI
// requires it, but for a user's own rules it is noise, so they run only
// with --strict.
var completenessChecks = []string{"missing-author", "missing-date", "missing-description", "missing-level"}

// addLintFlags registers the lint flags on check.
func addLintFlags(cmd *cobra.Command, o *lintOptions) {
	f := cmd.Flags()
	f.StringSliceVar(&o.disable, "disable", nil, "lint check ids to skip, comma-separated (see docs/reliability.md)")
	f.StringVar(&o.config, "lint-config", "", "YAML file selecting lint checks (disabled: [ids])")
	f.BoolVar(&o.off, "no-lint", false, "only parse and convert; do not lint")
	f.BoolVar(&o.strict, "strict", false, "also report missing author, date, description and level (as SigmaHQ's CI does)")
}

// lintConfigFile is the --lint-config format.
type lintConfigFile struct {
	Disabled []string `yaml:"disabled"`
}

// checkLinter lints the documents of each file a check run reports, the
// way SigmaHQ's CI does; one Linter spans the run so duplicate ids are found
// across every file. Files are parsed a second time (the driver keeps
// only processed rules), which costs little next to conversion.
type checkLinter struct {
	l      *lint.Linter
	w      io.Writer
	json   bool
	seen   map[string]bool
	errors int // error-severity findings
	counts map[string]int
}

// newCheckLinter validates the lint flags; nil when linting is off.
func newCheckLinter(o *lintOptions, w io.Writer, asJSON bool) (*checkLinter, error) {
	if o.off {
		return nil, nil
	}
	known := map[string]bool{}
	for _, c := range lint.Checks {
		known[c.ID] = true
	}
	disabled := map[string]bool{}
	if !o.strict {
		for _, id := range completenessChecks {
			disabled[id] = true
		}
	}
	ids := append([]string(nil), o.disable...)
	if o.config != "" {
		src, err := os.ReadFile(o.config)
		if err != nil {
			return nil, err
		}
		var cfg lintConfigFile
		dec := yaml.NewDecoder(strings.NewReader(string(src)))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil && err != io.EOF {
			return nil, fmt.Errorf("%s: %v", o.config, err)
		}
		ids = append(ids, cfg.Disabled...)
	}
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if !known[id] {
			return nil, fmt.Errorf("unknown lint check %q (see sigconv check --help)", id)
		}
		disabled[id] = true
	}
	return &checkLinter{l: lint.New(lint.Config{Disabled: disabled}), w: w, json: asJSON,
		seen: map[string]bool{}, counts: map[string]int{}}, nil
}

// result lints r's file the first time one of its results is seen.
func (c *checkLinter) result(r *driver.Result) {
	if c == nil || r.File == "-" || c.seen[r.File] {
		return
	}
	c.seen[r.File] = true
	src, err := os.ReadFile(r.File)
	if err != nil {
		return // the driver reported it
	}
	lines := strings.Split(string(src), "\n")
	docs, errs := parser.ParseFile(r.File, src)
	if len(errs) > 0 {
		return // the driver reported the errors; lint findings would be noise
	}
	for _, doc := range docs {
		for _, f := range c.l.Add(doc) {
			f.Pos = refinePos(lines, f)
			c.counts[f.ID]++
			if f.Severity == lint.Error {
				c.errors++
			}
			if c.json {
				b, _ := json.Marshal(map[string]any{"type": "lint", "pos": f.Pos.String(), "id": f.ID,
					"severity": f.Severity.String(), "message": f.Msg})
				fmt.Fprintf(c.w, "%s\n", b)
				continue
			}
			fmt.Fprintln(c.w, f.String())
		}
	}
}

// summary prints the findings by id on w (stderr), e.g.
// "lint: 3 findings: invalid-tag 2, unused-search 1".
func (c *checkLinter) summary(w io.Writer) {
	if c == nil || len(c.counts) == 0 {
		return
	}
	ids := make([]string, 0, len(c.counts))
	total := 0
	for id, n := range c.counts {
		ids = append(ids, id)
		total += n
	}
	sort.Strings(ids)
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf("%s %d", id, c.counts[id])
	}
	fmt.Fprintf(w, "lint: %d findings (%d errors): %s\n", total, c.errors, strings.Join(parts, ", "))
}

// failed reports whether an error-severity finding was reported.
func (c *checkLinter) failed() bool { return c != nil && c.errors > 0 }

// metaKeys maps lint checks about one metadata key to that key.
var metaKeys = map[string]string{
	"invalid-id": "id", "duplicate-id": "id", "invalid-status": "status", "invalid-level": "level",
	"title-too-long": "title", "duplicate-title": "title", "modified-before-date": "modified",
}

// refinePos points a metadata finding, which the IR places at the start of
// its document, at the offending key or tag in the source when it can be
// found there (top-level key, or "- tag" item), before the next document.
func refinePos(lines []string, f lint.Finding) ir.Pos {
	key, item := metaKeys[f.ID], ""
	switch f.ID {
	case "invalid-date":
		key = "date"
		if strings.HasPrefix(f.Msg, "modified ") {
			key = "modified"
		}
	case "invalid-tag":
		if _, rest, ok := strings.Cut(f.Msg, `tag "`); ok {
			item, _, _ = strings.Cut(rest, `"`)
		}
	}
	if key == "" && item == "" {
		return f.Pos
	}
	for i := f.Pos.Line - 1; i >= 0 && i < len(lines); i++ {
		line := strings.TrimRight(lines[i], "\r")
		if i >= f.Pos.Line && strings.HasPrefix(line, "---") {
			break
		}
		var col int
		switch {
		case key != "" && strings.HasPrefix(line, key+":"):
			rest := line[len(key)+1:]
			col = len(key) + 2 + len(rest) - len(strings.TrimLeft(rest, " "))
		case item != "":
			t := strings.TrimLeft(line, " ")
			if v, ok := strings.CutPrefix(t, "- "); ok && strings.Trim(strings.TrimSpace(v), `'"`) == item {
				col = len(line) - len(t) + 3
			}
		}
		if col > 0 {
			p := f.Pos
			p.Line, p.Col = i+1, utf8.RuneCountInString(line[:col-1])+1
			return p
		}
	}
	return f.Pos
}
