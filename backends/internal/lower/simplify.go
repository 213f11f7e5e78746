package lower

// Simplify flattens nested And/Or of the same kind, unwraps single-term
// And/Or and removes double negation. It returns a new tree where it
// changes anything and never mutates shared subtrees.
func Simplify(e Expr) Expr {
	switch e := e.(type) {
	case *And:
		ts := flatten(e.Terms, func(x Expr) ([]Expr, bool) {
			a, ok := x.(*And)
			if !ok {
				return nil, false
			}
			return a.Terms, true
		})
		if len(ts) == 1 {
			return ts[0]
		}
		return &And{Terms: ts}
	case *Or:
		ts := flatten(e.Terms, func(x Expr) ([]Expr, bool) {
			o, ok := x.(*Or)
			if !ok {
				return nil, false
			}
			return o.Terms, true
		})
		if len(ts) == 1 {
			return ts[0]
		}
		return &Or{Terms: ts}
	case *Not:
		x := Simplify(e.X)
		if n, ok := x.(*Not); ok {
			return n.X
		}
		return &Not{X: x}
	}
	return e
}

func flatten(terms []Expr, open func(Expr) ([]Expr, bool)) []Expr {
	out := make([]Expr, 0, len(terms))
	for _, t := range terms {
		t = Simplify(t)
		if inner, ok := open(t); ok {
			out = append(out, inner...)
			continue
		}
		out = append(out, t)
	}
	return out
}

// SameField reports whether every term is a predicate of kind Match or
// Number on one field with the same case flag and no time part, and
// returns them. Backends use it to print value lists as IN (...).
func SameField(terms []Expr) (field string, preds []*Pred, ok bool) {
	preds = make([]*Pred, 0, len(terms))
	for i, t := range terms {
		p, isPred := t.(*Pred)
		if !isPred || (p.Kind != Match && p.Kind != Number) || p.IsKeyword() || p.TimePart != 0 {
			return "", nil, false
		}
		if i > 0 && (p.Field != preds[0].Field || p.Cased != preds[0].Cased) {
			return "", nil, false
		}
		preds = append(preds, p)
	}
	if len(preds) == 0 {
		return "", nil, false
	}
	return preds[0].Field, preds, true
}
