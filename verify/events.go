package verify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/sigconv/sigconv/verify/interp"
)

// ReadEvents decodes user events: newline-delimited JSON objects, concatenated objects or one
// JSON array of objects. Nested objects are flattened into dotted keys ({"a":{"b":1}} gives
// "a.b"), the form interpreters read; arrays stay arrays. name is used in errors.
func ReadEvents(name string, data []byte) ([]interp.Event, error) {
	trimmed := bytes.TrimSpace(data)
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	var out []interp.Event
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var arr []map[string]any
		if err := dec.Decode(&arr); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, m := range arr {
			out = append(out, Flatten(m))
		}
		return out, nil
	}
	for n := 1; ; n++ {
		var m map[string]any
		err := dec.Decode(&m)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: event %d: %w", name, n, err)
		}
		out = append(out, Flatten(m))
	}
}

// Flatten turns nested objects into dotted keys.
func Flatten(m map[string]any) interp.Event {
	out := interp.Event{}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			if sub, ok := v.(map[string]any); ok {
				walk(prefix+k+".", sub)
				continue
			}
			out[prefix+k] = v
		}
	}
	walk("", m)
	return out
}
