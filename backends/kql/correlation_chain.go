package kql

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/pipeline"
)

// corrQuery builds one correlation query: the `let` statements of the
// referenced rules and chained correlations (numbered in the order they
// are written), the tables read and the warnings.
type corrQuery struct {
	opts   backends.Options
	lets   []string
	tables []string
	warns  []backends.Warning
}

// warn adds w unless the same warning is there already (a rule referenced
// twice, or by two levels of a chain).
func (q *corrQuery) warn(w backends.Warning) {
	for _, x := range q.warns {
		if x.ID == w.ID && x.Pos == w.Pos {
			return
		}
	}
	q.warns = append(q.warns, w)
}

// let adds a let statement named after its kind and position and returns
// the name.
func (q *corrQuery) let(kind, body string) string {
	name := fmt.Sprintf("sigconv_%s%d", kind, len(q.lets))
	q.lets = append(q.lets, "let "+name+" = "+body+";")
	return name
}

// corrRef is one entry of a correlation's rules: a detection rule or a
// chained correlation.
type corrRef struct {
	name string                     // the reference as written: the entries' marker
	pos  ir.Pos                     // where the reference is written
	doc  ir.Document                // the rule or the correlation
	rule *pipeline.Result           // a detection rule, or nil
	sub  *backends.CorrelationInput // a chained correlation, or nil
}

// corrRefs pairs the correlation's rules with the processed rules and the
// chained correlations the driver resolved; each list keeps the
// correlation's order.
func corrRefs(in *backends.CorrelationInput) ([]corrRef, error) {
	c := in.Correlation
	var refs []corrRef
	ri, ci := 0, 0
	for _, ref := range c.Rules {
		if ci < len(in.Chained) {
			if sc := in.Chained[ci].Correlation; sc != nil && (sc.Name == ref.Ref || (sc.ID != "" && strings.EqualFold(sc.ID, ref.Ref))) {
				refs = append(refs, corrRef{name: ref.Ref, pos: ref.Pos, doc: sc, sub: in.Chained[ci]})
				ci++
				continue
			}
		}
		if ri >= len(in.Rules) {
			return nil, backends.Unsupported(ref.Pos, Name, "correlation", "reference %q was not resolved", ref.Ref)
		}
		refs = append(refs, corrRef{name: ref.Ref, pos: ref.Pos, doc: in.Rules[ri].Rule, rule: in.Rules[ri]})
		ri++
	}
	if ri != len(in.Rules) || ci != len(in.Chained) {
		return nil, fmt.Errorf("kql: correlation %q: resolved references do not match its rules", c.Title)
	}
	return refs, nil
}

// fieldUse is a field a correlation reads from the entries of one
// reference: its name in the correlation (a group-by entry, the condition
// field, or a field carried for an outer correlation) and in the
// reference's rows (after aliases).
type fieldUse struct {
	as, field string
}

// uses lists the fields correlation c reads from reference r, the carried
// fields last (they need no alias).
func uses(c *ir.Correlation, r corrRef, carry []string) []fieldUse {
	var out []fieldUse
	add := func(as, field string) {
		for _, u := range out {
			if u.as == as {
				return
			}
		}
		out = append(out, fieldUse{as, field})
	}
	for _, g := range c.GroupBy {
		add(g, aliasField(c, g, r))
	}
	if c.Cond != nil && c.Cond.Field != "" {
		add(c.Cond.Field, aliasField(c, c.Cond.Field, r))
	}
	for _, f := range carry {
		add(f, f)
	}
	return out
}

// aliasField is the field name stands for in the rows of reference r: the
// alias entry naming r (by reference, name or id), else name itself.
func aliasField(c *ir.Correlation, name string, r corrRef) string {
	m := r.doc.Metadata()
	for _, a := range c.Aliases {
		if a.Name != name {
			continue
		}
		for _, af := range a.Fields {
			if af.Rule == r.name || (m.Name != "" && af.Rule == m.Name) || (m.ID != "" && strings.EqualFold(af.Rule, m.ID)) {
				return af.Field
			}
		}
	}
	return name
}

// correlation renders correlation in over its entries and returns the
// query text (referring to q's lets) and the time column of its rows:
// temporal_ordered with a scan (ordered), event_count and temporal with
// growing thresholds over sliding windows (sliding), the rest in fixed
// buckets (summarized). Every row is a hit; a chained correlation's rows
// (top false) also hold its time and the carry fields an outer
// correlation reads.
func (q *corrQuery) correlation(in *backends.CorrelationInput, carry []string, top bool) (string, string, error) {
	c := in.Correlation
	refs, err := corrRefs(in)
	if err != nil {
		return "", "", err
	}
	if len(carry) > 0 && c.Type != ir.TemporalOrdered && upperBound(c) {
		return "", "", backends.Unsupported(c.Pos, Name, "chained correlation",
			"its hits are decided when a window ends (an lt / lte condition), so they carry no event fields, and the outer correlation reads %s, which is not one of its group-by fields", strings.Join(carry, ", "))
	}
	if c.Type == ir.TemporalOrdered {
		return q.ordered(in, refs, carry)
	}
	if c.Type == ir.Temporal {
		refs = distinctRefs(refs)
	}
	// A temporal correlation counts the distinct markers, so even a single
	// rule is marked.
	ents, tc, err := q.entries(c, refs, carry, c.Type != ir.Temporal, nil, nil)
	if err != nil {
		return "", "", err
	}
	if n, ok := slidingThreshold(c, len(refs)); ok {
		markers := make([]string, len(refs))
		for i, r := range refs {
			markers[i] = r.name
		}
		win, err := sliding(c, tc, n, markers)
		if err != nil {
			return "", "", backends.Unsupported(c.Pos, Name, "correlation", "%v", err)
		}
		return ents + win, tc, nil
	}
	var extra []string // the carried fields that are no group-by columns
	for _, f := range carry {
		if !slices.Contains(c.GroupBy, f) {
			extra = append(extra, f)
		}
	}
	agg, err := q.summarized(c, tc, len(refs), extra, top)
	if err != nil {
		return "", "", err
	}
	return ents + agg, tc, nil
}

// distinctRefs drops references repeating an earlier one (a rule listed
// twice is one rule).
func distinctRefs(refs []corrRef) []corrRef {
	var out []corrRef
	for _, r := range refs {
		if !slices.ContainsFunc(out, func(x corrRef) bool { return x.name == r.name }) {
			out = append(out, r)
		}
	}
	return out
}

// upperBound tells whether c's condition has an lt or lte bound: the
// evaluator decides such windows when they end, and its hits carry only
// the group-by values.
func upperBound(c *ir.Correlation) bool {
	if c.Cond == nil {
		return false
	}
	for _, b := range c.Cond.Bounds {
		if b.Op == "lt" || b.Op == "lte" {
			return true
		}
	}
	return false
}

// entries renders the entries of a correlation: one row per matching event
// of each referenced rule and per hit of each referenced correlation, with
// the fields the correlation reads under its names, and returns the text
// and the time column. A single referenced rule is used as it is when
// inline allows; otherwise every reference is a let marked with its name
// (sigconv_rule) and time (sigconv_time), and the lets are unioned. step,
// when not nil, gives each reference's rank for ordering equal times;
// carryFor, when not nil, names the references whose rows must hold the
// carried fields (the others need not have them).
func (q *corrQuery) entries(c *ir.Correlation, refs []corrRef, carry []string, inline bool, step map[string]int, carryFor map[string]bool) (string, string, error) {
	if inline && len(refs) == 1 && refs[0].rule != nil {
		query, ext, tc, err := q.ruleEntries(refs[0], uses(c, refs[0], carry))
		if err != nil {
			return "", "", err
		}
		if len(ext) > 0 {
			query += "\n| extend " + strings.Join(ext, ", ")
		}
		return query, tc, nil
	}
	var names []string
	for _, r := range refs {
		carry := carry
		if carryFor != nil && !carryFor[r.name] {
			carry = nil
		}
		marker, err := quote(r.name)
		if err != nil {
			return "", "", backends.Unsupported(r.pos, Name, "reference", "%v", err)
		}
		head := []string{colRule + " = " + marker}
		var (
			body string
			cols []string
			kind string
		)
		if r.rule != nil {
			query, ext, tc, err := q.ruleEntries(r, uses(c, r, carry))
			if err != nil {
				return "", "", err
			}
			body, cols, kind = query+"\n| extend ", ext, "r"
			head = append(head, colTime+" = "+ident(tc))
		} else {
			sub, cs, tc, err := q.hits(c, r, carry)
			if err != nil {
				return "", "", err
			}
			body, cols, kind = sub+"\n| project ", cs, "c"
			if tc == colTime {
				head = append(head, colTime)
			} else {
				head = append(head, colTime+" = "+ident(tc))
			}
		}
		if step != nil {
			head = append(head, fmt.Sprintf("%s = %d", colStep, step[r.name]))
		}
		names = append(names, q.let(kind, body+strings.Join(append(head, cols...), ", ")))
	}
	if len(names) == 1 {
		return names[0], colTime, nil
	}
	return "union " + strings.Join(names, ", "), colTime, nil
}

// ruleEntries renders the events of a referenced rule: its query, the
// extend items naming the fields the correlation reads (aliases), and the
// table's time column. Every field must be a column (or computed column)
// of the rule's table.
func (q *corrQuery) ruleEntries(r corrRef, fields []fieldUse) (string, []string, string, error) {
	res := r.rule
	table := res.Table
	if table == nil {
		if q.opts.Table == "" {
			return "", nil, "", backends.Unsupported(res.Rule.LogSource.Pos, Name, "logsource "+logsourceString(res.Rule.LogSource),
				"no pipeline maps it to a table; choose pipelines with -p or give the table with --table NAME")
		}
		table = &pipeline.Table{Name: q.opts.Table}
	}
	if !slices.Contains(q.tables, table.Name) {
		q.tables = append(q.tables, table.Name)
	}
	exts := extends(res.State)
	need := make([]string, len(fields))
	for i, f := range fields {
		need[i] = f.field
	}
	query, warns, err := query(res.Rule, table, exts, need)
	if err != nil {
		return "", nil, "", err
	}
	for _, w := range warns {
		q.warn(w)
	}
	known := func(f string) bool {
		for _, x := range exts {
			if x.Name == f {
				return true
			}
		}
		return len(table.Columns) == 0 || table.Column(f) != nil
	}
	var ext []string
	for _, f := range fields {
		if !known(f.field) {
			return "", nil, "", backends.Unsupported(r.pos, Name, fmt.Sprintf("field %q", f.field),
				"table %s has no column %q (no pipeline maps this field to a column of the table)", table.Name, f.field)
		}
		if f.as != f.field {
			ext = append(ext, ident(f.as)+" = "+ident(f.field))
		}
	}
	tc := "TimeGenerated"
	if col := table.Column("Timestamp"); col != nil && col.Type == "datetime" {
		tc = "Timestamp" // Defender XDR advanced hunting
	}
	return query, ext, tc, nil
}

// hits renders the hits of the chained correlation r of c: the inner
// correlation's query (one row per hit) and the project items giving the
// outer correlation its fields, and the hits' time column. A field the
// outer correlation reads is the inner group-by column of that name, the
// group-by alias standing for it, or else a field of the hit's last event,
// which the inner correlation carries.
func (q *corrQuery) hits(c *ir.Correlation, r corrRef, carry []string) (string, []string, string, error) {
	inner := r.sub.Correlation
	var (
		cols  []string
		inCar []string // fields the inner correlation must carry
	)
	for _, u := range uses(c, r, carry) {
		col := u.field
		if !slices.Contains(inner.GroupBy, col) {
			for _, a := range inner.Aliases {
				if !slices.Contains(inner.GroupBy, a.Name) {
					continue
				}
				for _, af := range a.Fields {
					if af.Field == col {
						col = a.Name
					}
				}
			}
		}
		if !slices.Contains(inner.GroupBy, col) && !slices.Contains(inCar, col) {
			inCar = append(inCar, col)
		}
		if u.as == col {
			cols = append(cols, ident(col))
		} else {
			cols = append(cols, ident(u.as)+" = "+ident(col))
		}
	}
	sub, tc, err := q.correlation(r.sub, inCar, false)
	if err != nil {
		return "", nil, "", err
	}
	return sub, cols, tc, nil
}
