package verify

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigconv/sigconv/pipeline"
	"github.com/sigconv/sigconv/verify/interp"
)

// A Suite is the detection-as-code layout read by `sigconv test DIR`. For a rule file
// NAME.yml (any *.yml or *.yaml except *.tests.yml), its tests are
//
//   - NAME.tests.yml next to it: a mapping with `match:` and `nomatch:` lists of events
//     (YAML or JSON objects), and optionally `targets:` (target names to verify; default
//     every target given on the command line);
//   - and/or files tests/NAME/match/*.json and tests/NAME/nomatch/*.json in the rule's
//     directory, each one JSON event (or NDJSON / an array of events);
//   - golden queries tests/NAME/TARGET.query: the expected query text for TARGET.
//
// Events are written with the rule's own field names (before pipelines); for each target
// they are renamed through the target's pipelines' field mappings before verify runs.
type Suite struct {
	Cases []*Case
}

// Case is one rule and its tests.
type Case struct {
	Rule    string            // rule file
	Name    string            // rule file name without extension
	Match   []NamedEvent      // events the rule must match
	NoMatch []NamedEvent      // events the rule must not match
	Targets []string          // targets named by the tests file, or nil
	Golden  map[string]string // target → golden query file
}

// NamedEvent is a test event and where it came from.
type NamedEvent struct {
	Name  string       // file (and index) or tests-file entry
	Event interp.Event // the event, flattened
}

// Discover walks dir for rules that have tests. Rules without tests are left out.
func Discover(dir string) (*Suite, error) {
	s := &Suite{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "tests" && path != dir {
				return filepath.SkipDir
			}
			return nil
		}
		ext := filepath.Ext(path)
		if (ext != ".yml" && ext != ".yaml") || strings.HasSuffix(path, ".tests"+ext) {
			return nil
		}
		c, err := loadCase(path)
		if err != nil {
			return err
		}
		if len(c.Match)+len(c.NoMatch)+len(c.Golden) > 0 {
			s.Cases = append(s.Cases, c)
		}
		return nil
	})
	return s, err
}

func loadCase(rule string) (*Case, error) {
	ext := filepath.Ext(rule)
	name := strings.TrimSuffix(filepath.Base(rule), ext)
	c := &Case{Rule: rule, Name: name, Golden: map[string]string{}}
	tf := strings.TrimSuffix(rule, ext) + ".tests" + ext
	if data, err := os.ReadFile(tf); err == nil {
		var doc struct {
			Match   []map[string]any `yaml:"match"`
			NoMatch []map[string]any `yaml:"nomatch"`
			Targets []string         `yaml:"targets"`
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", tf, err)
		}
		for i, m := range doc.Match {
			c.Match = append(c.Match, NamedEvent{fmt.Sprintf("%s: match[%d]", filepath.Base(tf), i), Flatten(normalizeYAML(m).(map[string]any))})
		}
		for i, m := range doc.NoMatch {
			c.NoMatch = append(c.NoMatch, NamedEvent{fmt.Sprintf("%s: nomatch[%d]", filepath.Base(tf), i), Flatten(normalizeYAML(m).(map[string]any))})
		}
		c.Targets = doc.Targets
	}
	dir := filepath.Join(filepath.Dir(rule), "tests", name)
	for _, kind := range []string{"match", "nomatch"} {
		files, _ := filepath.Glob(filepath.Join(dir, kind, "*.json"))
		sort.Strings(files)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			evs, err := ReadEvents(f, data)
			if err != nil {
				return nil, err
			}
			for i, ev := range evs {
				n := filepath.Join(kind, filepath.Base(f))
				if len(evs) > 1 {
					n = fmt.Sprintf("%s[%d]", n, i)
				}
				if kind == "match" {
					c.Match = append(c.Match, NamedEvent{n, ev})
				} else {
					c.NoMatch = append(c.NoMatch, NamedEvent{n, ev})
				}
			}
		}
	}
	golden, _ := filepath.Glob(filepath.Join(dir, "*.query"))
	for _, g := range golden {
		c.Golden[strings.TrimSuffix(filepath.Base(g), ".query")] = g
	}
	return c, nil
}

// normalizeYAML turns YAML-decoded values into JSON-like ones (numbers as float64).
func normalizeYAML(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = normalizeYAML(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = normalizeYAML(e)
		}
		return out
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case uint64:
		return float64(v)
	}
	// Round-trip anything else (time values, ...) through JSON text.
	if _, ok := v.(string); !ok && v != nil {
		if _, isB := v.(bool); !isB {
			if _, isF := v.(float64); !isF {
				b, _ := json.Marshal(v)
				var out any
				_ = json.Unmarshal(b, &out)
				return out
			}
		}
	}
	return v
}

// MapEvent renames an event's fields through a pipeline result's field mappings: a field
// mapped to one or more target fields is copied to each of them (and the original name is
// dropped unless it is one of the targets). Other fields are kept.
func MapEvent(ev interp.Event, fields []pipeline.FieldMapping) interp.Event {
	out := interp.Event{}
	mapped := map[string][]string{}
	for _, f := range fields {
		if len(f.Target) > 0 {
			mapped[f.Field] = f.Target
		}
	}
	for k, v := range ev {
		targets, ok := mapped[k]
		if !ok {
			if _, taken := out[k]; !taken {
				out[k] = v
			}
			continue
		}
		for _, t := range targets {
			out[t] = v
		}
	}
	return out
}
