package kql

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
	"github.com/sigconv/sigconv/pipeline"
)

// testTable has one column of each type the emitter distinguishes.
var testTable = &pipeline.Table{Name: "T", Columns: []pipeline.Column{
	{Name: "S", Type: "string"}, {Name: "S2", Type: "string"}, {Name: "N", Type: "long"},
	{Name: "I", Type: "int"}, {Name: "B", Type: "bool"}, {Name: "D", Type: "datetime"},
	{Name: "Dyn", Type: "dynamic"}, {Name: "where", Type: "string"}, {Name: "a b", Type: "string"},
}}

// parseRule parses a rule whose detection is the given YAML (indented by
// four spaces by the caller's convention: keys at column 1 of detection).
func parseRule(t *testing.T, detection string) *ir.Rule {
	t.Helper()
	var b strings.Builder
	b.WriteString("title: t\nlogsource:\n    category: test\ndetection:\n")
	for _, line := range strings.Split(strings.TrimRight(detection, "\n"), "\n") {
		b.WriteString("    " + line + "\n")
	}
	docs, errs := parser.ParseFile("rule.yml", []byte(b.String()))
	if err := errs.Err(); err != nil {
		t.Fatalf("parse: %v\n%s", err, b.String())
	}
	r, ok := docs[0].(*ir.Rule)
	if !ok {
		t.Fatalf("not a rule: %T", docs[0])
	}
	return r
}

func whereOf(t *testing.T, detection string, table *pipeline.Table) (string, error) {
	t.Helper()
	q, err := Query(parseRule(t, detection), table, nil)
	if err != nil {
		return "", err
	}
	prefix := ident(table.Name) + "\n| where "
	if !strings.HasPrefix(q, prefix) {
		return "", fmt.Errorf("query %q lacks prefix %q", q, prefix)
	}
	return strings.TrimPrefix(q, prefix), nil
}

// emitCases are detection → where-clause cases over testTable; they are
// also checked with Kusto.Language (TestValidateEmitCases).
var emitCases = []struct {
	name, detection, want string
}{
	{"exact", "sel:\n    S: abc\ncondition: sel", `S =~ "abc"`},
	{"cased", "sel:\n    S|cased: abc\ncondition: sel", `S == "abc"`},
	{"list", "sel:\n    S:\n        - a\n        - b\ncondition: sel", `S in~ ("a", "b")`},
	{"list cased", "sel:\n    S|cased:\n        - a\n        - b\ncondition: sel", `S in ("a", "b")`},
	{"not list", "sel:\n    S:\n        - a\n        - b\ncondition: not sel", `S !in~ ("a", "b")`},
	{"contains", "sel:\n    S|contains: abc\ncondition: sel", `S contains "abc"`},
	{"contains cased", "sel:\n    S|contains|cased: abc\ncondition: sel", `S contains_cs "abc"`},
	{"startswith", "sel:\n    S|startswith: abc\ncondition: sel", `S startswith "abc"`},
	{"endswith", "sel:\n    S|endswith: abc\ncondition: sel", `S endswith "abc"`},
	{"not endswith", "sel:\n    S|endswith: abc\ncondition: not sel", `S !endswith "abc"`},
	{"wildcard prefix", "sel:\n    S: abc*\ncondition: sel", `S startswith "abc"`},
	{"inner wildcard", "sel:\n    S: a*b?c.\ncondition: sel", `S matches regex @"(?is)^a.*b.c\.$"`},
	{"inner wildcard backslash", "sel:\n    S: 'C:\\W*\\x.exe'\ncondition: sel", `S matches regex @"(?is)^C:\\W.*\\x\.exe$"`},
	{"not wildcard", "sel:\n    S: a*b\ncondition: not sel", `not(S matches regex "(?is)^a.*b$")`},
	{"cased wildcard", "sel:\n    S|cased: a?b\ncondition: sel", `S matches regex "(?s)^a.b$"`},
	{"escaped star", "sel:\n    S: 'a\\*b'\ncondition: sel", `S =~ "a*b"`},
	{"contains all", "sel:\n    S|contains|all:\n        - a\n        - b\ncondition: sel", `S contains "a" and S contains "b"`},
	{"any", "sel:\n    S: '*'\ncondition: sel", `isnotempty(S)`},
	{"empty", "sel:\n    S: ''\ncondition: sel", `S =~ ""`},
	{"null", "sel:\n    S: null\ncondition: sel", `isempty(S)`},
	{"null long", "sel:\n    N: null\ncondition: sel", `isnull(N)`},
	{"exists", "sel:\n    S|exists: true\ncondition: sel", `isnotempty(S)`},
	{"exists false long", "sel:\n    N|exists: false\ncondition: sel", `isnull(N)`},
	{"number", "sel:\n    N: 4624\ncondition: sel", `N == 4624`},
	{"number list", "sel:\n    N:\n        - 1\n        - 2\ncondition: sel", `N in (1, 2)`},
	{"not number list", "sel:\n    N:\n        - 1\n        - 2\ncondition: not sel", `(isnull(N) or N !in (1, 2))`},
	{"number on string", "sel:\n    S: 4624\ncondition: sel", `S == "4624"`},
	{"numeric string on long", "sel:\n    N: '4624'\ncondition: sel", `N == 4624`},
	{"startswith on long", "sel:\n    N|startswith: '46'\ncondition: sel", `tostring(N) startswith "46"`},
	{"bool", "sel:\n    B: true\ncondition: sel", `B == true`},
	{"not bool", "sel:\n    B: true\ncondition: not sel", `B != true`},
	{"bool string", "sel:\n    B: 'false'\ncondition: sel", `B == false`},
	{"bool on string", "sel:\n    S: true\ncondition: sel", `S =~ "true"`},
	{"gt", "sel:\n    N|gt: 5\ncondition: sel", `N > 5`},
	{"not gte", "sel:\n    N|gte: 5\ncondition: not sel", `(isnull(N) or N < 5)`},
	{"lt on string", "sel:\n    S|lt: 5\ncondition: sel", `todouble(S) < 5`},
	{"re", "sel:\n    S|re: 'a\\d+$'\ncondition: sel", `S matches regex @"a\d+$"`},
	{"re flags", "sel:\n    S|re|i|m|s: '^a.b$'\ncondition: sel", `S matches regex "(?ims)^a.b$"`},
	{"not re", "sel:\n    S|re: 'ab'\ncondition: not sel", `not(S matches regex "ab")`},
	{"cidr4", "sel:\n    S|cidr: 10.0.0.0/8\ncondition: sel", `ipv4_is_in_range(S, "10.0.0.0/8")`},
	{"cidr6", "sel:\n    S|cidr: 'fe80::/10'\ncondition: sel", `ipv6_is_in_range(S, "fe80::/10")`},
	{"not cidr4", "sel:\n    S|cidr: 10.0.0.0/8\ncondition: not sel", `ipv4_is_in_range(S, "10.0.0.0/8") != true`},
	{"cidr6 all", "sel:\n    S|cidr: '::/0'\ncondition: sel", `(S contains ":" and ipv6_is_in_range(S, "::/0"))`},
	{"fieldref", "sel:\n    S|fieldref: S2\ncondition: sel", `isnotempty(S) and isnotempty(S2) and S =~ S2`},
	{"fieldref endswith", "sel:\n    S|fieldref|endswith: S2\ncondition: sel", `isnotempty(S) and isnotempty(S2) and S endswith S2`},
	{"fieldref numbers", "sel:\n    N|fieldref: I\ncondition: sel", `isnotnull(N) and isnotnull(I) and N == I`},
	{"hour", "sel:\n    D|hour: 3\ncondition: sel", `datetime_part("hour", D) == 3`},
	{"week on string", "sel:\n    S|week: 3\ncondition: sel", `datetime_part("week_of_year", todatetime(S)) == 3`},
	{"keyword", "keywords:\n    - abc\ncondition: keywords", `* contains "abc"`},
	{"keywords", "keywords:\n    - abc\n    - 'd*e'\ncondition: keywords", `* contains "abc" or * matches regex "(?is)d.*e"`},
	{"not keyword", "keywords:\n    - abc\ncondition: not keywords", `not(* contains "abc")`},
	{"precedence", "a:\n    S: a\nb:\n    S2: b\nc:\n    N: 1\ncondition: a and (b or c)", `S =~ "a" and (S2 =~ "b" or N == 1)`},
	{"not or", "a:\n    S: a\nb:\n    S2: b\ncondition: not (a or b)", `S !~ "a" and S2 !~ "b"`},
	{"not and", "a:\n    S: a\n    S2: b\ncondition: not a", `S !~ "a" or S2 !~ "b"`},
	{"or of ands", "a:\n    S: a\n    S2: b\nb:\n    N: 1\ncondition: a or b", `(S =~ "a" and S2 =~ "b") or N == 1`},
	{"one of", "sel_a:\n    S: a\nsel_b:\n    S: b\nfilter:\n    S2: c\ncondition: 1 of sel_* and not filter", `S in~ ("a", "b") and S2 !~ "c"`},
	{"quote", "sel:\n    S: 'say \"hi\"'\ncondition: sel", `S =~ "say \"hi\""`},
	{"quote backslash", "sel:\n    S: 'C:\\\"x\"'\ncondition: sel", `S =~ @"C:\""x"""`},
	{"newline", "sel:\n    S: \"a\\nb\\\\c\"\ncondition: sel", `S =~ "a\nb\\c"`},
	{"keyword column", "sel:\n    where: x\ncondition: sel", `['where'] =~ "x"`},
	{"space column", "sel:\n    a b: x\ncondition: sel", `['a b'] =~ "x"`},
	{"dynamic", "sel:\n    Dyn|contains: x\ncondition: sel", `tostring(Dyn) contains "x"`},
}

func TestEmit(t *testing.T) {
	for _, tc := range emitCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := whereOf(t, tc.detection, testTable)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestEmitRefusals(t *testing.T) {
	tests := []struct {
		name, detection, want string
	}{
		{"unknown column", "sel:\n    Image: x\ncondition: sel", `table T has no column "Image"`},
		{"control char", "sel:\n    S: \"a\\x01\"\ncondition: sel", "control character U+0001"},
		{"bool keyword", "keywords:\n    - true\ncondition: keywords", "keyword has no meaning"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := whereOf(t, tc.detection, testTable)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, backends.ErrUnsupported) {
				t.Errorf("error %v does not wrap ErrUnsupported", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q lacks %q", err, tc.want)
			}
		})
	}
}

func TestUnknownSchemaAcceptsAnyColumn(t *testing.T) {
	got, err := whereOf(t, "sel:\n    Image|endswith: '\\x.exe'\n    EventID: 1\ncondition: sel", &pipeline.Table{Name: "Custom_CL"})
	if err != nil {
		t.Fatal(err)
	}
	want := `Image endswith @"\x.exe" and tostring(EventID) == "1"`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"abc", `"abc"`},
		{`a"b`, `"a\"b"`},
		{`a\b`, `@"a\b"`},
		{`a\"b`, `@"a\""b"`},
		{"a\tb\\", `"a\tb\\"`},
		{"", `""`},
		{"é€", `"é€"`},
	}
	for _, tc := range tests {
		got, err := quote(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	if _, err := quote("a\x00"); err == nil {
		t.Error("quote accepted NUL")
	}
	if _, err := quote("\xff"); err == nil {
		t.Error("quote accepted invalid UTF-8")
	}
}
