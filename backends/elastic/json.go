package elastic

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// obj is a JSON object whose keys keep their insertion order, so that
// output is deterministic and reads in a natural order.
type obj []kv

// kv is one member of an obj.
type kv struct {
	Key   string
	Value any
}

// MarshalJSON writes the members in order.
func (o obj) MarshalJSON() ([]byte, error) {
	return appendJSON(nil, o)
}

// marshal encodes v without HTML escaping (queries contain < > &).
func marshal(v any) ([]byte, error) {
	return appendJSON(nil, v)
}

// appendJSON appends the encoding of v to b. The shapes the query builders
// produce (obj, []any, strings, booleans, integers) are written directly:
// going through encoding/json for every nested obj re-encoded and
// re-validated each level's output, which made the DSL format's cost grow
// with the nesting depth. Anything else, and strings needing escapes, goes
// through encoding/json, so the bytes are exactly what it would write.
func appendJSON(b []byte, v any) ([]byte, error) {
	var err error
	switch v := v.(type) {
	case obj:
		b = append(b, '{')
		for i, m := range v {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendString(b, m.Key); err != nil {
				return nil, err
			}
			b = append(b, ':')
			if b, err = appendJSON(b, m.Value); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case []any:
		if v == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendJSON(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case string:
		return appendString(b, v)
	case bool:
		return strconv.AppendBool(b, v), nil
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case *leafQuery:
		return appendLeaf(b, v, jsonLayout{})
	case *boolQuery:
		return appendBool(b, v, jsonLayout{})
	}
	return appendStd(b, v)
}

// appendString appends s as a JSON string. Printable ASCII without quotes
// or backslashes needs no escaping; other strings are left to
// encoding/json (control characters, U+2028, invalid UTF-8).
func appendString(b []byte, s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return appendStd(b, s)
		}
	}
	// Printable ASCII: only " and \ are escaped, as encoding/json does.
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' {
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return append(b, '"'), nil
}

// appendStd appends v as encoding/json writes it, without HTML escaping.
func appendStd(b []byte, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return append(b, bytes.TrimRight(buf.Bytes(), "\n")...), nil
}

// newlineSpaces is a newline and the indentation of up to 32 levels.
const newlineSpaces = "\n                                                                "

// indent pretty-prints compact JSON with two spaces, byte for byte as
// json.Indent(dst, compact, "", "  ") does for the valid, space-free JSON
// that marshal writes, into one buffer of the final string.
func indent(compact []byte) string {
	var b strings.Builder
	b.Grow(len(compact) * 2)
	depth := 0
	open := false // after { or [: the next byte decides between {} and a new line
	newline := func() {
		if n := 1 + 2*depth; n <= len(newlineSpaces) {
			b.WriteString(newlineSpaces[:n])
			return
		}
		b.WriteByte('\n')
		for range depth {
			b.WriteString("  ")
		}
	}
	for i := 0; i < len(compact); i++ {
		c := compact[i]
		if open {
			open = false
			if c == '}' || c == ']' {
				depth--
				b.WriteByte(c)
				continue
			}
			newline()
		}
		switch c {
		case '"':
			// Copy the string through its closing quote.
			j := i + 1
			for ; j < len(compact) && compact[j] != '"'; j++ {
				if compact[j] == '\\' {
					j++
				}
			}
			b.Write(compact[i : j+1])
			i = j
		case '{', '[':
			b.WriteByte(c)
			depth++
			open = true
		case '}', ']':
			depth--
			newline()
			b.WriteByte(c)
		case ',':
			b.WriteByte(c)
			newline()
		case ':':
			b.WriteString(": ")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// appendIndented appends v as marshal followed by indent would write it,
// at the given depth, in one pass over the tree: the DSL format is the
// largest output, and writing it compactly first and indenting the copy
// cost a second pass and a second buffer.
func appendIndented(b []byte, v any, depth int) ([]byte, error) {
	var err error
	switch v := v.(type) {
	case obj:
		if len(v) == 0 {
			return append(b, "{}"...), nil
		}
		b = append(b, '{')
		for i, m := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendNewline(b, depth+1)
			if b, err = appendString(b, m.Key); err != nil {
				return nil, err
			}
			b = append(b, ": "...)
			if b, err = appendIndented(b, m.Value, depth+1); err != nil {
				return nil, err
			}
		}
		b = appendNewline(b, depth)
		return append(b, '}'), nil
	case []any:
		if len(v) == 0 {
			return appendJSON(b, v) // null or []
		}
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendNewline(b, depth+1)
			if b, err = appendIndented(b, e, depth+1); err != nil {
				return nil, err
			}
		}
		b = appendNewline(b, depth)
		return append(b, ']'), nil
	case string, bool, int, int64:
		return appendJSON(b, v)
	case *leafQuery:
		return appendLeaf(b, v, jsonLayout{indented: true, depth: depth})
	case *boolQuery:
		return appendBool(b, v, jsonLayout{indented: true, depth: depth})
	}
	// Anything else is encoded compactly and indented; JSON text has no
	// raw newlines inside strings, so shifting every line by the depth is
	// exact.
	js, err := appendJSON(nil, v)
	if err != nil {
		return nil, err
	}
	if len(js) == 0 || js[0] != '{' && js[0] != '[' {
		return append(b, js...), nil
	}
	s := indent(js)
	if depth > 0 {
		s = strings.ReplaceAll(s, "\n", "\n"+strings.Repeat("  ", depth))
	}
	return append(b, s...), nil
}

// appendNewline appends a newline and the indentation of depth levels.
func appendNewline(b []byte, depth int) []byte {
	if n := 1 + 2*depth; n <= len(newlineSpaces) {
		return append(b, newlineSpaces[:n]...)
	}
	b = append(b, '\n')
	for range depth {
		b = append(b, "  "...)
	}
	return b
}
