package es

import (
	"regexp"
	"strings"
)

// CompileWildcard compiles a wildcard pattern over a whole term: * is any sequence, ? one
// character; when escapes is set, a backslash makes the next character literal (the wildcard
// query, query_string and ES|QL LIKE), otherwise a backslash is itself (EQL). fold is
// case-insensitive matching (Unicode simple case folding).
func CompileWildcard(pattern string, escapes, fold bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`^(?s`)
	if fold {
		b.WriteString("i")
	}
	b.WriteString(`:`)
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == '*':
			b.WriteString(".*")
		case c == '?':
			b.WriteString(".")
		case c == '\\' && escapes && i+1 < len(rs):
			i++
			b.WriteString(regexp.QuoteMeta(string(rs[i])))
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`)$`)
	return regexp.MustCompile(b.String())
}

// Literal returns a regexp matching exactly s (fold: case-insensitively).
func Literal(s string, fold bool) *regexp.Regexp {
	prefix := "^(?s:"
	if fold {
		prefix = "^(?si:"
	}
	return regexp.MustCompile(prefix + regexp.QuoteMeta(s) + ")$")
}
