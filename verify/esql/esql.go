package esql

import (
	"fmt"
	"strings"

	"github.com/sigconv/sigconv/verify/internal/es"
	"github.com/sigconv/sigconv/verify/interp"
)

// Interpreter reads ES|QL queries. The zero value uses ECS field types.
type Interpreter struct {
	// Types gives field types; nil means ECS defaults (see verify/internal/es).
	Types interp.FieldTypes
}

// New returns an ES|QL interpreter with ECS field types.
func New() *Interpreter { return &Interpreter{} }

// Name returns "esql".
func (*Interpreter) Name() string { return "esql" }

// Represents reports whether Elasticsearch would index the event (values fit field types).
func (in *Interpreter) Represents(ev interp.Event) bool {
	return es.Schema{Types: in.Types}.Represents(ev)
}

// Program is a parsed query: the conditions of its WHERE commands.
type Program struct {
	wheres []expr
	schema es.Schema
	parts  [][]part // per WHERE: its top-level AND operands with their text
	texts  []string // per WHERE: its condition text
}

// part is a top-level operand of a WHERE condition.
type part struct {
	e    expr
	text string
}

// Fragment names the part of the query that decided the event: the first WHERE operand
// (of a top-level AND chain) that is not true, or the whole condition of the first WHERE
// that drops the event; "" when every WHERE keeps it.
func (p *Program) Fragment(ev interp.Event) string {
	for i, w := range p.wheres {
		if v, err := w.eval(p.schema, ev); err == nil && v == true {
			continue
		}
		for _, pt := range p.parts[i] {
			if v, err := pt.e.eval(p.schema, ev); err != nil || v != true {
				return pt.text
			}
		}
		return p.texts[i]
	}
	return ""
}

// Match reports whether every WHERE condition is true for the event.
func (p *Program) Match(ev interp.Event) (bool, error) {
	for _, w := range p.wheres {
		v, err := w.eval(p.schema, ev)
		if err != nil {
			return false, err
		}
		if b, ok := v.(bool); !ok || !b {
			return false, nil
		}
	}
	return true, nil
}

// Parse parses FROM ... | WHERE ... [| WHERE ...].
func (in *Interpreter) Parse(query string) (interp.Program, error) {
	cmds := splitPipes(query)
	prog := &Program{schema: es.Schema{Types: in.Types}}
	for i, c := range cmds {
		c = strings.TrimSpace(c)
		name, rest, _ := strings.Cut(c, " ")
		name = strings.ToUpper(strings.TrimSpace(name))
		if i == 0 {
			if name != "FROM" {
				return nil, fmt.Errorf("esql: a query starts with FROM, got %q", name)
			}
			continue
		}
		switch name {
		case "WHERE":
			toks, err := lex(rest)
			if err != nil {
				return nil, err
			}
			p := &parser{toks: toks}
			e, err := p.or()
			if err != nil {
				return nil, err
			}
			if p.peek().kind != tEOF {
				return nil, fmt.Errorf("esql: unexpected %q in WHERE", p.peek().text)
			}
			t, err := typeOf(prog.schema, e)
			if err != nil {
				return nil, err
			}
			if t != vBool && t != vNull {
				return nil, fmt.Errorf("esql: WHERE needs a boolean condition, got %s", t)
			}
			prog.wheres = append(prog.wheres, e)
			prog.texts = append(prog.texts, strings.TrimSpace(rest))
			prog.parts = append(prog.parts, parts(p.chains, e, []rune(rest)))
		case "LIMIT", "KEEP", "SORT", "DROP":
		default:
			return nil, fmt.Errorf("esql: command %s is not supported", name)
		}
	}
	return prog, nil
}

// splitPipes splits commands at | outside strings and quoted identifiers.
func splitPipes(q string) []string {
	var out []string
	start := 0
	var quote rune
	rs := []rune(q)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '`':
			quote = c
		case c == '|':
			out = append(out, string(rs[start:i]))
			start = i + 1
		}
	}
	return append(out, string(rs[start:]))
}

type parser struct {
	toks   []token
	i      int
	depth  int     // parentheses and argument lists around the cursor
	chains []chain // top-level AND chains, for fragments
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

// kw reports whether the next token is the keyword w (case-insensitive) and consumes it.
func (p *parser) kw(w string) bool {
	t := p.peek()
	if t.kind == tIdent && strings.EqualFold(t.text, w) {
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
	return fmt.Errorf("esql: at %d: %s", p.peek().pos, fmt.Sprintf(format, args...))
}

func (p *parser) or() (expr, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.kw("OR") {
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = &logic{or: true, l: l, r: r}
	}
	return l, nil
}

func (p *parser) and() (expr, error) {
	var spans [][2]int
	operand := func() (expr, error) {
		from := p.peek().pos
		e, err := p.not()
		spans = append(spans, [2]int{from, p.peek().pos})
		return e, err
	}
	l, err := operand()
	if err != nil {
		return nil, err
	}
	for p.kw("AND") {
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

func (p *parser) not() (expr, error) {
	if p.kw("NOT") {
		e, err := p.not()
		if err != nil {
			return nil, err
		}
		return &notExpr{e}, nil
	}
	return p.predicate()
}

func (p *parser) predicate() (expr, error) {
	l, err := p.additive()
	if err != nil {
		return nil, err
	}
	if p.kw("IS") {
		neg := p.kw("NOT")
		if !p.kw("NULL") {
			return nil, p.errorf("IS needs NULL")
		}
		return &isNull{e: l, neg: neg}, nil
	}
	neg := false
	save := p.i
	if p.kw("NOT") {
		neg = true
	}
	var e expr
	switch {
	case p.kw("LIKE"), p.kw("RLIKE"):
		regex := strings.EqualFold(p.toks[p.i-1].text, "RLIKE")
		pats, err := p.patterns()
		if err != nil {
			return nil, err
		}
		m := &matchExpr{e: l, regex: regex}
		for _, s := range pats {
			if regex {
				re, err := es.CompileRegexp(s, false)
				if err != nil {
					return nil, fmt.Errorf("esql: %w", err)
				}
				m.res = append(m.res, re)
			} else {
				m.res = append(m.res, es.CompileWildcard(s, true, false))
			}
		}
		e = m
	case p.kw("IN"):
		if !p.op("(") {
			return nil, p.errorf("IN needs (")
		}
		in := &inExpr{e: l}
		for {
			x, err := p.additive()
			if err != nil {
				return nil, err
			}
			in.list = append(in.list, x)
			if p.op(",") {
				continue
			}
			if !p.op(")") {
				return nil, p.errorf("IN list needs )")
			}
			break
		}
		e = in
	default:
		if neg {
			p.i = save
			return l, nil
		}
		t := p.peek()
		if t.kind == tOp {
			switch t.text {
			case "==", "!=", "<", "<=", ">", ">=":
				p.next()
				r, err := p.additive()
				if err != nil {
					return nil, err
				}
				return &compare{op: t.text, l: l, r: r}, nil
			}
		}
		return l, nil
	}
	if neg {
		return &notExpr{e}, nil
	}
	return e, nil
}

// patterns reads one string pattern or a parenthesised list of them.
func (p *parser) patterns() ([]string, error) {
	if p.op("(") {
		var out []string
		for {
			t := p.next()
			if t.kind != tString {
				return nil, p.errorf("pattern must be a string")
			}
			out = append(out, t.text)
			if p.op(",") {
				continue
			}
			if !p.op(")") {
				return nil, p.errorf("pattern list needs )")
			}
			return out, nil
		}
	}
	t := p.next()
	if t.kind != tString {
		return nil, p.errorf("pattern must be a string")
	}
	return []string{t.text}, nil
}

func (p *parser) additive() (expr, error) {
	l, err := p.primary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind != tOp || (t.text != "+" && t.text != "-") {
			return l, nil
		}
		p.next()
		r, err := p.primary()
		if err != nil {
			return nil, err
		}
		l = &arith{op: t.text, l: l, r: r}
	}
}

func (p *parser) primary() (expr, error) {
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
		if t.text == "(" {
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
		if t.text == "-" {
			e, err := p.primary()
			if err != nil {
				return nil, err
			}
			return &arith{op: "-", l: literal{0.0}, r: e}, nil
		}
	case tIdent:
		switch strings.ToUpper(t.text) {
		case "TRUE":
			return literal{true}, nil
		case "FALSE":
			return literal{false}, nil
		case "NULL":
			return literal{nil}, nil
		}
		if p.op("(") {
			call := &call{name: strings.ToUpper(t.text)}
			if !p.op(")") {
				for {
					p.depth++
					a, err := p.or()
					p.depth--
					if err != nil {
						return nil, err
					}
					call.args = append(call.args, a)
					if p.op(",") {
						continue
					}
					if !p.op(")") {
						return nil, p.errorf("missing ) after arguments of %s", t.text)
					}
					break
				}
			}
			if err := call.check(); err != nil {
				return nil, err
			}
			return call, nil
		}
		return field(t.text), nil
	}
	return nil, fmt.Errorf("esql: at %d: unexpected %q", t.pos, t.text)
}

// Normalize returns the event as Elasticsearch stores it (see es.Schema.Normalize).
func (p *Program) Normalize(ev interp.Event) interp.Event { return p.schema.Normalize(ev) }

// parts returns the operands of root, when it is a top-level AND chain, with their text.
func parts(chains []chain, root expr, src []rune) []part {
	l, ok := root.(*logic)
	if !ok {
		return nil
	}
	for _, c := range chains {
		if c.root != l {
			continue
		}
		out := make([]part, len(c.spans))
		cur := expr(l)
		for i := len(c.spans) - 1; i >= 0; i-- {
			e := cur
			if i > 0 {
				lg := cur.(*logic)
				e, cur = lg.r, lg.l
			}
			sp := c.spans[i]
			out[i] = part{e, strings.TrimSpace(string(src[sp[0]:min(sp[1], len(src))]))}
		}
		return out
	}
	return nil
}
