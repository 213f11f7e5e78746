package pipeline

import (
	"fmt"
	"strings"

	"github.com/sigconv/sigconv/ir"
	"gopkg.in/yaml.v3"
)

// Pipeline is one loaded processing pipeline: pySigma's YAML format plus
// sigconv's extensions (see docs/pipelines.md). It is compiled once (regular
// expressions, maps, parsed detection items) and may be applied to any
// number of rules, concurrently.
type Pipeline struct {
	Name        string         // name, or the file name when the file has none
	Description string         // description (sigconv extension), or ""
	Priority    int            // ordering among chained pipelines; lower first
	File        string         // file name as given to Load
	Vars        map[string]any // vars, for value_placeholders
	// Tables are the target tables declared under tables: (sigconv
	// extension), in source order.
	Tables []*Table
	// AllowedBackends lists the targets the pipeline is meant for (pySigma
	// allowed_backends), or nil for any.
	AllowedBackends []string

	items      []*item
	post       []*postItem
	finalizers []*Finalizer
}

// Items returns a short description of each transformation item, in order,
// for listings and explain output.
func (p *Pipeline) Items() []ItemInfo {
	out := make([]ItemInfo, len(p.items))
	for i, it := range p.items {
		out[i] = ItemInfo{ID: it.id, Type: it.typ, Pos: it.pos, Conditions: it.condText}
	}
	return out
}

// ItemInfo describes one transformation item of a pipeline.
type ItemInfo struct {
	ID         string // id, or ""
	Type       string // transformation type
	Pos        ir.Pos // position of the item in the pipeline file
	Conditions string // the item's conditions in short text form, or ""
}

// item is one compiled transformation item.
type item struct {
	id       string
	typ      string
	pos      ir.Pos
	pipe     *Pipeline
	rule     condSet[ruleCondition]
	det      condSet[itemCondition]
	field    condSet[fieldCondition]
	t        transformation
	condText string
	// logsource is set when the item's rule conditions include a positive
	// logsource condition; its application means the pipeline knows the
	// rule's log source (used for coverage reports).
	logsource bool
}

// reserved keys of a transformation item; every other key is a parameter.
var itemKeys = map[string]bool{
	"id": true, "type": true,
	"rule_conditions": true, "rule_cond_expr": true, "rule_cond_op": true, "rule_cond_not": true,
	"detection_item_conditions": true, "detection_item_cond_expr": true, "detection_item_cond_op": true, "detection_item_cond_not": true,
	"field_name_conditions": true, "field_name_cond_expr": true, "field_name_cond_op": true, "field_name_cond_not": true,
}

// Load parses a pipeline in pySigma's YAML format. name is the file name used
// in error positions. Every problem is reported with file:line:col; an
// unknown transformation, condition, postprocessing or finalizer type or an
// unknown parameter is an error, never ignored. The error is an
// ir.ErrorList.
func Load(name string, src []byte) (*Pipeline, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, ir.ErrorList{&ir.Error{Pos: ir.Pos{File: name}, Code: ir.CodeYAML, Msg: err.Error(), Err: err}}
	}
	l := &loader{file: name}
	p := &Pipeline{File: name, Name: name}
	if n := countNodes(&doc, maxNodes); n > maxNodes {
		l.errorf(nil, "the file expands into more than %d YAML nodes (aliases); refusing it", maxNodes)
		return nil, l.errs
	}
	root := resolve(&doc)
	if root == nil || root.Kind == 0 {
		l.errorf(nil, "empty pipeline file")
		return nil, l.errs
	}
	kv, ok := l.mapping(root, "a pipeline")
	if !ok {
		return nil, l.errs
	}
	var tables, trans, post, fin *yaml.Node
	for _, e := range kv {
		switch e.Key {
		case "name":
			if s, _ := l.str(e.Value, "name"); s != "" {
				p.Name = s
			}
		case "description":
			p.Description, _ = l.str(e.Value, "description")
		case "priority":
			p.Priority, _ = l.integer(e.Value, "priority")
		case "vars":
			if v, ok := plain(e.Value).(map[string]any); ok {
				p.Vars = v
			} else if resolve(e.Value).Tag != "!!null" {
				l.errorf(e.Value, "vars must be a mapping")
			}
		case "allowed_backends":
			p.AllowedBackends, _ = l.strs(e.Value, "allowed_backends")
		case "tables":
			tables = e.Value
		case "transformations":
			trans = e.Value
		case "postprocessing":
			post = e.Value
		case "finalizers":
			fin = e.Value
		default:
			l.errorf(e.KeyN, "unknown pipeline key %q (known: name, description, priority, vars, allowed_backends, tables, transformations, postprocessing, finalizers)", e.Key)
		}
	}
	p.Tables = l.tables(tables)
	items, _ := l.sequence(trans, "transformations", false)
	for _, n := range items {
		if it := l.item(p, n); it != nil {
			p.items = append(p.items, it)
		}
	}
	posts, _ := l.sequence(post, "postprocessing", false)
	for _, n := range posts {
		if it := l.postItem(p, n); it != nil {
			p.post = append(p.post, it)
		}
	}
	fins, _ := l.sequence(fin, "finalizers", false)
	for _, n := range fins {
		if f := l.finalizer(n); f != nil {
			p.finalizers = append(p.finalizers, f)
		}
	}
	if len(l.errs) > 0 {
		l.errs.Sort()
		return nil, l.errs
	}
	return p, nil
}

// tables reads the tables: extension: TableName → Column → type.
func (l *loader) tables(n *yaml.Node) []*Table {
	kv, _ := l.mapping(n, "tables")
	var out []*Table
	for _, e := range kv {
		t := &Table{Name: e.Key}
		cols, _ := l.mapping(e.Value, "table "+e.Key)
		for _, c := range cols {
			typ, _ := l.str(c.Value, "column type")
			if !validColumnType(typ) {
				l.errorf(c.Value, "table %s column %s: unknown type %q (want string, int, long, real, bool, datetime, dynamic, guid or timespan)", e.Key, c.Key, typ)
			}
			t.Columns = append(t.Columns, Column{Name: c.Key, Type: typ})
		}
		out = append(out, t)
	}
	return out
}

func validColumnType(t string) bool {
	switch t {
	case "string", "int", "long", "real", "bool", "datetime", "dynamic", "guid", "timespan":
		return true
	}
	return false
}

// table returns the declared table with the given name, or nil.
func (p *Pipeline) table(name string) *Table {
	for _, t := range p.Tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// item compiles one transformation item.
func (l *loader) item(p *Pipeline, n *yaml.Node) *item {
	kv, ok := l.mapping(n, "a transformation")
	if !ok {
		return nil
	}
	it := &item{pipe: p, pos: l.pos(n)}
	get := func(k string) *yaml.Node {
		for _, e := range kv {
			if e.Key == k {
				return e.Value
			}
		}
		return nil
	}
	it.id, _ = l.str(get("id"), "id")
	typN := get("type")
	if typN == nil {
		l.errorf(n, "transformation without type")
		return nil
	}
	it.typ, _ = l.str(typN, "type")
	it.rule = compileConds(l, kv, "rule", l.ruleCondition)
	it.det = compileConds(l, kv, "detection_item", l.itemCondition)
	it.field = compileConds(l, kv, "field_name", l.fieldCondition)
	it.condText = condSummary(kv)
	for _, c := range it.rule.all() {
		if _, ok := c.(*logsourceCond); ok && !it.rule.not {
			it.logsource = true
		}
	}
	prm := l.newParams(n, "transformation "+it.typ, kv, itemKeys)
	t, known := l.transformation(it.typ, prm, p)
	if !known {
		l.errorf(typN, "unknown transformation type %q", it.typ)
		return nil
	}
	prm.finish()
	it.t = t
	return it
}

// condSummary renders an item's conditions briefly, for explain output:
// "rule: logsource(product=windows, service=sysmon) and not
// processing_item_applied(processing_item_id=x)".
func condSummary(kv []keyValue) string {
	var parts []string
	for _, kind := range []string{"rule", "detection_item", "field_name"} {
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
		cn := resolve(conds)
		if cn == nil {
			continue
		}
		var text string
		switch {
		case cn.Kind == yaml.MappingNode && expr != nil:
			named := map[string]string{}
			for i := 0; i+1 < len(cn.Content); i += 2 {
				named[resolve(cn.Content[i]).Value] = condText(cn.Content[i+1])
			}
			text = replaceNames(resolve(expr).Value, named)
		default:
			sep := " and "
			if o := resolve(op); o != nil && o.Value == "or" {
				sep = " or "
			}
			var list []string
			if cn.Kind == yaml.MappingNode {
				for i := 1; i < len(cn.Content); i += 2 {
					list = append(list, condText(cn.Content[i]))
				}
			} else {
				for _, c := range cn.Content {
					list = append(list, condText(c))
				}
			}
			text = strings.Join(list, sep)
		}
		if n := resolve(not); n != nil && n.Value == "true" {
			text = "not (" + text + ")"
		}
		parts = append(parts, kind+": "+text)
	}
	return strings.Join(parts, "; ")
}

// condText renders one condition as type(key=value, ...).
func condText(n *yaml.Node) string {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return "?"
	}
	typ := "?"
	var args []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]).Value, plain(n.Content[i+1])
		if k == "type" {
			typ = fmt.Sprint(v)
			continue
		}
		args = append(args, fmt.Sprintf("%s=%v", k, v))
	}
	return typ + "(" + strings.Join(args, ", ") + ")"
}

// replaceNames replaces the condition names of a condition expression by
// their renderings.
func replaceNames(expr string, named map[string]string) string {
	toks := tokenize(expr)
	for i, t := range toks {
		if r, ok := named[t]; ok {
			toks[i] = r
		}
	}
	return strings.Join(toks, " ")
}

// flowText squeezes YAML block text onto one line.
func flowText(b []byte) string {
	out := make([]byte, 0, len(b))
	space := false
	for _, c := range b {
		if c == '\n' || c == ' ' {
			space = true
			continue
		}
		if space && len(out) > 0 {
			out = append(out, ' ')
		}
		space = false
		out = append(out, c)
	}
	return string(out)
}

// mapsFields reports whether the pipeline renames fields or declares
// tables, i.e. whether unmapped fields are meaningful for it.
func (p *Pipeline) mapsFields() bool {
	if len(p.Tables) > 0 {
		return true
	}
	for _, it := range p.allItems() {
		switch it.Type {
		case "field_name_mapping", "field_name_prefix_mapping", "field_name_prefix", "field_name_suffix",
			"field_name_transform", "hashes_fields", "replace_detection_item":
			return true
		}
	}
	return false
}

// maxNodes bounds a pipeline file's size after alias expansion, so that an
// alias bomb cannot exhaust memory (the biggest built-in has a few
// thousand nodes).
const maxNodes = 1 << 20

// countNodes counts nodes with aliases expanded, stopping past limit.
func countNodes(n *yaml.Node, limit int) int {
	count := 0
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || count > limit {
			return
		}
		count++
		if depth > 1000 {
			count = limit + 1
			return
		}
		if n.Kind == yaml.AliasNode {
			walk(n.Alias, depth+1)
			return
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return count
}
