package parser

import (
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/sigconv/sigconv/ir"
)

// resolve follows alias nodes to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < MaxDepth; i++ {
		n = n.Alias
	}
	return n
}

// lookup returns the value of key in mapping m, or nil.
func lookup(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return resolve(m.Content[i+1])
		}
	}
	return nil
}

// lookupKey returns the key node of key in mapping m, or nil.
func lookupKey(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}

// without returns a shallow copy of mapping m without key.
func without(m *yaml.Node, key string) *yaml.Node {
	c := *m
	c.Content = make([]*yaml.Node, 0, len(m.Content))
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != key {
			c.Content = append(c.Content, m.Content[i], m.Content[i+1])
		}
	}
	return &c
}

// mergeMaps returns a new mapping that overlays src on dst: every key of
// src, in src's order and at src's position, merging nested mappings
// recursively and otherwise letting src win, followed by the keys only dst
// has (the rule collection semantics of the original Sigma tooling: a rule
// document deep-updates the global one). Neither input is modified.
func mergeMaps(dst, src *yaml.Node) *yaml.Node {
	out := *src
	out.Content = make([]*yaml.Node, 0, len(dst.Content)+len(src.Content))
	for i := 0; i+1 < len(src.Content); i += 2 {
		k, v := src.Content[i], resolve(src.Content[i+1])
		if old := lookup(dst, k.Value); old != nil {
			if old = resolve(old); old.Kind == yaml.MappingNode && v.Kind == yaml.MappingNode {
				v = mergeMaps(old, v)
			}
		}
		out.Content = append(out.Content, k, v)
	}
	for i := 0; i+1 < len(dst.Content); i += 2 {
		if lookup(src, dst.Content[i].Value) == nil {
			out.Content = append(out.Content, dst.Content[i], resolve(dst.Content[i+1]))
		}
	}
	return &out
}

// checkDuplicates reports duplicate keys in every mapping below n and
// bounds the nesting depth.
func (p *fileParser) checkDuplicates(n *yaml.Node, depth int) bool {
	if n != nil && n.Kind == yaml.AliasNode && p.via == nil {
		p.via = n // report limits at the outermost alias that leads here
		defer func() { p.via = nil }()
	}
	at := n
	if p.via != nil {
		at = p.via
	}
	n = resolve(n)
	if n == nil {
		return true
	}
	if p.via != nil {
		p.budget--
	}
	if p.budget < 0 {
		if p.budget == -1 {
			p.errorf(at, ir.CodeLimit, "document expands into more than %d YAML nodes", maxNodes)
		}
		return false
	}
	if depth > MaxDepth {
		p.errorf(n, ir.CodeLimit, "nesting deeper than %d levels", MaxDepth)
		return false
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
				p.errorf(k, ir.CodeSchema, "YAML merge keys (<<) are not supported; write the keys out")
			}
		}
		if len(n.Content) > 32 {
			seen := make(map[string]bool, len(n.Content)/2)
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if seen[k.Value] {
					p.duplicate(n, i)
				}
				seen[k.Value] = true
			}
		} else {
			for i := 2; i+1 < len(n.Content); i += 2 {
				for j := 0; j < i; j += 2 {
					if n.Content[j].Value == n.Content[i].Value {
						p.duplicate(n, i)
						break
					}
				}
			}
		}
		for i := 1; i < len(n.Content); i += 2 {
			if !p.checkDuplicates(n.Content[i], depth+1) {
				return false
			}
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if !p.checkDuplicates(c, depth+1) {
				return false
			}
		}
	}
	return true
}

func (p *fileParser) duplicate(m *yaml.Node, i int) {
	k := m.Content[i]
	for j := 0; j < i; j += 2 {
		if m.Content[j].Value == k.Value {
			p.errorf(k, ir.CodeSchema, "duplicate key %q (first defined at line %d)", k.Value, m.Content[j].Line)
			return
		}
	}
}

// isNull reports whether n is an explicit or implicit null scalar.
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// str reads a scalar as text. Non-scalars are reported and yield "".
func (p *fileParser) str(n *yaml.Node, what string) string {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, ir.CodeSchema, "%s must be a string, found %s", what, kindName(n))
		return ""
	}
	if isNull(n) {
		return ""
	}
	return n.Value
}

// strList reads a list of scalars; a single scalar is accepted as a list of
// one.
func (p *fileParser) strList(n *yaml.Node, what string) []string {
	n = resolve(n)
	switch n.Kind {
	case yaml.ScalarNode:
		if isNull(n) {
			return nil
		}
		return []string{n.Value}
	case yaml.SequenceNode:
		out := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			c = resolve(c)
			if c.Kind != yaml.ScalarNode || isNull(c) {
				p.errorf(c, ir.CodeSchema, "%s entries must be strings, found %s", what, kindName(c))
				continue
			}
			out = append(out, c.Value)
		}
		return out
	}
	p.errorf(n, ir.CodeSchema, "%s must be a list of strings, found %s", what, kindName(n))
	return nil
}

// toAny converts a node into the plain Go values ir.Attribute allows.
func (p *fileParser) toAny(n *yaml.Node, depth int) any {
	n = resolve(n)
	if depth > MaxDepth {
		return nil // reported by checkDuplicates
	}
	switch n.Kind {
	case yaml.MappingNode:
		out := make([]ir.Attribute, 0, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			out = append(out, ir.Attribute{Pos: p.pos(n.Content[i]), Key: n.Content[i].Value, Value: p.toAny(n.Content[i+1], depth+1)})
		}
		return out
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			out = append(out, p.toAny(c, depth+1))
		}
		return out
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil
		case "!!bool":
			b, err := strconv.ParseBool(n.Value)
			if err == nil {
				return b
			}
		case "!!int":
			if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
				return i
			}
		case "!!float":
			if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
				return f
			}
		}
		return n.Value
	}
	return nil
}
