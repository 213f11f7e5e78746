package eql

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/sigconv/sigconv/verify/internal/exprparse"
)

// EQL's own lexical rules (the rest is exprparse's): ?"..." raw strings, the escapes \' and
// \u{hex}, backquoted field names that are never keywords, and a ~ after an identifier (the
// case-insensitive operators like~, regex~, in~ and function forms).
func lex(src string) ([]exprparse.Token, error) {
	s := exprparse.NewScanner("eql", src)
	for s.More() {
		c := s.Src[s.I]
		switch {
		case unicode.IsSpace(c):
			s.I++
		case c == '"' || (c == '?' && s.I+1 < len(s.Src) && s.Src[s.I+1] == '"'):
			start := s.I
			raw := c == '?'
			if raw {
				s.I++
			}
			if s.TripleQuoteAt(s.I) {
				body, ok := s.TripleQuoted()
				if !ok {
					return nil, fmt.Errorf("eql: unterminated string at %d", start)
				}
				s.Emit(exprparse.String, body, start, false)
				continue
			}
			s.I++
			text, err := s.Quoted(start, raw, eqlEscape)
			if err != nil {
				return nil, err
			}
			s.Emit(exprparse.String, text, start, false)
		case c == '`':
			start := s.I
			s.I++
			name, ok := s.Backquoted()
			if !ok {
				return nil, fmt.Errorf("eql: unterminated quoted field at %d", start)
			}
			s.Emit(exprparse.Ident, name, start, true)
		case unicode.IsDigit(c):
			start := s.I
			s.Emit(exprparse.Number, s.Number(false), start, false)
		case exprparse.IdentStart(c):
			start := s.I
			text := s.Ident()
			if s.More() && s.Src[s.I] == '~' {
				text += "~"
				s.I++
			}
			s.Emit(exprparse.Ident, text, start, false)
		default:
			if err := s.Operator("<>():,-+*/%"); err != nil {
				return nil, err
			}
		}
	}
	return s.Done(), nil
}

// eqlEscape decodes the escapes EQL has beyond the common ones: \' and \u{hex} (2 to 8 hex
// digits).
func eqlEscape(s *exprparse.Scanner, e rune, b *strings.Builder) (bool, error) {
	rs, i := s.Src, s.I
	switch e {
	case '\'':
		b.WriteRune(e)
		return true, nil
	case 'u':
		if i >= len(rs) || rs[i] != '{' {
			return true, fmt.Errorf("eql: \\u needs {hex} at %d", i)
		}
		end := strings.IndexRune(string(rs[i:]), '}')
		if end < 0 {
			return true, fmt.Errorf("eql: unterminated \\u{ at %d", i)
		}
		hex := string(rs[i+1 : i+len([]rune(string(rs[i:])[:end]))])
		n, err := strconv.ParseUint(hex, 16, 32)
		if err != nil || len(hex) < 2 || len(hex) > 8 {
			return true, fmt.Errorf("eql: bad \\u{%s}", hex)
		}
		b.WriteRune(rune(n))
		s.I += len([]rune(string(rs[i:])[:end])) + 1
		return true, nil
	}
	return false, nil
}
