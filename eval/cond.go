package eval

import "github.com/sigconv/sigconv/ir"

// cnode is a compiled condition node.
type cnode interface {
	eval(c *ctx) bool
}

type andNode []cnode
type orNode []cnode
type notNode struct{ x cnode }
type refNode struct{ s *search }

func (n andNode) eval(c *ctx) bool {
	for _, t := range n {
		if !t.eval(c) {
			return false
		}
	}
	return true
}

func (n orNode) eval(c *ctx) bool {
	for _, t := range n {
		if t.eval(c) {
			return true
		}
	}
	return false
}

func (n notNode) eval(c *ctx) bool { return !n.x.eval(c) }

func (n refNode) eval(c *ctx) bool { return n.s.eval(c) }

// cond compiles a condition; quantifiers become AND/OR of the selected
// searches (ir.Detection.Match decides which).
func (c *compiler) cond(x ir.Cond, byName map[string]*search) cnode {
	switch x := x.(type) {
	case *ir.And:
		n := make(andNode, 0, len(x.Terms))
		for _, t := range x.Terms {
			n = append(n, c.cond(t, byName))
		}
		return n
	case *ir.Or:
		n := make(orNode, 0, len(x.Terms))
		for _, t := range x.Terms {
			n = append(n, c.cond(t, byName))
		}
		return n
	case *ir.Not:
		return notNode{c.cond(x.X, byName)}
	case *ir.Ref:
		s, ok := byName[x.Name]
		if !ok {
			c.errs.Add(x.Pos, ir.CodeUndefinedIdent, "condition refers to undefined search %q", x.Name)
			return orNode{}
		}
		return refNode{s}
	case *ir.Quantified:
		sel := c.r.src.Detection.Match(x.Pattern, x.Them)
		if len(sel) == 0 {
			what := x.Pattern
			if x.Them {
				what = "them"
			}
			c.errs.Add(x.Pos, ir.CodeNoMatch, "%q selects no search", what)
			return orNode{}
		}
		terms := make([]cnode, 0, len(sel))
		for _, s := range sel {
			terms = append(terms, refNode{byName[s.Name]})
		}
		if x.All {
			return andNode(terms)
		}
		return orNode(terms)
	}
	c.errs.Add(x.Position(), ir.CodeInternal, "unknown condition node %T", x)
	return orNode{}
}

// eval reports whether any group of the search matches.
func (s *search) eval(c *ctx) bool {
	for _, g := range s.groups {
		ok := true
		for _, it := range g {
			if !it.eval(c) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// eval applies the item to the event.
func (it *item) eval(c *ctx) bool {
	switch it.kind {
	case itemExists:
		return (c.first(it.field) >= 0) == it.exists
	case itemKeyword:
		return it.evalKeyword(c)
	}
	first := c.first(it.field)
	if first < 0 {
		return it.hasNull && !it.negate
	}
	if it.negate {
		// A field compared with a missing field (fieldref) is unknown,
		// not different.
		for _, t := range it.refTargets {
			if c.first(t) < 0 {
				return false
			}
		}
		present := false
		for i := first; i >= 0; i = c.next[i] {
			if c.ev.Fields[i].Kind == KindNull {
				if it.hasNull {
					return false
				}
				continue
			}
			present = true
			for _, m := range it.vals {
				if m.match(c, i) {
					return false
				}
			}
		}
		return present
	}
	if it.all {
		for _, m := range it.vals {
			found := false
			for i := first; i >= 0 && !found; i = c.next[i] {
				found = m.match(c, i)
			}
			if !found {
				return false
			}
		}
		return len(it.vals) > 0 || it.hasNull && c.hasNull(first)
	}
	for i := first; i >= 0; i = c.next[i] {
		if it.hasNull && c.ev.Fields[i].Kind == KindNull {
			return true
		}
		for _, m := range it.vals {
			if m.match(c, i) {
				return true
			}
		}
	}
	return false
}

// evalKeyword searches every text value of the event.
func (it *item) evalKeyword(c *ctx) bool {
	fields := c.ev.Fields
	if it.all {
		for _, m := range it.vals {
			found := false
			for i := range fields {
				if fields[i].hasText() && m.match(c, int32(i)) {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
		return len(it.vals) > 0
	}
	for i := range fields {
		if !fields[i].hasText() {
			continue
		}
		for _, m := range it.vals {
			if m.match(c, int32(i)) {
				return true
			}
		}
	}
	return false
}
