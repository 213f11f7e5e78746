package elastic

import (
	"crypto/sha1"
	"fmt"
	"strings"

	"github.com/sigconv/sigconv/ir"
)

// severityRisk maps a Sigma level to a Kibana severity and risk score
// (Kibana's defaults per severity: 21, 47, 73, 99; informational becomes
// low with the lowest risk score).
func severityRisk(level string) (string, int) {
	switch level {
	case "low":
		return "low", 21
	case "medium":
		return "medium", 47
	case "high":
		return "high", 73
	case "critical":
		return "critical", 99
	}
	return "low", 1 // informational or unset
}

// ruleType returns the Kibana rule type and query language.
func (b *Backend) ruleType() (string, string) {
	switch b.lang {
	case DSL:
		return "query", "kuery"
	case ESQL:
		return "esql", "esql"
	case EQL:
		return "eql", "eql"
	}
	return "query", "lucene"
}

// kibanaRule builds one line of a Kibana Security detection rules import
// file (the saved-objects NDJSON accepted by "Import rules").
func (b *Backend) kibanaRule(r *ir.Rule, cfg config, index []string, query string, dslQuery any) (string, error) {
	typ, lang := b.ruleType()
	sev, risk := severityRisk(r.Level)
	desc := r.Description
	if desc == "" {
		desc = r.Title
	}
	rule := obj{
		{"rule_id", ruleID(r)},
		{"name", r.Title},
		{"description", desc},
		{"author", authors(r.Author)},
		{"severity", sev},
		{"risk_score", risk},
		{"type", typ},
		{"language", lang},
	}
	if dslQuery != nil {
		// A Query DSL query travels as a custom filter of a query rule.
		rule = append(rule, kv{"query", ""}, kv{"filters", []any{obj{
			{"meta", obj{{"alias", "sigma"}, {"negate", false}, {"disabled", false}, {"type", "custom"}, {"key", "query"}}},
			{"query", dslQuery},
		}}})
	} else {
		rule = append(rule, kv{"query", query})
	}
	if b.lang != ESQL {
		rule = append(rule, kv{"index", index})
	}
	if r.License != "" {
		rule = append(rule, kv{"license", r.License})
	}
	rule = append(rule,
		kv{"threat", b.threat(r.Tags)},
		kv{"references", nonNil(r.References)},
		kv{"false_positives", nonNil(r.FalsePositives)},
		kv{"tags", nonNil(r.Tags)},
		kv{"enabled", cfg.enabled},
		kv{"from", cfg.from},
		kv{"interval", cfg.interval},
		kv{"max_signals", cfg.maxSignals},
		kv{"version", 1},
	)
	js, err := marshal(rule)
	if err != nil {
		return "", err
	}
	return string(js), nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// authors splits Sigma's comma-separated author string.
func authors(a string) []string {
	out := []string{}
	for _, s := range strings.Split(a, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ruleID is the Sigma id, or for a rule without one a stable UUID derived
// from its file, document index and title (name-based, SHA-1, version 5
// layout).
func ruleID(r *ir.Rule) string {
	if r.ID != "" {
		return r.ID
	}
	h := sha1.Sum([]byte(fmt.Sprintf("sigconv\x00%s\x00%d\x00%s", r.File, r.Doc, r.Title)))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
