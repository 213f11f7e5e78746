package kql

import (
	"fmt"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// quote renders s as a Kusto string literal that denotes exactly s.
//
// Kusto has regular literals ("..." with backslash escapes \\ \" \t \n \r)
// and verbatim literals (@"..." where a backslash is itself and "" stands
// for one double quote). Verbatim literals keep Windows paths and regular
// expressions readable, but cannot hold line breaks, so a value with a
// control character is written as a regular literal. Control characters
// other than tab, newline and carriage return have no documented escape and
// are refused (the caller reports the error). See
// https://learn.microsoft.com/kusto/query/scalar-data-types/string.
func quote(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("value %q is not valid UTF-8 (Kusto strings are Unicode text)", s)
	}
	hasCtl, hasBackslash := false, strings.Contains(s, `\`)
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			if r != '\t' && r != '\n' && r != '\r' {
				return "", fmt.Errorf("value %q holds control character U+%04X, which a Kusto string literal cannot express", s, r)
			}
			hasCtl = true
		}
	}
	if hasBackslash && !hasCtl {
		return `@"` + strings.ReplaceAll(s, `"`, `""`) + `"`, nil
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String(), nil
}

// kustoKeywords are words that cannot be used as bare column or table names.
var kustoKeywords = map[string]bool{
	"and": true, "or": true, "not": true, "in": true, "has": true, "contains": true, "where": true,
	"true": true, "false": true, "null": true, "let": true, "by": true, "on": true, "as": true,
	"with": true, "between": true, "matches": true, "regex": true, "startswith": true, "endswith": true,
	"like": true, "project": true, "extend": true, "summarize": true, "take": true, "limit": true,
	"sort": true, "order": true, "top": true, "join": true, "union": true, "search": true,
	"print": true, "range": true, "datatable": true, "typeof": true, "kind": true, "to": true,
	"step": true, "from": true, "of": true, "set": true, "declare": true, "pattern": true,
	"restrict": true, "access": true, "alias": true, "database": true, "cluster": true, "table": true,
	"materialize": true, "toscalar": true, "evaluate": true, "parse": true, "render": true,
	"asc": true, "desc": true, "nulls": true, "first": true, "last": true,
}

// ident renders a column or table name: bare when it is a plain identifier,
// otherwise as a bracketed string literal ['name'] (Kusto's entity-name
// quoting, https://learn.microsoft.com/kusto/query/schema-entities/entity-names).
func ident(name string) string {
	if isPlainIdent(name) && !kustoKeywords[name] {
		return name
	}
	if !strings.ContainsAny(name, `'\`) {
		return "['" + name + "']"
	}
	q, err := quote(name)
	if err != nil {
		// Unprintable names cannot come from a YAML key in practice; fall
		// back to a regular literal of the bytes, which the validator flags.
		q = fmt.Sprintf("%q", name)
	}
	return "[" + q + "]"
}

func isPlainIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// checkRegex reports why a Sigma regular expression cannot run unchanged in
// Kusto, whose matches regex operator uses RE2 syntax. Go's regexp/syntax
// parses the same RE2 dialect, so an expression it rejects (lookaround,
// backreferences, atomic groups, possessive quantifiers, ...) is refused.
func checkRegex(re string) error {
	if _, err := syntax.Parse(re, syntax.Perl); err != nil {
		return fmt.Errorf("RE2, the regular expression syntax of Kusto, rejects it: %v", err)
	}
	return nil
}

// regexFlags renders RE2 inline flags, e.g. "(?is)", or "".
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
