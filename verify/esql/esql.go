package esql

import (
	"fmt"
	"strings"

	"github.com/sigconv/sigconv/verify/internal/es"
	"github.com/sigconv/sigconv/verify/internal/exprparse"
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
	parts  [][]exprparse.Part[expr] // per WHERE: its top-level AND operands with their text
	texts  []string                 // per WHERE: its condition text
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
			if v, err := pt.E.eval(p.schema, ev); err != nil || v != true {
				return pt.Text
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
			p := newParser(toks)
			e, err := p.Or()
			if err != nil {
				return nil, err
			}
			if p.Peek().Kind != exprparse.EOF {
				return nil, fmt.Errorf("esql: unexpected %q in WHERE", p.Peek().Text)
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
			prog.parts = append(prog.parts, p.Parts(e, []rune(rest)))
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

// parser reads a condition: exprparse's boolean layer (OR, AND, NOT) over ES|QL predicates
// and value expressions.
type parser struct {
	exprparse.Parser[expr]
}

func newParser(toks []exprparse.Token) *parser {
	p := &parser{}
	p.Parser = exprparse.Parser[expr]{Lang: "esql", Toks: toks, Grammar: exprparse.Grammar[expr]{
		Logic:     func(or bool, l, r expr) expr { return &logic{or: or, l: l, r: r} },
		IsLogic:   func(e expr) bool { _, ok := e.(*logic); return ok },
		Not:       func(e expr) expr { return &notExpr{e} },
		Predicate: p.predicate,
	}}
	return p
}

func (p *parser) predicate() (expr, error) {
	l, err := p.additive()
	if err != nil {
		return nil, err
	}
	if p.Keyword("IS") {
		neg := p.Keyword("NOT")
		if !p.Keyword("NULL") {
			return nil, p.Errorf("IS needs NULL")
		}
		return &isNull{e: l, neg: neg}, nil
	}
	neg := false
	save := p.I
	if p.Keyword("NOT") {
		neg = true
	}
	var e expr
	switch {
	case p.Keyword("LIKE"), p.Keyword("RLIKE"):
		regex := strings.EqualFold(p.Toks[p.I-1].Text, "RLIKE")
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
	case p.Keyword("IN"):
		if !p.Op("(") {
			return nil, p.Errorf("IN needs (")
		}
		in := &inExpr{e: l}
		err := p.List(func() error {
			x, err := p.additive()
			in.list = append(in.list, x)
			return err
		}, "IN list needs )")
		if err != nil {
			return nil, err
		}
		e = in
	default:
		if neg {
			p.I = save
			return l, nil
		}
		t := p.Peek()
		if t.Kind == exprparse.Op {
			switch t.Text {
			case "==", "!=", "<", "<=", ">", ">=":
				p.Next()
				r, err := p.additive()
				if err != nil {
					return nil, err
				}
				return &compare{op: t.Text, l: l, r: r}, nil
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
	var out []string
	pattern := func() error {
		t := p.Next()
		if t.Kind != exprparse.String {
			return p.Errorf("pattern must be a string")
		}
		out = append(out, t.Text)
		return nil
	}
	var err error
	if p.Op("(") {
		err = p.List(pattern, "pattern list needs )")
	} else {
		err = pattern()
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (p *parser) additive() (expr, error) {
	l, err := p.primary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.Peek()
		if t.Kind != exprparse.Op || (t.Text != "+" && t.Text != "-") {
			return l, nil
		}
		p.Next()
		r, err := p.primary()
		if err != nil {
			return nil, err
		}
		l = &arith{op: t.Text, l: l, r: r}
	}
}

func (p *parser) primary() (expr, error) {
	t := p.Next()
	switch t.Kind {
	case exprparse.String:
		return literal{t.Text}, nil
	case exprparse.Number:
		f, ok := es.NumberOf(t.Text)
		if !ok {
			return nil, p.Errorf("bad number %q", t.Text)
		}
		return literal{f}, nil
	case exprparse.Op:
		if t.Text == "(" {
			p.Depth++
			e, err := p.Or()
			p.Depth--
			if err != nil {
				return nil, err
			}
			if !p.Op(")") {
				return nil, p.Errorf("missing )")
			}
			return e, nil
		}
		if t.Text == "-" {
			e, err := p.primary()
			if err != nil {
				return nil, err
			}
			return &arith{op: "-", l: literal{0.0}, r: e}, nil
		}
	case exprparse.Ident:
		switch lit := strings.ToUpper(t.Text); {
		case t.Quoted:
			// a backquoted `true` or `null` is a field name
		case lit == "TRUE":
			return literal{true}, nil
		case lit == "FALSE":
			return literal{false}, nil
		case lit == "NULL":
			return literal{nil}, nil
		}
		if !t.Quoted && p.Op("(") {
			call := &call{name: strings.ToUpper(t.Text)}
			if !p.Op(")") {
				err := p.List(func() error {
					p.Depth++
					a, err := p.Or()
					p.Depth--
					call.args = append(call.args, a)
					return err
				}, "missing ) after arguments of "+t.Text)
				if err != nil {
					return nil, err
				}
			}
			if err := call.check(); err != nil {
				return nil, err
			}
			return call, nil
		}
		return field(t.Text), nil
	}
	return nil, p.Unexpected(t)
}

// Normalize returns the event as Elasticsearch stores it (see es.Schema.Normalize).
func (p *Program) Normalize(ev interp.Event) interp.Event { return p.schema.Normalize(ev) }
