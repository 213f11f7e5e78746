package exprparse

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
)

// node is a toy condition tree: a leaf name, or an operator with operands.
type node struct {
	op   string // "", "or", "and", "not"
	name string
	args []*node
}

func (n *node) String() string {
	if n.op == "" {
		return n.name
	}
	var parts []string
	for _, a := range n.args {
		parts = append(parts, a.String())
	}
	return n.op + "(" + strings.Join(parts, " ") + ")"
}

// toyLex reads identifiers and the operators ( ) , as tokens.
func toyLex(src string) ([]Token, error) {
	s := NewScanner("toy", src)
	for s.More() {
		c := s.Src[s.I]
		switch {
		case unicode.IsSpace(c):
			s.I++
		case IdentStart(c):
			start := s.I
			s.Emit(Ident, s.Ident(), start, false)
		default:
			if err := s.Operator("(),"); err != nil {
				return nil, err
			}
		}
	}
	return s.Done(), nil
}

// toyParser: leaves are identifiers; f(a, b) is the leaf f/2; parentheses group.
func toyParser(toks []Token) *Parser[*node] {
	p := &Parser[*node]{Lang: "toy", Toks: toks}
	p.Grammar = Grammar[*node]{
		Logic: func(or bool, l, r *node) *node {
			if or {
				return &node{op: "or", args: []*node{l, r}}
			}
			return &node{op: "and", args: []*node{l, r}}
		},
		IsLogic: func(n *node) bool { return n.op == "or" || n.op == "and" },
		Not:     func(n *node) *node { return &node{op: "not", args: []*node{n}} },
		Predicate: func() (*node, error) {
			if p.Op("(") {
				p.Depth++
				e, err := p.Or()
				p.Depth--
				if err != nil {
					return nil, err
				}
				if !p.Op(")") {
					return nil, p.Errorf("missing )")
				}
				return e, nil
			}
			t := p.Next()
			if t.Kind != Ident {
				return nil, p.Unexpected(t)
			}
			if !p.Op("(") {
				return &node{name: t.Text}, nil
			}
			n := 0
			err := p.List(func() error {
				if p.Next().Kind != Ident {
					return errors.New("argument must be a name")
				}
				n++
				return nil
			}, "missing ) after arguments")
			return &node{name: fmt.Sprintf("%s/%d", t.Text, n)}, err
		},
	}
	return p
}

func TestParse(t *testing.T) {
	tests := []struct {
		src, tree string
		parts     []string // texts of the top-level and chain's operands
	}{
		{"a", "a", nil},
		{"a or b and c", "or(a and(b c))", nil},
		{"a and b or c", "or(and(a b) c)", nil},
		{"a AND not NOT b", "and(a not(not(b)))", []string{"a", "not NOT b"}},
		{"a and (b or c) and f(x, y)", "and(and(a or(b c)) f/2)", []string{"a", "(b or c)", "f(x, y)"}},
		{"(a and b)", "and(a b)", []string{"(a and b)"}},
		{"(a or b)", "or(a b)", []string{"(a or b)"}},
		{"not (a and b)", "not(and(a b))", nil},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			toks, err := toyLex(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			p := toyParser(toks)
			e, err := p.Or()
			if err != nil {
				t.Fatal(err)
			}
			if got := e.String(); got != tt.tree {
				t.Errorf("tree = %s, want %s", got, tt.tree)
			}
			var texts []string
			for _, pt := range p.Parts(e, []rune(tt.src)) {
				texts = append(texts, pt.Text)
			}
			if diff := cmp.Diff(tt.parts, texts); diff != "" {
				t.Errorf("parts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ src, err string }{
		{"a and", `toy: at 5: unexpected ""`},
		{"(a or b", "toy: at 7: missing )"},
		{"f(a b)", "toy: at 4: missing ) after arguments"},
		{"a or )", `toy: at 5: unexpected ")"`},
	}
	for _, tt := range tests {
		toks, err := toyLex(tt.src)
		if err != nil {
			t.Fatal(err)
		}
		_, err = toyParser(toks).Or()
		if err == nil || err.Error() != tt.err {
			t.Errorf("%q: error %v, want %s", tt.src, err, tt.err)
		}
	}
}

func TestScanner(t *testing.T) {
	apostrophe := func(s *Scanner, e rune, b *strings.Builder) (bool, error) {
		if e != '\'' {
			return false, nil
		}
		b.WriteRune(e)
		return true, nil
	}
	tests := []struct {
		name, src string
		read      func(s *Scanner) (string, error)
		want      string
		next      int // I afterwards
	}{
		{"quoted escapes", `"a\n\t\"\\b" rest`, func(s *Scanner) (string, error) {
			s.I++
			return s.Quoted(0, false, nil)
		}, "a\n\t\"\\b", 12},
		{"quoted extra escape", `"it\'s"`, func(s *Scanner) (string, error) {
			s.I++
			return s.Quoted(0, false, apostrophe)
		}, "it's", 7},
		{"unknown escape", `"\q"`, func(s *Scanner) (string, error) {
			s.I++
			return s.Quoted(0, false, apostrophe)
		}, `err: toy: unknown escape \q at 1`, 3},
		{"raw keeps backslashes", `"a\b"`, func(s *Scanner) (string, error) {
			s.I++
			return s.Quoted(0, true, nil)
		}, `a\b`, 5},
		{"unterminated", `"abc\"`, func(s *Scanner) (string, error) {
			s.I++
			return s.Quoted(0, false, nil)
		}, "err: toy: unterminated string at 0", 6},
		{"triple quoted", `"""a"b""" x`, func(s *Scanner) (string, error) {
			body, ok := s.TripleQuoted()
			return fmt.Sprintf("%s %v", body, ok), nil
		}, `a"b true`, 9},
		{"backquoted", "`a``b` x", func(s *Scanner) (string, error) {
			s.I++
			name, ok := s.Backquoted()
			return fmt.Sprintf("%s %v", name, ok), nil
		}, "a`b true", 6},
		{"ident", "process.name@x~", func(s *Scanner) (string, error) { return s.Ident(), nil }, "process.name@x", 14},
		{"number", "1.5e-3", func(s *Scanner) (string, error) { return s.Number(false), nil }, "1.5e", 4},
		{"number, signed exponent", "1.5e-3)", func(s *Scanner) (string, error) { return s.Number(true), nil }, "1.5e-3", 6},
		{"two-character operator", ">=1", func(s *Scanner) (string, error) {
			err := s.Operator("<>")
			return s.Toks[0].Text, err
		}, ">=", 2},
		{"bad operator", "$", func(s *Scanner) (string, error) { return "", s.Operator("<>") }, `err: toy: unexpected '$' at 0`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewScanner("toy", tt.src)
			got, err := tt.read(s)
			if err != nil {
				got = "err: " + err.Error()
			}
			if got != tt.want || s.I != tt.next {
				t.Errorf("got %q, I=%d; want %q, I=%d", got, s.I, tt.want, tt.next)
			}
		})
	}
}
