package parser

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigconv/sigconv/ir"
)

// Allowed values of the enumerated attributes, space-separated.
const (
	statuses = "stable test experimental deprecated unsupported"
	levels   = "informational low medium high critical"
	relTypes = "derived obsolete merged renamed similar"
)

// metaKey tells whether key is a shared metadata attribute, and sets it.
// It returns false for keys the caller must handle (or keep as custom).
func (p *fileParser) metaKey(m *ir.Meta, k, v *yaml.Node) bool {
	switch k.Value {
	case "title":
		m.Title = p.str(v, "title")
	case "id":
		m.ID = p.str(v, "id")
	case "name":
		m.Name = p.str(v, "name")
	case "related":
		m.Related = p.related(v)
	case "taxonomy":
		m.Taxonomy = p.str(v, "taxonomy")
	case "status":
		m.Status = p.enum(v, "status", statuses)
	case "description":
		m.Description = p.str(v, "description")
	case "license":
		m.License = p.str(v, "license")
	case "author":
		m.Author = p.str(v, "author")
	case "references":
		m.References = p.strList(v, "references")
	case "date":
		m.Date = p.str(v, "date") // the text as written, even when YAML sees a timestamp
	case "modified":
		m.Modified = p.str(v, "modified")
	case "fields":
		m.Fields = p.strList(v, "fields")
	case "falsepositives":
		m.FalsePositives = p.strList(v, "falsepositives")
	case "level":
		m.Level = p.enum(v, "level", levels)
	case "tags":
		m.Tags = p.strList(v, "tags")
	case "scope":
		m.Scope = p.strList(v, "scope")
	default:
		return false
	}
	return true
}

// enum reads a scalar that must be one of the space-separated allowed words.
func (p *fileParser) enum(n *yaml.Node, what string, allowed string) string {
	s := p.str(n, what)
	if s == "" {
		return ""
	}
	for rest := allowed; rest != ""; {
		var a string
		a, rest, _ = strings.Cut(rest, " ")
		if s == a {
			return s
		}
	}
	p.errorf(resolve(n), ir.CodeSchema, "invalid %s %q (want one of %s)", what, s, strings.ReplaceAll(allowed, " ", ", "))
	return s
}

func (p *fileParser) related(n *yaml.Node) []ir.Related {
	n = resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, ir.CodeSchema, "related must be a list of {id, type} mappings, found %s", kindName(n))
		return nil
	}
	out := make([]ir.Related, 0, len(n.Content))
	for _, e := range n.Content {
		e = resolve(e)
		if e.Kind != yaml.MappingNode {
			p.errorf(e, ir.CodeSchema, "related entries must be {id, type} mappings, found %s", kindName(e))
			continue
		}
		r := ir.Related{Pos: p.pos(e)}
		for i := 0; i+1 < len(e.Content); i += 2 {
			switch k, v := e.Content[i], e.Content[i+1]; k.Value {
			case "id":
				r.ID = p.str(v, "related id")
			case "type":
				r.Type = p.enum(v, "related type", relTypes)
			default:
				p.errorf(k, ir.CodeSchema, "unknown key %q in related entry (want id, type)", k.Value)
			}
		}
		if r.ID == "" {
			p.errorf(e, ir.CodeSchema, "related entry without id")
		}
		out = append(out, r)
	}
	return out
}

// logSource reads the logsource mapping.
func (p *fileParser) logSource(n *yaml.Node) ir.LogSource {
	n = resolve(n)
	ls := ir.LogSource{Pos: p.pos(n)}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, ir.CodeSchema, "logsource must be a mapping, found %s", kindName(n))
		return ls
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "category":
			ls.Category = p.str(v, "logsource category")
		case "product":
			ls.Product = p.str(v, "logsource product")
		case "service":
			ls.Service = p.str(v, "logsource service")
		case "definition":
			ls.Definition = p.str(v, "logsource definition")
		default:
			ls.Custom = append(ls.Custom, ir.Attribute{Pos: p.pos(k), Key: k.Value, Value: p.toAny(v, 1)})
		}
	}
	return ls
}

// rule parses a detection rule document.
func (p *fileParser) rule(root *yaml.Node, index int) *ir.Rule {
	r := &ir.Rule{}
	r.Pos, r.File, r.Doc = p.pos(root), p.file, index
	var det, ls *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if p.metaKey(&r.Meta, k, v) {
			continue
		}
		switch k.Value {
		case "logsource":
			ls = resolve(v)
		case "detection":
			det = resolve(v)
		default:
			r.Custom = append(r.Custom, ir.Attribute{Pos: p.pos(k), Key: k.Value, Value: p.toAny(v, 1)})
		}
	}
	if lookupKey(root, "title") == nil {
		p.errorf(root, ir.CodeSchema, "rule has no title")
	}
	if ls == nil {
		p.errorf(root, ir.CodeSchema, "rule has no logsource")
	} else {
		r.LogSource = p.logSource(ls)
	}
	if det == nil {
		p.errorf(root, ir.CodeSchema, "rule has no detection")
		return r
	}
	r.Detection = p.detection(det, "detection", false)
	return r
}
