package pipeline

import (
	"fmt"
	"strings"
	"unicode"
)

// bexpr is a parsed *_cond_expr: identifiers combined with and, or, not and
// parentheses (pySigma's condition expression syntax).
type bexpr interface {
	eval(f func(name string) bool) bool
	names(into map[string]bool)
}

type bIdent string
type bNot struct{ x bexpr }
type bAnd struct{ a, b bexpr }
type bOr struct{ a, b bexpr }

func (e bIdent) eval(f func(string) bool) bool { return f(string(e)) }
func (e bNot) eval(f func(string) bool) bool   { return !e.x.eval(f) }
func (e bAnd) eval(f func(string) bool) bool   { return e.a.eval(f) && e.b.eval(f) }
func (e bOr) eval(f func(string) bool) bool    { return e.a.eval(f) || e.b.eval(f) }

func (e bIdent) names(m map[string]bool) { m[string(e)] = true }
func (e bNot) names(m map[string]bool)   { e.x.names(m) }
func (e bAnd) names(m map[string]bool)   { e.a.names(m); e.b.names(m) }
func (e bOr) names(m map[string]bool)    { e.a.names(m); e.b.names(m) }

// parseBoolExpr parses src; precedence is not > and > or.
func parseBoolExpr(src string) (bexpr, error) {
	p := &bparser{toks: tokenize(src)}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.i])
	}
	return e, nil
}

func tokenize(s string) []string {
	var out []string
	i := 0
	for i < len(s) {
		c := rune(s[i])
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '(' || c == ')':
			out = append(out, string(c))
			i++
		default:
			j := i
			for j < len(s) && !unicode.IsSpace(rune(s[j])) && s[j] != '(' && s[j] != ')' {
				j++
			}
			out = append(out, s[i:j])
			i = j
		}
	}
	return out
}

type bparser struct {
	toks []string
	i    int
}

func (p *bparser) peek() string {
	if p.i < len(p.toks) {
		return strings.ToLower(p.toks[p.i])
	}
	return ""
}

func (p *bparser) or() (bexpr, error) {
	a, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peek() == "or" {
		p.i++
		b, err := p.and()
		if err != nil {
			return nil, err
		}
		a = bOr{a, b}
	}
	return a, nil
}

func (p *bparser) and() (bexpr, error) {
	a, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.peek() == "and" {
		p.i++
		b, err := p.unary()
		if err != nil {
			return nil, err
		}
		a = bAnd{a, b}
	}
	return a, nil
}

func (p *bparser) unary() (bexpr, error) {
	switch t := p.peek(); t {
	case "":
		return nil, fmt.Errorf("unexpected end of expression")
	case "not":
		p.i++
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return bNot{x}, nil
	case "(":
		p.i++
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("missing )")
		}
		p.i++
		return x, nil
	case ")", "and", "or":
		return nil, fmt.Errorf("unexpected %q", p.toks[p.i])
	}
	tok := p.toks[p.i]
	p.i++
	return bIdent(tok), nil
}
