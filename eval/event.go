package eval

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"unsafe"
)

// Kind is the JSON type of an event value.
type Kind uint8

// The kinds of event values.
const (
	KindNull   Kind = iota // JSON null
	KindString             // JSON string
	KindNumber             // JSON number
	KindBool               // true or false
	KindObject             // an object (its members follow as their own fields)
	KindArray              // an array (its elements follow under the same key)
)

// Field is one value of an event after flattening.
type Field struct {
	// Key is the dotted path from the top level: "a.b" for {"a":{"b":1}}.
	// Array elements share the key of their array.
	Key string
	// Kind is the value's JSON type.
	Kind Kind
	// Text is the value as text: the string, the number as written,
	// "true" or "false"; "" for null, objects and arrays.
	Text string
	// Num is the value of a KindNumber, else 0.
	Num float64
	// Nested reports that the value was reached through an enclosing
	// object, so a literal top-level key of the same spelling wins.
	Nested bool
}

// hasText reports whether string matchers apply to the field.
func (f *Field) hasText() bool {
	return f.Kind == KindString || f.Kind == KindNumber || f.Kind == KindBool
}

// Event is one decoded event: its values flattened in document order. An
// Event is immutable once built; it may be matched by several goroutines.
type Event struct {
	// Fields are the flattened values in document order.
	Fields []Field
	// kids, when as long as Fields, holds per field the number a Decoder
	// gave its key (0: none): a hint that lets the Engine bind keys
	// without map lookups. It is checked against the key, so a stale
	// hint is harmless.
	kids []uint32
}

// Value returns the first value stored under key (after the flat-key-first
// rule), or nil.
func (e *Event) Value(key string) *Field {
	var nested *Field
	for i := range e.Fields {
		f := &e.Fields[i]
		if f.Key != key {
			continue
		}
		if !f.Nested {
			return f
		}
		if nested == nil {
			nested = f
		}
	}
	return nested
}

// Clone returns a deep copy of the event whose keys and texts share one
// fresh buffer, so that keeping it does not keep the input it was decoded
// from (see Decoder.DecodeString).
func (e *Event) Clone() *Event {
	n := 0
	for i := range e.Fields {
		n += len(e.Fields[i].Key) + len(e.Fields[i].Text)
	}
	buf := make([]byte, 0, n)
	sub := func(s string) string {
		if s == "" {
			return ""
		}
		from := len(buf)
		buf = append(buf, s...)
		return unsafe.String(&buf[from], len(s))
	}
	out := &Event{Fields: make([]Field, len(e.Fields))}
	for i, f := range e.Fields {
		f.Key, f.Text = sub(f.Key), sub(f.Text)
		out.Fields[i] = f
	}
	return out
}

// NewEvent builds an event from a decoded JSON tree (map[string]any,
// []any, string, float64, json.Number, int, int64, bool, nil). Object
// members are visited in sorted key order, so the result is deterministic.
func NewEvent(m map[string]any) *Event {
	ev := &Event{}
	ev.addObject("", m, false)
	return ev
}

func (e *Event) addObject(prefix string, m map[string]any, nested bool) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		e.addValue(key, m[k], nested)
	}
}

func (e *Event) addValue(key string, v any, nested bool) {
	switch x := v.(type) {
	case nil:
		e.Fields = append(e.Fields, Field{Key: key, Kind: KindNull, Nested: nested})
	case string:
		e.Fields = append(e.Fields, Field{Key: key, Kind: KindString, Text: x, Nested: nested})
	case bool:
		e.Fields = append(e.Fields, Field{Key: key, Kind: KindBool, Text: strconv.FormatBool(x), Nested: nested})
	case float64:
		e.Fields = append(e.Fields, Field{Key: key, Kind: KindNumber, Text: formatNum(x), Num: x, Nested: nested})
	case int:
		e.Fields = append(e.Fields, Field{Key: key, Kind: KindNumber, Text: strconv.Itoa(x), Num: float64(x), Nested: nested})
	case int64:
		e.Fields = append(e.Fields, Field{Key: key, Kind: KindNumber, Text: strconv.FormatInt(x, 10), Num: float64(x), Nested: nested})
	case interface{ String() string }: // json.Number
		f, _ := strconv.ParseFloat(x.String(), 64)
		e.Fields = append(e.Fields, Field{Key: key, Kind: KindNumber, Text: x.String(), Num: f, Nested: nested})
	case map[string]any:
		e.Fields = append(e.Fields, Field{Key: key, Kind: KindObject, Nested: nested})
		e.addObject(key, x, true)
	case []any:
		e.Fields = append(e.Fields, Field{Key: key, Kind: KindArray, Nested: nested})
		for _, el := range x {
			e.addValue(key, el, nested)
		}
	default:
		e.Fields = append(e.Fields, Field{Key: key, Kind: KindString, Text: fmt.Sprint(x), Nested: nested})
	}
}

// formatNum renders a float the way JSON would print it.
func formatNum(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
