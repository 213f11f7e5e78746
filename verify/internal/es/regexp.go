package es

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// CompileRegexp compiles a Lucene RegExp (the syntax of the regexp query, query_string
// /.../, ES|QL RLIKE and EQL regex; all optional operators enabled, as with flags ALL) into a
// Go regular expression that must match the whole term, as Lucene's does. asciiFold is the
// case_insensitive option (ASCII letters only, like Lucene's ASCII_CASE_INSENSITIVE).
//
// Syntax (Lucene RegExp javadoc, Elasticsearch "Regular expression syntax"): . is any
// character (newlines too); ? * + {n} {n,} {n,m} repeat; | is union; ( ) group; [...] and
// [^...] classes with ranges; "..." a literal string; \ makes the next character literal,
// except \d \D \s \S \w \W (Lucene 9 shorthand classes); # is the empty language; @ any
// string. Intersection (&), complement (~) and numeric intervals (<n-m>) have no RE2
// counterpart and are reported as errors.
func CompileRegexp(pattern string, asciiFold bool) (*regexp.Regexp, error) {
	p := &reParser{src: []rune(pattern), fold: asciiFold}
	var b strings.Builder
	if err := p.union(&b); err != nil {
		return nil, err
	}
	if p.i < len(p.src) {
		return nil, fmt.Errorf("regexp %q: unexpected %q at offset %d", pattern, p.src[p.i], p.i)
	}
	re, err := regexp.Compile(`^(?s:` + b.String() + `)$`)
	if err != nil {
		return nil, fmt.Errorf("regexp %q: %w", pattern, err)
	}
	return re, nil
}

type reParser struct {
	src  []rune
	i    int
	fold bool
}

func (p *reParser) peek() (rune, bool) {
	if p.i < len(p.src) {
		return p.src[p.i], true
	}
	return 0, false
}

func (p *reParser) union(b *strings.Builder) error {
	b.WriteString("(?:")
	for {
		if err := p.concat(b); err != nil {
			return err
		}
		if r, ok := p.peek(); ok && r == '|' {
			p.i++
			b.WriteByte('|')
			continue
		}
		break
	}
	b.WriteByte(')')
	return nil
}

func (p *reParser) concat(b *strings.Builder) error {
	for {
		r, ok := p.peek()
		if !ok || r == '|' || r == ')' {
			return nil
		}
		if r == '&' || r == '~' {
			return fmt.Errorf("regexp operator %q (intersection / complement) is not supported", r)
		}
		var atom strings.Builder
		if err := p.atom(&atom); err != nil {
			return err
		}
		if err := p.repeat(&atom); err != nil {
			return err
		}
		b.WriteString(atom.String())
	}
}

// repeat parses postfix repetitions, wrapping the atom each time.
func (p *reParser) repeat(atom *strings.Builder) error {
	for {
		r, ok := p.peek()
		if !ok {
			return nil
		}
		cur := atom.String()
		switch r {
		case '*', '+', '?':
			p.i++
			atom.Reset()
			atom.WriteString("(?:" + cur + ")" + string(r))
		case '{':
			j := p.i + 1
			for j < len(p.src) && p.src[j] != '}' {
				j++
			}
			if j >= len(p.src) {
				return fmt.Errorf("regexp: unterminated {")
			}
			body := string(p.src[p.i+1 : j])
			lo, hi, found := strings.Cut(body, ",")
			if _, err := strconv.Atoi(lo); err != nil {
				return fmt.Errorf("regexp: bad repetition {%s}", body)
			}
			if found && hi != "" {
				if _, err := strconv.Atoi(hi); err != nil {
					return fmt.Errorf("regexp: bad repetition {%s}", body)
				}
			}
			p.i = j + 1
			atom.Reset()
			atom.WriteString("(?:" + cur + "){" + body + "}")
		default:
			return nil
		}
	}
}

func (p *reParser) atom(b *strings.Builder) error {
	r := p.src[p.i]
	p.i++
	switch r {
	case '.':
		b.WriteString(".")
	case '#':
		b.WriteString(`[^\x{0}-\x{10FFFF}]`)
	case '@':
		b.WriteString(".*")
	case '(':
		if err := p.union(b); err != nil {
			return err
		}
		if r, ok := p.peek(); !ok || r != ')' {
			return fmt.Errorf("regexp: missing )")
		}
		p.i++
	case '[':
		return p.class(b)
	case '"':
		j := p.i
		for j < len(p.src) && p.src[j] != '"' {
			j++
		}
		if j >= len(p.src) {
			return fmt.Errorf("regexp: unterminated \"")
		}
		b.WriteString("(?:")
		for _, c := range p.src[p.i:j] {
			p.lit(b, c)
		}
		b.WriteString(")")
		p.i = j + 1
	case '<':
		return fmt.Errorf("regexp numeric interval <n-m> is not supported")
	case '\\':
		if p.i >= len(p.src) {
			return fmt.Errorf("regexp: trailing backslash")
		}
		c := p.src[p.i]
		p.i++
		if sh, ok := shorthand(c); ok {
			b.WriteString(sh)
			return nil
		}
		p.lit(b, c)
	case '*', '+', '?', '{':
		return fmt.Errorf("regexp: repetition %q without operand", r)
	default:
		p.lit(b, r)
	}
	return nil
}

// shorthand is a Lucene 9 shorthand class.
func shorthand(c rune) (string, bool) {
	switch c {
	case 'd':
		return `[0-9]`, true
	case 'D':
		return `[^0-9]`, true
	case 's':
		return `[ \t\n\r\f\v]`, true
	case 'S':
		return `[^ \t\n\r\f\v]`, true
	case 'w':
		return `[0-9A-Za-z_]`, true
	case 'W':
		return `[^0-9A-Za-z_]`, true
	}
	return "", false
}

// lit writes one literal character, as a class of its ASCII cases when folding.
func (p *reParser) lit(b *strings.Builder, c rune) {
	if p.fold && c < utf8.RuneSelf && ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
		fmt.Fprintf(b, "[%c%c]", c|0x20, c&^0x20)
		return
	}
	b.WriteString(regexp.QuoteMeta(string(c)))
}

func classChar(c rune) string { return fmt.Sprintf(`\x{%x}`, c) }

// class parses [...] after the opening bracket.
func (p *reParser) class(b *strings.Builder) error {
	b.WriteByte('[')
	if r, ok := p.peek(); ok && r == '^' {
		p.i++
		b.WriteByte('^')
	}
	n := 0
	for {
		if p.i >= len(p.src) {
			return fmt.Errorf("regexp: unterminated [")
		}
		c := p.src[p.i]
		if c == ']' && n > 0 {
			p.i++
			break
		}
		p.i++
		n++
		if c == '\\' {
			if p.i >= len(p.src) {
				return fmt.Errorf("regexp: trailing backslash")
			}
			c = p.src[p.i]
			p.i++
			if sh, ok := shorthand(c); ok {
				b.WriteString(strings.TrimSuffix(strings.TrimPrefix(sh, "["), "]"))
				if strings.HasPrefix(sh, "[^") {
					return fmt.Errorf("regexp: negated shorthand \\%c inside a class is not supported", c)
				}
				continue
			}
		}
		lo := c
		hi := c
		if p.i+1 < len(p.src) && p.src[p.i] == '-' && p.src[p.i+1] != ']' {
			p.i++
			hi = p.src[p.i]
			p.i++
			if hi == '\\' && p.i < len(p.src) {
				hi = p.src[p.i]
				p.i++
			}
			if hi < lo {
				return fmt.Errorf("regexp: bad range %c-%c", lo, hi)
			}
		}
		b.WriteString(classChar(lo))
		if hi != lo {
			b.WriteString("-" + classChar(hi))
		}
		if p.fold {
			foldRange(b, lo, hi)
		}
	}
	b.WriteByte(']')
	return nil
}

// foldRange adds the other ASCII case of the letters in lo..hi.
func foldRange(b *strings.Builder, lo, hi rune) {
	for c := lo; c <= hi && c < utf8.RuneSelf; c++ {
		switch {
		case 'a' <= c && c <= 'z':
			b.WriteString(classChar(c - 32))
		case 'A' <= c && c <= 'Z':
			b.WriteString(classChar(c + 32))
		}
	}
}
