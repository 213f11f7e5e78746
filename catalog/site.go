package catalog

import (
	"bytes"
	"fmt"
	"html/template"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sigconv/sigconv/catalog/attack"
	"github.com/sigconv/sigconv/ir"
)

// Converter converts a rule for every target, for the Queries section of
// site pages. Implementations must be safe for concurrent use.
type Converter interface {
	Convert(r *ir.Rule) []Query
}

// SiteOptions configure WriteSite.
type SiteOptions struct {
	Title     string         // site title; "" means "Sigma rule catalog"
	Attack    *attack.Matrix // ATT&CK data, or nil
	Events    EventSource    // event mapping, or nil
	Converter Converter      // query conversion, or nil to leave queries out
}

// SiteStats summarises a WriteSite run.
type SiteStats struct {
	Pages       int // rule pages written
	FailedFiles int // rule files that could not be parsed (listed on the index)
}

// noticeFile is the ATT&CK notice written next to the index; MITRE's terms
// require it with any copy of ATT&CK names.
const noticeFile = "attack-notice.txt"

// WriteSite writes the catalog of set into dir: index.html, one page per
// rule under rules/ (the rule's path with .html; "-N" before it for the
// N-th document of a multi-rule file) and the ATT&CK notice. Pages are
// built and written in parallel; the output is byte-identical across
// runs.
func WriteSite(set *RuleSet, dir string, opt SiteOptions) (*SiteStats, error) {
	if opt.Title == "" {
		opt.Title = "Sigma rule catalog"
	}
	t := loadTemplates()
	corpus := NewCorpus(set.Root, set.Rules())
	docs := map[string]int{}
	for _, e := range set.Entries {
		docs[e.Rel]++
	}
	hrefs := make([]string, len(set.Entries))
	dirs := map[string]bool{}
	for i, e := range set.Entries {
		base := strings.TrimSuffix(strings.TrimSuffix(e.Rel, ".yml"), ".yaml")
		hrefs[i] = "rules/" + base + docSuffix(e.Rule.Doc, docs[e.Rel]) + ".html"
		dirs[path.Dir(hrefs[i])] = true
	}
	for d := range dirs {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil {
			return nil, err
		}
	}
	byID := map[string]string{} // rule id → page, first rule wins
	for i, e := range set.Entries {
		if _, dup := byID[e.Rule.ID]; e.Rule.ID != "" && !dup {
			byID[e.Rule.ID] = hrefs[i]
		}
	}
	pages := make([]*Page, len(set.Entries))
	errs := make([]error, len(set.Entries))
	parallel(len(set.Entries), func(i int) {
		e := set.Entries[i]
		p := Build(e.Rule, e.Src, Options{Attack: opt.Attack, Events: opt.Events, Corpus: corpus, File: e.Rel})
		if opt.Converter != nil {
			p.Queries = opt.Converter.Convert(e.Rule)
		}
		pages[i] = p
		prefix := depthPrefix(hrefs[i])
		for j, r := range p.Related {
			if h, ok := byID[r.ID]; ok {
				p.Related[j].Href = prefix + h
			}
		}
		var b bytes.Buffer
		err := t.page.Execute(&b, pageData{Pages: []*Page{p}, CSS: t.css, Home: prefix + "index.html", NoticeHref: prefix + noticeFile, Footer: footer})
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, filepath.FromSlash(hrefs[i])), b.Bytes(), 0o644)
		}
		errs[i] = err
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	if err := t.index.Execute(&b, indexData(set, pages, hrefs, opt, t)); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), b.Bytes(), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, noticeFile), []byte(attack.Notice()), 0o644); err != nil {
		return nil, err
	}
	return &SiteStats{Pages: len(pages), FailedFiles: len(set.Errors)}, nil
}

// indexPage is what index.html renders.
type indexPage struct {
	Title, Root string
	Total       int
	CSS         template.CSS
	JS          template.JS
	Tactics     []option
	Levels      []string
	LogSources  []string
	Rows        []indexRow
	Failed      []failedFile
	Footer      string
	NoticeHref  string
}

type option struct{ Value, Label string }

type indexRow struct {
	Href, Title, Level, LogSource string
	Text                          string // lower-case haystack for the search box
	Tactics, Techniques           string // space-separated lower-case shortnames / IDs
	TacticNames, TechniqueIDs     string // display
}

type failedFile struct{ Rel, Msg string }

var levelOrder = []string{"informational", "low", "medium", "high", "critical"}

func indexData(set *RuleSet, pages []*Page, hrefs []string, opt SiteOptions, t *templates) *indexPage {
	ip := &indexPage{Title: opt.Title, Root: set.Root, Total: len(pages), CSS: t.css, JS: t.js, Footer: footer, NoticeHref: noticeFile}
	tacticLabel := map[string]string{}
	levels := map[string]bool{}
	sources := map[string]bool{}
	for i, p := range pages {
		var tShort, tNames, techIDs []string
		seenTech := map[string]bool{}
		for _, r := range p.Attack {
			if r.ShortName != unknownTactic {
				tShort = append(tShort, r.ShortName)
				tNames = append(tNames, r.Name)
				tacticLabel[r.ShortName] = r.Name
			}
			for _, te := range r.Techniques {
				if !seenTech[te.ID] {
					seenTech[te.ID] = true
					techIDs = append(techIDs, te.ID)
				}
			}
		}
		ls := strings.ToLower(p.LogSource.String())
		level := strings.ToLower(p.Level)
		if level != "" {
			levels[level] = true
		}
		if ls != "" {
			sources[ls] = true
			if prod := strings.ToLower(p.LogSource.Product); prod != "" {
				sources[prod] = true
			}
		}
		hay := strings.Join([]string{p.Title, p.ID, p.File, ls, strings.Join(p.Tags, " "), strings.Join(tNames, " "), strings.Join(techIDs, " ")}, " ")
		ip.Rows = append(ip.Rows, indexRow{
			Href: hrefs[i], Title: p.Title, Level: level, LogSource: ls,
			Text:        strings.ToLower(hay),
			Tactics:     strings.Join(tShort, " "),
			Techniques:  strings.ToLower(strings.Join(techIDs, " ")),
			TacticNames: strings.Join(tNames, ", "), TechniqueIDs: strings.Join(techIDs, " "),
		})
	}
	if opt.Attack != nil {
		for _, ta := range opt.Attack.Tactics() {
			ip.Tactics = append(ip.Tactics, option{ta.ShortName, ta.DisplayName()})
			delete(tacticLabel, ta.ShortName)
		}
	}
	var extra []string
	for s := range tacticLabel {
		extra = append(extra, s)
	}
	sort.Strings(extra)
	for _, s := range extra {
		ip.Tactics = append(ip.Tactics, option{s, tacticLabel[s] + " (not in ATT&CK data)"})
	}
	for _, l := range levelOrder {
		if levels[l] {
			ip.Levels = append(ip.Levels, l)
			delete(levels, l)
		}
	}
	ip.Levels = append(ip.Levels, sortedKeys(levels)...)
	ip.LogSources = sortedKeys(sources)
	for _, f := range set.Errors {
		msg := f.Err.Error()
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i] + " …"
		}
		ip.Failed = append(ip.Failed, failedFile{Rel: f.Rel, Msg: msg})
	}
	return ip
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// String summarises the stats for the command line.
func (s *SiteStats) String() string {
	return fmt.Sprintf("%d rule pages, %d files failed to parse", s.Pages, s.FailedFiles)
}
