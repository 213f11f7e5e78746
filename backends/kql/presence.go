package kql

import "github.com/sigconv/sigconv/ir"

// presenceGuards returns r with exists items added where the evaluator's
// semantics need the field to be present:
//
//   - neq: "the field must be present and not null, and no value may
//     match" — a missing field does not match field != value;
//   - fieldref: a missing referenced field makes the comparison unknown,
//     hence no match, with or without neq.
//
// The lowered tree alone would negate the plain match, which a missing
// field satisfies. Each guard is AND-ed into the item's group right before
// the item, so it keeps its meaning under an outer `not`. r is not
// modified; it is returned as is when it needs no guard.
func presenceGuards(r *ir.Rule) *ir.Rule {
	if r.Detection == nil || !needsGuards(r.Detection) {
		return r
	}
	out := ir.CloneRule(r)
	for _, s := range out.Detection.Searches {
		for _, g := range s.Groups {
			items := make([]*ir.Item, 0, len(g.Items))
			for _, it := range g.Items {
				if it.Field != "" && it.Match.Negate {
					items = append(items, existsItem(it, it.Field))
				}
				if it.Match.FieldRef {
					for _, v := range it.Values {
						if sv, ok := v.(*ir.String); ok {
							items = append(items, existsItem(it, sv.Literal()))
						}
					}
				}
				items = append(items, it)
			}
			g.Items = items
		}
	}
	return out
}

func needsGuards(d *ir.Detection) bool {
	for _, s := range d.Searches {
		for _, g := range s.Groups {
			for _, it := range g.Items {
				if it.Field != "" && it.Match.Negate || it.Match.FieldRef {
					return true
				}
			}
		}
	}
	return false
}

// existsItem is `field|exists: true` at the position of it.
func existsItem(it *ir.Item, field string) *ir.Item {
	return &ir.Item{
		Pos:    it.Pos,
		Field:  field,
		Match:  ir.Match{Op: ir.OpExists},
		Values: []ir.Value{&ir.Bool{Pos: it.Pos, Value: true}},
	}
}

// base64Cased reports whether the item's values are compared
// case-sensitively although the rule did not say cased: base64 text is
// case-significant, and the evaluator compares base64 and base64offset
// variants byte for byte (a case-insensitive match would find other
// bytes).
func base64Cased(it *ir.Item) bool {
	if it == nil {
		return false
	}
	for _, e := range it.Match.Encodings {
		if e == ir.EncBase64 || e == ir.EncBase64Offset {
			return true
		}
	}
	return false
}
