package elastic

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/backends/internal/lower"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/pipeline"
)

// Correlation rules (docs/elastic.md, "Correlations"):
//
//   - ES|QL: one FROM over the referenced rules' indexes, a WHERE keeping
//     the events of any referenced rule, per-rule 0/1 markers, STATS of the
//     aggregate BY fixed buckets of the timespan and the group-by fields,
//     and a WHERE on the aggregate;
//   - Query DSL: a search body with date_histogram + terms aggregations and
//     a bucket_selector for the condition;
//   - EQL: sequences (temporal_ordered, and event_count gt / gte with a
//     small threshold as a sequence of repeated queries);
//   - Lucene: refused, query_string cannot aggregate.
//
// ES|QL and DSL order two rules per bucket (earliest event of the first
// before the latest of the second). Correlations of correlations (one
// level) are written by correlation_chain.go (ES|QL: two aggregations)
// and correlation_chain_dsl.go (DSL: when one bucket level holds both);
// EQL and Kibana threshold rules refuse them.
//
// Fixed buckets are not Sigma's sliding windows: ES|QL and DSL outputs
// carry the approximate warning static-time-window (the Splunk backend's
// ID for the same thing). The kibana_ndjson format writes Kibana rules
// (correlation_kibana.go).

// Warning IDs of correlation outputs.
const (
	WarnStaticWindow       = "static-time-window"      // fixed buckets instead of sliding windows
	WarnPercentileEstimate = "percentile-estimate"     // t-digest percentiles
	WarnDistinctEstimate   = "count-distinct-estimate" // HyperLogLog++ distinct counts
	WarnTermsSize          = "terms-size"              // DSL terms buckets are capped
)

// Names the correlation queries introduce; the sigma_ prefix keeps them
// apart from event fields.
const (
	corrValue  = "sigma_value"  // the aggregate compared with the condition
	corrWindow = "sigma_window" // the time bucket
	corrField  = "sigma_field"  // the aggregated field as a number
)

// ConvertCorrelation converts one correlation rule (see the comment above).
func (b *Backend) ConvertCorrelation(in *backends.CorrelationInput) (*backends.Output, error) {
	c := in.Correlation
	if c == nil {
		return nil, fmt.Errorf("%s: no correlation to convert", b.Name())
	}
	pos := corrPos(c)
	kibana := in.Format == "kibana_ndjson"
	switch {
	case b.lang == Lucene && !kibana:
		return nil, backends.Unsupported(pos, b.Name(), "correlation rule",
			"a Lucene query_string query selects events and cannot count, group or order them; use -t esql, -t dsl or -t eql (or -f kibana_ndjson for a threshold rule)")
	case len(in.Chained) > 0 && (b.lang == EQL || (b.lang != ESQL && kibana)):
		return nil, b.chainRefusal(pos)
	case len(in.Rules) == 0 && len(in.Chained) == 0:
		return nil, backends.Unsupported(pos, b.Name(), "correlation rule", "it refers to no detection rule")
	}
	span := c.Timespan.Duration
	if span < time.Second || span%time.Second != 0 {
		return nil, backends.Unsupported(c.Timespan.Pos, b.Name(), "timespan", "%q is not a whole number of seconds", c.Timespan.Raw)
	}
	cfg, err := parseConfig(in.Config)
	if err != nil {
		return nil, err
	}
	if len(in.Chained) > 0 { // ES|QL or DSL
		if b.lang == DSL {
			return b.dslChained(in, cfg)
		}
		out, err := b.esqlChained(in, cfg, !kibana)
		if err == nil && kibana {
			err = b.kibanaCorrelation(c, nil, cfg, out)
		}
		if err != nil {
			return nil, err
		}
		return out, nil
	}
	refs, err := b.corrRefs(c, in.Rules, cfg)
	if err != nil {
		return nil, err
	}
	var out *backends.Output
	switch {
	case b.lang == ESQL:
		out, err = b.esqlCorrelation(c, refs, !kibana)
	case b.lang == EQL:
		out, err = b.eqlCorrelation(c, refs)
	case kibana: // Lucene or DSL: a threshold rule
		out = &backends.Output{Rule: c}
		if b.lang == Lucene {
			out.Query = luceneAny(refs)
		}
	default:
		out, err = b.dslCorrelation(c, refs)
	}
	if err != nil {
		return nil, err
	}
	if kibana {
		if err := b.kibanaCorrelation(c, refs, cfg, out); err != nil {
			return nil, err
		}
	}
	for _, r := range refs {
		out.Warnings = append(out.Warnings, r.warnings...)
	}
	return out, nil
}

// chainRefusal is the reason EQL and Kibana threshold rules give for a
// correlation referring to correlations.
func (b *Backend) chainRefusal(pos ir.Pos) error {
	reason := "a Kibana threshold rule counts the events of one query and cannot count the hits of another correlation; use -t esql"
	if b.lang == EQL {
		reason = "an EQL sequence joins events and cannot read the hits of another correlation; writing the inner correlation's steps into the outer sequence would lose the inner timespan (a sequence has one maxspan); use -t esql"
	}
	return backends.Unsupported(pos, b.Name(), "correlation of correlations", "%s", reason)
}

// corrRef is one referenced rule converted to the backend's language.
type corrRef struct {
	name     string // the name the correlation uses for it
	res      *pipeline.Result
	text     string // Lucene / ES|QL / EQL condition
	category string // EQL event category, "" for the rule's own
	dsl      any    // Query DSL query
	index    []string
	warnings []backends.Warning
}

// corrRefs converts the referenced rules' conditions.
func (b *Backend) corrRefs(c *ir.Correlation, rules []*pipeline.Result, cfg config) ([]corrRef, error) {
	refs := make([]corrRef, len(rules))
	for i, res := range rules {
		r := res.Rule
		name := r.Name
		if name == "" {
			name = r.ID
		}
		if i < len(c.Rules) && c.Rules[i].Ref != "" {
			name = c.Rules[i].Ref
		}
		e, err := lower.Rule(r, b.Name())
		if err != nil {
			return nil, err
		}
		e = adjustPreds(negatePresence(e), res.Table)
		cv := &conv{backend: b.Name(), tbl: res.Table, cfg: cfg}
		ref := corrRef{name: name, res: res, index: cfg.indexes(res)}
		switch b.lang {
		case Lucene:
			var sb strings.Builder
			if err := (&lucene{cv}).expr(&sb, e, ""); err != nil {
				return nil, err
			}
			ref.text = sb.String()
		case ESQL:
			var sb strings.Builder
			q := &esql{conv: cv}
			if err := q.expr(&sb, e, ""); err != nil {
				return nil, err
			}
			q.multiValueWarning(r.Pos)
			ref.text = sb.String()
		case EQL:
			var sb strings.Builder
			if err := (&eql{cv}).expr(&sb, e, ""); err != nil {
				return nil, err
			}
			ref.text = sb.String()
		case DSL:
			if ref.dsl, err = (&dsl{cv}).expr(e); err != nil {
				return nil, err
			}
		}
		ref.warnings = cv.warnings
		refs[i] = ref
	}
	return refs, nil
}

// aliasField returns the field an alias stands for in ref's events, or ""
// when the alias has no entry for it.
func aliasField(a ir.Alias, ref corrRef) string {
	for _, af := range a.Fields {
		r := ref.res.Rule
		if af.Rule == ref.name || (r.ID != "" && strings.EqualFold(af.Rule, r.ID)) || (r.Name != "" && af.Rule == r.Name) {
			return af.Field
		}
	}
	return ""
}

// joinField is the field of ref's events that stands for the group-by
// entry g: an alias's field for that rule, or g itself.
func joinField(c *ir.Correlation, g string, ref corrRef) string {
	for _, a := range c.Aliases {
		if a.Name == g {
			if f := aliasField(a, ref); f != "" {
				return f
			}
		}
	}
	return g
}

// uniformField returns the field standing for name (a group-by entry or
// the condition field, possibly an alias) in the events of every rule, and
// false when the rules use different fields.
func uniformField(c *ir.Correlation, name string, refs []corrRef) (string, bool) {
	f := joinField(c, name, refs[0])
	for _, r := range refs[1:] {
		if joinField(c, name, r) != f {
			return "", false
		}
	}
	return f, true
}

// uniformFields resolves the group-by entries and the condition field
// (when the type has one) through the aliases, for targets that read one
// field for every rule; it refuses an alias whose field differs per rule.
func (b *Backend) uniformFields(c *ir.Correlation, refs []corrRef) (groupBy []string, cond string, err error) {
	names := append([]string(nil), c.GroupBy...)
	if c.Cond != nil && c.Cond.Field != "" {
		names = append(names, c.Cond.Field)
	}
	var out []string
	for _, n := range names {
		f, ok := uniformField(c, n, refs)
		if !ok {
			pos := corrPos(c)
			for _, a := range c.Aliases {
				if a.Name == n {
					pos = a.Pos
				}
			}
			return nil, "", backends.Unsupported(pos, b.Name(), "alias "+n,
				"its field differs per rule, and a terms aggregation (or threshold field) groups every event by the same field: choosing it per rule would need a script re-evaluating each rule's query; use -t esql")
		}
		out = append(out, f)
	}
	if len(out) > len(c.GroupBy) {
		cond = out[len(c.GroupBy)]
	}
	return out[:len(c.GroupBy)], cond, nil
}

// corrBounds returns the condition's bounds; a temporal correlation
// without a condition needs every referenced rule.
func (b *Backend) corrBounds(c *ir.Correlation, nRules int) ([]ir.CorrBound, error) {
	if c.Cond != nil && len(c.Cond.Bounds) > 0 {
		for _, bd := range c.Cond.Bounds {
			if _, ok := corrOps[bd.Op]; !ok {
				return nil, backends.Unsupported(bd.Pos, b.Name(), "condition", "unknown operator %q", bd.Op)
			}
		}
		return c.Cond.Bounds, nil
	}
	if c.Type == ir.Temporal {
		return []ir.CorrBound{{Op: "gte", Value: float64(nRules)}}, nil
	}
	return nil, backends.Unsupported(corrPos(c), b.Name(), string(c.Type)+" correlation", "the correlation has no condition")
}

// condField returns the aggregated field, refusing a missing one.
func (b *Backend) condField(c *ir.Correlation) (string, error) {
	if c.Cond == nil || c.Cond.Field == "" {
		return "", backends.Unsupported(corrPos(c), b.Name(), string(c.Type)+" correlation", "the condition names no field")
	}
	return c.Cond.Field, nil
}

// percentile returns the correlation's percentile (50 for value_median).
func percentile(c *ir.Correlation) float64 {
	if c.Type == ir.ValueMedian || c.Cond == nil || c.Cond.Percentile == 0 {
		return 50
	}
	return c.Cond.Percentile
}

var corrOps = map[string]string{"gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "eq": "==", "neq": "!="}

func corrPos(c *ir.Correlation) ir.Pos {
	if c.TypePos.IsValid() {
		return c.TypePos
	}
	return c.Pos
}

func fnum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func staticWindowWarning(c *ir.Correlation, how string) backends.Warning {
	return backends.Warning{Pos: c.Timespan.Pos, ID: WarnStaticWindow, Approximate: true,
		Msg: fmt.Sprintf("events are grouped in fixed %s buckets (%s); Sigma's %s window slides, so events in adjacent buckets are not counted together", c.Timespan.Raw, how, c.Timespan.Raw)}
}

// shortSpan writes a whole number of seconds as N followed by the largest
// unit of d, h, m, s dividing it (EQL maxspan, DSL fixed_interval).
func shortSpan(d time.Duration) string {
	secs := int64(d / time.Second)
	for _, u := range []struct {
		n    int64
		unit string
	}{{86400, "d"}, {3600, "h"}, {60, "m"}} {
		if secs%u.n == 0 {
			return strconv.FormatInt(secs/u.n, 10) + u.unit
		}
	}
	return strconv.FormatInt(secs, 10) + "s"
}

var (
	_ backends.CorrelationConverter = (*Backend)(nil)
)
