package elastic

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sigconv/sigconv/ir"
)

// TestDSLNodesMatchObjTrees checks that leafQuery and boolQuery are
// written exactly as the obj trees they stand for: compactly, indented at
// any depth, and through encoding/json.
func TestDSLNodesMatchObjTrees(t *testing.T) {
	leaf := &leafQuery{kind: "wildcard", field: `a"b`, key: "value", str: `*\x*`, ci: true}
	leafTree := obj{{"wildcard", obj{{`a"b`, obj{{"value", `*\x*`}, {"case_insensitive", true}}}}}}
	cases := []struct {
		node, tree any
	}{
		{leaf, leafTree},
		{&leafQuery{kind: "exists", field: "f"}, obj{{"exists", obj{{"field", "f"}}}}},
		{&leafQuery{kind: "range", field: "n", key: "gte", num: int64(5)}, obj{{"range", obj{{"n", obj{{"gte", int64(5)}}}}}}},
		{&leafQuery{kind: "term", field: "x", key: "value", num: 2.5}, obj{{"term", obj{{"x", obj{{"value", 2.5}}}}}}},
		{&leafQuery{kind: "term", field: "b", key: "value", num: false}, obj{{"term", obj{{"b", obj{{"value", false}}}}}}},
		{&leafQuery{kind: "regexp", field: "r", key: "value", str: ".*ä.*", flags: "ALL"}, obj{{"regexp", obj{{"r", obj{{"value", ".*ä.*"}, {"flags", "ALL"}}}}}}},
		{&boolQuery{occur: "must_not", qs: []any{leaf}}, obj{{"bool", obj{{"must_not", []any{leafTree}}}}}},
		{&boolQuery{occur: "should", qs: []any{leaf, &boolQuery{occur: "must", qs: []any{}}}},
			obj{{"bool", obj{{"should", []any{leafTree, obj{{"bool", obj{{"must", []any{}}}}}}}, {"minimum_should_match", 1}}}}},
	}
	for _, tc := range cases {
		want, err := marshal(tc.tree)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := marshal(tc.node); err != nil || string(got) != string(want) {
			t.Errorf("marshal = %s, %v; want %s", got, err, want)
		}
		if got, err := json.Marshal([]any{tc.node}); err != nil || string(got) != "["+string(want)+"]" {
			t.Errorf("json.Marshal = %s, %v; want [%s]", got, err, want)
		}
		for depth := range 3 {
			want, err := appendIndented(nil, obj{{"q", tc.tree}}, depth)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := appendIndented(nil, obj{{"q", tc.node}}, depth); err != nil || string(got) != string(want) {
				t.Errorf("appendIndented at %d =\n%s\n%v; want\n%s", depth, got, err, want)
			}
		}
	}
}

// TestDSLWildcard checks dslWildcard against escaping rune by rune.
func TestDSLWildcard(t *testing.T) {
	for _, s := range []string{"", "plain", `C:\Win*dows\?x`, "ä*ö\\", "bad\xffutf\xc3", "\ufffd"} {
		var want strings.Builder
		want.WriteByte('*')
		for _, r := range s {
			if r == '*' || r == '?' || r == '\\' {
				want.WriteByte('\\')
			}
			want.WriteRune(r)
		}
		want.WriteByte('?')
		parts := []ir.StrPart{{Kind: ir.PartWildMany}, {Kind: ir.PartLit, Text: s}, {Kind: ir.PartWildOne}}
		if got := dslWildcard(parts); got != want.String() {
			t.Errorf("dslWildcard(%q) = %q, want %q", s, got, want.String())
		}
	}
}
