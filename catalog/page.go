package catalog

import (
	"github.com/sigconv/sigconv/catalog/attack"
	"github.com/sigconv/sigconv/ir"
)

// Page is the catalog description of one rule. Sections are in page
// order; slices are empty (never nil after Build) when a section has no
// rows, so that JSON output has a stable shape.
type Page struct {
	ID             string    `json:"id"`             // rule id, or ""
	Title          string    `json:"title"`          // title
	Description    string    `json:"description"`    // description, trimmed
	Status         string    `json:"status"`         // status, or ""
	Level          string    `json:"level"`          // level, or ""
	Author         string    `json:"author"`         // author, or ""
	Date           string    `json:"date"`           // date as written, or ""
	Modified       string    `json:"modified"`       // modified as written, or ""
	File           string    `json:"file"`           // source path, relative to the rule set when there is one
	Doc            int       `json:"doc"`            // 0-based YAML document index in File
	References     []string  `json:"references"`     // references
	FalsePositives []string  `json:"falsepositives"` // falsepositives
	Tags           []string  `json:"tags"`           // tags as written
	Related        []Related `json:"related"`        // related rules

	LogSource LogSource `json:"logsource"` // logsource

	Attack     []TacticRow `json:"attack"`     // MITRE ATT&CK coverage
	Events     []Event     `json:"events"`     // event coverage
	Body       string      `json:"body"`       // the rule file as written
	Stages     []Stage     `json:"stages"`     // the condition as stages
	Selections []Selection `json:"selections"` // every search identifier with its predicates
	Indicators []Indicator `json:"indicators"` // field + kind + value rows

	// Corpus describes the rule set the indicator counts come from, or nil
	// when the page was built without one (counts are then all zero and
	// renderers leave the column out).
	Corpus *CorpusInfo `json:"corpus"`
	// Queries holds the rule converted for each target (catalog site
	// only), or nil.
	Queries []Query `json:"queries,omitempty"`
}

// LogSource is the rule's logsource.
type LogSource struct {
	Product  string `json:"product,omitempty"`  // e.g. windows
	Category string `json:"category,omitempty"` // e.g. network_connection
	Service  string `json:"service,omitempty"`  // e.g. security
}

// String joins the set logsource fields with "/" in product, category,
// service order ("windows/network_connection"), or "" when none is set.
func (l LogSource) String() string {
	s := ""
	for _, p := range []string{l.Product, l.Category, l.Service} {
		if p == "" {
			continue
		}
		if s != "" {
			s += "/"
		}
		s += p
	}
	return s
}

// Related is one entry of the rule's related list.
type Related struct {
	ID    string `json:"id"`    // related rule id
	Type  string `json:"type"`  // derived, obsolete, merged, renamed, similar
	Title string `json:"title"` // the related rule's title when the corpus has it, else ""
	Href  string `json:"-"`     // link to its page on the site, or ""
}

// CorpusInfo names the rule set indicator counts come from.
type CorpusInfo struct {
	Name  string `json:"name"`  // the directory as given
	Rules int    `json:"rules"` // number of rules in it
}

// Query is one converted query shown on a catalog page.
type Query struct {
	Target string `json:"target"`         // backend name, e.g. kql
	Format string `json:"format"`         // output format
	Status string `json:"status"`         // "converted", "refused" or "failed"
	Text   string `json:"text,omitempty"` // the query when converted
	Reason string `json:"reason,omitempty"`
}

// Options configure Build. The zero value builds a page without ATT&CK
// names, events or corpus counts.
type Options struct {
	Attack *attack.Matrix // ATT&CK data; nil leaves names out
	Events EventSource    // event mapping; nil leaves the section empty
	Corpus *Corpus        // rule set for indicator counts, or nil
	// File is the path to show for the rule (e.g. relative to the rule
	// set); "" uses the rule's own File.
	File string
}

// Build describes r, whose file text is src.
func Build(r *ir.Rule, src []byte, opt Options) *Page {
	p := &Page{
		ID:             r.ID,
		Title:          r.Title,
		Description:    trimText(r.Description),
		Status:         r.Status,
		Level:          r.Level,
		Author:         r.Author,
		Date:           r.Date,
		Modified:       r.Modified,
		File:           r.File,
		Doc:            r.Doc,
		References:     nonNil(r.References),
		FalsePositives: nonNil(r.FalsePositives),
		Tags:           nonNil(r.Tags),
		LogSource:      LogSource{Product: r.LogSource.Product, Category: r.LogSource.Category, Service: r.LogSource.Service},
		Body:           string(src),
	}
	p.Related = []Related{}
	for _, rel := range r.Related {
		p.Related = append(p.Related, Related{ID: rel.ID, Type: rel.Type, Title: opt.Corpus.title(rel.ID)})
	}
	if opt.File != "" {
		p.File = opt.File
	}
	p.Attack = attackCoverage(opt.Attack, r.Tags)
	p.Events = []Event{}
	if opt.Events != nil {
		p.Events = append(p.Events, opt.Events.Events(r)...)
	}
	p.Stages = stages(r.Detection)
	p.Selections = selections(r.Detection)
	p.Indicators = indicators(r)
	if opt.Corpus != nil {
		p.Corpus = &CorpusInfo{Name: opt.Corpus.Name, Rules: opt.Corpus.Len()}
		self := ruleKey(r)
		for i := range p.Indicators {
			p.Indicators[i].Corpus = opt.Corpus.Others(p.Indicators[i].key, self)
		}
	}
	return p
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// trimText removes the trailing newline a YAML block scalar leaves.
func trimText(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == ' ') {
		s = s[:len(s)-1]
	}
	return s
}
