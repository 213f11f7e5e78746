package pipeline

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sigconv/sigconv/ir"
	"gopkg.in/yaml.v3"
)

// The three kinds of pySigma processing conditions. A condition is compiled
// once at load time; matching never compiles anything.

// ruleCondition is evaluated on the whole rule (or correlation).
type ruleCondition interface {
	matchRule(s *applyState) bool
}

// itemCondition is evaluated on one detection item.
type itemCondition interface {
	matchItem(s *applyState, it *ir.Item) bool
}

// fieldCondition is evaluated on one field name ("" for a keyword item).
type fieldCondition interface {
	matchField(s *applyState, field string) bool
}

// condSet is the conditions of one kind on an item: an unnamed list joined
// by op (and / or), or named conditions combined by an expression; either
// possibly negated. An empty set matches.
type condSet[C any] struct {
	list  []C
	named map[string]C
	expr  bexpr
	or    bool
	not   bool
}

func (s *condSet[C]) empty() bool { return len(s.list) == 0 && s.expr == nil }

func (s *condSet[C]) all() []C {
	out := append([]C(nil), s.list...)
	for _, c := range s.named {
		out = append(out, c)
	}
	return out
}

// eval evaluates the set with f deciding each condition.
func (s *condSet[C]) eval(f func(C) bool) bool {
	if s.empty() {
		return true
	}
	var r bool
	if s.expr != nil {
		r = s.expr.eval(func(name string) bool { return f(s.named[name]) })
	} else if s.or {
		for _, c := range s.list {
			if f(c) {
				r = true
				break
			}
		}
	} else {
		r = true
		for _, c := range s.list {
			if !f(c) {
				r = false
				break
			}
		}
	}
	return r != s.not
}

// compileConds reads <kind>_conditions, <kind>_cond_op, <kind>_cond_expr and
// <kind>_cond_not of one item.
func compileConds[C any](l *loader, kv []keyValue, kind string, mk func(typ string, p *params) (C, bool)) condSet[C] {
	var set condSet[C]
	var conds, op, expr, not *yaml.Node
	for _, e := range kv {
		switch e.Key {
		case kind + "_conditions":
			conds = e.Value
		case kind + "_cond_op":
			op = e.Value
		case kind + "_cond_expr":
			expr = e.Value
		case kind + "_cond_not":
			not = e.Value
		}
	}
	set.not, _ = l.boolean(not, kind+"_cond_not")
	if op != nil {
		// any / all are accepted as or / and: pipelines in the wild use
		// them (pySigma would silently treat them as and).
		switch s, _ := l.str(op, kind+"_cond_op"); s {
		case "and", "all", "":
		case "or", "any":
			set.or = true
		default:
			l.errorf(op, "%s_cond_op must be and or or, not %q", kind, s)
		}
	}
	one := func(n *yaml.Node, ref string) (C, bool) {
		var zero C
		ckv, ok := l.mapping(n, kind+" condition "+ref)
		if !ok {
			return zero, false
		}
		var typ string
		var typN *yaml.Node
		for _, e := range ckv {
			if e.Key == "type" {
				typN = e.Value
				typ, _ = l.str(e.Value, "condition type")
			}
		}
		if typN == nil {
			l.errorf(n, "%s condition %s has no type", kind, ref)
			return zero, false
		}
		p := l.newParams(n, kind+" condition "+typ, ckv, map[string]bool{"type": true})
		c, known := mk(typ, p)
		if !known {
			l.errorf(typN, "unknown %s condition type %q", kind, typ)
			return zero, false
		}
		p.finish()
		return c, true
	}
	cn := resolve(conds)
	if expr != nil {
		src, _ := l.str(expr, kind+"_cond_expr")
		if op != nil {
			l.errorf(op, "%s_cond_op and %s_cond_expr are mutually exclusive", kind, kind)
		}
		kv, ok := l.mapping(cn, kind+"_conditions (named, with "+kind+"_cond_expr)")
		if !ok {
			return set
		}
		set.named = map[string]C{}
		for _, e := range kv {
			if c, ok := one(e.Value, e.Key); ok {
				set.named[e.Key] = c
			}
		}
		x, err := parseBoolExpr(src)
		if err != nil {
			l.errorf(expr, "%s_cond_expr: %v", kind, err)
			return set
		}
		used := map[string]bool{}
		x.names(used)
		for name := range used {
			if _, ok := set.named[name]; !ok {
				l.errorf(expr, "%s_cond_expr refers to unknown condition %q", kind, name)
			}
		}
		for _, e := range kv {
			if !used[e.Key] {
				l.errorf(e.KeyN, "%s condition %q is not used in %s_cond_expr", kind, e.Key, kind)
			}
		}
		set.expr = x
		return set
	}
	if cn != nil && cn.Kind == yaml.MappingNode {
		// Named conditions without an expression are AND-ed (or OR-ed).
		kv, _ := l.mapping(cn, kind+"_conditions")
		for _, e := range kv {
			if c, ok := one(e.Value, e.Key); ok {
				set.list = append(set.list, c)
			}
		}
		return set
	}
	items, _ := l.sequence(cn, kind+"_conditions", false)
	for i, n := range items {
		if c, ok := one(n, strconv.Itoa(i+1)); ok {
			set.list = append(set.list, c)
		}
	}
	return set
}

// ---- rule conditions ----

func (l *loader) ruleCondition(typ string, p *params) (ruleCondition, bool) {
	switch typ {
	case "logsource":
		return &logsourceCond{category: p.str("category"), product: p.str("product"), service: p.str("service")}, true
	case "contains_detection_item":
		return &containsItemCond{field: p.reqStr("field"), value: valueParam(p, "value", true)}, true
	case "contains_field":
		return &containsItemCond{field: p.reqStr("field")}, true
	case "processing_item_applied":
		return &appliedCond{id: p.reqStr("processing_item_id")}, true
	case "processing_state":
		return newStateCond(p), true
	case "is_sigma_rule":
		return kindCond(false), true
	case "is_sigma_correlation_rule":
		return kindCond(true), true
	case "rule_attribute":
		c := &attrCond{attr: p.reqStr("attribute"), value: fmt.Sprint(valueParam(p, "value", true)), op: p.str("op")}
		if c.op == "" {
			c.op = "eq"
		}
		switch c.op {
		case "eq", "ne", "gte", "gt", "lte", "lt", "in", "not_in":
		default:
			l.errorf(p.owner, "rule_attribute: unknown op %q", c.op)
		}
		return c, true
	case "tag":
		return &tagCond{tag: strings.ToLower(p.reqStr("tag"))}, true
	}
	return nil, false
}

// valueParam reads a scalar parameter as a Go value.
func valueParam(p *params, name string, required bool) any {
	var n *yaml.Node
	if required {
		n = p.require(name)
	} else {
		n = p.get(name)
	}
	n = resolve(n)
	if n == nil {
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		p.l.errorf(n, "%s parameter %s must be a scalar", p.what, name)
		return nil
	}
	return scalar(n)
}

type logsourceCond struct{ category, product, service string }

func (c *logsourceCond) matchLS(ls ir.LogSource) bool {
	return (c.category == "" || c.category == ls.Category) &&
		(c.product == "" || c.product == ls.Product) &&
		(c.service == "" || c.service == ls.Service)
}

func (c *logsourceCond) matchRule(s *applyState) bool {
	if s.rule != nil {
		return c.matchLS(s.rule.LogSource)
	}
	// A correlation matches when any referenced rule does (pySigma).
	for _, r := range s.refs {
		if c.matchLS(r.LogSource) {
			return true
		}
	}
	return false
}

// containsItemCond is contains_detection_item (value set) or contains_field.
type containsItemCond struct {
	field string
	value any // nil for contains_field
}

func (c *containsItemCond) matchRule(s *applyState) bool {
	if s.rule == nil {
		return false
	}
	found := false
	ir.WalkItems(s.rule.Detection, func(_ *ir.Search, _ *ir.Group, it *ir.Item) bool {
		if it.Field != c.field {
			return true
		}
		if c.value == nil {
			found = true
			return false
		}
		for _, v := range it.Values {
			if valueEquals(v, c.value) {
				found = true
				return false
			}
		}
		return true
	})
	return found
}

// valueEquals compares a rule value with a YAML scalar of the same type.
func valueEquals(v ir.Value, want any) bool {
	switch v := v.(type) {
	case *ir.String:
		s, ok := want.(string)
		return ok && v.Sigma() == s
	case *ir.Number:
		switch w := want.(type) {
		case int64:
			return v.Float == float64(w)
		case float64:
			return v.Float == w
		}
	case *ir.Bool:
		b, ok := want.(bool)
		return ok && v.Value == b
	case *ir.Null:
		return want == nil
	}
	return false
}

// appliedCond is processing_item_applied, in each of the three kinds.
type appliedCond struct{ id string }

func (c *appliedCond) matchRule(s *applyState) bool { return s.ruleApplied[c.id] }
func (c *appliedCond) matchItem(s *applyState, it *ir.Item) bool {
	return s.itemApplied[itemID{it, c.id}]
}
func (c *appliedCond) matchField(s *applyState, field string) bool {
	return s.fieldApplied[field][c.id]
}

// stateCond is processing_state, in each of the three kinds.
type stateCond struct {
	key string
	val any
	op  string
}

func newStateCond(p *params) *stateCond {
	c := &stateCond{key: p.reqStr("key"), val: valueParam(p, "val", true), op: p.str("op")}
	if c.op == "" {
		c.op = "eq"
	}
	switch c.op {
	case "eq", "ne", "gte", "gt", "lte", "lt":
	default:
		p.l.errorf(p.owner, "processing_state: unknown op %q", c.op)
	}
	return c
}

func (c *stateCond) match(s *applyState) bool {
	v, ok := s.res.State[c.key]
	if !ok {
		return false
	}
	return compareAny(v, c.val, c.op)
}

func (c *stateCond) matchRule(s *applyState) bool             { return c.match(s) }
func (c *stateCond) matchItem(s *applyState, _ *ir.Item) bool { return c.match(s) }
func (c *stateCond) matchField(s *applyState, _ string) bool  { return c.match(s) }

// compareAny compares two scalars numerically when both are numbers, else
// as strings.
func compareAny(a, b any, op string) bool {
	fa, aok := toFloat(a)
	fb, bok := toFloat(b)
	var cmp int
	if aok && bok {
		switch {
		case fa < fb:
			cmp = -1
		case fa > fb:
			cmp = 1
		}
	} else {
		cmp = strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
	}
	return cmpOp(cmp, op)
}

func cmpOp(cmp int, op string) bool {
	switch op {
	case "eq":
		return cmp == 0
	case "ne":
		return cmp != 0
	case "gte":
		return cmp >= 0
	case "gt":
		return cmp > 0
	case "lte":
		return cmp <= 0
	case "lt":
		return cmp < 0
	}
	return false
}

func toFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case int64:
		return float64(v), true
	case int:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

// kindCond is is_sigma_rule (false) or is_sigma_correlation_rule (true).
type kindCond bool

func (c kindCond) matchRule(s *applyState) bool { return (s.corr != nil) == bool(c) }

// attrCond is rule_attribute.
type attrCond struct {
	attr, value, op string
}

var levelOrder = map[string]int{"informational": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
var statusOrder = map[string]int{"unsupported": 1, "deprecated": 2, "experimental": 3, "test": 4, "stable": 5}

func (c *attrCond) matchRule(s *applyState) bool {
	m := s.meta()
	var list []string
	var str string
	isList := false
	switch c.attr {
	case "title":
		str = m.Title
	case "id":
		str = m.ID
	case "name":
		str = m.Name
	case "status":
		return c.ordered(m.Status, statusOrder)
	case "level":
		return c.ordered(m.Level, levelOrder)
	case "description":
		str = m.Description
	case "author":
		str = m.Author
	case "license":
		str = m.License
	case "taxonomy":
		str = m.Taxonomy
	case "date":
		str = m.Date
	case "modified":
		str = m.Modified
	case "tags":
		list, isList = m.Tags, true
	case "references":
		list, isList = m.References, true
	case "falsepositives":
		list, isList = m.FalsePositives, true
	case "fields":
		list, isList = m.Fields, true
	case "scope":
		list, isList = m.Scope, true
	default:
		found := false
		for _, a := range m.Custom {
			if a.Key == c.attr {
				found = true
				switch v := a.Value.(type) {
				case []any:
					isList = true
					for _, x := range v {
						list = append(list, fmt.Sprint(x))
					}
				case int64, float64:
					return compareAny(v, c.value, c.op)
				default:
					str = fmt.Sprint(v)
				}
			}
		}
		if !found {
			return false
		}
	}
	if isList {
		in := false
		for _, x := range list {
			if x == c.value {
				in = true
			}
		}
		switch c.op {
		case "in":
			return in
		case "not_in":
			return !in
		case "ne":
			return true
		}
		return false
	}
	switch c.op {
	case "eq":
		return str == c.value
	case "ne":
		return str != c.value
	case "in", "not_in":
		return false
	}
	// Dates (YYYY-MM-DD) compare correctly as strings.
	return cmpOp(strings.Compare(str, c.value), c.op)
}

func (c *attrCond) ordered(v string, order map[string]int) bool {
	a, b := order[strings.ToLower(v)], order[strings.ToLower(c.value)]
	if a == 0 || b == 0 {
		if c.op == "ne" {
			return v != c.value
		}
		return c.op == "eq" && v == c.value
	}
	switch {
	case a < b:
		return cmpOp(-1, c.op)
	case a > b:
		return cmpOp(1, c.op)
	}
	return cmpOp(0, c.op)
}

// tagCond is tag.
type tagCond struct{ tag string }

func (c *tagCond) matchRule(s *applyState) bool {
	for _, t := range s.meta().Tags {
		if strings.ToLower(t) == c.tag {
			return true
		}
	}
	return false
}
