package eval

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sigconv/sigconv/eval/winevt"
	"github.com/sigconv/sigconv/ir"
)

// LogSource describes the log data an event stream holds. An empty field
// is unknown: it excludes no rule.
type LogSource struct {
	Product  string // e.g. windows
	Category string // e.g. process_creation
	Service  string // e.g. sysmon
}

// ParseLogSource parses "product=windows,category=process_creation".
func ParseLogSource(s string) (LogSource, error) {
	var ls LogSource
	for _, kv := range strings.Split(s, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return ls, fmt.Errorf("logsource %q: want key=value", kv)
		}
		switch strings.TrimSpace(k) {
		case "product":
			ls.Product = strings.TrimSpace(v)
		case "category":
			ls.Category = strings.TrimSpace(v)
		case "service":
			ls.Service = strings.TrimSpace(v)
		default:
			return ls, fmt.Errorf("logsource key %q: want product, category or service", k)
		}
	}
	return ls, nil
}

// Route is the set of rules that may apply to events of one logsource,
// precomputed so that routing costs nothing per event.
type Route struct {
	ok         []bool      // per compiled rule
	unanchored []int32     // rules with ok and no pre-filter atom, ascending
	kwGrams    *gramFilter // the keyword grams of the rules with ok, or nil
}

// eventSource is what is known of an event's logsource.
type eventSource struct {
	product, service string   // "" unknown
	categories       []string // valid when catKnown
	catKnown         bool
}

// compatible reports whether a rule with logsource r may match events of s.
func compatible(r ir.LogSource, s eventSource) bool {
	if r.Product != "" && s.product != "" && !strings.EqualFold(r.Product, s.product) {
		return false
	}
	if r.Service != "" && s.service != "" && !strings.EqualFold(r.Service, s.service) {
		return false
	}
	if r.Category != "" && s.catKnown && !slices.ContainsFunc(s.categories, func(c string) bool { return strings.EqualFold(c, r.Category) }) {
		return false
	}
	return true
}

func (e *Engine) newRoute(s *eventSource) *Route {
	rt := &Route{ok: make([]bool, len(e.rules))}
	// Rules share few distinct logsources; decide each once.
	type lsKey struct{ product, service, category string }
	seen := map[lsKey]bool{}
	for i, r := range e.rules {
		key := lsKey{r.ls.Product, r.ls.Service, r.ls.Category}
		ok, known := seen[key]
		if !known {
			ok = s == nil || compatible(r.ls, *s)
			seen[key] = ok
		}
		if ok {
			rt.ok[i] = true
			if r.anchor == nil {
				rt.unanchored = append(rt.unanchored, int32(i))
			}
			for _, a := range r.anchor {
				if a.field == anyField {
					if rt.kwGrams == nil {
						rt.kwGrams = newGramFilter(kwFilterBits)
					}
					rt.kwGrams.add(anyField, a.gram)
				}
			}
		}
	}
	return rt
}

// RouteFor returns the route of a fixed logsource (the --logsource flag).
// It costs one pass over the rules; compute it once per input.
func (e *Engine) RouteFor(ls LogSource) *Route {
	return e.newRoute(&eventSource{product: ls.Product, service: ls.Service, categories: []string{ls.Category}, catKnown: ls.Category != ""})
}

// AllRules returns the route that tries every rule (no routing).
func (e *Engine) AllRules() *Route { return e.all }

// Candidates returns how many rules the route may try.
func (rt *Route) Candidates() int {
	n := 0
	for _, ok := range rt.ok {
		if ok {
			n++
		}
	}
	return n
}

func (e *Engine) buildRoutes() {
	e.all = e.newRoute(nil)
	e.routes = make([]*Route, winevt.NumClasses())
	for c := range e.routes {
		ls := winevt.ClassLogSource(winevt.Class(c))
		e.routes[c] = e.newRoute(&eventSource{product: "windows", service: ls.Service, categories: ls.Categories, catKnown: ls.CategoryKnown})
	}
}
