package ir

import "strings"

// Targets reports whether the filter applies to rule r: r is named in the
// filter's rules (by id or name, ids compared case-insensitively) and the
// filter's logsource is compatible with r's (every logsource field the
// filter sets equals r's).
func (f *Filter) Targets(r *Rule) bool {
	named := false
	for _, ref := range f.Rules {
		if (r.ID != "" && strings.EqualFold(ref.Ref, r.ID)) || (r.Name != "" && ref.Ref == r.Name) {
			named = true
			break
		}
	}
	if !named {
		return false
	}
	ls, rs := f.LogSource, r.LogSource
	return (ls.Category == "" || strings.EqualFold(ls.Category, rs.Category)) &&
		(ls.Product == "" || strings.EqualFold(ls.Product, rs.Product)) &&
		(ls.Service == "" || strings.EqualFold(ls.Service, rs.Service))
}

// ApplyFilters returns r with every targeting filter applied: each filter's
// searches are added under names that cannot collide with the rule's own
// ("_sigconv_filter<index>_<name>", see filterSearchName), and the rule's
// condition becomes `(condition) and not (filter condition)` for each
// filter in order. r itself is not modified; unchanged parts are shared.
// It returns r unchanged when no filter targets it.
func ApplyFilters(r *Rule, filters []*Filter) *Rule {
	if r.Detection == nil {
		return r
	}
	var det *Detection
	for i, f := range filters {
		if f.Detection == nil || !f.Targets(r) {
			continue
		}
		if det == nil {
			cp := *r.Detection
			cp.Searches = append([]*Search(nil), r.Detection.Searches...)
			det = &cp
		}
		rename := map[string]string{}
		for _, s := range f.Detection.Searches {
			name := filterSearchName(det, i, s.Name)
			rename[s.Name] = name
			ns := *s
			ns.Name = name
			det.Searches = append(det.Searches, &ns)
		}
		fc := renameCond(f.Detection.Condition(), f.Detection, rename)
		cond := det.Condition()
		det.Conditions = []Cond{&And{Pos: cond.Position(), Terms: []Cond{cond, &Not{Pos: fc.Position(), X: fc}}}}
		det.ConditionText = []string{"(" + strings.Join(det.ConditionText, ") or (") + ") and not (" + strings.Join(f.Detection.ConditionText, " or ") + ")"}
	}
	if det == nil {
		return r
	}
	out := *r
	out.Detection = det
	return &out
}

// filterSearchName names a filter's search inside the filtered rule. The
// leading "_" keeps it out of the rule's own "them"; the "_sigconv_filter"
// prefix keeps it out of the rule's own patterns (e.g. "filter*"); the
// index keeps two filters apart.
func filterSearchName(det *Detection, idx int, name string) string {
	base := "_sigconv_filter" + itoa(idx) + "_" + name
	for det.Search(base) != nil {
		base += "_"
	}
	return base
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}

// renameCond rewrites search references in a filter condition to the
// renamed searches. Quantifiers are resolved against the filter's own
// searches (in source order) and replaced by explicit references, since
// their patterns would otherwise also match the rule's searches.
func renameCond(c Cond, fd *Detection, rename map[string]string) Cond {
	switch c := c.(type) {
	case *And:
		ts := make([]Cond, len(c.Terms))
		for i, t := range c.Terms {
			ts[i] = renameCond(t, fd, rename)
		}
		return &And{Pos: c.Pos, Terms: ts}
	case *Or:
		ts := make([]Cond, len(c.Terms))
		for i, t := range c.Terms {
			ts[i] = renameCond(t, fd, rename)
		}
		return &Or{Pos: c.Pos, Terms: ts}
	case *Not:
		return &Not{Pos: c.Pos, X: renameCond(c.X, fd, rename)}
	case *Ref:
		return &Ref{Pos: c.Pos, Name: rename[c.Name]}
	case *Quantified:
		ss := fd.Match(c.Pattern, c.Them)
		refs := make([]Cond, 0, len(ss))
		for _, s := range ss {
			refs = append(refs, &Ref{Pos: c.Pos, Name: rename[s.Name]})
		}
		switch len(refs) {
		case 0:
			return c // matches nothing; the parser reports this case
		case 1:
			return refs[0]
		}
		if c.All {
			return &And{Pos: c.Pos, Terms: refs}
		}
		return &Or{Pos: c.Pos, Terms: refs}
	}
	return c
}
