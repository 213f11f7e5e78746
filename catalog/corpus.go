package catalog

import (
	"sort"
	"strconv"

	"github.com/sigconv/sigconv/ir"
)

// Corpus indexes the indicators of a rule set so that a page can say how
// many other rules use each of its indicators. It is immutable once built
// and safe for concurrent use.
type Corpus struct {
	Name   string              // the rule set, e.g. the directory as given
	rules  int                 // number of rules indexed
	uses   map[string][]string // indicator key → sorted distinct rule keys
	titles map[string]string   // rule id → title
}

// NewCorpus indexes rules under the given name.
func NewCorpus(name string, rules []*ir.Rule) *Corpus {
	c := &Corpus{Name: name, rules: len(rules), uses: map[string][]string{}, titles: map[string]string{}}
	for _, r := range rules {
		if _, dup := c.titles[r.ID]; r.ID != "" && !dup {
			c.titles[r.ID] = r.Title
		}
		rk := ruleKey(r)
		for _, k := range indicatorKeys(r) {
			c.uses[k] = append(c.uses[k], rk)
		}
	}
	for k, v := range c.uses {
		sort.Strings(v)
		c.uses[k] = dedupe(v)
	}
	return c
}

// Len returns the number of rules indexed.
func (c *Corpus) Len() int { return c.rules }

// title returns the title of the rule with the given id, or "" when c is
// nil or has no such rule.
func (c *Corpus) title(id string) string {
	if c == nil {
		return ""
	}
	return c.titles[id]
}

// Others counts the rules using the indicator key other than the rule
// with key self.
func (c *Corpus) Others(key, self string) int {
	rs := c.uses[key]
	n := len(rs)
	if i := sort.SearchStrings(rs, self); i < len(rs) && rs[i] == self {
		n--
	}
	return n
}

// ruleKey identifies a rule within a rule set: its id, or its file and
// document index when it has none. Two documents sharing an id (a rule
// collection) count as one rule.
func ruleKey(r *ir.Rule) string {
	if r.ID != "" {
		return "id:" + r.ID
	}
	return "file:" + r.File + "#" + strconv.Itoa(r.Doc)
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
