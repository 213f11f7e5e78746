package fastyaml

import "gopkg.in/yaml.v3"

// flow parses a flow sequence or mapping starting at the current offset.
// Only single-line collections of scalars and nested collections are
// handled; empty entries, trailing commas, single-pair mappings inside
// sequences, keys without values, comments and line breaks fall back.
func (p *parser) flow() *yaml.Node {
	p.enter()
	defer func() { p.depth-- }()
	s := p.s
	open := s[p.i]
	n := p.newNode(yaml.SequenceNode, tagSeq, p.i)
	closer := byte(']')
	if open == '{' {
		n.Kind, n.Tag, closer = yaml.MappingNode, tagMap, '}'
	}
	n.Style = yaml.FlowStyle
	p.i++
	mark := len(p.kids)
	p.flowSpaces()
	if s[p.i] == closer {
		p.i++
		return n
	}
	for {
		if open == '{' {
			p.kids = append(p.kids, p.flowItem())
			p.flowSpaces()
			if s[p.i] != ':' || !p.blankAt(p.i+1) {
				p.fail()
			}
			p.i++
			p.flowSpaces()
		}
		p.kids = append(p.kids, p.flowItem())
		p.flowSpaces()
		switch s[p.i] {
		case ',':
			p.i++
			p.flowSpaces()
			if s[p.i] == closer {
				p.fail() // trailing comma
			}
		case closer:
			p.i++
			p.finish(n, mark)
			return n
		default:
			p.fail()
		}
	}
}

// flowSpaces skips spaces inside a flow collection; a line break, comment
// or the end of the input falls back.
func (p *parser) flowSpaces() {
	p.skipSpaces()
	if p.i >= len(p.s) || p.s[p.i] == '\n' || p.s[p.i] == '#' {
		p.fail()
	}
}

// flowItem parses a scalar or nested collection inside a flow collection.
func (p *parser) flowItem() *yaml.Node {
	s := p.s
	switch s[p.i] {
	case '[', '{':
		return p.flow()
	case '\'', '"':
		start, line := p.i, p.line
		val := p.quoted()
		if p.line != line {
			p.fail()
		}
		end := p.i
		p.i = start
		n := p.quotedNode(val)
		p.i = end
		return n
	}
	if !p.plainStart() || s[p.i] == ':' {
		p.fail()
	}
	// A plain scalar ends at ',', ']', '}' or ": "; other flow indicators,
	// a ':' followed by anything else, comments and line breaks fall back.
	start, end := p.i, p.i
	i := p.i
scan:
	for ; i < len(s); i++ {
		switch s[i] {
		case ',', ']', '}':
			break scan
		case ':':
			if p.blankAt(i + 1) {
				break scan
			}
			p.fail()
		case '[', '{', '?', '\n':
			p.fail()
		case ' ':
			if i+1 < len(s) && s[i+1] == '#' {
				p.fail()
			}
			continue
		}
		end = i + 1
	}
	n := p.newNode(yaml.ScalarNode, "", start)
	n.Value = s[start:end]
	n.Tag = resolveTag(n.Value)
	p.i = end
	return n
}
