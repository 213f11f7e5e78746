package driver

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/sigconv/sigconv/backends"
)

// ParseConfig decodes a --config file (YAML, of which JSON is a subset)
// into a backends.Config: a tree of map[string]any, []any, string, int,
// float64, bool and nil. The top level must be a mapping.
func ParseConfig(name string, src []byte) (backends.Config, error) {
	var node yaml.Node
	if err := yaml.Unmarshal(src, &node); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(node.Content) == 0 {
		return backends.Config{}, nil
	}
	top := node.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d:%d: configuration must be a mapping", name, top.Line, top.Column)
	}
	var cfg map[string]any
	if err := top.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if cfg == nil {
		cfg = map[string]any{}
	}
	return backends.Config(cfg), nil
}
