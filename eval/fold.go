package eval

import (
	"unicode"
	"unicode/utf8"
)

// fold maps s to its case-folded form: every rune is replaced by one
// canonical member of its Unicode simple-folding orbit (ASCII lower case
// when the orbit holds an ASCII letter, otherwise the orbit's smallest
// rune). Two strings are equal under strings.EqualFold exactly when their
// folded forms are byte-equal, and folding keeps the rune count, so '?'
// wildcards still match one character. Bytes that are not valid UTF-8 are
// kept as they are (each counts as one character).
func fold(s string) string {
	i := foldedPrefix(s)
	if i == len(s) {
		return s // already folded: no allocation
	}
	return string(appendFold(make([]byte, 0, len(s)), s, i))
}

// foldedPrefix returns the length of the prefix of s that folding keeps
// as it is (ASCII without upper case).
func foldedPrefix(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return i
		}
	}
	return len(s)
}

// appendFold appends the folded form of s to b, given that s[:i] is
// already folded.
func appendFold(b []byte, s string, i int) []byte {
	b = append(b, s[:i]...)
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, c)
			i++
			continue
		}
		b = utf8.AppendRune(b, foldRune(r))
		i += size
	}
	return b
}

// foldRune returns the canonical member of r's simple-folding orbit.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	lowest := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < lowest {
			lowest = f
		}
	}
	if lowest < utf8.RuneSelf && 'A' <= lowest && lowest <= 'Z' {
		return lowest + 'a' - 'A'
	}
	return lowest
}
