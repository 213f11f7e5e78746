package elastic

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/pipeline"
)

// config holds the --config keys this package reads (docs/elastic.md):
//
//	index: "winlogbeat-*"          # string or list; overrides the pipeline's index
//	interval: 5m                   # kibana_ndjson schedule (default 5m)
//	from: now-6m                   # kibana_ndjson look-back (default now-6m)
//	enabled: false                 # kibana_ndjson rule state (default false)
//	max_signals: 100               # kibana_ndjson (default 100)
//	case_sensitive_fallback: false # lucene: plain case-sensitive terms with a warning
type config struct {
	index               []string
	interval            string
	from                string
	enabled             bool
	maxSignals          int
	caseSensitiveLucene bool
}

var durationRe = regexp.MustCompile(`^[0-9]+[smhd]$`)

func parseConfig(c backends.Config) (config, error) {
	cfg := config{interval: "5m", from: "now-6m", maxSignals: 100}
	for k, v := range c {
		switch k {
		case "index":
			idx, err := stringList(v)
			if err != nil {
				return cfg, fmt.Errorf("config index: %v", err)
			}
			cfg.index = idx
		case "interval":
			s, ok := v.(string)
			if !ok || !durationRe.MatchString(s) {
				return cfg, fmt.Errorf("config interval: want a duration like 5m, got %v", v)
			}
			cfg.interval = s
		case "from":
			s, ok := v.(string)
			if !ok || !strings.HasPrefix(s, "now-") || !durationRe.MatchString(s[4:]) {
				return cfg, fmt.Errorf("config from: want a date math expression like now-6m, got %v", v)
			}
			cfg.from = s
		case "enabled":
			b, ok := v.(bool)
			if !ok {
				return cfg, fmt.Errorf("config enabled: want a boolean, got %v", v)
			}
			cfg.enabled = b
		case "max_signals":
			n, ok := v.(int)
			if !ok || n <= 0 {
				return cfg, fmt.Errorf("config max_signals: want a positive integer, got %v", v)
			}
			cfg.maxSignals = n
		case "case_sensitive_fallback":
			b, ok := v.(bool)
			if !ok {
				return cfg, fmt.Errorf("config case_sensitive_fallback: want a boolean, got %v", v)
			}
			cfg.caseSensitiveLucene = b
		}
	}
	return cfg, nil
}

// stringList accepts a string (comma-separated) or a list of strings.
func stringList(v any) ([]string, error) {
	var out []string
	switch v := v.(type) {
	case string:
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	case []string:
		out = append(out, v...)
	case []any:
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("want strings, got %v", e)
			}
			out = append(out, s)
		}
	default:
		return nil, fmt.Errorf("want a string or a list of strings, got %v", v)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("empty index list")
	}
	return out, nil
}

// defaultIndex is used when neither the config nor a pipeline names one:
// the data streams Elastic Agent writes.
func defaultIndex() []string { return []string{"logs-*"} }

// indexes returns the index patterns for a rule: config, then the
// pipeline's index state, then its table, then the default.
func (c config) indexes(res *pipeline.Result) []string {
	if len(c.index) > 0 {
		return c.index
	}
	if v, ok := res.State[pipeline.StateIndex]; ok {
		if idx, err := stringList(v); err == nil {
			return idx
		}
	}
	if res.Table != nil && res.Table.Name != "" {
		return []string{res.Table.Name}
	}
	return defaultIndex()
}
