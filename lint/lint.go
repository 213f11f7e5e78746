package lint

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/sigconv/sigconv/ir"
)

// Severity tells whether a finding fails a check run.
type Severity int

// Severities.
const (
	Warning Severity = iota // reported; does not fail `sigconv check`
	Error                   // reported; fails `sigconv check`
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// Finding is one lint result.
type Finding struct {
	Pos      ir.Pos   // where
	ID       string   // stable check id, e.g. "invalid-date"
	Severity Severity // default severity of the check
	Msg      string   // human-readable
}

func (f Finding) String() string {
	return fmt.Sprintf("%s: %s: %s [%s]", f.Pos, f.Severity, f.Msg, f.ID)
}

// Check describes one lint check.
type Check struct {
	ID          string   // stable id
	Severity    Severity // default severity
	Description string   // one line
}

// Checks lists every check, sorted by ID.
var Checks = []Check{
	{"condition-never-matches", Error, "the condition is false whatever the searches match"},
	{"duplicate-id", Error, "two documents share an id"},
	{"duplicate-title", Warning, "two rules share a title"},
	{"invalid-date", Error, "date or modified is not a valid YYYY-MM-DD date"},
	{"invalid-id", Error, "id is not a UUID"},
	{"invalid-level", Error, "level is not informational, low, medium, high or critical"},
	{"invalid-related-type", Error, "related type is not derived, obsolete, merged, renamed or similar"},
	{"invalid-status", Error, "status is not stable, test, experimental, deprecated or unsupported"},
	{"invalid-tag", Error, "tag does not follow the tags appendix (namespace.value, lower case)"},
	{"missing-author", Warning, "author is missing"},
	{"missing-date", Warning, "date is missing"},
	{"missing-description", Warning, "description is missing"},
	{"missing-id", Warning, "id is missing"},
	{"missing-level", Warning, "level is missing"},
	{"modified-before-date", Error, "modified is earlier than date"},
	{"title-too-long", Error, "title is longer than 256 characters"},
	{"unknown-logsource", Warning, "logsource category, product or service is not in the Sigma taxonomy appendix"},
	{"unused-search", Warning, "a search identifier is not used by the condition"},
}

// Config selects checks. The zero value enables every check.
type Config struct {
	Disabled map[string]bool // check IDs to skip
}

// Linter lints documents; it collects ids and titles across documents for
// the duplicate checks. Not safe for concurrent use.
type Linter struct {
	cfg      Config
	ids      map[string]ir.Pos
	titles   map[string]ir.Pos
	findings []Finding
}

// New returns a Linter.
func New(cfg Config) *Linter {
	return &Linter{cfg: cfg, ids: map[string]ir.Pos{}, titles: map[string]ir.Pos{}}
}

// Add lints one document and returns its own findings (duplicates found
// against earlier documents included). Documents should be added in a
// stable order for stable duplicate reports.
func (l *Linter) Add(doc ir.Document) []Finding {
	start := len(l.findings)
	m := doc.Metadata()
	l.meta(m)
	switch d := doc.(type) {
	case *ir.Rule:
		l.level(m)
		l.logsource(d.LogSource)
		if d.Detection != nil {
			l.detection(d.Detection)
		}
	case *ir.Correlation:
		// Correlations need no level, author or description checks of
		// their own beyond the shared metadata.
	case *ir.Filter:
		l.logsource(d.LogSource)
		if d.Detection != nil {
			l.detection(d.Detection)
		}
	}
	out := l.findings[start:]
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pos.Less(out[j].Pos) })
	return out
}

// Findings returns every finding so far.
func (l *Linter) Findings() []Finding { return l.findings }

func (l *Linter) report(pos ir.Pos, id, format string, args ...any) {
	if l.cfg.Disabled[id] {
		return
	}
	sev := Warning
	for _, c := range Checks {
		if c.ID == id {
			sev = c.Severity
			break
		}
	}
	l.findings = append(l.findings, Finding{Pos: pos, ID: id, Severity: sev, Msg: fmt.Sprintf(format, args...)})
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func (l *Linter) meta(m *ir.Meta) {
	switch {
	case m.ID == "":
		l.report(m.Pos, "missing-id", "the document has no id")
	case !uuidRE.MatchString(m.ID):
		l.report(m.Pos, "invalid-id", "id %q is not a UUID", m.ID)
	default:
		key := strings.ToLower(m.ID)
		if first, dup := l.ids[key]; dup {
			l.report(m.Pos, "duplicate-id", "id %s is also used at %s", m.ID, first)
		} else {
			l.ids[key] = m.Pos
		}
	}
	if len([]rune(m.Title)) > 256 {
		l.report(m.Pos, "title-too-long", "title has %d characters (at most 256)", len([]rune(m.Title)))
	}
	if m.Title != "" {
		if first, dup := l.titles[m.Title]; dup {
			l.report(m.Pos, "duplicate-title", "title %q is also used at %s", m.Title, first)
		} else {
			l.titles[m.Title] = m.Pos
		}
	}
	var date, mod time.Time
	if m.Date != "" {
		date = l.date(m.Pos, "date", m.Date)
	}
	if m.Modified != "" {
		mod = l.date(m.Pos, "modified", m.Modified)
	}
	if !date.IsZero() && !mod.IsZero() && mod.Before(date) {
		l.report(m.Pos, "modified-before-date", "modified %s is earlier than date %s", m.Modified, m.Date)
	}
	if m.Status != "" && !oneOf(m.Status, "stable", "test", "experimental", "deprecated", "unsupported") {
		l.report(m.Pos, "invalid-status", "status %q is not one of stable, test, experimental, deprecated, unsupported", m.Status)
	}
	for _, r := range m.Related {
		if !oneOf(r.Type, "derived", "obsolete", "merged", "renamed", "similar") {
			l.report(r.Pos, "invalid-related-type", "related type %q is not one of derived, obsolete, merged, renamed, similar", r.Type)
		}
	}
	for _, t := range m.Tags {
		if msg := checkTag(t); msg != "" {
			l.report(m.Pos, "invalid-tag", "tag %q: %s", t, msg)
		}
	}
}

func (l *Linter) level(m *ir.Meta) {
	if m.Description == "" {
		l.report(m.Pos, "missing-description", "the rule has no description")
	}
	if m.Author == "" {
		l.report(m.Pos, "missing-author", "the rule has no author")
	}
	if m.Date == "" {
		l.report(m.Pos, "missing-date", "the rule has no date")
	}
	if m.Level == "" {
		l.report(m.Pos, "missing-level", "the rule has no level")
	} else if !oneOf(m.Level, "informational", "low", "medium", "high", "critical") {
		l.report(m.Pos, "invalid-level", "level %q is not one of informational, low, medium, high, critical", m.Level)
	}
}

func (l *Linter) date(pos ir.Pos, key, s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		l.report(pos, "invalid-date", "%s %q is not a YYYY-MM-DD date", key, s)
	}
	return t
}

func oneOf(s string, vals ...string) bool {
	for _, v := range vals {
		if s == v {
			return true
		}
	}
	return false
}
