package fastyaml

import (
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// plainStart reports whether a plain scalar may start at the current
// offset in block context. Indicators that would start another token, and
// the rarely used "?x" form, make the caller fall back.
func (p *parser) plainStart() bool {
	switch p.s[p.i] {
	case '-', ':':
		return !p.blankAt(p.i + 1)
	case '?', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	}
	return true
}

// plainLine scans the current line of a plain scalar in block context from
// the current offset. It stops at the end of the line (stop '\n'), before a
// " #" comment (stop '#') or at a ':' followed by a blank (stop ':'),
// leaving the offset there, and returns the end of the text without
// trailing spaces.
func (p *parser) plainLine() (end int, stop byte) {
	s := p.s
	i := p.i
	end = i
	for i < len(s) {
		switch s[i] {
		case '\n':
			p.i = i
			return end, '\n'
		case ' ':
			if i+1 < len(s) && s[i+1] == '#' {
				p.i = i
				return end, '#'
			}
			i++
			continue
		case ':':
			if i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\n' {
				p.i = i
				return end, ':'
			}
		}
		i++
		end = i
	}
	p.i = i
	return end, '\n'
}

// plainRest finishes a plain scalar whose first line (start to end) was
// scanned by plainLine, following continuation lines indented more than
// ctx with yaml.v3's line folding.
func (p *parser) plainRest(ctx, start, end int, stop byte) *yaml.Node {
	n := p.newNode(yaml.ScalarNode, "", start)
	val := p.s[start:end]
	folded := false
	for stop == '\n' {
		// Look for a continuation line: the next non-empty line, indented
		// at least ctx+1, that is neither a comment nor a document marker.
		s := p.s
		i, breaks, lineStart := p.i, 0, p.ls
		for i < len(s) && s[i] == '\n' {
			i++
			breaks++
			lineStart = i
			for i < len(s) && s[i] == ' ' {
				i++
			}
		}
		if breaks == 0 || i >= len(s) || i-lineStart < ctx+1 || s[i] == '#' {
			break
		}
		if i == lineStart && (strings.HasPrefix(s[i:], "---") || strings.HasPrefix(s[i:], "...")) && p.blankAt(i+3) {
			break
		}
		if !folded {
			p.buf = append(p.buf[:0], val...)
			folded = true
		}
		if breaks == 1 {
			p.buf = append(p.buf, ' ')
		} else {
			for range breaks - 1 {
				p.buf = append(p.buf, '\n')
			}
		}
		p.i, p.line, p.ls = i, p.line+breaks, lineStart
		from := i
		var e int
		e, stop = p.plainLine()
		if stop == ':' {
			p.fail() // "mapping values are not allowed in this context"
		}
		p.buf = append(p.buf, s[from:e]...)
	}
	if folded {
		val = string(p.buf)
	}
	n.Value = val
	n.Tag = resolveTag(val)
	return n
}

// quotedNode makes the node of a quoted scalar whose opening quote is at the
// current offset.
func (p *parser) quotedNode(val string) *yaml.Node {
	n := p.newNode(yaml.ScalarNode, tagStr, p.i)
	n.Value = val
	if p.s[p.i] == '\'' {
		n.Style = yaml.SingleQuotedStyle
	} else {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// quoted scans a single- or double-quoted scalar starting at the current
// offset and returns its value; the offset ends after the closing quote.
func (p *parser) quoted() string {
	s := p.s
	q := s[p.i]
	body := p.i + 1
	// Fast path: one line, no escapes.
	if q == '\'' {
		if j := strings.IndexByte(s[body:], '\''); j >= 0 {
			e := body + j
			if (e+1 >= len(s) || s[e+1] != '\'') && strings.IndexByte(s[body:e], '\n') < 0 {
				p.i = e + 1
				return s[body:e]
			}
		}
	} else if j := strings.IndexAny(s[body:], "\"\\\n"); j >= 0 && s[body+j] == '"' {
		p.i = body + j + 1
		return s[body : body+j]
	}
	return p.quotedSlow(q == '\'')
}

// quotedSlow scans a quoted scalar with escapes or line breaks the way
// yaml.v3's scanner does.
func (p *parser) quotedSlow(single bool) string {
	s := p.s
	quote := byte('"')
	if single {
		quote = '\''
	}
	i := p.i + 1
	buf := p.buf[:0]
	for {
		if i == p.ls && i+3 <= len(s) && (s[i:i+3] == "---" || s[i:i+3] == "...") && p.blankAt(i+3) {
			p.fail() // document indicator inside a quoted scalar
		}
		if i >= len(s) {
			p.fail() // unterminated
		}
		leadingBlanks := false
	run:
		for i < len(s) && s[i] != ' ' && s[i] != '\n' {
			c := s[i]
			switch {
			case c == '\'' && single:
				if i+1 < len(s) && s[i+1] == '\'' {
					buf = append(buf, '\'')
					i += 2
					continue
				}
				break run
			case c == '"' && !single:
				break run
			case c == '\t':
				p.fail() // from a comment line (checkText); yaml.v3 folds it as a blank
			case c == '\\' && !single:
				if i+1 < len(s) && s[i+1] == '\n' {
					i += 2
					p.line++
					p.ls = i
					leadingBlanks = true
					break run
				}
				var ok bool
				buf, i, ok = unescape(buf, s, i)
				if !ok {
					p.fail()
				}
			default:
				buf = append(buf, c)
				i++
			}
		}
		if i < len(s) && s[i] == quote {
			break
		}
		spaces, leadingBreak, trailing := 0, false, 0
		for i < len(s) && (s[i] == ' ' || s[i] == '\n') {
			if s[i] == ' ' {
				if !leadingBlanks {
					spaces++
				}
			} else {
				if !leadingBlanks {
					spaces = 0
					leadingBreak = true
					leadingBlanks = true
				} else {
					trailing++
				}
				p.line++
				p.ls = i + 1
			}
			i++
		}
		switch {
		case leadingBlanks && leadingBreak && trailing == 0:
			buf = append(buf, ' ')
		case leadingBlanks:
			for range trailing {
				buf = append(buf, '\n')
			}
		default:
			for range spaces {
				buf = append(buf, ' ')
			}
		}
	}
	p.i = i + 1
	p.buf = buf
	return string(buf)
}

// unescape decodes the escape sequence at s[i] (a backslash) onto buf.
func unescape(buf []byte, s string, i int) ([]byte, int, bool) {
	if i+1 >= len(s) {
		return buf, i, false
	}
	size := 0
	switch s[i+1] {
	case '0':
		buf = append(buf, 0)
	case 'a':
		buf = append(buf, '\a')
	case 'b':
		buf = append(buf, '\b')
	case 't':
		buf = append(buf, '\t')
	case 'n':
		buf = append(buf, '\n')
	case 'v':
		buf = append(buf, '\v')
	case 'f':
		buf = append(buf, '\f')
	case 'r':
		buf = append(buf, '\r')
	case 'e':
		buf = append(buf, 0x1b)
	case ' ', '"', '\'', '\\':
		buf = append(buf, s[i+1])
	case 'N':
		buf = append(buf, "\u0085"...)
	case '_':
		buf = append(buf, "\u00a0"...)
	case 'L':
		buf = append(buf, "\u2028"...)
	case 'P':
		buf = append(buf, "\u2029"...)
	case 'x':
		size = 2
	case 'u':
		size = 4
	case 'U':
		size = 8
	default:
		return buf, i, false
	}
	i += 2
	if size == 0 {
		return buf, i, true
	}
	if i+size > len(s) {
		return buf, i, false
	}
	v := 0
	for _, c := range []byte(s[i : i+size]) {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 + int(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 + int(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 + int(c-'A'+10)
		default:
			return buf, i, false
		}
	}
	if (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff {
		return buf, i, false
	}
	return utf8.AppendRune(buf, rune(v)), i + size, true
}

// blockScalar parses a literal or folded block scalar whose indicator is at
// the current offset, inside a block collection indented ctx columns. The
// offset ends at the first character of the line that ends it (after its
// indentation) or at the end of the input.
func (p *parser) blockScalar(ctx int) *yaml.Node {
	s := p.s
	n := p.newNode(yaml.ScalarNode, tagStr, p.i)
	literal := s[p.i] == '|'
	n.Style = yaml.FoldedStyle
	if literal {
		n.Style = yaml.LiteralStyle
	}
	i := p.i + 1
	chomp, inc := 0, 0
	chompAt := func() {
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			chomp = 1
			if s[i] == '-' {
				chomp = -1
			}
			i++
		}
	}
	incAt := func() {
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if s[i] == '0' {
				p.fail()
			}
			inc = int(s[i] - '0')
			i++
		}
	}
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		chompAt()
		incAt()
	} else {
		incAt()
		chompAt()
	}
	p.i = i
	p.skipSpaces()
	if p.i < len(s) && s[p.i] == '#' {
		if j := strings.IndexByte(s[p.i:], '\n'); j >= 0 {
			p.i += j
		} else {
			p.i = len(s)
		}
	}
	if p.i < len(s) && s[p.i] != '\n' {
		p.fail()
	}
	if p.i >= len(s) {
		return n // the header ends the input: empty value
	}
	i = p.i + 1
	p.line++
	p.ls = i

	indent := 0
	if inc > 0 {
		indent = inc
		if ctx >= 0 {
			indent = ctx + inc
		}
	}
	buf := p.buf[:0]
	i, trailing := p.blockBreaks(i, &indent, ctx)
	leadingBreak, leadingBlank := false, false
	for i-p.ls == indent && i < len(s) {
		trailingBlank := s[i] == ' '
		if !literal && !leadingBlank && !trailingBlank && leadingBreak {
			if trailing == 0 {
				buf = append(buf, ' ')
			}
		} else if leadingBreak {
			buf = append(buf, '\n')
		}
		for range trailing {
			buf = append(buf, '\n')
		}
		leadingBlank = trailingBlank
		e := strings.IndexByte(s[i:], '\n')
		if e < 0 {
			e = len(s)
		} else {
			e += i
		}
		buf = append(buf, s[i:e]...)
		i = e
		leadingBreak = false
		if i < len(s) {
			leadingBreak = true
			i++
			p.line++
			p.ls = i
		}
		i, trailing = p.blockBreaks(i, &indent, ctx)
	}
	if chomp != -1 && leadingBreak {
		buf = append(buf, '\n')
	}
	if chomp == 1 {
		for range trailing {
			buf = append(buf, '\n')
		}
	}
	p.i = i
	p.buf = buf
	n.Value = string(buf)
	return n
}

// blockBreaks eats indentation and empty lines from the line start i the
// way yaml.v3's scanner does inside a block scalar, settling the
// indentation when it is still 0, and returns the new offset and the
// number of line breaks eaten.
func (p *parser) blockBreaks(i int, indent *int, ctx int) (int, int) {
	s := p.s
	maxIndent, breaks := 0, 0
	for {
		for (*indent == 0 || i-p.ls < *indent) && i < len(s) && s[i] == ' ' {
			i++
		}
		maxIndent = max(maxIndent, i-p.ls)
		if i >= len(s) || s[i] != '\n' {
			break
		}
		i++
		breaks++
		p.line++
		p.ls = i
	}
	if *indent == 0 {
		*indent = max(maxIndent, ctx+1, 1)
	}
	return i, breaks
}
