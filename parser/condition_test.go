package parser

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sigconv/sigconv/ir"
)

// condString prints a condition as an s-expression with positions of the
// leaves, e.g. (and a@1 (not b@9)).
func condString(c ir.Cond) string {
	switch c := c.(type) {
	case *ir.And:
		return "(and " + termsString(c.Terms) + ")"
	case *ir.Or:
		return "(or " + termsString(c.Terms) + ")"
	case *ir.Not:
		return fmt.Sprintf("(not@%d %s)", c.Pos.Col, condString(c.X))
	case *ir.Ref:
		return fmt.Sprintf("%s@%d", c.Name, c.Pos.Col)
	case *ir.Quantified:
		target := c.Pattern
		if c.Them {
			target = "them"
		}
		return fmt.Sprintf("(%s of %s)@%d", c.Word, target, c.Pos.Col)
	}
	return fmt.Sprintf("?%T", c)
}

func termsString(ts []ir.Cond) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = condString(t)
	}
	return strings.Join(s, " ")
}

func TestParseCondition(t *testing.T) {
	tests := []struct {
		name, in, want, wantErr string
	}{
		{name: "single", in: "selection", want: "selection@1"},
		{name: "and-or", in: "a and b or c", want: "(or (and a@1 b@7) c@12)"},
		{name: "or-and", in: "a or b and c", want: "(or a@1 (and b@6 c@12))"},
		{name: "not-and", in: "not a and b", want: "(and (not@1 a@5) b@11)"},
		{name: "parens", in: "a and (b or c)", want: "(and a@1 (or b@8 c@13))"},
		{name: "not-parens", in: "not (a or b)", want: "(not@1 (or a@6 b@11))"},
		{name: "quantifiers", in: "1 of sel* and not 1 of filter*", want: "(and (1 of sel*)@1 (not@15 (1 of filter*)@19))"},
		{name: "all-of-them", in: "all of them", want: "(all of them)@1"},
		{name: "any-of", in: "any of sel_*", want: "(any of sel_*)@1"},
		{name: "flatten-and", in: "a and (b and c) and d", want: "(and a@1 b@8 c@14 d@21)"},
		{name: "flatten-or", in: "(a or b) or (c or d)", want: "(or a@2 b@7 c@14 d@19)"},
		{name: "no-flatten-mixed", in: "a and (b or c) and d", want: "(and a@1 (or b@8 c@13) d@20)"},
		{name: "double-not", in: "not not a", want: "(not@1 (not@5 a@9))"},
		{name: "keywords-case", in: "A AND NOT 1 OF Filter*", want: "(and A@1 (not@7 (1 of Filter*)@11))"},
		{name: "identifier-with-dash-dot", in: "sel-1 or sel.2", want: "(or sel-1@1 sel.2@10)"},
		{name: "extra-space", in: "  a   and\tb ", want: "(and a@3 b@11)"},
		{name: "nested-parens", in: "((a))", want: "a@3"},
		{name: "them-needs-quantifier", in: "them", wantErr: `c:1:1: unexpected "them", expected a search identifier`},
		{name: "empty", in: "  ", wantErr: "c:1:1: empty condition"},
		{name: "unclosed", in: "a and (b or c", wantErr: `c:1:7: unbalanced parentheses: "(" is never closed`},
		{name: "extra-close", in: "a and b)", wantErr: `c:1:8: unbalanced parentheses: unexpected ")"`},
		{name: "leading-close", in: ")", wantErr: `c:1:1: unbalanced parentheses: unexpected ")"`},
		{name: "dangling-and", in: "a and", wantErr: "c:1:6: unexpected end of condition, expected a search identifier"},
		{name: "double-and", in: "a and and b", wantErr: `c:1:7: unexpected "and", expected a search identifier`},
		{name: "missing-op", in: "a b", wantErr: `c:1:3: unexpected "b" after a complete expression (missing and/or?)`},
		{name: "bad-quantifier", in: "2 of sel*", wantErr: `c:1:1: invalid quantifier "2" (want 1, any or all)`},
		{name: "of-without-target", in: "1 of", wantErr: `c:1:5: expected a search identifier pattern or "them" after "1 of", found "end of condition"`},
		{name: "pattern-without-quantifier", in: "sel*", wantErr: `c:1:1: identifier pattern "sel*" needs a quantifier (1 of, any of, all of)`},
		{name: "pipe", in: "sel | count() > 5", wantErr: "c:1:5: the pipe (aggregation) syntax in conditions is not supported; use a correlation rule"},
		{name: "function-call", in: "count(x) > 5", wantErr: `c:1:1: function-style expressions like "count(" are not supported in conditions; use a correlation rule`},
		{name: "deep", in: strings.Repeat("(", 100) + "a" + strings.Repeat(")", 100), wantErr: "c:1:65: condition nested deeper than 64 levels"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := ParseCondition(tc.in, ir.Pos{File: "c", Line: 1, Col: 1})
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("no error, got %s", condString(c))
				}
				if diff := cmp.Diff(tc.wantErr, err.Error()); diff != "" {
					t.Errorf("error (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if diff := cmp.Diff(tc.want, condString(c)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestConditionPositionsShift re-parses every condition with an offset
// position: every column must shift by exactly that offset.
func TestConditionPositionsShift(t *testing.T) {
	in := "1 of sel* and not (a or b)"
	c1, _ := ParseCondition(in, ir.Pos{File: "f", Line: 1, Col: 1})
	c2, _ := ParseCondition(in, ir.Pos{File: "f", Line: 7, Col: 11})
	var p1, p2 []ir.Pos
	collect := func(c ir.Cond, out *[]ir.Pos) {
		var walk func(ir.Cond)
		walk = func(c ir.Cond) {
			*out = append(*out, c.Position())
			switch c := c.(type) {
			case *ir.And:
				for _, t := range c.Terms {
					walk(t)
				}
			case *ir.Or:
				for _, t := range c.Terms {
					walk(t)
				}
			case *ir.Not:
				walk(c.X)
			}
		}
		walk(c)
	}
	collect(c1, &p1)
	collect(c2, &p2)
	for i := range p1 {
		if p2[i].Line != 7 || p2[i].Col != p1[i].Col+10 {
			t.Errorf("position %d: %v vs %v", i, p1[i], p2[i])
		}
	}
}
