package elastic

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
)

func TestLuceneRegex(t *testing.T) {
	tests := []struct {
		name, in string
		flags    ir.RegexFlags
		want     string
		wantErr  string
	}{
		{name: "unanchored", in: `abc`, want: `.*abc.*`},
		{name: "anchored", in: `^abc$`, want: `abc`},
		{name: "start only", in: `^abc`, want: `abc.*`},
		{name: "perl classes", in: `\d\w\s`, want: ".*[0-9][0-9A-Z_a-z][\t\n\f\r ].*"},
		{name: "negated class", in: `[^a-c]`, want: `.*[^a-c].*`},
		{name: "dot is not newline", in: `a.b`, want: ".*a[^\n]b.*"},
		{name: "s flag", in: `a.b`, flags: ir.RegexFlags{DotAll: true}, want: `.*a.b.*`},
		{name: "i flag", in: `ab`, flags: ir.RegexFlags{IgnoreCase: true}, want: `.*[Aa][Bb].*`},
		{name: "inline i", in: `(?i)ab`, want: `.*[Aa][Bb].*`},
		{name: "m flag anchors", in: `^ab$`, flags: ir.RegexFlags{Multiline: true}, want: "(.*\n)?ab(\n.*)?"},
		{name: "punctuation escaped", in: `a"#@&<>~/`, want: `.*a\"\#\@\&\<\>\~\/.*`},
		{name: "repeat", in: `a{2,5}b{3,}`, want: `.*a{2,5}b{3,}.*`},
		{name: "lazy is greedy", in: `a+?b`, want: `.*a+b.*`},
		{name: "alternation", in: `a|^b`, want: `(.*a.*)|(b.*)`},
		{name: "word boundary", in: `\bx`, wantErr: "word boundaries"},
		{name: "inner anchor", in: `a^b`, wantErr: "anchors inside"},
		{name: "big repeat", in: `[^\\]{1,256}`, wantErr: "counted over"},
		{name: "broad repeat", in: `"[^"]{0,64}x`, wantErr: "counted over"},
		{name: "narrow repeat", in: `[0-9]{2,60}`, want: `.*[0-9]{2,60}.*`},
		{name: "not RE2", in: `a(?=b)`, wantErr: "not a valid RE2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := luceneRegex(tc.in, tc.flags)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("luceneRegex(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestEscapers(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"lucene escape", luceneEscape, `a+b-c=d&e|f>g<h!i(j)k{l}m[n]o^p"q~r*s?t:u\v/w x`, `a\+b\-c\=d\&e\|f\>g\<h\!i\(j\)k\{l\}m\[n\]o\^p\"q\~r\*s\?t\:u\\v\/w\ x`},
		{"lucene quote", luceneQuote, `say "hi" \ >5`, `"say \"hi\" \\ >5"`},
		{"escapeSlash trailing backslash", escapeSlash, `a\\`, `a[\\]`},
		{"escapeSlash escaped slash kept", escapeSlash, `a\/b`, `a\/b`},
		{"esql string", esqlString, "a\"b\\c\nd\te", `"a\"b\\c\nd\te"`},
		{"eql string", eqlString, "a\"b\\c\nd\x01", `"a\"b\\c\nd\u{01}"`},
		{"esql field plain", esqlField, "process.command_line", "process.command_line"},
		{"esql field quoted", esqlField, "Odd Field`x", "`Odd Field``x`"},
		{"eql field keyword", eqlField, "sequence", "`sequence`"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.fn(tc.in)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestConvert(t *testing.T) {
	rule := detection("    sel:\n        Image|endswith: '\\cmd.exe'\n        User|cased: SYSTEM\n    filter:\n        CommandLine|contains: ' /c '\n    condition: sel and not filter\n")
	tests := []struct {
		b    *Backend
		want string
	}{
		{NewLucene(), `Image:/.*\\[Cc][Mm][Dd]\.[Ee][Xx][Ee]/ AND User:"SYSTEM" AND NOT CommandLine:/.* \/[Cc] .*/`},
		{NewESQL(), `FROM logs-* | WHERE ENDS_WITH(TO_LOWER(Image), "\\cmd.exe") AND User == "SYSTEM" AND NOT COALESCE(TO_LOWER(CommandLine) LIKE "* /c *", false)`},
		{NewEQL(), `process where Image : "*\\cmd.exe" and User == "SYSTEM" and not (CommandLine : "* /c *")`},
		{NewDSL(), `{"query":{"bool":{"must":[{"wildcard":{"Image":{"value":"*\\\\cmd.exe","case_insensitive":true}}},{"term":{"User":{"value":"SYSTEM"}}},{"bool":{"must_not":[{"wildcard":{"CommandLine":{"value":"* /c *","case_insensitive":true}}}]}}]}}}`},
	}
	for _, tc := range tests {
		t.Run(tc.b.Name(), func(t *testing.T) {
			out, err := convert(t, tc.b, rule, "default", nil)
			if err != nil {
				t.Fatal(err)
			}
			got := out.Query
			if tc.b.lang == DSL {
				got = compactJSON(t, got)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	tests := []struct {
		name, body, what string
		backends         []*Backend
	}{
		{"keyword", "    sel:\n        - foo\n    condition: sel\n", "keyword search", []*Backend{NewLucene(), NewDSL(), NewESQL(), NewEQL()}},
		{"fieldref", "    sel:\n        A|fieldref: B\n    condition: sel\n", "fieldref modifier", []*Backend{NewLucene(), NewDSL(), NewEQL()}},
		{"range on keyword", "    sel:\n        EventID|gt: 5\n    condition: sel\n", "gt modifier", []*Backend{NewLucene(), NewDSL()}},
		{"cidr on keyword", "    sel:\n        Ip|cidr: 10.0.0.0/8\n    condition: sel\n", "cidr modifier", []*Backend{NewLucene(), NewDSL()}},
	}
	for _, tc := range tests {
		for _, b := range tc.backends {
			t.Run(tc.name+"/"+b.Name(), func(t *testing.T) {
				_, err := convert(t, b, detection(tc.body), "default", nil)
				var ue *backends.UnsupportedError
				if !errors.As(err, &ue) || ue.What != tc.what || !ue.Pos.IsValid() {
					t.Fatalf("err = %v, want an UnsupportedError about %q with a position", err, tc.what)
				}
			})
		}
	}
}

func TestCaseSensitiveFallbackWarning(t *testing.T) {
	out, err := convert(t, NewLucene(), detection("    sel:\n        Image|endswith: '\\cmd.exe'\n    condition: sel\n"), "default", backends.Config{"case_sensitive_fallback": true})
	if err != nil {
		t.Fatal(err)
	}
	if out.Query != `Image:*\\cmd.exe` || len(out.Warnings) != 1 || out.Warnings[0].ID != WarnCaseSensitive || out.Fidelity() != backends.Approximate {
		t.Errorf("got %q %+v", out.Query, out.Warnings)
	}
}

func FuzzLuceneRegex(f *testing.F) {
	for _, s := range []string{`abc`, `^a.*b$`, `\d+\s(x|y)`, `[^\\]{1,3}`, `(?i)a|b`, `a\/b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		out, err := luceneRegex(expr, ir.RegexFlags{})
		if err != nil {
			return
		}
		if out == "" {
			t.Fatalf("empty translation of %q", expr)
		}
		if strings.HasSuffix(escapeSlash(out), `\`) {
			t.Fatalf("query_string regexp of %q ends with a backslash", expr)
		}
	})
}

// TestIndentMatchesEncodingJSON checks indent and appendIndented against
// json.Indent, which they replace for speed.
func TestIndentMatchesEncodingJSON(t *testing.T) {
	for _, v := range []any{
		obj{},
		[]any{},
		obj{{"query", obj{{"bool", obj{{"should", []any{obj{}, []any{}, "a{b}[c],d:e", `q"\`, 1, true}}}}}}},
		obj{{"k", "\u2028<&>\n\t"}, {"e", []any{[]any{[]any{}}}}},
		obj{{"f", 1.5}, {"n", []any(nil)}, {"i", int64(-3)}, {"o", []obj{{{"a", obj{{"b", []any{1}}}}}, {}}}},
		obj{{"m", map[string]any{"z": []any{map[string]any{}}, "a": map[string]int{"x": 1}}}},
	} {
		compact, err := marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := json.Indent(&want, compact, "", "  "); err != nil {
			t.Fatal(err)
		}
		if got := indent(compact); got != want.String() {
			t.Errorf("indent(%s) =\n%s\nwant\n%s", compact, got, want.String())
		}
		got, err := appendIndented(nil, v, 0)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want.String() {
			t.Errorf("appendIndented(%s) =\n%s\nwant\n%s", compact, got, want.String())
		}
	}
}
