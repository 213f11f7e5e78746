package eql

import (
	"fmt"
	"strings"

	"github.com/sigconv/sigconv/verify/internal/es"
	"github.com/sigconv/sigconv/verify/internal/exprparse"
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
	text     string                  // the query
	parts    []exprparse.Part[bexpr] // operands of the top-level and chain, with their text
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
	p := newParser(toks, es.Schema{Types: in.Types})
	cat := p.Next()
	if cat.Kind != exprparse.Ident {
		return nil, p.Errorf("a query starts with an event category")
	}
	switch strings.ToLower(cat.Text) {
	case "sequence", "sample", "join":
		return nil, fmt.Errorf("eql: %s queries are not supported (correlations are not verified on single events)", cat.Text)
	}
	if !p.Keyword("where") {
		return nil, p.Errorf("expected where after the category")
	}
	cond, err := p.Or()
	if err != nil {
		return nil, err
	}
	if t := p.Peek(); t.Kind != exprparse.EOF {
		return nil, p.Errorf("unexpected %q (pipes are not supported)", t.Text)
	}
	return &Program{category: cat.Text, cond: cond, schema: p.schema, text: query, parts: p.Parts(cond, []rune(query))}, nil
}

// Fragment names the part of the query that decided the event: the first operand of the
// top-level and chain that is not true; the whole query when the event matches.
func (p *Program) Fragment(ev interp.Event) string {
	if t, err := p.cond.truth(p.schema, ev); err == nil && t == triTrue {
		return p.text
	}
	for _, pt := range p.parts {
		if t, err := pt.E.truth(p.schema, ev); err != nil || t != triTrue {
			return pt.Text
		}
	}
	return p.text
}

// parser reads a condition: exprparse's boolean layer (or, and, not) over EQL predicates.
type parser struct {
	exprparse.Parser[bexpr]
	schema es.Schema
}

func newParser(toks []exprparse.Token, schema es.Schema) *parser {
	p := &parser{schema: schema}
	p.Parser = exprparse.Parser[bexpr]{Lang: "eql", Toks: toks, Grammar: exprparse.Grammar[bexpr]{
		Logic:     func(or bool, l, r bexpr) bexpr { return &logic{or: or, l: l, r: r} },
		IsLogic:   func(e bexpr) bool { _, ok := e.(*logic); return ok },
		Not:       func(e bexpr) bexpr { return &notExpr{e} },
		Predicate: p.predicate,
	}}
	return p
}

// predicate parses a value and an optional comparison, or a parenthesised condition.
func (p *parser) predicate() (bexpr, error) {
	if p.Op("(") {
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
	l, err := p.value()
	if err != nil {
		return nil, err
	}
	t := p.Peek()
	if t.Kind == exprparse.Op {
		switch t.Text {
		case "==", "!=", "<", "<=", ">", ">=":
			p.Next()
			r, err := p.value()
			if err != nil {
				return nil, err
			}
			return p.compare(t.Text, l, r)
		case ":":
			p.Next()
			rs, err := p.list()
			if err != nil {
				return nil, err
			}
			return p.colon(l, rs)
		}
	}
	if t.Kind == exprparse.Ident && !t.Quoted {
		neg := false
		save := p.I
		if p.Keyword("not") {
			neg = true
		}
		w := strings.ToLower(p.Peek().Text)
		switch w {
		case "like", "like~", "regex", "regex~", "in", "in~":
			p.Next()
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
			p.I = save
		}
	}
	// A bare value: a boolean function or field.
	return truthOf{l}, nil
}

// list reads one value or a parenthesised list of values.
func (p *parser) list() ([]vexpr, error) {
	if !p.Op("(") {
		v, err := p.value()
		return []vexpr{v}, err
	}
	var out []vexpr
	err := p.List(func() error {
		v, err := p.value()
		out = append(out, v)
		return err
	}, "list needs )")
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (p *parser) value() (vexpr, error) {
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
		if t.Text == "-" {
			n := p.Next()
			if n.Kind != exprparse.Number {
				return nil, p.Errorf("- needs a number")
			}
			f, _ := es.NumberOf(n.Text)
			return literal{-f}, nil
		}
	case exprparse.Ident:
		if !t.Quoted {
			switch strings.ToLower(t.Text) {
			case "null":
				return literal{nil}, nil
			case "true":
				return literal{true}, nil
			case "false":
				return literal{false}, nil
			}
			if p.Op("(") {
				c := &call{name: strings.ToLower(t.Text)}
				if !p.Op(")") {
					err := p.List(func() error {
						a, err := p.value()
						c.args = append(c.args, a)
						return err
					}, "missing ) after arguments of "+t.Text)
					if err != nil {
						return nil, err
					}
				}
				if err := c.check(p.schema); err != nil {
					return nil, err
				}
				return c, nil
			}
		}
		return field{name: t.Text, kind: p.schema.Kind(t.Text)}, nil
	}
	return nil, p.Unexpected(t)
}
