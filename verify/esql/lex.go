package esql

import (
	"fmt"
	"strings"
	"unicode"
)

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tString
	tNumber
	tOp
)

type token struct {
	kind tokKind
	text string // identifier name, unescaped string, number text or operator
	pos  int
}

// lex splits an ES|QL expression into tokens.
func lex(src string) ([]token, error) {
	var out []token
	rs := []rune(src)
	for i := 0; i < len(rs); {
		c := rs[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '"':
			start := i
			if i+2 < len(rs) && rs[i+1] == '"' && rs[i+2] == '"' {
				end := strings.Index(string(rs[i+3:]), `"""`)
				if end < 0 {
					return nil, fmt.Errorf("esql: unterminated triple-quoted string at %d", i)
				}
				body := []rune(string(rs[i+3:])[:end])
				out = append(out, token{tString, string(body), start})
				i += 3 + len(body) + 3
				continue
			}
			i++
			var b strings.Builder
			for {
				if i >= len(rs) {
					return nil, fmt.Errorf("esql: unterminated string at %d", start)
				}
				c := rs[i]
				i++
				if c == '"' {
					break
				}
				if c == '\\' && i < len(rs) {
					e := rs[i]
					i++
					switch e {
					case 'n':
						b.WriteByte('\n')
					case 'r':
						b.WriteByte('\r')
					case 't':
						b.WriteByte('\t')
					case '"', '\\':
						b.WriteRune(e)
					default:
						return nil, fmt.Errorf("esql: unknown escape \\%c at %d", e, i-2)
					}
					continue
				}
				b.WriteRune(c)
			}
			out = append(out, token{tString, b.String(), start})
		case c == '`':
			start := i
			i++
			var b strings.Builder
			for {
				if i >= len(rs) {
					return nil, fmt.Errorf("esql: unterminated quoted identifier at %d", start)
				}
				if rs[i] == '`' {
					if i+1 < len(rs) && rs[i+1] == '`' {
						b.WriteByte('`')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteRune(rs[i])
				i++
			}
			// A quoted part may be joined to others by dots.
			name := b.String()
			if n := len(out); n > 0 && out[n-1].kind == tIdent && strings.HasSuffix(out[n-1].text, ".") {
				out[n-1].text += name
				continue
			}
			out = append(out, token{tIdent, name, start})
		case unicode.IsDigit(c):
			start := i
			for i < len(rs) && (unicode.IsDigit(rs[i]) || rs[i] == '.' || rs[i] == 'e' || rs[i] == 'E' ||
				((rs[i] == '+' || rs[i] == '-') && (rs[i-1] == 'e' || rs[i-1] == 'E'))) {
				i++
			}
			out = append(out, token{tNumber, string(rs[start:i]), start})
		case unicode.IsLetter(c) || c == '_' || c == '@':
			start := i
			for i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i]) || rs[i] == '_' || rs[i] == '@' || rs[i] == '.') {
				i++
			}
			out = append(out, token{tIdent, string(rs[start:i]), start})
		default:
			start := i
			two := ""
			if i+1 < len(rs) {
				two = string(rs[i : i+2])
			}
			switch two {
			case "==", "!=", "<=", ">=":
				out = append(out, token{tOp, two, start})
				i += 2
				continue
			}
			if !strings.ContainsRune("<>()+-*/%,", c) {
				return nil, fmt.Errorf("esql: unexpected %q at %d", c, i)
			}
			out = append(out, token{tOp, string(c), start})
			i++
		}
	}
	return append(out, token{tEOF, "", len(rs)}), nil
}
