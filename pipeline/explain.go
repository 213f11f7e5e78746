package pipeline

import (
	"fmt"
	"io"
	"strings"

	"github.com/sigconv/sigconv/ir"
)

// Explain writes, for one rule, what the chain did to it: every item in
// application order marked applied (with what it changed) or skipped
// (with its conditions, which did not match), then the resulting log
// source, state, table and the fate of each field. With all false, skipped
// items are counted instead of listed.
func (c *Chain) Explain(w io.Writer, r *ir.Rule, all bool) error {
	fmt.Fprintf(w, "%s: %s", r.Pos, r.Title)
	if r.ID != "" {
		fmt.Fprintf(w, " (%s)", r.ID)
	}
	fmt.Fprintf(w, "\n  logsource: %s\n", lsText(r.LogSource))
	res, err := c.apply(r, true)
	if err != nil {
		fmt.Fprintf(w, "  refused by the pipelines: %v\n", err)
		return nil
	}
	applied := map[ir.Pos][]Applied{}
	for _, a := range res.Applied {
		applied[a.Pos] = append(applied[a.Pos], a)
	}
	skipped := 0
	fmt.Fprintln(w, "  items:")
	for _, p := range c.pipes {
		for _, info := range p.allItems() {
			as := applied[info.Pos]
			name := info.ID
			if name == "" {
				name = "(no id)"
			}
			if len(as) == 0 {
				skipped++
				if all {
					cond := info.Conditions
					if cond == "" {
						cond = "no change"
					}
					fmt.Fprintf(w, "    skip   %s/%s %s  [%s]\n", p.Name, name, info.Type, cond)
				}
				continue
			}
			for _, a := range as {
				detail := a.Detail
				if detail == "" {
					detail = "applied, nothing to change"
				}
				fmt.Fprintf(w, "    apply  %s/%s %s: %s\n", p.Name, name, info.Type, detail)
			}
		}
	}
	if !all && skipped > 0 {
		fmt.Fprintf(w, "    (%d items skipped: conditions not met; --all lists them)\n", skipped)
	}
	fmt.Fprintf(w, "  result logsource: %s\n", lsText(res.Rule.LogSource))
	if len(res.State) > 0 {
		fmt.Fprintf(w, "  state:")
		for _, k := range sortedKeys(res.State) {
			fmt.Fprintf(w, " %s=%v", k, res.State[k])
		}
		fmt.Fprintln(w)
	}
	if res.Table != nil {
		fmt.Fprintf(w, "  table: %s (%d columns)\n", res.Table.Name, len(res.Table.Columns))
	}
	if len(res.Postprocess) > 0 {
		var ts []string
		for _, p := range res.Postprocess {
			ts = append(ts, p.Type)
		}
		fmt.Fprintf(w, "  postprocessing: %s\n", strings.Join(ts, ", "))
	}
	fmt.Fprintln(w, "  fields:")
	unmapped := map[string]bool{}
	for _, f := range Unmapped(res) {
		unmapped[f] = true
	}
	for _, f := range res.Fields {
		switch {
		case f.Dropped:
			fmt.Fprintf(w, "    %s: dropped\n", f.Field)
		case unmapped[f.Field]:
			fmt.Fprintf(w, "    %s: UNMAPPED\n", f.Field)
		case f.Mapped:
			fmt.Fprintf(w, "    %s → %s (by %s)\n", f.Field, strings.Join(f.Target, ", "), strings.Join(f.By, ", "))
		default:
			fmt.Fprintf(w, "    %s: in table %s\n", f.Field, res.Table.Name)
		}
	}
	return nil
}

// allItems lists the pipeline's items including those nested in nest
// items, in order.
func (p *Pipeline) allItems() []ItemInfo {
	var out []ItemInfo
	var walk func(items []*item)
	walk = func(items []*item) {
		for _, it := range items {
			out = append(out, ItemInfo{ID: it.id, Type: it.typ, Pos: it.pos, Conditions: it.condText})
			if n, ok := it.t.(*nest); ok {
				walk(n.items)
			}
		}
	}
	walk(p.items)
	return out
}

// ExplainCorrelation writes what the chain does to a correlation rule:
// the items that applied and the rewritten group-by, alias and condition
// fields. refs are the referenced rules, for logsource conditions.
func (c *Chain) ExplainCorrelation(w io.Writer, corr *ir.Correlation, refs ...*ir.Rule) error {
	fmt.Fprintf(w, "%s: %s (correlation %s)\n", corr.Pos, corr.Title, corr.Type)
	s := c.newState()
	s.verbose = true
	s.corr = ir.CloneCorrelation(corr)
	s.refs = refs
	if err := s.run(); err != nil {
		fmt.Fprintf(w, "  refused by the pipelines: %v\n", err)
		return nil
	}
	fmt.Fprintln(w, "  items:")
	for _, a := range s.res.Applied {
		name := a.ID
		if name == "" {
			name = "(no id)"
		}
		detail := a.Detail
		if detail == "" {
			detail = "applied, nothing to change"
		}
		fmt.Fprintf(w, "    apply  %s/%s %s: %s\n", a.Pipeline, name, a.Type, detail)
	}
	out := s.corr
	if len(out.GroupBy) > 0 {
		fmt.Fprintf(w, "  group-by: %s\n", strings.Join(out.GroupBy, ", "))
	}
	for _, al := range out.Aliases {
		var fs []string
		for _, f := range al.Fields {
			fs = append(fs, f.Rule+"="+f.Field)
		}
		fmt.Fprintf(w, "  alias %s: %s\n", al.Name, strings.Join(fs, ", "))
	}
	if out.Cond != nil && out.Cond.Field != "" {
		fmt.Fprintf(w, "  condition field: %s\n", out.Cond.Field)
	}
	if len(s.res.State) > 0 {
		fmt.Fprintf(w, "  state:")
		for _, k := range sortedKeys(s.res.State) {
			fmt.Fprintf(w, " %s=%v", k, s.res.State[k])
		}
		fmt.Fprintln(w)
	}
	return nil
}
