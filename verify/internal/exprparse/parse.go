package exprparse

import (
	"fmt"
	"strings"
)

// Grammar is what a language gives the boolean layer: how to build its nodes and how to
// parse a predicate, the operand of not.
type Grammar[E comparable] struct {
	Logic     func(or bool, l, r E) E // l or r, l and r
	IsLogic   func(e E) bool          // whether e was built by Logic
	Not       func(e E) E
	Predicate func() (E, error)
}

// Parser is a recursive-descent parser over tokens. Or, And and Not parse the boolean layer
// of a condition; the language's own methods parse the rest with Peek, Next, Keyword, Op and
// List, and raise Depth inside parentheses so that only top-level and chains are recorded.
type Parser[E comparable] struct {
	Lang    string // for errors: "eql", "esql"
	Toks    []Token
	I       int // the next token
	Depth   int // parentheses (and argument lists) around the cursor
	Grammar Grammar[E]
	chains  []chain[E]
}

// chain is a top-level and chain: its root and its operands with their text offsets (runes).
type chain[E comparable] struct {
	root     E
	operands []E
	spans    [][2]int
}

// Peek returns the next token without consuming it.
func (p *Parser[E]) Peek() Token { return p.Toks[p.I] }

// Next consumes and returns the next token (EOF stays).
func (p *Parser[E]) Next() Token {
	t := p.Toks[p.I]
	if t.Kind != EOF {
		p.I++
	}
	return t
}

// Keyword reports whether the next token is the keyword w (any case, not backquoted) and
// consumes it.
func (p *Parser[E]) Keyword(w string) bool {
	t := p.Peek()
	if t.Kind == Ident && !t.Quoted && strings.EqualFold(t.Text, w) {
		p.I++
		return true
	}
	return false
}

// Op reports whether the next token is the operator o and consumes it.
func (p *Parser[E]) Op(o string) bool {
	t := p.Peek()
	if t.Kind == Op && t.Text == o {
		p.I++
		return true
	}
	return false
}

// Errorf is an error at the next token.
func (p *Parser[E]) Errorf(format string, args ...any) error {
	return fmt.Errorf("%s: at %d: %s", p.Lang, p.Peek().Pos, fmt.Sprintf(format, args...))
}

// Unexpected is the error for a token that starts nothing.
func (p *Parser[E]) Unexpected(t Token) error {
	return fmt.Errorf("%s: at %d: unexpected %q", p.Lang, t.Pos, t.Text)
}

// List reads items separated by commas up to ")", the "(" being read; missing is the error
// when an item is followed by neither.
func (p *Parser[E]) List(item func() error, missing string) error {
	for {
		if err := item(); err != nil {
			return err
		}
		if p.Op(",") {
			continue
		}
		if !p.Op(")") {
			return p.Errorf("%s", missing)
		}
		return nil
	}
}

// Or parses and-chains joined by or.
func (p *Parser[E]) Or() (E, error) {
	var zero E
	l, err := p.And()
	if err != nil {
		return zero, err
	}
	for p.Keyword("or") {
		r, err := p.And()
		if err != nil {
			return zero, err
		}
		l = p.Grammar.Logic(true, l, r)
	}
	return l, nil
}

// And parses not-operands joined by and. At the top level (Depth 0) it records the chain
// when its result is a logic node, for Parts.
func (p *Parser[E]) And() (E, error) {
	var c chain[E]
	operand := func() (E, error) {
		from := p.Peek().Pos
		e, err := p.Not()
		c.operands = append(c.operands, e)
		c.spans = append(c.spans, [2]int{from, p.Peek().Pos})
		return e, err
	}
	var zero E
	l, err := operand()
	if err != nil {
		return zero, err
	}
	for p.Keyword("and") {
		r, err := operand()
		if err != nil {
			return zero, err
		}
		l = p.Grammar.Logic(false, l, r)
	}
	if p.Depth == 0 && p.Grammar.IsLogic(l) {
		c.root = l
		p.chains = append(p.chains, c)
	}
	return l, nil
}

// Not parses any number of not before a predicate.
func (p *Parser[E]) Not() (E, error) {
	if p.Keyword("not") {
		e, err := p.Not()
		if err != nil {
			var zero E
			return zero, err
		}
		return p.Grammar.Not(e), nil
	}
	return p.Grammar.Predicate()
}

// Part is a top-level operand of a condition, with its text.
type Part[E any] struct {
	E    E
	Text string
}

// Parts returns the operands of root, when it is a top-level and chain, with their text in
// src (the text the token positions count in); nil otherwise.
func (p *Parser[E]) Parts(root E, src []rune) []Part[E] {
	if !p.Grammar.IsLogic(root) {
		return nil
	}
	for _, c := range p.chains {
		if c.root != root {
			continue
		}
		out := make([]Part[E], len(c.operands))
		for i, e := range c.operands {
			sp := c.spans[i]
			out[i] = Part[E]{e, strings.TrimSpace(string(src[sp[0]:min(sp[1], len(src))]))}
		}
		return out
	}
	return nil
}
