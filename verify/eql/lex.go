package eql

import (
	"fmt"
	"strconv"
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
	kind   tokKind
	text   string // identifier (with a trailing ~ for insensitive operators), string, number, operator
	pos    int
	quoted bool // identifier written in backquotes
}

func lex(src string) ([]token, error) {
	var out []token
	rs := []rune(src)
	for i := 0; i < len(rs); {
		c := rs[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '"' || (c == '?' && i+1 < len(rs) && rs[i+1] == '"'):
			start := i
			raw := c == '?'
			if raw {
				i++
			}
			if i+2 < len(rs) && rs[i+1] == '"' && rs[i+2] == '"' {
				end := strings.Index(string(rs[i+3:]), `"""`)
				if end < 0 {
					return nil, fmt.Errorf("eql: unterminated string at %d", start)
				}
				body := []rune(string(rs[i+3:])[:end])
				out = append(out, token{kind: tString, text: string(body), pos: start})
				i += 3 + len(body) + 3
				continue
			}
			i++
			var b strings.Builder
			for {
				if i >= len(rs) {
					return nil, fmt.Errorf("eql: unterminated string at %d", start)
				}
				c := rs[i]
				i++
				if c == '"' {
					break
				}
				if c == '\\' && i < len(rs) && !raw {
					e := rs[i]
					i++
					switch e {
					case 'n':
						b.WriteByte('\n')
					case 'r':
						b.WriteByte('\r')
					case 't':
						b.WriteByte('\t')
					case '"', '\\', '\'':
						b.WriteRune(e)
					case 'u':
						if i >= len(rs) || rs[i] != '{' {
							return nil, fmt.Errorf("eql: \\u needs {hex} at %d", i)
						}
						end := strings.IndexRune(string(rs[i:]), '}')
						if end < 0 {
							return nil, fmt.Errorf("eql: unterminated \\u{ at %d", i)
						}
						hex := string(rs[i+1 : i+len([]rune(string(rs[i:])[:end]))])
						n, err := strconv.ParseUint(hex, 16, 32)
						if err != nil || len(hex) < 2 || len(hex) > 8 {
							return nil, fmt.Errorf("eql: bad \\u{%s}", hex)
						}
						b.WriteRune(rune(n))
						i += len([]rune(string(rs[i:])[:end])) + 1
					default:
						return nil, fmt.Errorf("eql: unknown escape \\%c at %d", e, i-2)
					}
					continue
				}
				b.WriteRune(c)
			}
			out = append(out, token{kind: tString, text: b.String(), pos: start})
		case c == '`':
			start := i
			i++
			var b strings.Builder
			for {
				if i >= len(rs) {
					return nil, fmt.Errorf("eql: unterminated quoted field at %d", start)
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
			out = append(out, token{kind: tIdent, text: b.String(), pos: start, quoted: true})
		case unicode.IsDigit(c):
			start := i
			for i < len(rs) && (unicode.IsDigit(rs[i]) || rs[i] == '.' || rs[i] == 'e' || rs[i] == 'E') {
				i++
			}
			out = append(out, token{kind: tNumber, text: string(rs[start:i]), pos: start})
		case unicode.IsLetter(c) || c == '_' || c == '@':
			start := i
			for i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i]) || strings.ContainsRune("_@.", rs[i])) {
				i++
			}
			text := string(rs[start:i])
			if i < len(rs) && rs[i] == '~' {
				text += "~"
				i++
			}
			out = append(out, token{kind: tIdent, text: text, pos: start})
		default:
			start := i
			if i+1 < len(rs) {
				switch two := string(rs[i : i+2]); two {
				case "==", "!=", "<=", ">=":
					out = append(out, token{kind: tOp, text: two, pos: start})
					i += 2
					continue
				}
			}
			if !strings.ContainsRune("<>():,-+*/%", c) {
				return nil, fmt.Errorf("eql: unexpected %q at %d", c, i)
			}
			out = append(out, token{kind: tOp, text: string(c), pos: start})
			i++
		}
	}
	return append(out, token{kind: tEOF, pos: len(rs)}), nil
}
