package es

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sigconv/sigconv/verify/interp"
)

// Cases from the Elasticsearch "Regular expression syntax" page and the Lucene RegExp javadoc.
func TestCompileRegexp(t *testing.T) {
	tests := []struct {
		name, re, in string
		fold, want   bool
	}{
		{"anchored whole term", "ab", "xaby", false, false},
		{"anchored exact", "ab", "ab", false, true},
		{"dot any char", "a.c", "abc", false, true},
		{"dot matches newline", "a.c", "a\nc", false, true},
		{"star", "ab*", "abbb", false, true},
		{"plus needs one", "ab+", "a", false, false},
		{"optional", "abc?", "ab", false, true},
		{"counted", "a{2,3}", "aaa", false, true},
		{"counted too many", "a{2,3}", "aaaa", false, false},
		{"counted open", "a{2,}", "aaaaa", false, true},
		{"union", "abc|xyz", "xyz", false, true},
		{"group", "(ab)+", "ababab", false, true},
		{"class range", "[a-c]+", "abcab", false, true},
		{"negated class", "[^a-c]", "d", false, true},
		{"negated class miss", "[^a-c]", "a", false, false},
		{"escaped dot", `a\.c`, "abc", false, false},
		{"escaped letter is literal", `\n`, "n", false, true},
		{"quoted string", `"a.b"`, "a.b", false, true},
		{"quoted string literal dot", `"a.b"`, "axb", false, false},
		{"anystring", "a@", "abcdef", false, true},
		{"empty language", "#", "", false, false},
		{"case-sensitive", "abc", "ABC", false, false},
		{"ascii fold", "abc", "AbC", true, true},
		{"ascii fold class", "[a-c]x", "BX", true, true},
		{"digit shorthand", `\d+`, "123", false, true},
		{"word shorthand", `\w+`, "a_1", false, true},
		{"space shorthand", `a\sb`, "a b", false, true},
		{"escaped slash", `a\/b`, "a/b", false, true},
		{"escaped class bracket", `[\]]`, "]", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			re, err := CompileRegexp(tc.re, tc.fold)
			if err != nil {
				t.Fatal(err)
			}
			if got := re.MatchString(tc.in); got != tc.want {
				t.Errorf("%q on %q = %v, want %v (go: %s)", tc.re, tc.in, got, tc.want, re)
			}
		})
	}
	for _, bad := range []string{"a&b", "~a", "<1-5>", "(a", "[a", "*a"} {
		if _, err := CompileRegexp(bad, false); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// Wildcard query: * any sequence (including empty), ? one character, backslash escapes.
func TestCompileWildcard(t *testing.T) {
	tests := []struct {
		pat, in             string
		escapes, fold, want bool
	}{
		{"ki*y", "kiy", true, false, true},
		{"ki*y", "kimchy", true, false, true},
		{"ki?y", "kiy", true, false, false},
		{"ki?y", "kimy", true, false, true},
		{`a\*b`, "a*b", true, false, true},
		{`a\*b`, "axb", true, false, false},
		{`a\*b`, `a\xb`, false, false, true},
		{"ABC*", "abcd", true, false, false},
		{"ABC*", "abcd", true, true, true},
		{"a*", "a\nb", true, false, true},
	}
	for _, tc := range tests {
		if got := CompileWildcard(tc.pat, tc.escapes, tc.fold).MatchString(tc.in); got != tc.want {
			t.Errorf("%q (escapes=%v fold=%v) on %q = %v, want %v", tc.pat, tc.escapes, tc.fold, tc.in, got, tc.want)
		}
	}
}

func TestValuesAndRepresents(t *testing.T) {
	ev := interp.Event{"a": []any{"x", nil, []any{"y"}}, "n": nil, "o": map[string]any{"b": 3.0}}
	if got := Values(ev, "a"); len(got) != 2 {
		t.Errorf("Values(a) = %v", got)
	}
	if got := Values(ev, "n"); len(got) != 0 {
		t.Errorf("Values(n) = %v, want none (null is not indexed)", got)
	}
	if got := Indexed(ev, "o.b", Keyword); len(got) != 1 || got[0] != "3" {
		t.Errorf("Indexed(o.b, Keyword) = %v, want [3]", got)
	}
	s := Schema{}
	if !s.Represents(interp.Event{"source.port": "445", "source.ip": "10.0.0.1"}) {
		t.Error("coercible values not represented")
	}
	if s.Represents(interp.Event{"source.port": "http"}) {
		t.Error("a non-numeric string in a long field is rejected by Elasticsearch")
	}
	if s.Represents(interp.Event{"source.ip": "-"}) {
		t.Error("a non-address in an ip field is rejected by Elasticsearch")
	}
	if s.Kind("destination.port") != Numeric || s.Kind("winlog.event_data.Port") != Keyword || s.Kind("process.command_line") != Keyword {
		t.Error("ECS kinds")
	}
	if (Schema{Types: interp.FieldTypes{"x": "ip"}}).Kind("x") != IP {
		t.Error("explicit type ignored")
	}
}

func TestNormalize(t *testing.T) {
	got := Schema{}.Normalize(interp.Event{
		"event.code": 4624.0, "source.port": "445", "source.ip": "::ffff:10.0.0.1",
		"file.code_signature.signed": "", "a": []any{true, "x"}, "n": nil,
	})
	want := interp.Event{
		"event.code": "4624", "source.port": 445.0, "source.ip": "10.0.0.1",
		"file.code_signature.signed": false, "a": []any{"true", "x"}, "n": nil,
	}
	for k, w := range want {
		if g := got[k]; FormatValueForTest(g) != FormatValueForTest(w) {
			t.Errorf("%s: got %#v, want %#v", k, g, w)
		}
	}
}

// FormatValueForTest renders a value with its Go type for comparisons.
func FormatValueForTest(v any) string {
	if a, ok := v.([]any); ok {
		s := "["
		for _, e := range a {
			s += FormatValueForTest(e) + ","
		}
		return s + "]"
	}
	return fmt.Sprintf("%T:%v", v, v)
}

func TestIndexedValues(t *testing.T) {
	ev := interp.Event{"v": []any{"445", 80.0, "x", true, "10.0.0.1", "::ffff:10.0.0.2", "", nil}}
	addr := func(s string) any { return netip.MustParseAddr(s) }
	tests := []struct {
		kind Kind
		want []any
	}{
		{Keyword, []any{"445", "80", "x", "true", "10.0.0.1", "::ffff:10.0.0.2", ""}},
		{Numeric, []any{445.0, 80.0}},
		{IP, []any{addr("10.0.0.1"), addr("10.0.0.2")}},
		{Boolean, []any{true, false}},
	}
	for _, tt := range tests {
		got := Indexed(ev, "v", tt.kind)
		if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
			t.Errorf("Indexed(kind %d) (-want +got):\n%s", tt.kind, diff)
		}
	}
	if !Any(ev, "v", NumberOf, func(f float64) bool { return f == 80 }) || Any(ev, "v", IPOf, func(a netip.Addr) bool { return a.Is6() }) {
		t.Error("Any: wrong answer")
	}
}

func TestTextAndComparisons(t *testing.T) {
	for v, want := range map[any]string{"a": "a", 4624.0: "4624", 1.5: "1.5", true: "true", netip.MustParseAddr("::1"): "::1"} {
		if got, ok := Text(v); !ok || got != want {
			t.Errorf("Text(%v) = %q, %v; want %q", v, got, ok, want)
		}
	}
	if _, ok := Text(map[string]any{}); ok {
		t.Error("Text of an object: ok")
	}
	if CompareNumbers(1, 2) != -1 || CompareNumbers(2, 1) != 1 || CompareNumbers(2, 2) != 0 {
		t.Error("CompareNumbers: wrong order")
	}
	tests := []struct {
		op   string
		want [3]bool // for c = -1, 0, 1
	}{
		{"==", [3]bool{false, true, false}}, {"!=", [3]bool{true, false, true}},
		{"<", [3]bool{true, false, false}}, {"<=", [3]bool{true, true, false}},
		{">", [3]bool{false, false, true}}, {">=", [3]bool{false, true, true}},
	}
	for _, tt := range tests {
		for i, c := range []int{-1, 0, 1} {
			if got := Holds(tt.op, c); got != tt.want[i] {
				t.Errorf("Holds(%s, %d) = %v", tt.op, c, got)
			}
		}
	}
}
