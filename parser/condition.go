package parser

import (
	"strings"
	"unicode/utf8"

	"github.com/sigconv/sigconv/ir"
)

// maxCondDepth bounds the nesting of parentheses and "not" in a condition.
const maxCondDepth = 64

// ParseCondition parses one condition expression. pos is the position of
// its first character; token positions are computed from it assuming the
// text is on one line. Keywords (and, or, not, of, them, any, all) are
// case-insensitive. Search identifiers are not resolved: see
// docs/parser.md. The error, when not nil, is an ir.ErrorList.
func ParseCondition(src string, pos ir.Pos) (ir.Cond, error) {
	runes := runeCounter(src)
	return parseCondition(src, func(off int) ir.Pos {
		q := pos
		q.Col += runes(off)
		return q
	})
}

// tokKind classifies condition tokens.
type tokKind int

const (
	tokEOF tokKind = iota
	tokLParen
	tokRParen
	tokWord // identifier, pattern, keyword or quantifier
	tokPipe
)

type token struct {
	kind tokKind
	text string // as written
	low  string // lower-cased for keyword comparison
	pos  ir.Pos
}

// condParser is a recursive-descent parser over the token list with the
// precedence or < and < not < "x of" < parentheses.
type condParser struct {
	toks  []token
	i     int
	depth int
	end   ir.Pos
	err   *ir.Error
}

// parseCondition parses src; at maps a byte offset of src (up to len(src))
// to its source position.
func parseCondition(src string, at func(off int) ir.Pos) (ir.Cond, error) {
	p := &condParser{}
	p.lex(src, at)
	if p.err != nil {
		return nil, ir.ErrorList{p.err}
	}
	if p.peek().kind == tokEOF {
		return nil, ir.ErrorList{ir.Errorf(at(0), ir.CodeCondition, "empty condition")}
	}
	c := p.or()
	if p.err == nil && p.peek().kind != tokEOF {
		t := p.peek()
		if t.kind == tokRParen {
			p.fail(t.pos, "unbalanced parentheses: unexpected \")\"")
		} else {
			p.fail(t.pos, "unexpected %q after a complete expression (missing and/or?)", t.text)
		}
	}
	if p.err != nil {
		return nil, ir.ErrorList{p.err}
	}
	return c, nil
}

// lex splits src into tokens positioned by at.
func (p *condParser) lex(src string, at func(off int) ir.Pos) {
	p.toks = make([]token, 0, 8)
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			p.toks = append(p.toks, token{kind: tokLParen, text: "(", pos: at(i)})
			i++
		case c == ')':
			p.toks = append(p.toks, token{kind: tokRParen, text: ")", pos: at(i)})
			i++
		case c == '|':
			p.fail(at(i), "the pipe (aggregation) syntax in conditions is not supported; use a correlation rule")
			return
		default:
			j := i
			for j < len(src) && !strings.ContainsRune(" \t\n\r()|", rune(src[j])) {
				j++
			}
			w := src[i:j]
			p.toks = append(p.toks, token{kind: tokWord, text: w, low: strings.ToLower(w), pos: at(i)})
			i = j
		}
	}
	p.end = at(len(src))
}

func (p *condParser) peek() token {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return token{kind: tokEOF, text: "end of condition", pos: p.end}
}

func (p *condParser) next() token {
	t := p.peek()
	if p.i < len(p.toks) {
		p.i++
	}
	return t
}

func (p *condParser) fail(pos ir.Pos, format string, args ...any) {
	if p.err == nil {
		p.err = ir.Errorf(pos, ir.CodeCondition, format, args...)
	}
}

// isWord reports whether the next token is the keyword kw.
func (p *condParser) isWord(kw string) bool {
	t := p.peek()
	return t.kind == tokWord && t.low == kw
}

func (p *condParser) or() ir.Cond {
	first := p.and()
	if p.err != nil || !p.isWord("or") {
		return first
	}
	or := &ir.Or{Pos: first.Position()}
	or.Terms = appendFlat(or.Terms, first, true)
	for p.err == nil && p.isWord("or") {
		p.next()
		t := p.and()
		if p.err != nil {
			return nil
		}
		or.Terms = appendFlat(or.Terms, t, true)
	}
	return or
}

func (p *condParser) and() ir.Cond {
	first := p.not()
	if p.err != nil || !p.isWord("and") {
		return first
	}
	and := &ir.And{Pos: first.Position()}
	and.Terms = appendFlat(and.Terms, first, false)
	for p.err == nil && p.isWord("and") {
		p.next()
		t := p.not()
		if p.err != nil {
			return nil
		}
		and.Terms = appendFlat(and.Terms, t, false)
	}
	return and
}

// appendFlat appends t to terms, splicing in the terms of t when it is of
// the same kind as the list's owner (And into And, Or into Or), so that
// "a and (b and c)" becomes one three-term And.
func appendFlat(terms []ir.Cond, t ir.Cond, or bool) []ir.Cond {
	switch t := t.(type) {
	case *ir.Or:
		if or {
			return append(terms, t.Terms...)
		}
	case *ir.And:
		if !or {
			return append(terms, t.Terms...)
		}
	}
	return append(terms, t)
}

func (p *condParser) not() ir.Cond {
	if !p.isWord("not") {
		return p.primary()
	}
	t := p.next()
	if !p.enter(t.pos) {
		return nil
	}
	defer p.leave()
	x := p.not()
	if p.err != nil {
		return nil
	}
	return &ir.Not{Pos: t.pos, X: x}
}

func (p *condParser) enter(pos ir.Pos) bool {
	p.depth++
	if p.depth > maxCondDepth {
		p.fail(pos, "condition nested deeper than %d levels", maxCondDepth)
		return false
	}
	return true
}

func (p *condParser) leave() { p.depth-- }

func (p *condParser) primary() ir.Cond {
	t := p.next()
	switch t.kind {
	case tokLParen:
		if !p.enter(t.pos) {
			return nil
		}
		defer p.leave()
		x := p.or()
		if p.err != nil {
			return nil
		}
		if c := p.next(); c.kind != tokRParen {
			if c.kind == tokEOF {
				p.fail(t.pos, "unbalanced parentheses: \"(\" is never closed")
			} else {
				p.fail(c.pos, "expected \")\", found %q", c.text)
			}
			return nil
		}
		return x
	case tokRParen:
		p.fail(t.pos, "unbalanced parentheses: unexpected \")\"")
		return nil
	case tokEOF:
		p.fail(t.pos, "unexpected end of condition, expected a search identifier")
		return nil
	}
	if p.isWord("of") {
		return p.quantified(t)
	}
	switch t.low {
	case "and", "or", "of", "them":
		p.fail(t.pos, "unexpected %q, expected a search identifier", t.text)
		return nil
	}
	if n := p.peek(); n.kind == tokLParen && n.pos.Col == t.pos.Col+utf8.RuneCountInString(t.text) && t.pos.Line == n.pos.Line {
		p.fail(t.pos, "function-style expressions like %q are not supported in conditions; use a correlation rule", t.text+"(")
		return nil
	}
	if strings.Contains(t.text, "*") {
		p.fail(t.pos, "identifier pattern %q needs a quantifier (1 of, any of, all of)", t.text)
		return nil
	}
	return &ir.Ref{Pos: t.pos, Name: t.text}
}

// quantified parses the rest of "Q of X" after the quantifier token q.
func (p *condParser) quantified(q token) ir.Cond {
	p.next() // of
	var word string
	switch q.low {
	case "1", "any", "all":
		word = q.low
	default:
		p.fail(q.pos, "invalid quantifier %q (want 1, any or all)", q.text)
		return nil
	}
	x := &ir.Quantified{Pos: q.pos, Word: word, All: word == "all"}
	t := p.next()
	switch {
	case t.kind != tokWord:
		p.fail(t.pos, "expected a search identifier pattern or \"them\" after %q, found %q", q.text+" of", t.text)
		return nil
	case t.low == "them":
		x.Them = true
	case t.low == "and" || t.low == "or" || t.low == "not" || t.low == "of":
		p.fail(t.pos, "expected a search identifier pattern or \"them\" after %q, found %q", q.text+" of", t.text)
		return nil
	default:
		x.Pattern = t.text
	}
	return x
}

// checkCondition resolves the identifiers and patterns of c against the
// searches of d.
func checkCondition(c ir.Cond, d *ir.Detection, errs *ir.ErrorList) {
	switch c := c.(type) {
	case *ir.And:
		for _, t := range c.Terms {
			checkCondition(t, d, errs)
		}
	case *ir.Or:
		for _, t := range c.Terms {
			checkCondition(t, d, errs)
		}
	case *ir.Not:
		checkCondition(c.X, d, errs)
	case *ir.Ref:
		if d.Search(c.Name) == nil {
			errs.Add(c.Pos, ir.CodeUndefinedIdent, "undefined search identifier %q", c.Name)
		}
	case *ir.Quantified:
		if len(d.Match(c.Pattern, c.Them)) == 0 {
			if c.Them {
				errs.Add(c.Pos, ir.CodeNoMatch, "%q matches no search identifier (names starting with _ are excluded)", c.Word+" of them")
			} else {
				errs.Add(c.Pos, ir.CodeNoMatch, "pattern %q matches no search identifier", c.Pattern)
			}
		}
	}
}
