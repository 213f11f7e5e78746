package elastic

import (
	"fmt"
	"strings"
	"time"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
)

// WarnScheduleWindow is the warning ID of Kibana correlation rules whose
// window is the rule's look-back at each scheduled run: sliding windows
// sampled every interval, not every window.
const WarnScheduleWindow = "kibana-schedule-window"

// maxThresholdFields is the most group-by fields a Kibana threshold rule
// takes (threshold.field).
const maxThresholdFields = 5

// kibanaCorrelation builds one line of a Kibana detection rules import file
// for a correlation: rule type esql (the aggregation without time buckets:
// the look-back is the window), eql (the sequence) or threshold (Lucene and
// DSL: event_count and value_count with a gt / gte threshold).
func (b *Backend) kibanaCorrelation(c *ir.Correlation, refs []corrRef, cfg config, out *backends.Output) error {
	span := c.Timespan.Duration
	interval, err := kibanaDuration(cfg.interval)
	if err != nil {
		return err
	}
	typ, lang := b.ruleType()
	from := "now-" + shortSpan(span)
	extra := obj{}
	switch b.lang {
	case EQL:
		// A sequence ending in the last interval may start a timespan
		// before it.
		from = "now-" + shortSpan(span+interval)
	case ESQL:
	default:
		typ = "threshold"
		th, err := b.threshold(c, refs)
		if err != nil {
			return err
		}
		extra = append(extra, kv{"threshold", th})
	}
	if b.lang != EQL {
		out.Warnings = append(out.Warnings, backends.Warning{Pos: c.Timespan.Pos, ID: WarnScheduleWindow, Approximate: true,
			Msg: fmt.Sprintf("Kibana evaluates the rule every %s over the last %s (from %s): windows are sampled at run times, while Sigma's window slides over every event", cfg.interval, c.Timespan.Raw, from)})
	}
	sev, risk := severityRisk(c.Level)
	desc := c.Description
	if desc == "" {
		desc = c.Title
	}
	rule := obj{
		{"rule_id", ruleID(&ir.Rule{Meta: c.Meta})},
		{"name", c.Title},
		{"description", desc},
		{"author", authors(c.Author)},
		{"severity", sev},
		{"risk_score", risk},
		{"type", typ},
		{"language", lang},
	}
	if b.lang == DSL {
		// The Query DSL travels as a custom filter, as for detection rules.
		rule = append(rule, kv{"query", ""}, kv{"filters", []any{obj{
			{"meta", obj{{"alias", "sigma"}, {"negate", false}, {"disabled", false}, {"type", "custom"}, {"key", "query"}}},
			{"query", dslAny(refs)},
		}}})
	} else {
		rule = append(rule, kv{"query", out.Query})
	}
	if b.lang != ESQL {
		rule = append(rule, kv{"index", corrIndexes(refs)})
	}
	rule = append(rule, extra...)
	if c.License != "" {
		rule = append(rule, kv{"license", c.License})
	}
	rule = append(rule,
		kv{"threat", b.threat(c.Tags)},
		kv{"references", nonNil(c.References)},
		kv{"false_positives", nonNil(c.FalsePositives)},
		kv{"tags", nonNil(c.Tags)},
		kv{"enabled", cfg.enabled},
		kv{"from", from},
		kv{"interval", cfg.interval},
		kv{"max_signals", cfg.maxSignals},
		kv{"version", 1},
	)
	js, err := marshal(rule)
	if err != nil {
		return err
	}
	out.Text = string(js)
	return nil
}

// threshold returns a threshold rule's threshold object: group-by fields,
// an event count (>=) and, for value_count, a distinct-value count (>=).
func (b *Backend) threshold(c *ir.Correlation, refs []corrRef) (obj, error) {
	pos := corrPos(c)
	groupBy, condField, err := b.uniformFields(c, refs)
	if err != nil {
		return nil, err
	}
	switch {
	case c.Type != ir.EventCount && c.Type != ir.ValueCount:
		return nil, backends.Unsupported(pos, b.Name(), string(c.Type)+" correlation", "Kibana threshold rules count events or distinct values only; use -t esql or -t eql")
	case len(c.GroupBy) > maxThresholdFields:
		return nil, backends.Unsupported(pos, b.Name(), "group-by", "a Kibana threshold rule groups by at most %d fields", maxThresholdFields)
	case c.Cond == nil || len(c.Cond.Bounds) != 1 || (c.Cond.Bounds[0].Op != "gt" && c.Cond.Bounds[0].Op != "gte"):
		return nil, backends.Unsupported(pos, b.Name(), "correlation condition", "a Kibana threshold rule fires at or above a threshold: only a single gt / gte condition is converted")
	}
	bd := c.Cond.Bounds[0]
	n := int(bd.Value)
	if bd.Op == "gt" || float64(n) != bd.Value {
		n++ // counts are whole: gt 9 is gte 10, gte 2.5 is gte 3
	}
	if n < 1 {
		n = 1
	}
	th := obj{{"field", nonNil(groupBy)}}
	if c.Type == ir.EventCount {
		return append(th, kv{"value", n}), nil
	}
	if _, err := b.condField(c); err != nil {
		return nil, err
	}
	return append(th, kv{"value", 1}, kv{"cardinality", []any{obj{{"field", condField}, {"value", n}}}}), nil
}

// dslAny is the Query DSL query matching any referenced rule.
func dslAny(refs []corrRef) any {
	if len(refs) == 1 {
		return refs[0].dsl
	}
	qs := make([]any, len(refs))
	for i, r := range refs {
		qs[i] = r.dsl
	}
	return obj{{"bool", obj{{"should", qs}, {"minimum_should_match", 1}}}}
}

// luceneAny is the Lucene query matching any referenced rule.
func luceneAny(refs []corrRef) string {
	if len(refs) == 1 {
		return refs[0].text
	}
	parts := make([]string, len(refs))
	for i, r := range refs {
		parts[i] = "(" + r.text + ")"
	}
	return strings.Join(parts, " OR ")
}

// corrIndexes is the union of the referenced rules' indexes, in order.
func corrIndexes(refs []corrRef) []string {
	var idx []string
	seen := map[string]bool{}
	for _, r := range refs {
		for _, i := range r.index {
			if !seen[i] {
				seen[i] = true
				idx = append(idx, i)
			}
		}
	}
	return idx
}

// kibanaDuration parses a schedule interval like 5m (config.interval).
func kibanaDuration(s string) (time.Duration, error) {
	if strings.HasSuffix(s, "d") {
		s = strings.TrimSuffix(s, "d") + "h"
		d, err := time.ParseDuration(s)
		return d * 24, err
	}
	return time.ParseDuration(s)
}
