package ir

// Deep copies. Pipelines rewrite a copy of a rule and never the rule they
// were given; these helpers make that copy. Positions are values and are
// copied as they are. RewriteCopy is the cheaper copy pipelines use: it
// shares the nodes they replace rather than modify.

// CloneDocument returns a deep copy of d, or nil for nil.
func CloneDocument(d Document) Document {
	switch d := d.(type) {
	case *Rule:
		return CloneRule(d)
	case *Correlation:
		return CloneCorrelation(d)
	case *Filter:
		return CloneFilter(d)
	}
	return nil
}

// CloneRule returns a deep copy of r, or nil for nil.
func CloneRule(r *Rule) *Rule {
	if r == nil {
		return nil
	}
	c := &Rule{
		Meta:      CloneMeta(r.Meta),
		LogSource: CloneLogSource(r.LogSource),
		Detection: CloneDetection(r.Detection),
	}
	if r.Collection != nil {
		ci := *r.Collection
		c.Collection = &ci
	}
	return c
}

// CloneFilter returns a deep copy of f, or nil for nil.
func CloneFilter(f *Filter) *Filter {
	if f == nil {
		return nil
	}
	return &Filter{
		Meta:      CloneMeta(f.Meta),
		LogSource: CloneLogSource(f.LogSource),
		Rules:     append([]RuleRef(nil), f.Rules...),
		Detection: CloneDetection(f.Detection),
	}
}

// CloneCorrelation returns a deep copy of c, or nil for nil.
func CloneCorrelation(c *Correlation) *Correlation {
	if c == nil {
		return nil
	}
	out := &Correlation{
		Meta:     CloneMeta(c.Meta),
		Type:     c.Type,
		TypePos:  c.TypePos,
		Rules:    append([]RuleRef(nil), c.Rules...),
		GroupBy:  append([]string(nil), c.GroupBy...),
		Timespan: c.Timespan,
		Generate: c.Generate,
	}
	if c.Cond != nil {
		cc := *c.Cond
		cc.Bounds = append([]CorrBound(nil), c.Cond.Bounds...)
		out.Cond = &cc
	}
	if c.Aliases != nil {
		out.Aliases = make([]Alias, len(c.Aliases))
		for i, a := range c.Aliases {
			a.Fields = append([]AliasField(nil), a.Fields...)
			out.Aliases[i] = a
		}
	}
	return out
}

// CloneMeta returns a deep copy of m.
func CloneMeta(m Meta) Meta {
	m.Related = append([]Related(nil), m.Related...)
	m.References = append([]string(nil), m.References...)
	m.Fields = append([]string(nil), m.Fields...)
	m.FalsePositives = append([]string(nil), m.FalsePositives...)
	m.Tags = append([]string(nil), m.Tags...)
	m.Scope = append([]string(nil), m.Scope...)
	m.Custom = CloneAttributes(m.Custom)
	return m
}

// CloneLogSource returns a deep copy of l.
func CloneLogSource(l LogSource) LogSource {
	l.Custom = CloneAttributes(l.Custom)
	return l
}

// CloneAttributes returns a deep copy of attrs (nil stays nil).
func CloneAttributes(attrs []Attribute) []Attribute {
	if attrs == nil {
		return nil
	}
	out := make([]Attribute, len(attrs))
	for i, a := range attrs {
		out[i] = Attribute{Pos: a.Pos, Key: a.Key, Value: cloneAny(a.Value)}
	}
	return out
}

func cloneAny(v any) any {
	switch v := v.(type) {
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = cloneAny(x)
		}
		return out
	case []Attribute:
		return CloneAttributes(v)
	}
	return v
}

// CloneDetection returns a deep copy of d, or nil for nil. Searches,
// groups, items and string values are allocated in a few blocks, since
// pipelines copy every rule they process.
func CloneDetection(d *Detection) *Detection {
	return cloneDetection(d, false)
}

// RewriteCopy returns a copy of r for a rewrite that replaces values,
// condition nodes and metadata lists but never modifies them in place, as
// processing pipelines do (they assign new values, conditions and lists
// and never write into the old ones); nil for nil. The rule, its
// detection, searches, groups, items and the slices of items, values,
// conditions, condition texts and custom attributes are new; values,
// condition nodes, modifier and encoding lists and the other metadata
// lists are shared with r, the lists capped at their length so that an
// append copies them. It allocates about a third of what CloneRule does.
func RewriteCopy(r *Rule) *Rule {
	if r == nil {
		return nil
	}
	c := &Rule{Meta: r.Meta, LogSource: r.LogSource, Detection: cloneDetection(r.Detection, true)}
	m := &c.Meta
	m.Related = capped(m.Related)
	m.References = capped(m.References)
	m.Fields = capped(m.Fields)
	m.FalsePositives = capped(m.FalsePositives)
	m.Tags = capped(m.Tags)
	m.Scope = capped(m.Scope)
	m.Custom = append([]Attribute(nil), m.Custom...)
	if m.Custom == nil && r.Custom != nil {
		m.Custom = []Attribute{}
	}
	c.LogSource.Custom = capped(c.LogSource.Custom)
	if r.Collection != nil {
		ci := *r.Collection
		c.Collection = &ci
	}
	return c
}

// capped returns s with its capacity cut to its length, so that appending
// to it copies it instead of writing into a shared array.
func capped[T any](s []T) []T { return s[:len(s):len(s)] }

// cloneDetection copies d; with share it shares values and condition
// nodes (see RewriteCopy).
func cloneDetection(d *Detection, share bool) *Detection {
	if d == nil {
		return nil
	}
	out := &Detection{
		Pos:           d.Pos,
		ConditionText: append([]string(nil), d.ConditionText...),
		Timeframe:     d.Timeframe,
	}
	var nGroups, nItems, nValues, nStrings, nParts int
	for _, s := range d.Searches {
		nGroups += len(s.Groups)
		for _, g := range s.Groups {
			nItems += len(g.Items)
			for _, it := range g.Items {
				nValues += len(it.Values)
				if share {
					continue
				}
				for _, v := range it.Values {
					if sv, ok := v.(*String); ok {
						nStrings++
						nParts += len(sv.Parts)
					}
				}
			}
		}
	}
	c := cloner{
		share:    share,
		searches: make([]Search, len(d.Searches)),
		groups:   make([]Group, nGroups),
		groupPtr: make([]*Group, nGroups),
		items:    make([]Item, nItems),
		itemPtr:  make([]*Item, nItems),
		values:   make([]Value, nValues),
		strings:  make([]String, nStrings),
		parts:    make([]StrPart, nParts),
	}
	if d.Searches != nil {
		out.Searches = make([]*Search, len(d.Searches))
		for i, s := range d.Searches {
			out.Searches[i] = c.search(i, s)
		}
	}
	if d.Conditions != nil {
		out.Conditions = make([]Cond, len(d.Conditions))
		for i, c := range d.Conditions {
			if share {
				out.Conditions[i] = c
			} else {
				out.Conditions[i] = CloneCond(c)
			}
		}
	}
	return out
}

// cloner hands out pre-allocated nodes while copying one detection.
type cloner struct {
	share    bool // share values, modifiers and encodings (RewriteCopy)
	searches []Search
	groups   []Group
	groupPtr []*Group
	items    []Item
	itemPtr  []*Item
	values   []Value
	strings  []String
	parts    []StrPart
}

func (c *cloner) search(i int, s *Search) *Search {
	if s == nil {
		return nil
	}
	out := &c.searches[i]
	*out = Search{Pos: s.Pos, Name: s.Name, Kind: s.Kind}
	if s.Groups != nil {
		out.Groups, c.groupPtr = c.groupPtr[:len(s.Groups):len(s.Groups)], c.groupPtr[len(s.Groups):]
		for j, g := range s.Groups {
			out.Groups[j] = c.group(g)
		}
	}
	return out
}

func (c *cloner) group(g *Group) *Group {
	if g == nil {
		return nil
	}
	out := &c.groups[0]
	c.groups = c.groups[1:]
	*out = Group{Pos: g.Pos}
	if g.Items != nil {
		out.Items, c.itemPtr = c.itemPtr[:len(g.Items):len(g.Items)], c.itemPtr[len(g.Items):]
		for j, it := range g.Items {
			out.Items[j] = c.item(it)
		}
	}
	return out
}

func (c *cloner) item(it *Item) *Item {
	if it == nil {
		return nil
	}
	out := &c.items[0]
	c.items = c.items[1:]
	*out = Item{Pos: it.Pos, Field: it.Field, Match: it.Match}
	if c.share {
		out.Modifiers = capped(it.Modifiers)
		out.Match.Encodings = capped(it.Match.Encodings)
	} else {
		if it.Modifiers != nil {
			out.Modifiers = append([]Modifier(nil), it.Modifiers...)
		}
		if it.Match.Encodings != nil {
			out.Match.Encodings = append([]Encoding(nil), it.Match.Encodings...)
		}
	}
	if it.Values != nil {
		n := len(it.Values)
		out.Values, c.values = c.values[:n:n], c.values[n:]
		if c.share {
			copy(out.Values, it.Values)
			return out
		}
		for j, v := range it.Values {
			if sv, ok := v.(*String); ok {
				ns := &c.strings[0]
				c.strings = c.strings[1:]
				*ns = *sv
				if sv.Parts != nil {
					k := len(sv.Parts)
					ns.Parts, c.parts = c.parts[:k:k], c.parts[k:]
					copy(ns.Parts, sv.Parts)
				}
				out.Values[j] = ns
				continue
			}
			out.Values[j] = CloneValue(v)
		}
	}
	return out
}

// CloneSearch returns a deep copy of s, or nil for nil.
func CloneSearch(s *Search) *Search {
	if s == nil {
		return nil
	}
	out := &Search{Pos: s.Pos, Name: s.Name, Kind: s.Kind}
	if s.Groups != nil {
		out.Groups = make([]*Group, len(s.Groups))
		for i, g := range s.Groups {
			out.Groups[i] = CloneGroup(g)
		}
	}
	return out
}

// CloneGroup returns a deep copy of g, or nil for nil.
func CloneGroup(g *Group) *Group {
	if g == nil {
		return nil
	}
	out := &Group{Pos: g.Pos}
	if g.Items != nil {
		out.Items = make([]*Item, len(g.Items))
		for i, it := range g.Items {
			out.Items[i] = CloneItem(it)
		}
	}
	return out
}

// CloneItem returns a deep copy of it, or nil for nil.
func CloneItem(it *Item) *Item {
	if it == nil {
		return nil
	}
	out := &Item{
		Pos:       it.Pos,
		Field:     it.Field,
		Modifiers: append([]Modifier(nil), it.Modifiers...),
		Match:     it.Match,
	}
	out.Match.Encodings = append([]Encoding(nil), it.Match.Encodings...)
	if it.Values != nil {
		out.Values = make([]Value, len(it.Values))
		for i, v := range it.Values {
			out.Values[i] = CloneValue(v)
		}
	}
	return out
}

// CloneValue returns a deep copy of v, or nil for nil.
func CloneValue(v Value) Value {
	switch v := v.(type) {
	case *String:
		c := *v
		c.Parts = append([]StrPart(nil), v.Parts...)
		return &c
	case *Number:
		c := *v
		return &c
	case *Bool:
		c := *v
		return &c
	case *Null:
		c := *v
		return &c
	}
	return nil
}

// CloneCond returns a deep copy of c, or nil for nil.
func CloneCond(c Cond) Cond {
	switch c := c.(type) {
	case *And:
		return &And{Pos: c.Pos, Terms: cloneConds(c.Terms)}
	case *Or:
		return &Or{Pos: c.Pos, Terms: cloneConds(c.Terms)}
	case *Not:
		return &Not{Pos: c.Pos, X: CloneCond(c.X)}
	case *Ref:
		r := *c
		return &r
	case *Quantified:
		q := *c
		return &q
	}
	return nil
}

func cloneConds(cs []Cond) []Cond {
	if cs == nil {
		return nil
	}
	out := make([]Cond, len(cs))
	for i, c := range cs {
		out[i] = CloneCond(c)
	}
	return out
}
