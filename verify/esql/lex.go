package esql

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/sigconv/sigconv/verify/internal/exprparse"
)

// lex splits an ES|QL expression into tokens. ES|QL's own lexical rules (the rest is
// exprparse's): only the common escapes (\n \r \t \" \\), a signed exponent in numbers, and
// a backquoted part joined by a dot to the name before it (a.`b c`).
//
// Backquoted names are marked Quoted: a backquoted AND, NOT, IS, TRUE or NULL is a field name.
func lex(src string) ([]exprparse.Token, error) {
	s := exprparse.NewScanner("esql", src)
	for s.More() {
		c := s.Src[s.I]
		switch {
		case unicode.IsSpace(c):
			s.I++
		case c == '"':
			start := s.I
			if s.TripleQuoteAt(s.I) {
				body, ok := s.TripleQuoted()
				if !ok {
					return nil, fmt.Errorf("esql: unterminated triple-quoted string at %d", start)
				}
				s.Emit(exprparse.String, body, start, false)
				continue
			}
			s.I++
			text, err := s.Quoted(start, false, nil)
			if err != nil {
				return nil, err
			}
			s.Emit(exprparse.String, text, start, false)
		case c == '`':
			start := s.I
			s.I++
			name, ok := s.Backquoted()
			if !ok {
				return nil, fmt.Errorf("esql: unterminated quoted identifier at %d", start)
			}
			if n := len(s.Toks); n > 0 && s.Toks[n-1].Kind == exprparse.Ident && strings.HasSuffix(s.Toks[n-1].Text, ".") {
				s.Toks[n-1].Text += name
				s.Toks[n-1].Quoted = true
				continue
			}
			s.Emit(exprparse.Ident, name, start, true)
		case unicode.IsDigit(c):
			start := s.I
			s.Emit(exprparse.Number, s.Number(true), start, false)
		case exprparse.IdentStart(c):
			start := s.I
			s.Emit(exprparse.Ident, s.Ident(), start, false)
		default:
			if err := s.Operator("<>()+-*/%,"); err != nil {
				return nil, err
			}
		}
	}
	return s.Done(), nil
}
