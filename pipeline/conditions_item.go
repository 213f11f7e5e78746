package pipeline

import (
	"regexp"

	"github.com/sigconv/sigconv/ir"
)

// Detection item and field name conditions (rule conditions are in
// conditions.go).

func (l *loader) itemCondition(typ string, p *params) (itemCondition, bool) {
	switch typ {
	case "match_string":
		pat := p.reqStr("pattern")
		re, err := regexp.Compile(`^(?:` + pat + `)`)
		if err != nil {
			l.errorf(p.get("pattern"), "match_string: invalid pattern %q: %v", pat, err)
		}
		return &valueCond{all: condMode(p), f: func(v ir.Value) bool {
			s, ok := v.(*ir.String)
			return ok && re != nil && re.MatchString(s.Sigma())
		}, negate: p.boolean("negate")}, true
	case "match_value":
		want := valueParam(p, "value", true)
		return &valueCond{all: condMode(p), f: func(v ir.Value) bool { return valueEquals(v, want) }}, true
	case "contains_wildcard":
		return &valueCond{all: condMode(p), f: func(v ir.Value) bool {
			s, ok := v.(*ir.String)
			return ok && s.HasWildcards()
		}}, true
	case "is_null":
		return &valueCond{all: condMode(p), f: func(v ir.Value) bool {
			_, ok := v.(*ir.Null)
			return ok
		}}, true
	case "processing_item_applied":
		return &appliedCond{id: p.reqStr("processing_item_id")}, true
	case "processing_state":
		return newStateCond(p), true
	}
	return nil, false
}

// condMode reads the cond parameter (any, the default, or all).
func condMode(p *params) bool {
	switch m := p.str("cond"); m {
	case "", "any":
		return false
	case "all":
		return true
	default:
		p.l.errorf(p.get("cond"), "%s: cond must be any or all, not %q", p.what, m)
	}
	return false
}

// valueCond matches the values of an item: any (default) or all of them.
type valueCond struct {
	all    bool
	negate bool
	f      func(ir.Value) bool
}

func (c *valueCond) matchItem(_ *applyState, it *ir.Item) bool {
	if len(it.Values) == 0 {
		return false
	}
	for _, v := range it.Values {
		r := c.f(v) != c.negate
		if c.all && !r {
			return false
		}
		if !c.all && r {
			return true
		}
	}
	return c.all
}

// ---- field name conditions ----

func (l *loader) fieldCondition(typ string, p *params) (fieldCondition, bool) {
	switch typ {
	case "include_fields", "exclude_fields":
		c := &fieldsCond{exclude: typ == "exclude_fields", fields: p.strs("fields")}
		if !p.has("fields") {
			p.require("fields")
		}
		switch mode := p.str("mode"); mode {
		case "", "plain":
		case "re":
			for _, f := range c.fields {
				re, err := regexp.Compile(`^(?:` + f + `)`)
				if err != nil {
					l.errorf(p.get("fields"), "%s: invalid regular expression %q: %v", typ, f, err)
					continue
				}
				c.res = append(c.res, re)
			}
			c.fields = nil
		default:
			l.errorf(p.get("mode"), "%s: mode must be plain or re, not %q", typ, mode)
		}
		return c, true
	case "processing_item_applied":
		return &appliedCond{id: p.reqStr("processing_item_id")}, true
	case "processing_state":
		return newStateCond(p), true
	}
	return nil, false
}

// fieldsCond is include_fields / exclude_fields, plain or re mode. Regular
// expressions match at the start of the name, like Python's re.match.
type fieldsCond struct {
	exclude bool
	fields  []string
	res     []*regexp.Regexp
}

func (c *fieldsCond) matchField(_ *applyState, field string) bool {
	if field == "" {
		return c.exclude // a keyword has no name: never included
	}
	in := false
	for _, f := range c.fields {
		if f == field {
			in = true
			break
		}
	}
	for _, re := range c.res {
		if re.MatchString(field) {
			in = true
			break
		}
	}
	return in != c.exclude
}
