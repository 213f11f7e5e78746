package splunk

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
)

// The savedsearches format writes one stanza per rule. Every key is written
// in every stanza: a [default] stanza would be merged into the global
// default of ALL saved searches of the instance (conf files merge [default]
// across apps), so none is emitted.
//
// Configuration (--config), all keys optional:
//
//	splunk:
//	  savedsearches:
//	    defaults: {cron_schedule: "*/5 * * * *"}   # every stanza
//	    level:    {critical: {action.email: 1}}     # by rule level
//	    tag:      {attack.t1059: {alert.suppress: 1}} # by rule tag
//	    id:       {<rule id>: {disabled: 1}}        # by rule id
//
// Later layers override earlier ones: built-in values, defaults, level,
// tag (in the rule's tag order), id. A key set to null is removed.

// severities maps Sigma levels to savedsearches.conf alert.severity
// (1 debug, 2 info, 3 low, 4 medium, 5 high, 6 critical).
var severities = map[string]int{"informational": 2, "low": 3, "medium": 4, "high": 5, "critical": 6}

// attackTechnique matches ATT&CK technique tags (attack.t1059.001).
var attackTechnique = regexp.MustCompile(`^attack\.(t\d{4}(?:\.\d{3})?)$`)

// Bundle combines per-rule outputs into one savedsearches.conf.
func (b *Backend) Bundle(format string, cfg backends.Config, outs []*backends.Output) ([]byte, error) {
	if format != FormatSavedSearches {
		return nil, fmt.Errorf("splunk: format %q is not bundled", format)
	}
	layers, err := readSavedSearchesConfig(cfg)
	if err != nil {
		return nil, err
	}
	var buf strings.Builder
	buf.WriteString("# savedsearches.conf written by sigconv: one stanza per Sigma rule.\n")
	used := map[string]bool{}
	for _, out := range outs {
		if out == nil || out.Rule == nil {
			continue
		}
		m := out.Rule.Metadata()
		name := stanzaName(m, used)
		buf.WriteString("\n")
		for _, w := range out.Warnings {
			// Approximations stay visible next to the search they affect.
			buf.WriteString("# " + w.ID + ": " + oneLine(w.Msg) + "\n")
		}
		buf.WriteString("[" + name + "]\n")
		earliest := "-15m"
		if out.Lookback > 0 {
			// The search must see a whole correlation window (and, for a
			// chain, the inner windows before it) before the last 15
			// minutes it is scheduled for.
			earliest = "-" + strconv.FormatInt(int64(out.Lookback/time.Second)+15*60, 10) + "s"
		}
		for _, kv := range stanzaKeys(m, out.Query, earliest, layers) {
			writeConfValue(&buf, kv.key, kv.val)
		}
	}
	return []byte(buf.String()), nil
}

// confLayers are the configured overrides.
type confLayers struct {
	defaults map[string]any
	level    map[string]map[string]any
	tag      map[string]map[string]any
	id       map[string]map[string]any
}

func readSavedSearchesConfig(cfg backends.Config) (*confLayers, error) {
	l := &confLayers{}
	root, _ := cfg["splunk"].(map[string]any)
	ss, _ := root["savedsearches"].(map[string]any)
	if ss == nil {
		return l, nil
	}
	for k, v := range ss {
		switch k {
		case "defaults":
			m, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("config splunk.savedsearches.defaults: want a mapping of savedsearches.conf keys")
			}
			l.defaults = m
		case "level", "tag", "id":
			m, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("config splunk.savedsearches.%s: want a mapping", k)
			}
			sub := map[string]map[string]any{}
			for name, x := range m {
				mm, ok := x.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("config splunk.savedsearches.%s.%s: want a mapping of savedsearches.conf keys", k, name)
				}
				sub[strings.ToLower(name)] = mm
			}
			switch k {
			case "level":
				l.level = sub
			case "tag":
				l.tag = sub
			case "id":
				l.id = sub
			}
		default:
			return nil, fmt.Errorf("config splunk.savedsearches: unknown key %q (known: defaults, level, tag, id)", k)
		}
	}
	return l, nil
}

type confKV struct {
	key string
	val string
}

// stanzaKeys lists the keys of one rule's stanza: built-in values in a
// fixed order, then keys added by the configuration, sorted.
func stanzaKeys(m *ir.Meta, query, earliest string, l *confLayers) []confKV {
	kvs := []confKV{
		{"search", query},
		{"description", oneLine(m.Description)},
		{"enableSched", "1"},
		{"cron_schedule", "*/15 * * * *"},
		{"dispatch.earliest_time", earliest},
		{"dispatch.latest_time", "now"},
		{"counttype", "number of events"},
		{"relation", "greater than"},
		{"quantity", "0"},
		{"alert.track", "1"},
	}
	if sev, ok := severities[strings.ToLower(m.Level)]; ok {
		kvs = append(kvs, confKV{"alert.severity", strconv.Itoa(sev)})
	}
	kvs = append(kvs,
		confKV{"action.correlationsearch.enabled", "1"},
		confKV{"action.correlationsearch.label", oneLine(m.Title)},
	)
	if ann := annotations(m.Tags); ann != "" {
		kvs = append(kvs, confKV{"action.correlationsearch.annotations", ann})
	}
	apply := func(over map[string]any) {
		keys := make([]string, 0, len(over))
		for k := range over {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			kvs = setKey(kvs, k, over[k])
		}
	}
	apply(l.defaults)
	apply(l.level[strings.ToLower(m.Level)])
	for _, t := range m.Tags {
		apply(l.tag[strings.ToLower(t)])
	}
	apply(l.id[strings.ToLower(m.ID)])
	return kvs
}

// setKey replaces, appends or (for nil) removes a key.
func setKey(kvs []confKV, key string, v any) []confKV {
	for i := range kvs {
		if kvs[i].key == key {
			if v == nil {
				return append(kvs[:i], kvs[i+1:]...)
			}
			kvs[i].val = confScalar(v)
			return kvs
		}
	}
	if v == nil {
		return kvs
	}
	return append(kvs, confKV{key, confScalar(v)})
}

// confScalar renders a config value; booleans become 1 / 0 as .conf files
// write them.
func confScalar(v any) string {
	switch v := v.(type) {
	case bool:
		if v {
			return "1"
		}
		return "0"
	case string:
		return v
	}
	return fmt.Sprint(v)
}

// annotations renders the Enterprise Security annotation of ATT&CK
// technique ids found in the tags, e.g. {"mitre_attack": ["T1572"]}.
func annotations(tags []string) string {
	var ids []string
	seen := map[string]bool{}
	for _, t := range tags {
		m := attackTechnique.FindStringSubmatch(strings.ToLower(t))
		if m == nil {
			continue
		}
		id := strings.ToUpper(m[1])
		if !seen[id] {
			seen[id] = true
			ids = append(ids, strconv.Quote(id))
		}
	}
	if len(ids) == 0 {
		return ""
	}
	return `{"mitre_attack": [` + strings.Join(ids, ", ") + `]}`
}

// stanzaName derives a unique stanza name from the title. '[' and ']'
// would end the stanza header early and line breaks would break it, so
// they are replaced; a repeated name gets the rule id (or a counter)
// appended.
func stanzaName(m *ir.Meta, used map[string]bool) string {
	name := strings.Map(func(r rune) rune {
		switch r {
		case '[':
			return '('
		case ']':
			return ')'
		case '\n', '\r', '\t':
			return ' '
		}
		return r
	}, m.Title)
	name = strings.TrimSpace(name)
	if name == "" {
		name = "sigma rule"
		if m.ID != "" {
			name = "sigma rule " + m.ID
		}
	}
	base := name
	if used[name] && m.ID != "" {
		name = base + " (" + m.ID + ")"
	}
	for n := 2; used[name]; n++ {
		name = base + " (" + strconv.Itoa(n) + ")"
	}
	used[name] = true
	return name
}

// oneLine folds whitespace runs (line breaks included) into single spaces
// and drops trailing backslashes, which .conf would read as a line
// continuation.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.TrimRight(s, `\`)
}

// writeConfValue writes key = value. A multi-line value (a search with
// pipeline stages) continues on the next line after a trailing backslash,
// the .conf line-continuation rule; Splunk keeps the line break, which SPL
// reads as whitespace.
func writeConfValue(b *strings.Builder, key, val string) {
	if val == "" {
		return // an empty value is the same as no key
	}
	b.WriteString(key)
	b.WriteString(" = ")
	b.WriteString(strings.ReplaceAll(val, "\n", " \\\n"))
	b.WriteByte('\n')
}
