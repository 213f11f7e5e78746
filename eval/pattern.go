package eval

import (
	"strings"
	"unicode/utf8"

	"github.com/sigconv/sigconv/ir"
)

// patKind is the shape of a compiled string pattern, chosen so that the
// common shapes run as a single strings function call.
type patKind uint8

const (
	patExact    patKind = iota // no wildcard: equality
	patPrefix                  // lit*
	patSuffix                  // *lit
	patContains                // *lit*
	patAny                     // * alone: any string, including ""
	patGlob                    // anything else: general wildcard match
)

// token is one element of a glob: literal text, '*' or '?'.
type token struct {
	kind ir.PartKind // PartLit, PartWildMany or PartWildOne
	text string      // literal text (already folded when the pattern is not cased)
}

// pattern is a compiled Sigma string value.
type pattern struct {
	kind  patKind
	lit   string  // the literal for every kind but patGlob and patAny
	toks  []token // the normalised tokens (also kept for indexing and explain)
	cased bool    // compare against the raw value instead of the folded one
}

// compilePattern turns the parts of a string value into a pattern for op
// (OpEqual, OpContains, OpStartsWith or OpEndsWith). Literal text is folded
// unless cased.
func compilePattern(parts []ir.StrPart, op ir.Op, cased bool) *pattern {
	toks := make([]token, 0, len(parts)+2)
	add := func(t token) {
		n := len(toks)
		switch {
		case t.kind == ir.PartLit && t.text == "":
			return
		case t.kind == ir.PartLit && n > 0 && toks[n-1].kind == ir.PartLit:
			toks[n-1].text += t.text
			return
		case t.kind == ir.PartWildMany && n > 0 && toks[n-1].kind == ir.PartWildMany:
			return
		}
		toks = append(toks, t)
	}
	if op == ir.OpContains || op == ir.OpEndsWith {
		add(token{kind: ir.PartWildMany})
	}
	for _, p := range parts {
		switch p.Kind {
		case ir.PartLit, ir.PartPlaceholder:
			// Placeholders left here have been resolved by the caller;
			// an unresolved one would be literal text.
			text := p.Text
			if !cased {
				text = fold(text)
			}
			add(token{kind: ir.PartLit, text: text})
		case ir.PartWildMany, ir.PartWildOne:
			add(token{kind: p.Kind})
		}
	}
	if op == ir.OpContains || op == ir.OpStartsWith {
		add(token{kind: ir.PartWildMany})
	}
	p := &pattern{toks: toks, cased: cased, kind: patGlob}
	isLit := func(i int) bool { return i < len(toks) && toks[i].kind == ir.PartLit }
	isStar := func(i int) bool { return i < len(toks) && toks[i].kind == ir.PartWildMany }
	switch {
	case len(toks) == 0:
		p.kind = patExact
	case len(toks) == 1 && isLit(0):
		p.kind, p.lit = patExact, toks[0].text
	case len(toks) == 1 && isStar(0):
		p.kind = patAny
	case len(toks) == 2 && isLit(0) && isStar(1):
		p.kind, p.lit = patPrefix, toks[0].text
	case len(toks) == 2 && isStar(0) && isLit(1):
		p.kind, p.lit = patSuffix, toks[1].text
	case len(toks) == 3 && isStar(0) && isLit(1) && isStar(2):
		p.kind, p.lit = patContains, toks[1].text
	}
	return p
}

// match reports whether s (folded unless the pattern is cased) matches.
func (p *pattern) match(s string) bool {
	switch p.kind {
	case patExact:
		return s == p.lit
	case patPrefix:
		return strings.HasPrefix(s, p.lit)
	case patSuffix:
		return strings.HasSuffix(s, p.lit)
	case patContains:
		return strings.Contains(s, p.lit)
	case patAny:
		return true
	}
	return globMatch(p.toks, s)
}

// globMatch matches s against tokens. The pattern is split at '*' into
// segments of literals and '?'; the first segment is anchored at the start,
// the last at the end, and each middle segment is matched at its leftmost
// position, which is optimal because segments have no '*'.
func globMatch(toks []token, s string) bool {
	// Split into segments.
	start := 0
	pos := 0
	first := true
	for start <= len(toks) {
		end := start
		for end < len(toks) && toks[end].kind != ir.PartWildMany {
			end++
		}
		seg := toks[start:end]
		last := end == len(toks)
		switch {
		case first && last: // no '*' at all
			n, ok := matchSegAt(seg, s, 0)
			return ok && n == len(s)
		case first:
			n, ok := matchSegAt(seg, s, 0)
			if !ok {
				return false
			}
			pos = n
		case last:
			if len(seg) == 0 {
				return true // trailing '*'
			}
			return matchSuffixSeg(seg, s, pos)
		default:
			n, ok := findSeg(seg, s, pos)
			if !ok {
				return false
			}
			pos = n
		}
		first = false
		start = end + 1
	}
	return true
}

// matchSegAt matches seg at s[at:] and returns the end offset.
func matchSegAt(seg []token, s string, at int) (int, bool) {
	for _, t := range seg {
		if t.kind == ir.PartLit {
			if !strings.HasPrefix(s[at:], t.text) {
				return 0, false
			}
			at += len(t.text)
			continue
		}
		if at >= len(s) { // '?' needs one character
			return 0, false
		}
		_, size := utf8.DecodeRuneInString(s[at:])
		at += size
	}
	return at, true
}

// findSeg finds the leftmost match of seg in s at or after from and
// returns its end offset.
func findSeg(seg []token, s string, from int) (int, bool) {
	if len(seg) == 0 {
		return from, true
	}
	for at := from; at <= len(s); {
		if seg[0].kind == ir.PartLit {
			i := strings.Index(s[at:], seg[0].text)
			if i < 0 {
				return 0, false
			}
			at += i
		}
		if n, ok := matchSegAt(seg, s, at); ok {
			return n, true
		}
		if at == len(s) {
			break
		}
		_, size := utf8.DecodeRuneInString(s[at:])
		at += size
	}
	return 0, false
}

// matchSuffixSeg reports whether seg matches a suffix of s that starts at
// or after from.
func matchSuffixSeg(seg []token, s string, from int) bool {
	if len(seg) == 1 && seg[0].kind == ir.PartLit {
		return len(s)-len(seg[0].text) >= from && strings.HasSuffix(s, seg[0].text)
	}
	for at := from; at <= len(s); {
		if n, ok := matchSegAt(seg, s, at); ok && n == len(s) {
			return true
		}
		if at == len(s) {
			break
		}
		_, size := utf8.DecodeRuneInString(s[at:])
		at += size
	}
	return false
}

// longestLit returns the longest literal token of the pattern ("" if none).
func (p *pattern) longestLit() string {
	best := ""
	for _, t := range p.toks {
		if t.kind == ir.PartLit && len(t.text) > len(best) {
			best = t.text
		}
	}
	return best
}

// String renders the pattern in Sigma wildcard syntax, for explanations.
func (p *pattern) String() string {
	var b strings.Builder
	for _, t := range p.toks {
		switch t.kind {
		case ir.PartLit:
			b.WriteString(ir.EscapeWildcards(t.text))
		case ir.PartWildMany:
			b.WriteByte('*')
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
