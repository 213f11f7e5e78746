package spl

import (
	"fmt"
	"strings"
)

// splitPipes splits a query into commands at | outside double and single quotes.
func splitPipes(q string) []string {
	var out []string
	start, quote := 0, byte(0)
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == '\\' && i+1 < len(q) {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '|':
			out = append(out, q[start:i])
			start = i + 1
		}
	}
	return append(out, q[start:])
}

type tokKind int

const (
	tWord   tokKind = iota // unquoted word
	tString                // "double quoted"
	tField                 // 'single quoted' (a field name in eval)
	tNumber                // number literal (eval only)
	tOp                    // operator or punctuation
	tEOF
)

type token struct {
	kind tokKind
	text string // decoded text
	pos  int
}

// lexer tokenizes search and eval expressions. In search mode, unquoted words run up to
// whitespace, parentheses, comparison operators and commas; in eval mode words are names.
type lexer struct {
	src  string
	pos  int
	eval bool
	toks []token
}

func tokenize(src string, evalMode bool) ([]token, error) {
	lx := &lexer{src: src, eval: evalMode}
	for {
		t, err := lx.next()
		if err != nil {
			return nil, err
		}
		lx.toks = append(lx.toks, t)
		if t.kind == tEOF {
			return lx.toks, nil
		}
	}
}

func (lx *lexer) next() (token, error) {
	s := lx.src
	for lx.pos < len(s) && strings.IndexByte(" \t\r\n", s[lx.pos]) >= 0 {
		lx.pos++
	}
	start := lx.pos
	if lx.pos >= len(s) {
		return token{kind: tEOF, pos: start}, nil
	}
	c := s[lx.pos]
	switch {
	case c == '"':
		text, err := lx.quoted('"')
		return token{kind: tString, text: text, pos: start}, err
	case c == '\'' && lx.eval:
		text, err := lx.quoted('\'')
		return token{kind: tField, text: text, pos: start}, err
	}
	for _, op := range []string{"==", "!=", "<=", ">=", "=", "<", ">", "(", ")", ",", "+", "-", "*", "/", "%", "."} {
		if !strings.HasPrefix(s[lx.pos:], op) {
			continue
		}
		if !lx.eval && strings.Contains("+-*/%.", op) {
			break // in search these are ordinary word characters
		}
		if lx.eval && (op == "." || op == "-") && lx.pos+1 < len(s) && isDigit(s[lx.pos+1]) && op == "." {
			break
		}
		lx.pos += len(op)
		return token{kind: tOp, text: op, pos: start}, nil
	}
	if lx.eval && (isDigit(c) || c == '.') {
		for lx.pos < len(s) && (isDigit(s[lx.pos]) || s[lx.pos] == '.') {
			lx.pos++
		}
		return token{kind: tNumber, text: s[start:lx.pos], pos: start}, nil
	}
	for lx.pos < len(s) {
		c := s[lx.pos]
		if strings.IndexByte(" \t\r\n()=<>!,\"", c) >= 0 {
			break
		}
		if lx.eval && strings.IndexByte("+-*/%.'", c) >= 0 {
			break
		}
		lx.pos++
	}
	if lx.pos == start {
		return token{}, fmt.Errorf("offset %d: unexpected %q", start, c)
	}
	return token{kind: tWord, text: s[start:lx.pos], pos: start}, nil
}

// quoted reads a quoted string: \\ is a backslash and \<quote> the quote; any other backslash
// is kept as written.
func (lx *lexer) quoted(q byte) (string, error) {
	s := lx.src
	start := lx.pos
	lx.pos++
	var b strings.Builder
	for lx.pos < len(s) {
		c := s[lx.pos]
		switch {
		case c == '\\' && lx.pos+1 < len(s) && (s[lx.pos+1] == '\\' || s[lx.pos+1] == q):
			b.WriteByte(s[lx.pos+1])
			lx.pos += 2
		case c == q:
			lx.pos++
			return b.String(), nil
		default:
			b.WriteByte(c)
			lx.pos++
		}
	}
	return "", fmt.Errorf("offset %d: unterminated string", start)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
