package pipeline

import (
	"fmt"
	"strconv"

	"github.com/sigconv/sigconv/ir"
	"gopkg.in/yaml.v3"
)

// Helpers that read yaml.v3 nodes with positions, so that every load error
// names file:line:col.

// loader reads one pipeline file.
type loader struct {
	file string
	errs ir.ErrorList
}

func (l *loader) pos(n *yaml.Node) ir.Pos {
	if n == nil || n.Line == 0 {
		return ir.Pos{File: l.file, Line: 1, Col: 1}
	}
	return ir.Pos{File: l.file, Line: n.Line, Col: n.Column}
}

func (l *loader) errorf(n *yaml.Node, format string, args ...any) {
	l.errs.Add(l.pos(n), ir.CodePipeline, format, args...)
}

// resolve follows aliases and unwraps a document node.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil {
		switch n.Kind {
		case yaml.AliasNode:
			n = n.Alias
		case yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
		default:
			return n
		}
	}
	return nil
}

// keyValue is one entry of a YAML mapping.
type keyValue struct {
	Key   string
	KeyN  *yaml.Node
	Value *yaml.Node
}

// mapping returns the entries of a mapping node in source order, or reports
// an error naming what was expected.
func (l *loader) mapping(n *yaml.Node, what string) ([]keyValue, bool) {
	n = resolve(n)
	if n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return nil, true
	}
	if n.Kind != yaml.MappingNode {
		l.errorf(n, "%s must be a mapping", what)
		return nil, false
	}
	out := make([]keyValue, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		if k.Kind == yaml.MappingNode && k.Tag == "!!merge" {
			continue
		}
		out = append(out, keyValue{Key: k.Value, KeyN: k, Value: resolve(n.Content[i+1])})
	}
	return out, true
}

// sequence returns the items of a sequence node; a scalar becomes a
// one-element sequence when single is true.
func (l *loader) sequence(n *yaml.Node, what string, single bool) ([]*yaml.Node, bool) {
	n = resolve(n)
	if n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return nil, true
	}
	switch n.Kind {
	case yaml.SequenceNode:
		out := make([]*yaml.Node, len(n.Content))
		for i, c := range n.Content {
			out[i] = resolve(c)
		}
		return out, true
	case yaml.ScalarNode:
		if single {
			return []*yaml.Node{n}, true
		}
	}
	l.errorf(n, "%s must be a list", what)
	return nil, false
}

// str reads a scalar as a string.
func (l *loader) str(n *yaml.Node, what string) (string, bool) {
	n = resolve(n)
	if n == nil {
		return "", true
	}
	if n.Kind != yaml.ScalarNode {
		l.errorf(n, "%s must be a string", what)
		return "", false
	}
	if n.Tag == "!!null" {
		return "", true
	}
	return n.Value, true
}

// strs reads a string or a list of strings.
func (l *loader) strs(n *yaml.Node, what string) ([]string, bool) {
	items, ok := l.sequence(n, what, true)
	if !ok || items == nil {
		return nil, ok
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, ok := l.str(it, what)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// boolean reads a boolean scalar.
func (l *loader) boolean(n *yaml.Node, what string) (bool, bool) {
	n = resolve(n)
	if n == nil {
		return false, true
	}
	var b bool
	if n.Kind != yaml.ScalarNode || n.Decode(&b) != nil {
		l.errorf(n, "%s must be true or false", what)
		return false, false
	}
	return b, true
}

// integer reads an integer scalar.
func (l *loader) integer(n *yaml.Node, what string) (int, bool) {
	n = resolve(n)
	if n == nil {
		return 0, true
	}
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		l.errorf(n, "%s must be an integer", what)
		return 0, false
	}
	return v, true
}

// scalar decodes a scalar into a Go value: string, int64, float64, bool or
// nil.
func scalar(n *yaml.Node) any {
	switch n.Tag {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			return b
		}
	case "!!int":
		var i int64
		if n.Decode(&i) == nil {
			return i
		}
	case "!!float":
		var f float64
		if n.Decode(&f) == nil {
			return f
		}
	}
	return n.Value
}

// plain decodes any node into plain Go values: scalars as by scalar,
// sequences as []any, mappings as map[string]any (used for state values and
// template data, where order does not matter).
func plain(n *yaml.Node) any {
	n = resolve(n)
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return scalar(n)
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, c := range n.Content {
			out[i] = plain(c)
		}
		return out
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			out[resolve(n.Content[i]).Value] = plain(n.Content[i+1])
		}
		return out
	}
	return nil
}

// params is the parameter set of one transformation or condition: every key
// of the item that is not a reserved key. Each parameter must be read once;
// leftovers are reported as unknown parameters.
type params struct {
	l     *loader
	owner *yaml.Node // the item's mapping node
	what  string     // e.g. "transformation field_name_mapping"
	kv    []keyValue
	used  []bool
}

func (p *params) get(name string) *yaml.Node {
	for i, e := range p.kv {
		if e.Key == name {
			p.used[i] = true
			return e.Value
		}
	}
	return nil
}

func (p *params) has(name string) bool {
	for _, e := range p.kv {
		if e.Key == name {
			return true
		}
	}
	return false
}

// require returns a parameter that must be present.
func (p *params) require(name string) *yaml.Node {
	n := p.get(name)
	if n == nil && !p.has(name) {
		p.l.errorf(p.owner, "%s: missing parameter %q", p.what, name)
	}
	return n
}

func (p *params) str(name string) string {
	s, _ := p.l.str(p.get(name), p.what+" parameter "+name)
	return s
}

func (p *params) reqStr(name string) string {
	s, _ := p.l.str(p.require(name), p.what+" parameter "+name)
	return s
}

func (p *params) strs(name string) []string {
	s, _ := p.l.strs(p.get(name), p.what+" parameter "+name)
	return s
}

func (p *params) boolean(name string) bool {
	b, _ := p.l.boolean(p.get(name), p.what+" parameter "+name)
	return b
}

// finish reports unknown parameters.
func (p *params) finish() {
	for i, e := range p.kv {
		if !p.used[i] {
			p.l.errorf(e.KeyN, "%s: unknown parameter %q", p.what, e.Key)
		}
	}
}

func (l *loader) newParams(owner *yaml.Node, what string, kv []keyValue, reserved map[string]bool) *params {
	p := &params{l: l, owner: owner, what: what}
	for _, e := range kv {
		if !reserved[e.Key] {
			p.kv = append(p.kv, e)
		}
	}
	p.used = make([]bool, len(p.kv))
	return p
}

// describe renders a node briefly for error messages.
func describe(n *yaml.Node) string {
	n = resolve(n)
	if n == nil {
		return "null"
	}
	if n.Kind == yaml.ScalarNode {
		return strconv.Quote(n.Value)
	}
	return fmt.Sprintf("<%s>", map[yaml.Kind]string{yaml.MappingNode: "mapping", yaml.SequenceNode: "list"}[n.Kind])
}
