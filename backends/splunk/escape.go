package splunk

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/sigconv/sigconv/ir"
)

// plainSearchField matches field names that the search command reads
// without quoting (pySigma's splunk backend uses the same class).
var plainSearchField = regexp.MustCompile(`^[A-Za-z0-9_.]+$`)

// plainEvalField matches field names eval/where reads without quoting: a
// leading letter or underscore, then word characters. A dot is the eval
// concatenation operator, so dotted names (CIM fields) need quotes.
var plainEvalField = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// isPlainSearchField is plainSearchField.MatchString without the regexp
// machinery, for the field of every predicate.
func isPlainSearchField(name string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(isWordByte(c) || c == '.') {
			return false
		}
	}
	return name != ""
}

// isPlainEvalField is plainEvalField.MatchString without the regexp
// machinery.
func isPlainEvalField(name string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isWordByte(c) || i == 0 && c >= '0' && c <= '9' {
			return false
		}
	}
	return name != ""
}

func isWordByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
}

// searchField renders a field name for the search command: bare when it is
// a plain word, otherwise double-quoted.
func searchField(name string) string {
	if isPlainSearchField(name) {
		return name
	}
	return splString(name)
}

// evalField renders a field name for eval/where: bare when plain, otherwise
// single-quoted (the eval syntax for field names). A field name holding a
// single quote cannot be written in eval; callers check evalFieldOK first.
func evalField(name string) string {
	if isPlainEvalField(name) {
		return name
	}
	return "'" + name + "'"
}

// evalFieldOK reports whether evalField can render name.
func evalFieldOK(name string) bool {
	return !strings.ContainsAny(name, "'`\n\r") && name != ""
}

// splString quotes s as an SPL string literal: backslash and double quote
// are escaped with a backslash (Splunk Search Manual, "Escape characters";
// the same rule holds in search terms and eval string literals).
func splString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// textOK reports whether literal text can appear inside an SPL string: it
// must be UTF-8 (UTF-16 bytes from wide/utf16* without base64 cannot) and
// hold no NUL.
func textOK(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// hasControl reports whether s holds characters that are never written
// literally into a query: control characters (newline, tab, …), which
// search terms cannot state reliably, and the backtick, which starts a
// search-macro call when Splunk expands macros in the search string. Such
// text goes through a regex, where they are written as \x{..} escapes.
func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '`' {
			return true
		}
	}
	return false
}

// searchValue renders a Match pattern as a quoted search-term value with
// '*' wildcards. ok is false when the search command cannot express the
// pattern exactly: a '?' wildcard (search has no one-character wildcard),
// a literal '*' (it cannot be escaped in search terms), control characters,
// or text that is not UTF-8.
func searchValue(parts []ir.StrPart) (string, bool) {
	if !searchable(parts) {
		return "", false
	}
	// splString of the pattern, written in one pass.
	n := 2
	for _, p := range parts {
		n += len(p.Text) + 1
	}
	var b strings.Builder
	b.Grow(n + n/8)
	b.WriteByte('"')
	for _, p := range parts {
		if p.Kind == ir.PartWildMany {
			b.WriteByte('*')
			continue
		}
		for i := 0; i < len(p.Text); i++ {
			if c := p.Text[i]; c == '\\' || c == '"' {
				b.WriteByte('\\')
			}
			b.WriteByte(p.Text[i])
		}
	}
	b.WriteByte('"')
	return b.String(), true
}

// searchable reports whether searchValue can render the pattern, without
// rendering it.
func searchable(parts []ir.StrPart) bool {
	for _, p := range parts {
		switch p.Kind {
		case ir.PartLit:
			if strings.Contains(p.Text, "*") || hasControl(p.Text) || !textOK(p.Text) {
				return false
			}
		case ir.PartWildMany:
		default:
			return false
		}
	}
	return true
}

// regexQuote escapes s for PCRE: metacharacters get a backslash, control
// characters become \x{..} escapes.
func regexQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case strings.ContainsRune(`\^$.|?*+()[]{}`, r):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || r == '`':
			fmt.Fprintf(&b, `\x{%02x}`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// patternRegex translates a Match pattern into a PCRE that matches exactly
// the same strings: '*' is ".*", '?' is "." (one character), literals are
// quoted. With anchored, a leading or trailing '*' drops the anchor instead
// of emitting ".*", and \z (not $, which also matches before a final
// newline) closes the expression. dotall reports whether '.' occurs, so the
// caller adds (?s) to let wildcards match newlines as Sigma's do.
func patternRegex(parts []ir.StrPart, anchored bool) (re string, dotall bool) {
	start, end := 0, len(parts)
	lead := anchored
	trail := anchored
	if anchored && end > 0 && parts[0].Kind == ir.PartWildMany {
		lead, start = false, 1
	}
	if anchored && end > start && parts[end-1].Kind == ir.PartWildMany {
		trail, end = false, end-1
	}
	var b strings.Builder
	if lead {
		b.WriteByte('^')
	}
	for _, p := range parts[start:end] {
		switch p.Kind {
		case ir.PartLit:
			b.WriteString(regexQuote(p.Text))
		case ir.PartWildMany:
			b.WriteString(".*")
			dotall = true
		case ir.PartWildOne:
			b.WriteByte('.')
			dotall = true
		}
	}
	if trail {
		b.WriteString(`\z`)
	}
	return b.String(), dotall
}

// regexFlags renders PCRE inline flags, e.g. "(?is)", or "".
func regexFlags(i, m, s bool) string {
	f := ""
	if i {
		f += "i"
	}
	if m {
		f += "m"
	}
	if s {
		f += "s"
	}
	if f == "" {
		return ""
	}
	return "(?" + f + ")"
}

// regexNoBacktick rewrites a user regex so that it holds no backtick (see
// hasControl): a backtick, escaped or not, becomes \x{60}, which PCRE
// reads as the same character inside and outside classes.
func regexNoBacktick(re string) string {
	if !strings.Contains(re, "`") {
		return re
	}
	var b strings.Builder
	for i := 0; i < len(re); i++ {
		c := re[i]
		switch {
		case c == '\\' && i+1 < len(re) && re[i+1] == '`':
			b.WriteString(`\x{60}`)
			i++
		case c == '\\' && i+1 < len(re):
			b.WriteByte(c)
			b.WriteByte(re[i+1])
			i++
		case c == '`':
			b.WriteString(`\x{60}`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
