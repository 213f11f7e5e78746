package lower

// Simplify flattens nested And/Or of the same kind, unwraps single-term
// And/Or and removes double negation. It returns a new node where it
// changes anything, the node itself where nothing changes, and never
// mutates shared subtrees.
func Simplify(e Expr) Expr {
	switch e := e.(type) {
	case *And:
		ts, same := flatten(e.Terms, false)
		switch {
		case len(ts) == 1:
			return ts[0]
		case same:
			return e
		}
		return &And{Terms: ts}
	case *Or:
		ts, same := flatten(e.Terms, true)
		switch {
		case len(ts) == 1:
			return ts[0]
		case same:
			return e
		}
		return &Or{Terms: ts}
	case *Not:
		x := Simplify(e.X)
		if n, ok := x.(*Not); ok {
			return n.X
		}
		if x == e.X {
			return e
		}
		return &Not{X: x}
	}
	return e
}

// flatten simplifies terms and splices in the terms of simplified terms of
// the same kind (Or when or, else And). same is true when nothing changed,
// in which case terms itself is returned.
func flatten(terms []Expr, or bool) (out []Expr, same bool) {
	for i, t := range terms {
		st := Simplify(t)
		inner, open := junctionTerms(st, or)
		if out == nil {
			if st == t && !open {
				continue
			}
			out = make([]Expr, i, len(terms)+len(inner))
			copy(out, terms[:i])
		}
		if open {
			out = append(out, inner...)
			continue
		}
		out = append(out, st)
	}
	if out == nil {
		return terms, true
	}
	return out, false
}

// junctionTerms returns the terms of e when it is an Or (or) or an And
// (!or).
func junctionTerms(e Expr, or bool) ([]Expr, bool) {
	if or {
		if o, ok := e.(*Or); ok {
			return o.Terms, true
		}
		return nil, false
	}
	if a, ok := e.(*And); ok {
		return a.Terms, true
	}
	return nil, false
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
