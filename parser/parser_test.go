package parser

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sigconv/sigconv/ir"
)

// hdr is a valid rule head for test inputs (3 lines).
const hdr = "title: t\nlogsource:\n    product: windows\n"

// det builds a rule whose detection has one search "sel" with the given
// item line and a condition.
func det(item, cond string) string {
	return hdr + "detection:\n    sel:\n        " + item + "\n    condition: " + cond + "\n"
}

func TestParseFileBadInput(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"invalid-yaml", "title: [unclosed\n", "r.yml:1:1: invalid YAML: did not find expected ',' or ']'"},
		{"invalid-yaml-line", hdr + "detection:\n  sel: a: b\n", "r.yml:5:1: invalid YAML: mapping values are not allowed in this context"},
		{"tab-indent", "title: t\nlogsource:\n\tproduct: windows\n", "r.yml:3:1: tab character in indentation (YAML allows only spaces)"},
		{"duplicate-key", hdr + "title: again\ndetection:\n    sel:\n        a: 1\n    condition: sel\n", `r.yml:4:1: duplicate key "title" (first defined at line 1)`},
		{"duplicate-field", det("a: 1\n        a: 2", "sel"), `r.yml:7:9: duplicate key "a" (first defined at line 6)`},
		{"unknown-modifier", det("Image|containz: x", "sel"), `r.yml:6:15: unknown modifier "containz"`},
		{"empty-modifier", det("Image|: x", "sel"), `r.yml:6:15: empty modifier name in "Image|"`},
		{"encoding-after-contains", det("Image|contains|base64: x", "sel"), `r.yml:6:24: modifier "base64" after "contains" would encode the wildcards "contains" adds; write "base64" before it`},
		{"encoding-of-wildcard", det("a|base64offset|contains: 'x*y'", "sel"), `r.yml:6:34: modifier "base64offset" cannot encode a value with wildcards or placeholders (escape them as \* \?)`},
		{"re-with-contains", det("a|re|contains: x", "sel"), `r.yml:6:14: modifier "contains" cannot be combined with "re"`},
		{"two-operators", det("a|startswith|endswith: x", "sel"), `r.yml:6:22: modifier "endswith" cannot be combined with "startswith"`},
		{"duplicate-modifier", det("a|contains|contains: x", "sel"), `r.yml:6:20: duplicate modifier "contains"`},
		{"flag-without-re", det("a|i: x", "sel"), `r.yml:6:11: modifier "i" is a regular expression flag and needs re`},
		{"all-single-value", det("a|contains|all: x", "sel"), `r.yml:6:20: modifier "all" needs a list of two or more values`},
		{"exists-not-bool", det("a|exists: yes", "sel"), `r.yml:6:19: modifier "exists" needs true or false, found the scalar "yes"`},
		{"exists-on-keyword", det("'|exists': true", "sel"), `r.yml:6:11: modifier "exists" needs a field name; it cannot be used on keywords`},
		{"numeric-needs-number", det("a|gt: '5'", "sel"), `r.yml:6:15: modifier "gt" needs a number, found the scalar "5"`},
		{"time-needs-number", det("a|hour: noon", "sel"), `r.yml:6:17: modifier "hour" needs a number, found the scalar "noon"`},
		{"bad-cidr", det("a|cidr: 10.0.0.0/33", "sel"), `r.yml:6:17: invalid CIDR network "10.0.0.0/33"`},
		{"invalid-regex", det("Image|re: 'a(?!b)'", "sel"), "r.yml:6:19: invalid regular expression (RE2 syntax): invalid or unsupported Perl syntax: `(?!`"},
		{"invalid-regex-unbalanced", det(`Image|re: 'a(b'`, "sel"), "r.yml:6:19: invalid regular expression (RE2 syntax): missing closing ): `a(b`"},
		{"null-in-list", det("a: [1, null]", "sel"), "r.yml:6:16: null cannot be part of a value list; use a separate search for null"},
		{"empty-value-list", det("a: []", "sel"), "r.yml:6:12: empty value list"},
		{"mapping-value", det("a: {b: 1}", "sel"), "r.yml:6:12: a value must be a scalar or a list of scalars, found a mapping"},
		{"fieldref-wildcard", det("a|fieldref: 'b*'", "sel"), "r.yml:6:21: a field reference must not contain wildcards"},
		{"undefined-identifier", det("a: 1", "sel and sel2"), `r.yml:7:24: undefined search identifier "sel2"`},
		{"undefined-in-quoted", det("a: 1", "'sel and nope'"), `r.yml:7:25: undefined search identifier "nope"`},
		{"undefined-in-plain-multiline", det("a: 1", "sel and\n        nope"), `r.yml:8:9: undefined search identifier "nope"`},
		{"undefined-in-folded", det("a: 1", ">\n        sel and\n          not nope"), `r.yml:9:15: undefined search identifier "nope"`},
		{"undefined-in-literal", det("a: 1", "|\n        sel or\n        nope"), `r.yml:9:9: undefined search identifier "nope"`},
		{"undefined-in-quoted-multiline", det("a: 1", "'sel and\n        (nope)'"), `r.yml:8:10: undefined search identifier "nope"`},
		{"undefined-after-escape", det("a: 1", `"sel and\tnope"`), `r.yml:7:16: undefined search identifier "nope"`},
		{"unbalanced-parens", det("a: 1", "(sel"), `r.yml:7:16: unbalanced parentheses: "(" is never closed`},
		{"pattern-no-match", det("a: 1", "1 of filter*"), `r.yml:7:16: pattern "filter*" matches no search identifier`},
		{"them-no-match", hdr + "detection:\n    _sel:\n        a: 1\n    condition: all of them\n", `r.yml:7:16: "all of them" matches no search identifier (names starting with _ are excluded)`},
		{"missing-condition", hdr + "detection:\n    sel:\n        a: 1\n", "r.yml:5:5: detection has no condition"},
		{"empty-detection", hdr + "detection: {}\n", "r.yml:4:12: detection defines no search identifier\nr.yml:4:12: detection has no condition"},
		{"non-mapping-detection", hdr + "detection: [a, b]\n", "r.yml:4:12: detection must be a mapping of search identifiers and a condition, found a list"},
		{"missing-detection", hdr, "r.yml:1:1: rule has no detection"},
		{"missing-title-logsource", "detection:\n    sel: x\n    condition: sel\n", "r.yml:1:1: rule has no logsource\nr.yml:1:1: rule has no title"},
		{"bad-level", "level: severe\n" + det("a: 1", "sel"), `r.yml:1:8: invalid level "severe" (want one of informational, low, medium, high, critical)`},
		{"condition-mapping", det("a: 1", "{x: 1}"), "r.yml:7:16: condition must be a string or a list of strings, found a mapping"},
		{"non-mapping-document", "- a\n- b\n", "r.yml:1:1: a Sigma document must be a mapping, found a list"},
		{"empty-file", "", "r.yml:1:1: file contains no Sigma document"},
		{"only-separators", "---\n# nothing\n---\n", "r.yml:1:1: file contains no Sigma document"},
		{"only-global", "action: global\ntitle: g\n", "r.yml:1:1: file contains no Sigma document"},
		{"binary", "\x00\x01binary", "r.yml:1:1: binary file: NUL byte"},
		{"invalid-utf8", "title: a\ndescription: \xff\xfe\n", "r.yml:2:14: file is not valid UTF-8"},
		{"big-file", "title: x\n" + strings.Repeat("#", 10<<20), "r.yml:1:1: file is 10485769 bytes, larger than the limit of 4194304 bytes"},
		{"deep-flow-10000", strings.Repeat("[", 10000) + strings.Repeat("]", 10000), "r.yml:1:66: nesting deeper than 64 levels"},
		{"deep-flow-10001", strings.Repeat("[", 10001) + strings.Repeat("]", 10001), "r.yml:1:1: invalid YAML: exceeded max depth of 10000"},
		{"deep-flow-map-10000", strings.Repeat("{a: ", 10000) + "1" + strings.Repeat("}", 10000), "r.yml:1:261: nesting deeper than 64 levels"},
		{"deep-block-1000", deepBlock(1000, 0), "r.yml:66:66: nesting deeper than 64 levels"},
		{"deep-detection", hdr + "detection:\n    sel:\n" + deepBlock(100, 8), "r.yml:69:72: nesting deeper than 64 levels"},
		{"unknown-action", "action: merge\ntitle: x\n", `r.yml:1:9: unknown action "merge" (want global, reset or repeat)`},
		{"repeat-first", "action: global\ntitle: g\n---\naction: repeat\n", "r.yml:4:9: action repeat needs a preceding rule in the collection"},
		{"merge-key", "base: &b {a: 1}\n" + det("<<: *b", "sel"), "r.yml:7:9: YAML merge keys (<<) are not supported; write the keys out"},
		{"alias-bomb", aliasBomb(), "r.yml:6:50: document expands into more than 1048576 YAML nodes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, errs := ParseFile("r.yml", []byte(tc.in))
			if len(errs) == 0 {
				t.Fatal("no error")
			}
			got := errs.Error()
			if len(errs) > 3 {
				got = ir.ErrorList(errs[:3]).Error()
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			for _, e := range errs {
				if !e.Pos.IsValid() || e.Pos.File != "r.yml" || e.Code == "" || e.Code == ir.CodeInternal {
					t.Errorf("bad error %#v", e)
				}
			}
		})
	}
}

// deepBlock nests n block mappings, one per line, from column indent+1.
func deepBlock(n, indent int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", indent+i))
		b.WriteString("k:\n")
	}
	return b.String()
}

// aliasBomb builds a small document whose aliases expand exponentially.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		b.WriteString("a" + itoa(i) + ": &a" + itoa(i) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + itoa(i-1))
		}
		b.WriteString("]\n")
	}
	return b.String()
}

func itoa(i int) string { return string(rune('0' + i)) }
