package parser

import (
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/sigconv/sigconv/ir"
)

// detection parses a detection mapping (a rule's detection, or a filter's
// filter section when inFilter is set, whose "rules" key the caller reads).
func (p *fileParser) detection(n *yaml.Node, what string, inFilter bool) *ir.Detection {
	d := &ir.Detection{Pos: p.pos(n)}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, ir.CodeSchema, "%s must be a mapping of search identifiers and a condition, found %s", what, kindName(n))
		return d
	}
	var cond *yaml.Node
	d.Searches = make([]*ir.Search, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		switch k.Value {
		case "condition":
			cond = v
		case "timeframe":
			d.Timeframe = p.str(v, "timeframe")
		case "rules":
			if inFilter {
				continue
			}
			fallthrough
		default:
			if s := p.search(k, v); s != nil {
				d.Searches = append(d.Searches, s)
			}
		}
	}
	if len(d.Searches) == 0 {
		p.errorf(n, ir.CodeSchema, "%s defines no search identifier", what)
	}
	if cond == nil {
		p.errorf(n, ir.CodeSchema, "%s has no condition", what)
		return d
	}
	p.conditions(d, cond)
	return d
}

// conditions parses the condition (a string or a list of strings).
func (p *fileParser) conditions(d *ir.Detection, n *yaml.Node) {
	var list []*yaml.Node
	switch n.Kind {
	case yaml.ScalarNode:
		list = []*yaml.Node{n}
	case yaml.SequenceNode:
		list = n.Content
		if len(list) == 0 {
			p.errorf(n, ir.CodeCondition, "condition list is empty")
		}
	default:
		p.errorf(n, ir.CodeCondition, "condition must be a string or a list of strings, found %s", kindName(n))
		return
	}
	for _, c := range list {
		c = resolve(c)
		if c.Kind != yaml.ScalarNode || isNull(c) {
			p.errorf(c, ir.CodeCondition, "condition must be a string, found %s", kindName(c))
			continue
		}
		at := p.scalarPositions(c)
		pos := at(0)
		cond, err := parseCondition(c.Value, at)
		if err != nil {
			p.errs.Append(pos, err)
			continue
		}
		before := len(p.errs)
		checkCondition(cond, d, &p.errs)
		if len(p.errs) > before {
			continue
		}
		d.Conditions = append(d.Conditions, cond)
		d.ConditionText = append(d.ConditionText, c.Value)
	}
}

// scalarPositions maps byte offsets of a scalar's value to source
// positions. A single-line value that appears verbatim on its line (plain,
// or quoted without escapes) maps by column arithmetic; otherwise (several
// lines, block scalars) the value is aligned with the source text, where
// whitespace runs may differ (line folding, indentation). When alignment
// fails (escape sequences) every offset maps to the scalar's start.
func (p *fileParser) scalarPositions(n *yaml.Node) func(off int) ir.Pos {
	start := p.pos(n)
	quoted := n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0
	block := n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0
	if !block && !strings.ContainsAny(n.Value, "\n\r") {
		pos := start
		if quoted {
			pos.Col++
		}
		line := p.lineText(n.Line)
		off := runeOffset(line, pos.Col-1)
		if off >= 0 && strings.HasPrefix(line[off:], n.Value) {
			runes := runeCounter(n.Value)
			return func(o int) ir.Pos {
				q := pos
				q.Col += runes(o)
				return q
			}
		}
	}
	table := p.align(n, quoted, block)
	if table == nil {
		return func(int) ir.Pos { return start }
	}
	return func(o int) ir.Pos { return table[o] }
}

// align matches the value of n against the source text and returns the
// position of every byte offset of the value (and of its end), or nil.
func (p *fileParser) align(n *yaml.Node, quoted, block bool) []ir.Pos {
	p.lineText(1) // builds lineStarts
	if n.Line < 1 || n.Line > len(p.lineStarts) {
		return nil
	}
	line, col := n.Line, n.Column
	j := p.lineStarts[n.Line-1]
	if block {
		if n.Line >= len(p.lineStarts) {
			return nil
		}
		line, col, j = n.Line+1, 1, p.lineStarts[n.Line]
	} else {
		off := runeOffset(p.lineText(n.Line), n.Column-1)
		if off < 0 {
			return nil
		}
		j += off
		if quoted {
			j++
			col++
		}
	}
	src, v := p.src, n.Value
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	advance := func() { // consume src[j]
		if src[j] == '\n' {
			line, col = line+1, 1
		} else if src[j]&0xC0 != 0x80 {
			col++
		}
		j++
	}
	table := make([]ir.Pos, len(v)+1)
	for i := 0; i < len(v); {
		switch {
		case j >= len(src):
			return nil
		case isSpace(v[i]):
			for i < len(v) && isSpace(v[i]) {
				table[i] = ir.Pos{File: p.file, Line: line, Col: col}
				i++
			}
			for j < len(src) && isSpace(src[j]) {
				advance()
			}
		case v[i] == src[j]:
			table[i] = ir.Pos{File: p.file, Line: line, Col: col}
			i++
			advance()
		case isSpace(src[j]):
			advance()
		default:
			return nil
		}
	}
	table[len(v)] = ir.Pos{File: p.file, Line: line, Col: col}
	return table
}

// runeOffset returns the byte offset of the rune with index col in s, or -1.
func runeOffset(s string, col int) int {
	for i := range s {
		if col == 0 {
			return i
		}
		col--
	}
	if col == 0 {
		return len(s)
	}
	return -1
}

// search parses one search identifier.
func (p *fileParser) search(k, v *yaml.Node) *ir.Search {
	s := &ir.Search{Pos: p.pos(k), Name: k.Value}
	switch v.Kind {
	case yaml.MappingNode:
		s.Kind = ir.SearchMap
		if len(v.Content) == 0 {
			p.errorf(v, ir.CodeSchema, "search identifier %q is an empty mapping", k.Value)
			return nil
		}
		s.Groups = []*ir.Group{p.group(v, s.Name)}
	case yaml.SequenceNode:
		s.Kind = ir.SearchList
		if len(v.Content) == 0 {
			p.errorf(v, ir.CodeSchema, "search identifier %q is an empty list", k.Value)
			return nil
		}
		var run []*yaml.Node // pending plain values (keywords)
		flush := func() {
			if len(run) > 0 {
				it := p.keywordItem(run)
				s.Groups = append(s.Groups, &ir.Group{Pos: it.Pos, Items: []*ir.Item{it}})
				run = nil
			}
		}
		for _, e := range v.Content {
			e = resolve(e)
			switch e.Kind {
			case yaml.MappingNode:
				flush()
				if len(e.Content) == 0 {
					p.errorf(e, ir.CodeSchema, "empty mapping in search identifier %q", k.Value)
					continue
				}
				s.Groups = append(s.Groups, p.group(e, s.Name))
			case yaml.ScalarNode:
				run = append(run, e)
			default:
				p.errorf(e, ir.CodeSchema, "search identifier %q: a list may hold mappings and plain values only, found %s", k.Value, kindName(e))
			}
		}
		flush()
	case yaml.ScalarNode:
		if isNull(v) {
			p.errorf(k, ir.CodeSchema, "search identifier %q has no value", k.Value)
			return nil
		}
		// A single plain value is a keyword search, as in pySigma.
		s.Kind = ir.SearchList
		it := p.keywordItem([]*yaml.Node{v})
		s.Groups = []*ir.Group{{Pos: it.Pos, Items: []*ir.Item{it}}}
	default:
		p.errorf(v, ir.CodeSchema, "search identifier %q must be a mapping or a list, found %s", k.Value, kindName(v))
		return nil
	}
	if len(s.Groups) == 0 {
		return nil
	}
	return s
}

// keywordItem builds one keyword item from a run of plain values.
func (p *fileParser) keywordItem(run []*yaml.Node) *ir.Item {
	it := &ir.Item{Pos: p.pos(run[0])}
	list := &yaml.Node{Kind: yaml.SequenceNode, Content: run, Line: run[0].Line, Column: run[0].Column}
	if len(run) == 1 {
		list = run[0]
	}
	p.itemValues(it, list)
	return it
}

// group parses a mapping of field items.
func (p *fileParser) group(m *yaml.Node, search string) *ir.Group {
	g := &ir.Group{Pos: p.pos(m), Items: make([]*ir.Item, 0, len(m.Content)/2)}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].ShortTag() == "!!merge" {
			continue // reported by checkDuplicates
		}
		if it := p.item(m.Content[i], resolve(m.Content[i+1])); it != nil {
			g.Items = append(g.Items, it)
		}
	}
	return g
}

// item parses one `field|mod|mod: value(s)` entry.
func (p *fileParser) item(k, v *yaml.Node) *ir.Item {
	it := &ir.Item{Pos: p.pos(k)}
	if k.Kind != yaml.ScalarNode {
		p.errorf(k, ir.CodeSchema, "field names must be strings, found %s", kindName(k))
		return nil
	}
	key := k.Value
	field, mods, hasMods := strings.Cut(key, "|")
	it.Field = field
	if hasMods {
		col := k.Column + utf8.RuneCountInString(field) + 1
		if k.Style == yaml.SingleQuotedStyle || k.Style == yaml.DoubleQuotedStyle {
			col++
		}
		names := strings.Split(mods, "|")
		it.Modifiers = make([]ir.Modifier, 0, len(names))
		for _, name := range names {
			it.Modifiers = append(it.Modifiers, ir.Modifier{Pos: ir.Pos{File: p.file, Line: k.Line, Col: col}, Name: name})
			col += utf8.RuneCountInString(name) + 1
		}
	}
	if !p.itemValues(it, v) {
		return nil
	}
	return it
}

// itemValues reads the values of an item, resolves its modifiers and
// types the values accordingly. It reports false when the item is unusable.
func (p *fileParser) itemValues(it *ir.Item, v *yaml.Node) bool {
	var nodes []*yaml.Node
	switch v.Kind {
	case yaml.ScalarNode:
		nodes = []*yaml.Node{v}
	case yaml.SequenceNode:
		if len(v.Content) == 0 {
			p.errorf(v, ir.CodeInvalidValue, "empty value list")
			return false
		}
		nodes = v.Content
	default:
		p.errorf(v, ir.CodeInvalidValue, "a value must be a scalar or a list of scalars, found %s", kindName(v))
		return false
	}
	before := len(p.errs)
	m, ok := resolveModifiers(it, &p.errs)
	if !ok {
		return false
	}
	it.Match = m
	it.Values = make([]ir.Value, 0, len(nodes))
	for _, n := range nodes {
		n = resolve(n)
		if n.Kind != yaml.ScalarNode {
			p.errorf(n, ir.CodeInvalidValue, "a value list may hold scalars only, found %s", kindName(n))
			continue
		}
		if isNull(n) && v.Kind == yaml.SequenceNode {
			p.errorf(n, ir.CodeInvalidValue, "null cannot be part of a value list; use a separate search for null")
			continue
		}
		if val := p.value(n, it); val != nil {
			it.Values = append(it.Values, val)
		}
	}
	checkValueCount(it, &p.errs)
	return len(p.errs) == before
}
