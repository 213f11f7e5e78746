package ir

// Traversal helpers shared by pipelines, backends and the evaluator.

// WalkItems calls fn for every item of d, in source order, with the search
// and group that hold it. It stops early when fn returns false. A nil d
// has no items.
func WalkItems(d *Detection, fn func(s *Search, g *Group, it *Item) bool) {
	if d == nil {
		return
	}
	for _, s := range d.Searches {
		for _, g := range s.Groups {
			for _, it := range g.Items {
				if !fn(s, g, it) {
					return
				}
			}
		}
	}
}

// WalkValues calls fn for every value of every item of d, in source order.
// It stops early when fn returns false.
func WalkValues(d *Detection, fn func(it *Item, v Value) bool) {
	WalkItems(d, func(_ *Search, _ *Group, it *Item) bool {
		for _, v := range it.Values {
			if !fn(it, v) {
				return false
			}
		}
		return true
	})
}

// FieldNames returns the distinct field names of d's items, in order of
// first appearance; keyword items (no field) are left out.
func FieldNames(d *Detection) []string {
	var out []string
	seen := map[string]bool{}
	WalkItems(d, func(_ *Search, _ *Group, it *Item) bool {
		if it.Field != "" && !seen[it.Field] {
			seen[it.Field] = true
			out = append(out, it.Field)
		}
		return true
	})
	return out
}

// InspectCond traverses c depth-first, calling fn for each node before its
// children; when fn returns false the node's children are skipped. A nil c
// is not visited.
func InspectCond(c Cond, fn func(Cond) bool) {
	if c == nil || !fn(c) {
		return
	}
	switch c := c.(type) {
	case *And:
		for _, t := range c.Terms {
			InspectCond(t, fn)
		}
	case *Or:
		for _, t := range c.Terms {
			InspectCond(t, fn)
		}
	case *Not:
		InspectCond(c.X, fn)
	}
}

// RewriteItems replaces every item of d by the result of fn, in source
// order. fn returns the items to put in the item's place: the item itself
// to keep it, none to drop it, or several (AND-ed within the group). A
// group left with no items is kept empty; callers decide what an empty
// group means.
func RewriteItems(d *Detection, fn func(s *Search, g *Group, it *Item) []*Item) {
	if d == nil {
		return
	}
	for _, s := range d.Searches {
		for _, g := range s.Groups {
			out := g.Items[:0:0]
			for _, it := range g.Items {
				out = append(out, fn(s, g, it)...)
			}
			g.Items = out
		}
	}
}
