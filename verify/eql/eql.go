package eql

import (
	"fmt"
	"strings"

	"github.com/sigconv/sigconv/verify/internal/es"
	"github.com/sigconv/sigconv/verify/interp"
)

// Interpreter reads EQL queries. The zero value uses ECS field types.
type Interpreter struct {
	// Types gives field types; nil means ECS defaults (see verify/internal/es).
	Types interp.FieldTypes
}

// New returns an EQL interpreter with ECS field types.
func New() *Interpreter { return &Interpreter{} }

// Name returns "eql".
func (*Interpreter) Name() string { return "eql" }

// Represents reports whether Elasticsearch would index the event (values fit field types).
func (in *Interpreter) Represents(ev interp.Event) bool {
	return es.Schema{Types: in.Types}.Represents(ev)
}

// Program is a parsed event query.
type Program struct {
	category string
	cond     bexpr
	schema   es.Schema
	text     string // the query
	parts    []part // operands of the top-level and chain, with their text
}

// Match reports whether the condition is true for the event.
func (p *Program) Match(ev interp.Event) (bool, error) {
	t, err := p.cond.truth(p.schema, ev)
	return t == triTrue, err
}

// Parse parses "category where condition".
func (in *Interpreter) Parse(query string) (interp.Program, error) {
	toks, err := lex(query)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, schema: es.Schema{Types: in.Types}}
	cat := p.next()
	if cat.kind != tIdent {
		return nil, p.errorf("a query starts with an event category")
	}
	switch strings.ToLower(cat.text) {
	case "sequence", "sample", "join":
		return nil, fmt.Errorf("eql: %s queries are not supported (correlations are not verified on single events)", cat.text)
	}
	if !p.kw("where") {
		return nil, p.errorf("expected where after the category")
	}
	cond, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.errorf("unexpected %q (pipes are not supported)", t.text)
	}
	prog := &Program{category: cat.text, cond: cond, schema: p.schema, text: query}
	if l, ok := cond.(*logic); ok {
		src := []rune(query)
		for _, c := range p.chains {
			if c.root != l {
				continue
			}
			prog.parts = make([]part, len(c.spans))
			cur := bexpr(l)
			for i := len(c.spans) - 1; i >= 0; i-- {
				e := cur
				if i > 0 {
					lg := cur.(*logic)
					e, cur = lg.r, lg.l
				}
				sp := c.spans[i]
				prog.parts[i] = part{e, strings.TrimSpace(string(src[sp[0]:min(sp[1], len(src))]))}
			}
		}
	}
	return prog, nil
}

// part is a top-level operand of the condition.
type part struct {
	e    bexpr
	text string
}

// Fragment names the part of the query that decided the event: the first operand of the
// top-level and chain that is not true; the whole query when the event matches.
func (p *Program) Fragment(ev interp.Event) string {
	if t, err := p.cond.truth(p.schema, ev); err == nil && t == triTrue {
		return p.text
	}
	for _, pt := range p.parts {
		if t, err := pt.e.truth(p.schema, ev); err != nil || t != triTrue {
			return pt.text
		}
	}
	return p.text
}

type parser struct {
	toks   []token
	i      int
	schema es.Schema
	depth  int     // parentheses around the cursor
	chains []chain // top-level and chains, for fragments
}

// chain is a top-level AND chain: its root and the text offsets (runes) of its operands.
type chain struct {
	root  *logic
	spans [][2]int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) kw(w string) bool {
	t := p.peek()
	if t.kind == tIdent && !t.quoted && strings.EqualFold(t.text, w) {
		p.i++
		return true
	}
	return false
}

func (p *parser) op(o string) bool {
	t := p.peek()
	if t.kind == tOp && t.text == o {
		p.i++
		return true
	}
	return false
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("eql: at %d: %s", p.peek().pos, fmt.Sprintf(format, args...))
}

func (p *parser) or() (bexpr, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.kw("or") {
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = &logic{or: true, l: l, r: r}
	}
	return l, nil
}

func (p *parser) and() (bexpr, error) {
	var spans [][2]int
	operand := func() (bexpr, error) {
		from := p.peek().pos
		e, err := p.not()
		spans = append(spans, [2]int{from, p.peek().pos})
		return e, err
	}
	l, err := operand()
	if err != nil {
		return nil, err
	}
	for p.kw("and") {
		r, err := operand()
		if err != nil {
			return nil, err
		}
		l = &logic{l: l, r: r}
	}
	if root, ok := l.(*logic); ok && p.depth == 0 {
		p.chains = append(p.chains, chain{root, spans})
	}
	return l, nil
}

func (p *parser) not() (bexpr, error) {
	if p.kw("not") {
		e, err := p.not()
		if err != nil {
			return nil, err
		}
		return &notExpr{e}, nil
	}
	return p.predicate()
}

// predicate parses a value and an optional comparison, or a parenthesised condition.
func (p *parser) predicate() (bexpr, error) {
	if p.op("(") {
		p.depth++
		e, err := p.or()
		p.depth--
		if err != nil {
			return nil, err
		}
		if !p.op(")") {
			return nil, p.errorf("missing )")
		}
		return e, nil
	}
	l, err := p.value()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.kind == tOp {
		switch t.text {
		case "==", "!=", "<", "<=", ">", ">=":
			p.next()
			r, err := p.value()
			if err != nil {
				return nil, err
			}
			return p.compare(t.text, l, r)
		case ":":
			p.next()
			rs, err := p.list()
			if err != nil {
				return nil, err
			}
			return p.colon(l, rs)
		}
	}
	if t.kind == tIdent && !t.quoted {
		neg := false
		save := p.i
		if p.kw("not") {
			neg = true
		}
		w := strings.ToLower(p.peek().text)
		switch w {
		case "like", "like~", "regex", "regex~", "in", "in~":
			p.next()
			rs, err := p.list()
			if err != nil {
				return nil, err
			}
			var e bexpr
			if strings.HasPrefix(w, "in") {
				e, err = p.in(l, rs, w == "in~")
			} else {
				e, err = p.pattern(l, rs, w)
			}
			if err != nil {
				return nil, err
			}
			if neg {
				e = &notExpr{e}
			}
			return e, nil
		}
		if neg {
			p.i = save
		}
	}
	// A bare value: a boolean function or field.
	return truthOf{l}, nil
}

// list reads one value or a parenthesised list of values.
func (p *parser) list() ([]vexpr, error) {
	if !p.op("(") {
		v, err := p.value()
		return []vexpr{v}, err
	}
	var out []vexpr
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if p.op(",") {
			continue
		}
		if !p.op(")") {
			return nil, p.errorf("list needs )")
		}
		return out, nil
	}
}

func (p *parser) value() (vexpr, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return literal{t.text}, nil
	case tNumber:
		f, ok := es.NumberOf(t.text)
		if !ok {
			return nil, p.errorf("bad number %q", t.text)
		}
		return literal{f}, nil
	case tOp:
		if t.text == "-" {
			n := p.next()
			if n.kind != tNumber {
				return nil, p.errorf("- needs a number")
			}
			f, _ := es.NumberOf(n.text)
			return literal{-f}, nil
		}
	case tIdent:
		if !t.quoted {
			switch strings.ToLower(t.text) {
			case "null":
				return literal{nil}, nil
			case "true":
				return literal{true}, nil
			case "false":
				return literal{false}, nil
			}
			if p.op("(") {
				c := &call{name: strings.ToLower(t.text)}
				if !p.op(")") {
					for {
						a, err := p.value()
						if err != nil {
							return nil, err
						}
						c.args = append(c.args, a)
						if p.op(",") {
							continue
						}
						if !p.op(")") {
							return nil, p.errorf("missing ) after arguments of %s", t.text)
						}
						break
					}
				}
				if err := c.check(p.schema); err != nil {
					return nil, err
				}
				return c, nil
			}
		}
		return field{name: t.text, kind: p.schema.Kind(t.text)}, nil
	}
	return nil, fmt.Errorf("eql: at %d: unexpected %q", t.pos, t.text)
}
