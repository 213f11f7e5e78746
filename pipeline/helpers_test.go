package pipeline

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
)

// parseRule parses a one-rule YAML document.
func parseRule(t *testing.T, src string) *ir.Rule {
	t.Helper()
	docs, errs := parser.ParseFile("rule.yml", []byte(src))
	if len(errs) > 0 {
		t.Fatalf("parse rule: %v", errs)
	}
	r, ok := docs[0].(*ir.Rule)
	if !ok {
		t.Fatalf("not a rule: %T", docs[0])
	}
	return r
}

// mustLoad loads pipeline YAML or fails the test.
func mustLoad(t *testing.T, name, src string) *Pipeline {
	t.Helper()
	p, err := Load(name, []byte(src))
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return p
}

// render prints a rule compactly: log source, searches (groups OR-ed by
// " | ", items AND-ed by " & ") and conditions, one per line.
func render(r *ir.Rule) string {
	var b strings.Builder
	ls := r.LogSource
	fmt.Fprintf(&b, "logsource: %s/%s/%s\n", ls.Category, ls.Product, ls.Service)
	if len(r.Fields) > 0 {
		fmt.Fprintf(&b, "fields: %s\n", strings.Join(r.Fields, ","))
	}
	for _, s := range r.Detection.Searches {
		var groups []string
		for _, g := range s.Groups {
			var items []string
			for _, it := range g.Items {
				items = append(items, renderItem(it))
			}
			groups = append(groups, strings.Join(items, " & "))
		}
		fmt.Fprintf(&b, "%s: %s\n", s.Name, strings.Join(groups, " | "))
	}
	for _, c := range r.Detection.Conditions {
		fmt.Fprintf(&b, "condition: %s\n", renderCond(c))
	}
	return b.String()
}

func renderItem(it *ir.Item) string {
	f := it.Field
	if it.Match.Op != ir.OpEqual {
		f += "|" + it.Match.Op.String()
	}
	if it.Match.All {
		f += "|all"
	}
	if it.Match.Cased {
		f += "|cased"
	}
	if it.Match.Negate {
		f += "|neq"
	}
	if it.Match.Regex.IgnoreCase {
		f += "|i"
	}
	var vs []string
	for _, v := range it.Values {
		vs = append(vs, valueText(v))
	}
	return f + "=" + strings.Join(vs, ",")
}

func renderCond(c ir.Cond) string {
	switch c := c.(type) {
	case *ir.And:
		return "(" + renderTerms(c.Terms, " and ") + ")"
	case *ir.Or:
		return "(" + renderTerms(c.Terms, " or ") + ")"
	case *ir.Not:
		return "not " + renderCond(c.X)
	case *ir.Ref:
		return c.Name
	case *ir.Quantified:
		if c.Them {
			return c.Word + " of them"
		}
		return c.Word + " of " + c.Pattern
	}
	return "?"
}

func renderTerms(ts []ir.Cond, sep string) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = renderCond(t)
	}
	return strings.Join(parts, sep)
}

// parseRuleNoT parses a rule outside a test (fuzz setup); nil on error.
func parseRuleNoT(src string) *ir.Rule {
	docs, errs := parser.ParseFile("rule.yml", []byte(src))
	if len(errs) > 0 || len(docs) == 0 {
		return nil
	}
	r, _ := docs[0].(*ir.Rule)
	return r
}
