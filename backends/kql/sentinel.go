package kql

import (
	"bytes"
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
)

// armAPIVersion is the Microsoft.SecurityInsights API version of the
// emitted alert rules (the latest GA version whose schema we follow:
// https://learn.microsoft.com/azure/templates/microsoft.securityinsights/2022-11-01/alertrules).
const armAPIVersion = "2022-11-01"

// tactics maps ATT&CK tactic short names (as in Sigma tags attack.<name>)
// to Microsoft Sentinel's AttackTactic spelling.
var tactics = map[string]string{
	"reconnaissance":       "Reconnaissance",
	"resource-development": "ResourceDevelopment",
	"initial-access":       "InitialAccess",
	"execution":            "Execution",
	"persistence":          "Persistence",
	"privilege-escalation": "PrivilegeEscalation",
	"defense-evasion":      "DefenseEvasion",
	"credential-access":    "CredentialAccess",
	"discovery":            "Discovery",
	"lateral-movement":     "LateralMovement",
	"collection":           "Collection",
	"command-and-control":  "CommandAndControl",
	"exfiltration":         "Exfiltration",
	"impact":               "Impact",
	// ATT&CK for ICS tactics Sentinel knows.
	"inhibit-response-function": "InhibitResponseFunction",
	"impair-process-control":    "ImpairProcessControl",
}

var techniqueTag = regexp.MustCompile(`^attack\.(t\d{4})(\.\d{3})?$`)

// attack extracts Sentinel tactics and ATT&CK technique IDs (T1234 or
// T1234.001) from Sigma tags, in tag order without duplicates.
func attack(tags []string) (tacts, techs []string) {
	seen := map[string]bool{}
	for _, t := range tags {
		t = strings.ToLower(t)
		if m := techniqueTag.FindStringSubmatch(t); m != nil {
			id := strings.ToUpper(m[1]) + m[2]
			if !seen[id] {
				seen[id] = true
				techs = append(techs, id)
			}
			continue
		}
		name, ok := strings.CutPrefix(t, "attack.")
		if !ok {
			continue
		}
		if s, ok := tactics[strings.ReplaceAll(name, "_", "-")]; ok && !seen[s] {
			seen[s] = true
			tacts = append(tacts, s)
		}
	}
	return tacts, techs
}

// severity maps a Sigma level to a Sentinel severity.
func severity(level string) string {
	switch level {
	case "informational":
		return "Informational"
	case "low":
		return "Low"
	case "high", "critical":
		return "High"
	}
	return "Medium"
}

// connectors maps tables to the Sentinel data connector that fills them.
func connectors(table string) []string {
	switch {
	case strings.HasPrefix(table, "Device"):
		return []string{"MicrosoftThreatProtection"}
	case table == "SecurityEvent":
		return []string{"SecurityEvents", "WindowsSecurityEvents"}
	case table == "Event":
		return []string{"WindowsForwardedEvents"}
	case table == "WindowsEvent":
		return []string{"WindowsForwardedEvents"}
	case table == "Syslog":
		return []string{"Syslog"}
	}
	return nil
}

// settings are the analytic-rule properties that come from configuration.
type settings struct {
	QueryFrequency      string // Sentinel duration, e.g. 1h
	QueryPeriod         string
	TriggerOperator     string // gt, lt, eq, ne
	TriggerThreshold    int
	SuppressionDuration string
	SuppressionEnabled  bool
	Enabled             bool
	Version             string
}

// readSettings reads the documented keys from cfg (top level, or under a
// "kql" or "sentinel" mapping, which wins).
func readSettings(cfg backends.Config) (settings, error) {
	s := settings{QueryFrequency: "1h", QueryPeriod: "1h", TriggerOperator: "gt", SuppressionDuration: "1h", Enabled: true, Version: "1.0.0"}
	layers := []map[string]any{cfg}
	for _, k := range []string{"kql", "sentinel"} {
		if m, ok := cfg[k].(map[string]any); ok {
			layers = append(layers, m)
		}
	}
	for _, m := range layers {
		for _, k := range []struct {
			key string
			dst *string
		}{{"queryFrequency", &s.QueryFrequency}, {"queryPeriod", &s.QueryPeriod}, {"triggerOperator", &s.TriggerOperator},
			{"suppressionDuration", &s.SuppressionDuration}, {"version", &s.Version}} {
			if v, ok := m[k.key]; ok {
				*k.dst = fmt.Sprint(v)
			}
		}
		if v, ok := m["triggerThreshold"]; ok {
			n, err := strconv.Atoi(fmt.Sprint(v))
			if err != nil {
				return s, fmt.Errorf("config: triggerThreshold %v is not a whole number", v)
			}
			s.TriggerThreshold = n
		}
		for key, dst := range map[string]*bool{"enabled": &s.Enabled, "suppressionEnabled": &s.SuppressionEnabled} {
			if v, ok := m[key]; ok {
				b, isBool := v.(bool)
				if !isBool {
					return s, fmt.Errorf("config: %s %v is not true or false", key, v)
				}
				*dst = b
			}
		}
	}
	for _, d := range []string{s.QueryFrequency, s.QueryPeriod, s.SuppressionDuration} {
		if _, err := isoDuration(d); err != nil {
			return s, err
		}
	}
	if _, ok := triggerOps[s.TriggerOperator]; !ok {
		return s, fmt.Errorf("config: triggerOperator %q is not one of gt, lt, eq, ne", s.TriggerOperator)
	}
	return s, nil
}

var triggerOps = map[string]string{"gt": "GreaterThan", "lt": "LessThan", "eq": "Equal", "ne": "NotEqual"}

var durationRE = regexp.MustCompile(`^(\d+)([mhd])$`)

// isoDuration converts a Sentinel YAML duration (5m, 1h, 14d) to ISO 8601.
func isoDuration(d string) (string, error) {
	m := durationRE.FindStringSubmatch(d)
	if m == nil {
		return "", fmt.Errorf("config: duration %q is not a number followed by m, h or d", d)
	}
	switch m[2] {
	case "m":
		return "PT" + m[1] + "M", nil
	case "h":
		return "PT" + m[1] + "H", nil
	}
	return "P" + m[1] + "D", nil
}

// periodFor returns the query period: the configured one, or a
// correlation's lookback (its timespan, plus its inner correlations' for a
// chain) when that is longer, rounded up to whole minutes.
func periodFor(configured string, lookback time.Duration) string {
	if lookback == 0 {
		return configured
	}
	m := durationRE.FindStringSubmatch(configured)
	n, _ := strconv.Atoi(m[1])
	unit := map[string]time.Duration{"m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[m[2]]
	if lookback <= time.Duration(n)*unit {
		return configured
	}
	d := lookback
	switch {
	case d%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	}
	return strconv.FormatInt(int64((d+time.Minute-1)/time.Minute), 10) + "m"
}

// ruleID returns the rule's id, or a stable UUID derived from its title
// when it has none (Sentinel needs a GUID).
func ruleID(m *ir.Meta) string {
	if m.ID != "" {
		return m.ID
	}
	h := sha1.Sum([]byte("sigconv:" + m.Title))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// yamlString renders s as a YAML double-quoted scalar. JSON string syntax is
// a subset of it; C1 controls and NEL are escaped as well, which YAML would
// otherwise treat as non-printable or as a line break.
func yamlString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	out := strings.TrimSuffix(buf.String(), "\n")
	var b strings.Builder
	for _, r := range out {
		if r >= 0x80 && r <= 0x9f || r == 0xfeff {
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sentinelRuleYAML renders the Sentinel scheduled analytic rule YAML (the
// format of the Azure-Sentinel repository's Detections folder).
func sentinelRuleYAML(doc ir.Document, lookback time.Duration, tables []string, query string, cfg backends.Config) (string, error) {
	r := doc.Metadata()
	s, err := readSettings(cfg)
	if err != nil {
		return "", backends.Unsupported(r.Pos, Name, "sentinel_rule format", "%v", err)
	}
	s.QueryPeriod = periodFor(s.QueryPeriod, lookback)
	tacts, techs := attack(r.Tags)
	var b strings.Builder
	w := func(k, v string) { fmt.Fprintf(&b, "%s: %s\n", k, v) }
	list := func(k string, vs []string) {
		if len(vs) == 0 {
			fmt.Fprintf(&b, "%s: []\n", k)
			return
		}
		fmt.Fprintf(&b, "%s:\n", k)
		for _, v := range vs {
			fmt.Fprintf(&b, "  - %s\n", yamlString(v))
		}
	}
	w("id", yamlString(ruleID(r)))
	w("name", yamlString(r.Title))
	w("description", yamlString(description(r)))
	w("severity", severity(r.Level))
	var conns []string
	seenTable := map[string]bool{}
	for _, table := range tables {
		if seenTable[table] {
			continue
		}
		seenTable[table] = true
		for _, c := range connectors(table) {
			conns = append(conns, fmt.Sprintf("  - connectorId: %s\n    dataTypes:\n      - %s\n", yamlString(c), yamlString(table)))
		}
	}
	if len(conns) > 0 {
		b.WriteString("requiredDataConnectors:\n")
		for _, c := range conns {
			b.WriteString(c)
		}
	} else {
		b.WriteString("requiredDataConnectors: []\n")
	}
	w("queryFrequency", s.QueryFrequency)
	w("queryPeriod", s.QueryPeriod)
	w("triggerOperator", s.TriggerOperator)
	w("triggerThreshold", strconv.Itoa(s.TriggerThreshold))
	list("tactics", tacts)
	list("relevantTechniques", techs)
	b.WriteString("query: " + yamlBlock(query))
	w("version", s.Version)
	w("kind", "Scheduled")
	return b.String(), nil
}

// yamlBlock renders a query as a literal block scalar when every line is
// plain printable text, or as a double-quoted scalar otherwise.
func yamlBlock(q string) string {
	ok := !strings.HasPrefix(q, " ")
	for _, r := range q {
		if r < 0x20 && r != '\n' || r >= 0x7f && r <= 0x9f || r == 0xfeff || r == 0x2028 || r == 0x2029 {
			ok = false
		}
	}
	for _, line := range strings.Split(q, "\n") {
		if strings.TrimRight(line, " ") != line {
			ok = false
		}
	}
	if !ok {
		return yamlString(q) + "\n"
	}
	return "|-\n  " + strings.ReplaceAll(q, "\n", "\n  ") + "\n"
}

// description is the rule's description plus its author and references,
// which Sentinel has no dedicated fields for.
func description(m *ir.Meta) string {
	d := strings.TrimSpace(m.Description)
	if d == "" {
		d = m.Title
	}
	var extra []string
	if m.Author != "" {
		extra = append(extra, "Author: "+m.Author)
	}
	if m.ID != "" {
		extra = append(extra, "Sigma rule id: "+m.ID)
	}
	if len(extra) > 0 {
		d += "\n\n" + strings.Join(extra, "\n")
	}
	return d
}

// armString protects a value from ARM template expression evaluation: a
// string starting with '[' is an expression unless written as '[['.
func armString(s string) string {
	if strings.HasPrefix(s, "[") {
		return "[" + s
	}
	return s
}

// Bundle combines the converted rules into one ARM template deploying each
// as a Microsoft.OperationalInsights/workspaces/providers/alertRules
// resource of kind Scheduled. The workspace name is a template parameter.
func (b *Backend) Bundle(format string, cfg backends.Config, outs []*backends.Output) ([]byte, error) {
	if format != FormatSentinelARM {
		return nil, fmt.Errorf("kql: format %q is not bundled", format)
	}
	s, err := readSettings(cfg)
	if err != nil {
		return nil, err
	}
	freq, _ := isoDuration(s.QueryFrequency)
	supp, _ := isoDuration(s.SuppressionDuration)
	resources := make([]any, 0, len(outs))
	for _, o := range outs {
		if o == nil || o.Rule == nil {
			continue
		}
		m := o.Rule.Metadata()
		id := ruleID(m)
		period, _ := isoDuration(periodFor(s.QueryPeriod, o.Lookback))
		tacts, techs := attack(m.Tags)
		var parents []string
		seen := map[string]bool{}
		for _, t := range techs {
			p, _, _ := strings.Cut(t, ".")
			if !seen[p] {
				seen[p] = true
				parents = append(parents, p)
			}
		}
		props := obj{
			{"displayName", armString(m.Title)},
			{"description", armString(description(m))},
			{"severity", severity(m.Level)},
			{"enabled", s.Enabled},
			{"query", armString(o.Query)},
			{"queryFrequency", freq},
			{"queryPeriod", period},
			{"triggerOperator", triggerOps[s.TriggerOperator]},
			{"triggerThreshold", s.TriggerThreshold},
			{"suppressionDuration", supp},
			{"suppressionEnabled", s.SuppressionEnabled},
			{"tactics", nonNil(tacts)},
			{"techniques", nonNil(parents)},
		}
		resources = append(resources, obj{
			{"id", "[concat(resourceId('Microsoft.OperationalInsights/workspaces/providers', parameters('workspace'), 'Microsoft.SecurityInsights'), '/alertRules/" + id + "')]"},
			{"name", "[concat(parameters('workspace'), '/Microsoft.SecurityInsights/" + id + "')]"},
			{"type", "Microsoft.OperationalInsights/workspaces/providers/alertRules"},
			{"kind", "Scheduled"},
			{"apiVersion", armAPIVersion},
			{"properties", props},
		})
	}
	tmpl := obj{
		{"$schema", "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"},
		{"contentVersion", "1.0.0.0"},
		{"parameters", obj{{"workspace", obj{
			{"type", "String"},
			{"metadata", obj{{"description", "Name of the Log Analytics workspace with Microsoft Sentinel"}}},
		}}}},
		{"resources", resources},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(tmpl); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// obj is a JSON object that keeps its key order.
type obj []kv

type kv struct {
	k string
	v any
}

// MarshalJSON writes the members in order.
func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		var kb, vb bytes.Buffer
		for _, x := range []struct {
			buf *bytes.Buffer
			v   any
		}{{&kb, m.k}, {&vb, m.v}} {
			enc := json.NewEncoder(x.buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(x.v); err != nil {
				return nil, err
			}
		}
		b.Write(bytes.TrimSuffix(kb.Bytes(), []byte("\n")))
		b.WriteByte(':')
		b.Write(bytes.TrimSuffix(vb.Bytes(), []byte("\n")))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
