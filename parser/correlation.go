package parser

import (
	"strconv"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sigconv/sigconv/ir"
)

// correlation parses a correlation rule document.
func (p *fileParser) correlation(root *yaml.Node, index int) *ir.Correlation {
	c := &ir.Correlation{}
	c.Pos, c.File, c.Doc = p.pos(root), p.file, index
	var body *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], resolve(root.Content[i+1])
		if p.metaKey(&c.Meta, k, v) {
			continue
		}
		switch k.Value {
		case "correlation":
			body = v
		case "generate":
			c.Generate = p.boolean(v, "generate")
		default:
			c.Custom = append(c.Custom, ir.Attribute{Pos: p.pos(k), Key: k.Value, Value: p.toAny(v, 1)})
		}
	}
	if lookupKey(root, "title") == nil {
		p.errorf(root, ir.CodeSchema, "correlation rule has no title")
	}
	if body.Kind != yaml.MappingNode {
		p.errorf(body, ir.CodeCorrelation, "correlation must be a mapping, found %s", kindName(body))
		return c
	}
	var cond *yaml.Node
	var groupBy, timespan, rules *yaml.Node
	for i := 0; i+1 < len(body.Content); i += 2 {
		k, v := body.Content[i], resolve(body.Content[i+1])
		switch k.Value {
		case "type":
			c.TypePos = p.pos(v)
			c.Type = ir.CorrelationType(p.str(v, "correlation type"))
		case "rules":
			rules = v
			c.Rules = p.ruleRefs(v, "correlation rules")
		case "group-by":
			groupBy = v
			c.GroupBy = p.strList(v, "group-by")
		case "timespan":
			timespan = v
			c.Timespan = p.timespan(v)
		case "condition":
			cond = v
		case "aliases":
			c.Aliases = p.aliases(v)
		case "generate":
			c.Generate = p.boolean(v, "generate")
		default:
			p.errorf(k, ir.CodeCorrelation, "unknown correlation attribute %q", k.Value)
		}
	}
	needField := false
	switch c.Type {
	case ir.EventCount:
	case ir.ValueCount, ir.ValueSum, ir.ValueAvg, ir.ValuePercentile, ir.ValueMedian:
		needField = true
	case ir.Temporal, ir.TemporalOrdered:
	case "":
		p.errorf(body, ir.CodeCorrelation, "correlation has no type")
	default:
		p.errorf(resolve(lookup(body, "type")), ir.CodeCorrelation,
			"unknown correlation type %q (want event_count, value_count, temporal, temporal_ordered, value_sum, value_avg or value_percentile)", c.Type)
	}
	if rules == nil {
		p.errorf(body, ir.CodeCorrelation, "correlation has no rules")
	} else if len(c.Rules) == 0 {
		p.errorf(rules, ir.CodeCorrelation, "correlation rules must not be empty")
	}
	if timespan == nil {
		p.errorf(body, ir.CodeCorrelation, "correlation has no timespan")
	}
	if groupBy == nil && c.Type != "" {
		p.errorf(body, ir.CodeCorrelation, "correlation type %s requires group-by", c.Type)
	}
	switch {
	case cond != nil:
		c.Cond = p.corrCondition(cond, c, needField)
	case c.Type == ir.Temporal || c.Type == ir.TemporalOrdered || c.Type == "":
	default:
		p.errorf(body, ir.CodeCorrelation, "correlation type %s requires a condition", c.Type)
	}
	if c.Type == ir.ValueMedian {
		// value_median is value_percentile at 50, see docs/parser.md.
		c.Type = ir.ValuePercentile
	}
	if c.Type == ir.ValuePercentile && c.Cond != nil && c.Cond.Percentile == 0 {
		// The specification gives no default percentile; the median is
		// the only neutral choice, and every consumer must agree on it.
		c.Cond.Percentile = 50
	}
	return c
}

// corrCondition parses the condition mapping of a correlation.
func (p *fileParser) corrCondition(n *yaml.Node, c *ir.Correlation, needField bool) *ir.CorrCondition {
	cc := &ir.CorrCondition{Pos: p.pos(n)}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, ir.CodeCorrelation, "correlation condition must be a mapping like {gte: 10}, found %s", kindName(n))
		return nil
	}
	hasField, hasBound := false, false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		switch k.Value {
		case "gt", "gte", "lt", "lte", "eq", "neq":
			hasBound = true
			tag := v.ShortTag()
			if v.Kind != yaml.ScalarNode || (tag != "!!int" && tag != "!!float") {
				p.errorf(v, ir.CodeCorrelation, "correlation condition %s needs a number, found %s", k.Value, kindName(v))
				continue
			}
			cc.Bounds = append(cc.Bounds, ir.CorrBound{Pos: p.pos(k), Op: k.Value, Value: p.number(v).Float})
		case "field":
			hasField = true
			switch {
			case v.Kind == yaml.SequenceNode && len(v.Content) == 1:
				cc.Field = p.str(v.Content[0], "correlation condition field")
			case v.Kind == yaml.SequenceNode:
				p.errorf(v, ir.CodeCorrelation, "a list of several condition fields is not supported; chain correlations instead")
			default:
				cc.Field = p.str(v, "correlation condition field")
			}
		case "percentile":
			tag := v.ShortTag()
			if v.Kind != yaml.ScalarNode || (tag != "!!int" && tag != "!!float") {
				p.errorf(v, ir.CodeCorrelation, "percentile needs a number, found %s", kindName(v))
				continue
			}
			cc.Percentile = p.number(v).Float
			if cc.Percentile <= 0 || cc.Percentile > 100 {
				p.errorf(v, ir.CodeCorrelation, "percentile must be in (0, 100]")
			}
		default:
			p.errorf(k, ir.CodeCorrelation, "unknown correlation condition key %q (want gt, gte, lt, lte, eq, neq, field)", k.Value)
		}
	}
	if !hasBound {
		p.errorf(n, ir.CodeCorrelation, "correlation condition needs one of gt, gte, lt, lte, eq, neq")
	}
	switch {
	case needField && !hasField:
		p.errorf(n, ir.CodeCorrelation, "correlation type %s requires a field in its condition", c.Type)
	case !needField && hasField && c.Type != "":
		p.errorf(lookupKey(n, "field"), ir.CodeCorrelation, "correlation type %s takes no field", c.Type)
	}
	return cc
}

// ruleRefs reads a list of rule ids or names.
func (p *fileParser) ruleRefs(n *yaml.Node, what string) []ir.RuleRef {
	if n.Kind == yaml.ScalarNode && !isNull(n) {
		return []ir.RuleRef{{Pos: p.pos(n), Ref: n.Value}}
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, ir.CodeSchema, "%s must be a list of rule ids or names, found %s", what, kindName(n))
		return nil
	}
	out := make([]ir.RuleRef, 0, len(n.Content))
	for _, e := range n.Content {
		e = resolve(e)
		if e.Kind != yaml.ScalarNode || isNull(e) {
			p.errorf(e, ir.CodeSchema, "%s entries must be rule ids or names, found %s", what, kindName(e))
			continue
		}
		out = append(out, ir.RuleRef{Pos: p.pos(e), Ref: e.Value})
	}
	return out
}

// timespan parses "<number><unit>": s, m, h, d per the specification and
// w, M (30 days), y (365 days) as pySigma accepts.
func (p *fileParser) timespan(n *yaml.Node) ir.Timespan {
	ts := ir.Timespan{Pos: p.pos(n), Raw: p.str(n, "timespan")}
	raw := ts.Raw
	if len(raw) < 2 {
		p.errorf(n, ir.CodeCorrelation, "invalid timespan %q (want a number and a unit s, m, h or d, like 90m)", raw)
		return ts
	}
	num, err := strconv.ParseUint(raw[:len(raw)-1], 10, 32)
	if err != nil || num == 0 {
		p.errorf(n, ir.CodeCorrelation, "invalid timespan %q (want a positive number and a unit s, m, h or d, like 90m)", raw)
		return ts
	}
	var unit time.Duration
	switch raw[len(raw)-1] {
	case 's':
		unit = time.Second
	case 'm':
		unit = time.Minute
	case 'h':
		unit = time.Hour
	case 'd':
		unit = 24 * time.Hour
	case 'w':
		unit = 7 * 24 * time.Hour
	case 'M':
		unit = 30 * 24 * time.Hour
	case 'y':
		unit = 365 * 24 * time.Hour
	default:
		p.errorf(n, ir.CodeCorrelation, "invalid timespan unit in %q (want s, m, h or d)", raw)
		return ts
	}
	ts.Duration = time.Duration(num) * unit
	return ts
}

// aliases parses the aliases mapping of a correlation.
func (p *fileParser) aliases(n *yaml.Node) []ir.Alias {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, ir.CodeCorrelation, "aliases must be a mapping of alias → {rule: field}, found %s", kindName(n))
		return nil
	}
	out := make([]ir.Alias, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		a := ir.Alias{Pos: p.pos(k), Name: k.Value}
		if v.Kind != yaml.MappingNode {
			p.errorf(v, ir.CodeCorrelation, "alias %q must map rule names to field names, found %s", k.Value, kindName(v))
			continue
		}
		for j := 0; j+1 < len(v.Content); j += 2 {
			rk, rv := v.Content[j], v.Content[j+1]
			a.Fields = append(a.Fields, ir.AliasField{Pos: p.pos(rk), Rule: rk.Value, Field: p.str(rv, "alias field")})
		}
		out = append(out, a)
	}
	return out
}

// boolean reads a YAML boolean.
func (p *fileParser) boolean(n *yaml.Node, what string) bool {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		p.errorf(n, ir.CodeSchema, "%s must be true or false, found %s", what, kindName(n))
		return false
	}
	return parseBool(n.Value)
}
