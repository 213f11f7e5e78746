package lint

import (
	_ "embed"
	"regexp"
	"strings"

	"github.com/sigconv/sigconv/ir"
)

var (
	attackRE = regexp.MustCompile(`^(t\d{4}(\.\d{3})?|g\d{4}|s\d{4}|ds\d{4}|m\d{4}|a\d{4})$`)
	cveRE    = regexp.MustCompile(`^\d{4}-\d{4,}$`)
	carRE    = regexp.MustCompile(`^\d{4}-\d{2}-\d{3}$`)
	stpRE    = regexp.MustCompile(`^[1-5][auk]?$`)
	d3fendRE = regexp.MustCompile(`^(d3f?-[A-Za-z0-9-]+|model|harden|detect|isolate|deceive|evict)$`)
)

// attackTactics are the ATT&CK Enterprise tactic short names. ATT&CK v18
// (October 2025) split Defense Evasion into Stealth and Defense
// Impairment; SigmaHQ's rules use both new names (about 1,500 tags), and
// older rules keep defense-evasion, so all three are valid.
var attackTactics = []string{
	"reconnaissance", "resource-development", "initial-access", "execution", "persistence",
	"privilege-escalation", "defense-evasion", "stealth", "defense-impairment", "credential-access",
	"discovery", "lateral-movement", "collection", "command-and-control", "exfiltration", "impact",
}

// checkTag returns why a tag is invalid, or "".
func checkTag(tag string) string {
	ns, val, ok := strings.Cut(tag, ".")
	if !ok || val == "" {
		return "a tag is namespace.value"
	}
	if ns != "d3fend" && strings.ToLower(tag) != tag {
		return "tags are lower case"
	}
	switch ns {
	case "attack":
		if attackRE.MatchString(val) || oneOf(val, attackTactics...) {
			return ""
		}
		return "not an ATT&CK tactic or technique/group/software/data source/mitigation/asset id"
	case "cve":
		if cveRE.MatchString(val) {
			return ""
		}
		return "a cve tag is cve.YYYY-NNNN"
	case "car":
		if carRE.MatchString(val) {
			return ""
		}
		return "a car tag is car.YYYY-MM-NNN"
	case "detection":
		if oneOf(val, "dfir", "emerging-threats", "threat-hunting") {
			return ""
		}
		return "detection tags are dfir, emerging-threats, threat-hunting"
	case "stp":
		if stpRE.MatchString(val) {
			return ""
		}
		return "an stp tag is stp.N or stp.N[auk] with N from 1 to 5"
	case "tlp":
		if oneOf(val, "red", "amber", "amber-strict", "green", "clear") {
			return ""
		}
		return "tlp tags are red, amber, amber-strict, green, clear"
	case "d3fend":
		if d3fendRE.MatchString(val) {
			return ""
		}
		return "a d3fend tag is a d3- technique, d3f- artifact or tactic"
	}
	return "unknown namespace " + ns + " (attack, car, cve, d3fend, detection, stp, tlp)"
}

//go:embed taxonomy.tsv
var taxonomyTSV string

type taxonomy struct{ categories, products, services map[string]bool }

var known = func() taxonomy {
	t := taxonomy{map[string]bool{}, map[string]bool{}, map[string]bool{}}
	for _, line := range strings.Split(taxonomyTSV, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		for len(f) < 3 {
			f = append(f, "")
		}
		t.categories[f[0]] = true
		t.products[f[1]] = true
		t.services[f[2]] = true
	}
	return t
}()

func (l *Linter) logsource(ls ir.LogSource) {
	check := func(kind, v string, set map[string]bool) {
		if v != "" && !set[v] {
			l.report(ls.Pos, "unknown-logsource", "%s %q is not in the Sigma taxonomy", kind, v)
		}
	}
	check("category", ls.Category, known.categories)
	check("product", ls.Product, known.products)
	check("service", ls.Service, known.services)
}

// maxTruthTable bounds the searches for which condition-never-matches
// enumerates every assignment (2^n evaluations).
const maxTruthTable = 14

func (l *Linter) detection(d *ir.Detection) {
	used := map[string]bool{}
	var walk func(c ir.Cond)
	walk = func(c ir.Cond) {
		switch c := c.(type) {
		case *ir.And:
			for _, t := range c.Terms {
				walk(t)
			}
		case *ir.Or:
			for _, t := range c.Terms {
				walk(t)
			}
		case *ir.Not:
			walk(c.X)
		case *ir.Ref:
			used[c.Name] = true
		case *ir.Quantified:
			for _, s := range d.Match(c.Pattern, c.Them) {
				used[s.Name] = true
			}
		}
	}
	for _, c := range d.Conditions {
		walk(c)
	}
	var names []string
	for _, s := range d.Searches {
		if !used[s.Name] {
			l.report(s.Pos, "unused-search", "search identifier %q is not used by the condition", s.Name)
			continue
		}
		names = append(names, s.Name)
	}
	if c := d.Condition(); c != nil && len(names) > 0 && len(names) <= maxTruthTable && !satisfiable(d, c, names) {
		l.report(c.Position(), "condition-never-matches", "the condition is false whatever the searches match")
	}
}

// satisfiable reports whether some assignment of true/false to the named
// searches makes c true (searches treated as independent).
func satisfiable(d *ir.Detection, c ir.Cond, names []string) bool {
	idx := make(map[string]int, len(names))
	for i, n := range names {
		idx[n] = i
	}
	for mask := 0; mask < 1<<len(names); mask++ {
		val := func(name string) bool { return mask&(1<<idx[name]) != 0 }
		if evalCond(d, c, val) {
			return true
		}
	}
	return false
}

func evalCond(d *ir.Detection, c ir.Cond, val func(string) bool) bool {
	switch c := c.(type) {
	case *ir.And:
		for _, t := range c.Terms {
			if !evalCond(d, t, val) {
				return false
			}
		}
		return true
	case *ir.Or:
		for _, t := range c.Terms {
			if evalCond(d, t, val) {
				return true
			}
		}
		return false
	case *ir.Not:
		return !evalCond(d, c.X, val)
	case *ir.Ref:
		return val(c.Name)
	case *ir.Quantified:
		ss := d.Match(c.Pattern, c.Them)
		for _, s := range ss {
			if val(s.Name) != c.All {
				return !c.All
			}
		}
		return c.All && len(ss) > 0
	}
	return false
}
