package lower

import (
	"fmt"
	"net/netip"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
)

// Rule lowers the detection of a processed rule. backend names the caller
// for refusals.
func Rule(r *ir.Rule, backend string) (Expr, error) {
	if r.Detection == nil {
		return nil, backends.Unsupported(r.Pos, backend, "rule", "the rule has no detection")
	}
	return Detection(r.Detection, backend)
}

// Detection lowers a detection's condition (a condition list is OR-ed).
func Detection(d *ir.Detection, backend string) (Expr, error) {
	c := d.Condition()
	if c == nil {
		return nil, backends.Unsupported(d.Pos, backend, "detection", "the detection has no condition")
	}
	l := &lowerer{d: d, backend: backend, searches: map[string]Expr{}}
	e, err := l.cond(c)
	if err != nil {
		return nil, err
	}
	return Simplify(e), nil
}

type lowerer struct {
	d        *ir.Detection
	backend  string
	searches map[string]Expr // memoised per search name
}

func (l *lowerer) cond(c ir.Cond) (Expr, error) {
	switch c := c.(type) {
	case *ir.And:
		return l.terms(c.Terms, func(ts []Expr) Expr { return &And{Terms: ts} })
	case *ir.Or:
		return l.terms(c.Terms, func(ts []Expr) Expr { return &Or{Terms: ts} })
	case *ir.Not:
		x, err := l.cond(c.X)
		if err != nil {
			return nil, err
		}
		return &Not{X: x}, nil
	case *ir.Ref:
		s := l.d.Search(c.Name)
		if s == nil {
			return nil, backends.Unsupported(c.Pos, l.backend, "condition", "undefined search identifier %q", c.Name)
		}
		return l.search(s)
	case *ir.Quantified:
		ss := l.d.Match(c.Pattern, c.Them)
		if len(ss) == 0 {
			return nil, backends.Unsupported(c.Pos, l.backend, "condition", "%s of %s matches no search identifier", c.Word, c.Pattern)
		}
		ts := make([]Expr, 0, len(ss))
		for _, s := range ss {
			e, err := l.search(s)
			if err != nil {
				return nil, err
			}
			ts = append(ts, e)
		}
		if c.All {
			return &And{Terms: ts}, nil
		}
		return &Or{Terms: ts}, nil
	}
	return nil, fmt.Errorf("lower: unknown condition node %T", c)
}

func (l *lowerer) terms(cs []ir.Cond, mk func([]Expr) Expr) (Expr, error) {
	ts := make([]Expr, 0, len(cs))
	for _, c := range cs {
		e, err := l.cond(c)
		if err != nil {
			return nil, err
		}
		ts = append(ts, e)
	}
	return mk(ts), nil
}

func (l *lowerer) search(s *ir.Search) (Expr, error) {
	if e, ok := l.searches[s.Name]; ok {
		return e, nil
	}
	// Single-term groups and searches are not wrapped: Simplify would
	// unwrap them anyway.
	groups := make([]Expr, 0, len(s.Groups))
	for _, g := range s.Groups {
		if len(g.Items) == 1 {
			e, err := Item(g.Items[0], l.backend)
			if err != nil {
				return nil, err
			}
			groups = append(groups, e)
			continue
		}
		items := make([]Expr, 0, len(g.Items))
		for _, it := range g.Items {
			e, err := Item(it, l.backend)
			if err != nil {
				return nil, err
			}
			items = append(items, e)
		}
		groups = append(groups, &And{Terms: items})
	}
	var e Expr
	if len(groups) == 1 {
		e = groups[0]
	} else {
		e = &Or{Terms: groups}
	}
	l.searches[s.Name] = e
	return e, nil
}

// Item lowers one detection item.
func Item(it *ir.Item, backend string) (Expr, error) {
	m := it.Match
	if m.Op == ir.OpExists {
		p := &Pred{Kind: Exists, Pos: it.Pos, Item: it, Field: it.Field}
		if len(it.Values) == 1 {
			if b, ok := it.Values[0].(*ir.Bool); ok && !b.Value {
				return &Not{X: p}, nil
			}
		}
		return p, nil
	}
	vals := make([]Expr, 0, len(it.Values))
	var guards []Expr // exists tests every value needs (neq, fieldref)
	if it.Field != "" && (m.Negate || m.FieldRef) {
		guards = append(guards, exists(it, it.Field))
	}
	for _, v := range it.Values {
		e, err := value(it, v, backend)
		if err != nil {
			return nil, err
		}
		if p, ok := e.(*Pred); ok && p.Kind == FieldRef {
			// A comparison with a missing referenced field is unknown,
			// hence no match, with or without neq.
			if m.Negate {
				guards = append(guards, exists(it, p.RefField))
			} else {
				e = &And{Terms: []Expr{exists(it, it.Field), exists(it, p.RefField), e}}
			}
		}
		vals = append(vals, e)
	}
	var e Expr
	switch {
	case len(vals) == 1:
		e = vals[0] // Simplify would unwrap the one-term junction
	case m.All:
		e = &And{Terms: vals}
	default:
		e = &Or{Terms: vals}
	}
	if m.Negate {
		e = &Not{X: e}
	}
	if m.Negate && len(guards) > 0 {
		// neq: the field must be present and differ from every value; a
		// missing field does not match (the evaluator's semantics). The
		// guards sit inside the item so an outer NOT keeps its meaning.
		e = &And{Terms: append(guards, e)}
	}
	return e, nil
}

func exists(it *ir.Item, field string) *Pred {
	return &Pred{Kind: Exists, Pos: it.Pos, Item: it, Field: field}
}

// value lowers one value of it. The predicate is built on the stack and
// allocated once, when it is returned: lowering makes one predicate per
// value of every rule, so copies of this large struct add up.
func value(it *ir.Item, v ir.Value, backend string) (Expr, error) {
	m := it.Match
	base := Pred{Pos: v.Position(), Item: it, Field: it.Field, Cased: m.Cased, TimePart: m.TimePart}
	switch v := v.(type) {
	case *ir.Null:
		base.Kind = Null
		return newPred(base), nil
	case *ir.Bool:
		base.Kind, base.Bool = Bool, v.Value
		return newPred(base), nil
	case *ir.Number:
		base.Num = v
		if m.Op.IsNumeric() {
			base.Kind, base.Op = Compare, m.Op
			return newPred(base), nil
		}
		if m.Op == ir.OpEqual && !m.FieldRef && len(m.Encodings) == 0 {
			base.Kind = Number
			return newPred(base), nil
		}
		// Other operators treat the number as its written text.
		return value(it, ir.Lit(v.Pos, v.Raw), backend)
	case *ir.String:
		return stringValue(it, v, &base, backend)
	}
	return nil, fmt.Errorf("lower: unknown value %T", v)
}

// newPred returns a heap copy of p.
func newPred(p Pred) *Pred { return &p }

func stringValue(it *ir.Item, v *ir.String, base *Pred, backend string) (Expr, error) {
	m := it.Match
	switch {
	case m.Op == ir.OpRegex:
		base.Kind, base.Regex, base.Flags = Regex, v.Raw, m.Regex
		return newPred(*base), nil
	case m.Op == ir.OpCIDR:
		pfx, err := netip.ParsePrefix(v.Literal())
		if err != nil {
			return nil, backends.Unsupported(v.Pos, backend, "cidr value", "%q is not a CIDR network: %v", v.Literal(), err)
		}
		base.Kind, base.Prefix = CIDR, pfx.Masked()
		return newPred(*base), nil
	case m.FieldRef:
		base.Kind, base.RefField, base.RefOp = FieldRef, v.Literal(), m.Op
		return newPred(*base), nil
	case m.Op.IsNumeric():
		return nil, backends.Unsupported(v.Pos, backend, m.Op.String()+" modifier", "value %q is not a number", v.Raw)
	}
	if v.HasPlaceholders() {
		return nil, backends.Unsupported(v.Pos, backend, "placeholder", "%s is not expanded by any pipeline (use a value_placeholders or query_expression_placeholders pipeline)", v.Sigma())
	}
	base.Kind = Match
	lead := m.Op == ir.OpContains || m.Op == ir.OpEndsWith
	trail := m.Op == ir.OpContains || m.Op == ir.OpStartsWith
	if len(m.Encodings) == 0 {
		// The common case: one value, one predicate.
		p := newPred(*base)
		p.Pattern = normalise(v.Parts, lead, trail)
		return p, nil
	}
	variants, err := ir.Encode(v, m.Encodings)
	if err != nil {
		return nil, backends.Unsupported(v.Pos, backend, "encoding modifiers", "%v", err)
	}
	if hasBase64(m.Encodings) {
		// Base64 text is case-significant: matching it case-insensitively
		// would find other bytes.
		base.Cased = true
	}
	preds := make([]Pred, len(variants))
	out := make([]Expr, len(variants))
	for i, s := range variants {
		preds[i] = *base
		preds[i].Pattern = normalise(s.Parts, lead, trail)
		out[i] = &preds[i]
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return &Or{Terms: out}, nil
}

func hasBase64(encs []ir.Encoding) bool {
	for _, e := range encs {
		if e == ir.EncBase64 || e == ir.EncBase64Offset {
			return true
		}
	}
	return false
}
