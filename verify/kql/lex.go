package kql

import (
	"fmt"
	"strings"
)

type tokKind int

const (
	tIdent  tokKind = iota // identifier or keyword
	tString                // string literal, decoded
	tNumber                // number literal
	tOp                    // operator or punctuation
	tEOF
)

type token struct {
	kind tokKind
	text string
	pos  int
}

// ops are the operators and punctuation, longest first.
var ops = []string{"!contains_cs", "!startswith_cs", "!endswith_cs", "!has_cs", "!contains", "!startswith",
	"!endswith", "!has", "!in~", "!in", "==", "!=", "=~", "!~", "<=", ">=", "<", ">", "=", "(", ")", "[", "]",
	",", ".", "|", "*", "+", "-", "/", "%"}

func tokenize(src string) ([]token, error) {
	var toks []token
	i := 0
	for {
		for i < len(src) && strings.IndexByte(" \t\r\n", src[i]) >= 0 {
			i++
		}
		if i >= len(src) {
			return append(toks, token{kind: tEOF, pos: i}), nil
		}
		start := i
		c := src[i]
		switch {
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case c == '@' && i+1 < len(src) && (src[i+1] == '"' || src[i+1] == '\''):
			q := src[i+1]
			i += 2
			var b strings.Builder
			for {
				if i >= len(src) {
					return nil, fmt.Errorf("offset %d: unterminated verbatim string", start)
				}
				if src[i] == q {
					if i+1 < len(src) && src[i+1] == q {
						b.WriteByte(q)
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(src[i])
				i++
			}
			toks = append(toks, token{kind: tString, text: b.String(), pos: start})
			continue
		case c == '"' || c == '\'':
			s, n, err := unquote(src[i:])
			if err != nil {
				return nil, fmt.Errorf("offset %d: %v", start, err)
			}
			i += n
			toks = append(toks, token{kind: tString, text: s, pos: start})
			continue
		case c >= '0' && c <= '9':
			for i < len(src) && (isIdent(src[i]) || src[i] == '.') {
				i++
			}
			toks = append(toks, token{kind: tNumber, text: src[start:i], pos: start})
			continue
		case isIdent(c):
			for i < len(src) && (isIdent(src[i]) || (src[i] == '~' && strings.HasPrefix(src[start:i], "in"))) {
				i++
			}
			toks = append(toks, token{kind: tIdent, text: src[start:i], pos: start})
			continue
		}
		matched := false
		for _, op := range ops {
			if strings.HasPrefix(src[i:], op) {
				// Word operators must end at a word boundary.
				end := i + len(op)
				if isIdent(op[len(op)-1]) && end < len(src) && isIdent(src[end]) {
					continue
				}
				toks = append(toks, token{kind: tOp, text: op, pos: start})
				i = end
				matched = true
				break
			}
		}
		if !matched {
			return nil, fmt.Errorf("offset %d: unexpected %q", start, c)
		}
	}
}

func isIdent(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// unquote decodes a regular string literal: backslash escapes \\ \" \' \n \t \r; it returns
// the text and the number of bytes read.
func unquote(s string) (string, int, error) {
	q := s[0]
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q:
			return b.String(), i + 1, nil
		case c == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '\\', '"', '\'':
				b.WriteByte(s[i])
			default:
				return "", 0, fmt.Errorf("unknown escape \\%c", s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, fmt.Errorf("unterminated string")
}
