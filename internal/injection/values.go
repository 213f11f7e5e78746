package injection

import "strings"

// Values are values that break out of a badly escaped literal in
// at least one query language: quotes, backslashes (trailing too), pipes,
// newlines, literal wildcards, Unicode, operators and comment markers of
// KQL, SPL, Lucene, ES|QL and EQL.
var Values = []string{
	`a"b`, `a'b`, `a\"b`, `"`, `'`, `\`, `trailing\`, `\\server\share\`, `a\\`, `C:\Windows\*.exe`,
	`a|b`, `x | where 1==1`, `x" | delete`, `") or true or ("`, `' or 1=1 --`,
	"line1\nline2", "cr\rlf", "tab\there", "a\u2028b",
	`lit*star`, `lit?q`, `*`, `?`, `\*`, `\?`, `**`, `a*b?c\`,
	`é ü 漢字 🙂`, "ſ K Å", `İı`,
	`// comment`, `/* c */`, `-- x`, "`bt`", "a`b`c", `#hash`, `;`,
	`a:b`, `(a OR b)`, `a AND b`, `NOT a`, `[x TO y]`, `{x}`, `~a^2`, `+a -b`, `!a`, `a && b || c`,
	`<>=`, `==`, `=~`, `!~`, `/re/`, `.*`, `$^`, `%_`, `a%b_c`, `@"x"`, `h'x'`, `${x}`, `&amp;`,
	`<script>`, `\u0041`, `\n`, `""`, `"""`, `a""b`, `a=b`, `a!=b`, `[a]`, `source=x`,
}

// LiteralRule returns a rule whose one search compares CommandLine (with
// the modifier mod, or none when mod is "") with the literal value v,
// escaped so that Sigma reads v back exactly.
func LiteralRule(v, mod string) string {
	key := "CommandLine"
	if mod != "" {
		key += "|" + mod
	}
	return "title: injection\nid: 0b6b0b1e-2f1a-4c47-9d3c-5a8e3c7f2a11\nstatus: test\n" +
		"logsource:\n  category: process_creation\n  product: windows\n" +
		"detection:\n  sel:\n    " + key + ": " + sigmaEscape(v) + "\n  condition: sel\nlevel: low\n"
}

// Modifiers are the string modifiers the injection table combines with
// every value ("" is plain equality).
var Modifiers = []string{"", "contains", "startswith", "endswith"}

// sigmaEscape writes v as a Sigma string whose every character is literal
// (backslash, * and ? escaped), quoted for YAML.
func sigmaEscape(v string) string {
	var b strings.Builder
	for _, r := range v {
		switch r {
		case '\\', '*', '?':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return yamlQuote(b.String())
}

// yamlQuote returns s as a YAML double-quoted scalar.
func yamlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xfeff:
			b.WriteString(`\u`)
			const hex = "0123456789abcdef"
			b.WriteByte(hex[r>>12&15])
			b.WriteByte(hex[r>>8&15])
			b.WriteByte(hex[r>>4&15])
			b.WriteByte(hex[r&15])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
