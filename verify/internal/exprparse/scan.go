package exprparse

import (
	"fmt"
	"strings"
	"unicode"
)

// Kind is a token's kind.
type Kind int

// Token kinds.
const (
	EOF    Kind = iota // the end of the input
	Ident              // an identifier or keyword
	String             // a string literal, unescaped
	Number             // a number's text
	Op                 // an operator or punctuation
)

// Token is one token of a condition.
type Token struct {
	Kind   Kind
	Text   string // identifier, unescaped string, number text or operator
	Pos    int    // offset in runes of the token's first character
	Quoted bool   // an identifier written in backquotes: never a keyword
}

// Scanner walks the runes of a query for a lexer: the lexer looks at Src[I], decides what
// it starts and calls the method that reads it.
type Scanner struct {
	Lang string // for errors: "eql", "esql"
	Src  []rune
	I    int     // the next rune to read
	Toks []Token // the tokens read so far
}

// NewScanner returns a scanner at the start of src.
func NewScanner(lang, src string) *Scanner { return &Scanner{Lang: lang, Src: []rune(src)} }

// More reports whether runes are left.
func (s *Scanner) More() bool { return s.I < len(s.Src) }

// Emit appends a token.
func (s *Scanner) Emit(kind Kind, text string, pos int, quoted bool) {
	s.Toks = append(s.Toks, Token{Kind: kind, Text: text, Pos: pos, Quoted: quoted})
}

// Done appends the EOF token and returns the tokens.
func (s *Scanner) Done() []Token {
	return append(s.Toks, Token{Kind: EOF, Pos: len(s.Src)})
}

// TripleQuoteAt reports whether `"""` starts at i.
func (s *Scanner) TripleQuoteAt(i int) bool {
	return i+2 < len(s.Src) && s.Src[i] == '"' && s.Src[i+1] == '"' && s.Src[i+2] == '"'
}

// TripleQuoted reads a """ string (no escapes) starting at I; false when it is not closed.
func (s *Scanner) TripleQuoted() (string, bool) {
	rest := string(s.Src[s.I+3:])
	end := strings.Index(rest, `"""`)
	if end < 0 {
		return "", false
	}
	body := []rune(rest[:end])
	s.I += 3 + len(body) + 3
	return string(body), true
}

// Escape decodes an escape sequence other than \n \r \t \" \\: e is the character after the
// backslash and I the index after e; it writes the character to b and moves I past what
// else it reads. handled false means e is not an escape of the language.
type Escape func(s *Scanner, e rune, b *strings.Builder) (handled bool, err error)

// Quoted reads a "..." string whose opening quote is just before I; start is where the
// literal begins, for errors. A backslash starts an escape (\n \r \t \" \\, and what more
// decodes) unless raw.
func (s *Scanner) Quoted(start int, raw bool, more Escape) (string, error) {
	var b strings.Builder
	for {
		if s.I >= len(s.Src) {
			return "", fmt.Errorf("%s: unterminated string at %d", s.Lang, start)
		}
		c := s.Src[s.I]
		s.I++
		if c == '"' {
			return b.String(), nil
		}
		if c != '\\' || s.I >= len(s.Src) || raw {
			b.WriteRune(c)
			continue
		}
		e := s.Src[s.I]
		s.I++
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
			handled := false
			if more != nil {
				var err error
				if handled, err = more(s, e, &b); err != nil {
					return "", err
				}
			}
			if !handled {
				return "", fmt.Errorf("%s: unknown escape \\%c at %d", s.Lang, e, s.I-2)
			}
		}
	}
}

// Backquoted reads a `...` name whose opening backquote is just before I (a doubled
// backquote stands for one); false when it is not closed.
func (s *Scanner) Backquoted() (string, bool) {
	var b strings.Builder
	for s.I < len(s.Src) {
		if s.Src[s.I] != '`' {
			b.WriteRune(s.Src[s.I])
			s.I++
			continue
		}
		if s.I+1 < len(s.Src) && s.Src[s.I+1] == '`' {
			b.WriteByte('`')
			s.I += 2
			continue
		}
		s.I++
		return b.String(), true
	}
	return "", false
}

// IdentStart reports whether c starts an identifier: a letter, _ or @.
func IdentStart(c rune) bool { return unicode.IsLetter(c) || c == '_' || c == '@' }

// Ident reads an identifier starting at I: letters, digits, _, @ and . (dotted names).
func (s *Scanner) Ident() string {
	start := s.I
	for s.I < len(s.Src) && (unicode.IsLetter(s.Src[s.I]) || unicode.IsDigit(s.Src[s.I]) || strings.ContainsRune("_@.", s.Src[s.I])) {
		s.I++
	}
	return string(s.Src[start:s.I])
}

// Number reads a number's text starting at I: digits, '.', e and E, and with signedExp a +
// or - right after e / E.
func (s *Scanner) Number(signedExp bool) string {
	start := s.I
	for s.I < len(s.Src) {
		c := s.Src[s.I]
		sign := signedExp && (c == '+' || c == '-') && (s.Src[s.I-1] == 'e' || s.Src[s.I-1] == 'E')
		if !unicode.IsDigit(c) && c != '.' && c != 'e' && c != 'E' && !sign {
			break
		}
		s.I++
	}
	return string(s.Src[start:s.I])
}

// Operator reads == != <= >= or one of the characters singles as an Op token.
func (s *Scanner) Operator(singles string) error {
	start := s.I
	if s.I+1 < len(s.Src) {
		switch two := string(s.Src[s.I : s.I+2]); two {
		case "==", "!=", "<=", ">=":
			s.Emit(Op, two, start, false)
			s.I += 2
			return nil
		}
	}
	c := s.Src[s.I]
	if !strings.ContainsRune(singles, c) {
		return fmt.Errorf("%s: unexpected %q at %d", s.Lang, c, s.I)
	}
	s.Emit(Op, string(c), start, false)
	s.I++
	return nil
}
