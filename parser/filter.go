package parser

import (
	"gopkg.in/yaml.v3"

	"github.com/sigconv/sigconv/ir"
)

// filter parses a meta filter document: logsource plus a filter section
// holding the target rules, search identifiers and a condition.
func (p *fileParser) filter(root *yaml.Node, index int) *ir.Filter {
	f := &ir.Filter{}
	f.Pos, f.File, f.Doc = p.pos(root), p.file, index
	var body, ls *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], resolve(root.Content[i+1])
		if p.metaKey(&f.Meta, k, v) {
			continue
		}
		switch k.Value {
		case "filter":
			body = v
		case "logsource":
			ls = v
		default:
			f.Custom = append(f.Custom, ir.Attribute{Pos: p.pos(k), Key: k.Value, Value: p.toAny(v, 1)})
		}
	}
	if lookupKey(root, "title") == nil {
		p.errorf(root, ir.CodeSchema, "filter has no title")
	}
	if ls == nil {
		p.errorf(root, ir.CodeFilter, "filter has no logsource")
	} else {
		f.LogSource = p.logSource(ls)
	}
	if body.Kind != yaml.MappingNode {
		p.errorf(body, ir.CodeFilter, "filter must be a mapping of rules, search identifiers and a condition, found %s", kindName(body))
		return f
	}
	if rules := lookup(body, "rules"); rules == nil {
		p.errorf(body, ir.CodeFilter, "filter has no rules")
	} else {
		f.Rules = p.ruleRefs(rules, "filter rules")
		if len(f.Rules) == 0 {
			p.errorf(rules, ir.CodeFilter, "filter rules must not be empty")
		}
	}
	f.Detection = p.detection(body, "filter", true)
	return f
}

// ParseItems parses a search mapping (`field|modifiers: value(s)`, as in a
// detection) into items that are AND-ed. Pipelines use it for
// add_condition and similar transformations. file names the source in
// positions.
func ParseItems(file string, node *yaml.Node) (items []*ir.Item, errs ir.ErrorList) {
	p := &fileParser{file: file, budget: maxNodes}
	defer func() {
		if r := recover(); r != nil {
			pos := ir.Pos{File: file}
			if node != nil {
				pos.Line, pos.Col = node.Line, node.Column
			}
			p.errs.Add(pos, ir.CodeInternal, "internal error: %v", r)
			items, errs = nil, p.errs
		}
	}()
	n := resolve(node)
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = resolve(n.Content[0])
	}
	if n == nil || n.Kind != yaml.MappingNode {
		pos := ir.Pos{File: file}
		if n != nil {
			pos = p.pos(n)
		}
		p.errs.Add(pos, ir.CodeSchema, "expected a mapping of field|modifiers: value(s)")
		return nil, p.errs
	}
	p.checkDuplicates(n, 0)
	g := p.group(n, "")
	p.errs.Sort()
	return g.Items, p.errs
}
