package es

import (
	"math"
	"net/netip"
	"strconv"
	"strings"

	"github.com/sigconv/sigconv/verify/interp"
)

// Kind is the mapping type family of a field, as far as query semantics depend on it.
type Kind int

// Kinds of fields.
const (
	Keyword Kind = iota // keyword, wildcard, constant_keyword (and unknown types): exact terms
	Numeric             // long, integer, short, byte, double, float, ...
	IP                  // ip: addresses, CIDR terms
	Boolean             // boolean
)

// Schema resolves field kinds: the explicit types first, else ECS defaults.
type Schema struct {
	Types interp.FieldTypes // explicit field types, or nil
}

// Kind returns the kind of field.
func (s Schema) Kind(field string) Kind {
	if t, ok := s.Types[field]; ok {
		return kindOf(t)
	}
	return ecsKind(field)
}

// kindOf maps an Elasticsearch (or Kusto) type name to a Kind.
func kindOf(t string) Kind {
	switch strings.ToLower(t) {
	case "long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float",
		"unsigned_long", "int", "real", "decimal":
		return Numeric
	case "ip":
		return IP
	case "boolean", "bool":
		return Boolean
	}
	return Keyword
}

// ecsKind is the type the Elastic Common Schema field reference gives a field: addresses
// (*.ip) are ip; ports, process ids, byte and packet counts, thread ids, file sizes and exit
// codes are long; code-signature flags are boolean; everything else is keyword or wildcard
// (ECS keeps text only as .text multi-fields).
func ecsKind(field string) Kind {
	last := field
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		last = field[i+1:]
	}
	switch last {
	case "ip":
		return IP
	case "port", "pid", "ppid", "pgid", "bytes", "packets":
		return Numeric
	}
	switch field {
	case "process.thread.id", "file.size", "process.exit_code":
		return Numeric
	}
	if strings.Contains(field, "code_signature.") {
		switch last {
		case "signed", "valid", "trusted", "exists":
			return Boolean
		}
	}
	return Keyword
}

// Values returns the values field holds in ev, as Elasticsearch indexes them: an array is a
// multi-valued field (nested arrays flattened), JSON null values are not indexed. A dotted
// name also reaches into nested objects.
func Values(ev interp.Event, field string) []any {
	v, ok := lookup(map[string]any(ev), field)
	if !ok {
		return nil
	}
	var out []any
	var add func(v any)
	add = func(v any) {
		switch v := v.(type) {
		case nil:
		case []any:
			for _, e := range v {
				add(e)
			}
		default:
			out = append(out, v)
		}
	}
	add(v)
	return out
}

func lookup(m map[string]any, field string) (any, bool) {
	if v, ok := m[field]; ok {
		return v, true
	}
	for i := 0; i < len(field); i++ {
		if field[i] != '.' {
			continue
		}
		if sub, ok := m[field[:i]].(map[string]any); ok {
			if v, ok := lookup(sub, field[i+1:]); ok {
				return v, true
			}
		}
	}
	return nil, false
}

// KeywordOf is the term a keyword field indexes for a JSON value: strings as they are,
// numbers as their JSON text, booleans as true / false. Objects have no term.
func KeywordOf(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case bool:
		return strconv.FormatBool(v), true
	case float64:
		return FormatNumber(v), true
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	}
	return "", false
}

// FormatNumber writes a number the way it appears in JSON source: integers without a
// fraction or exponent.
func FormatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// NumberOf is the value a numeric field indexes: numbers, and strings that parse as numbers
// (numeric fields coerce strings by default).
func NumberOf(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case string:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return 0, false
		}
		return f, true
	}
	return 0, false
}

// IPOf is the value an ip field indexes: an IPv4 or IPv6 address string.
func IPOf(v any) (netip.Addr, bool) {
	s, ok := v.(string)
	if !ok {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// BoolOf is the value a boolean field indexes: true / false, or the strings "true", "false"
// and "" (false).
func BoolOf(v any) (bool, bool) {
	switch v := v.(type) {
	case bool:
		return v, true
	case string:
		switch v {
		case "true":
			return true, true
		case "false", "":
			return false, true
		}
	}
	return false, false
}

// ValueOf is the value a field of kind k indexes for a JSON value: a float64 (Numeric), a
// netip.Addr (IP), a bool (Boolean) or a string (Keyword); false when the field cannot hold
// it.
func ValueOf(k Kind, v any) (any, bool) {
	var x any
	var ok bool
	switch k {
	case Numeric:
		x, ok = NumberOf(v)
	case IP:
		x, ok = IPOf(v)
	case Boolean:
		x, ok = BoolOf(v)
	default:
		x, ok = KeywordOf(v)
	}
	return x, ok
}

// Indexed returns the values field holds in ev (see Values) as a field of kind k indexes
// them (see ValueOf), leaving out those it cannot hold.
func Indexed(ev interp.Event, field string, k Kind) []any {
	var out []any
	for _, v := range Values(ev, field) {
		if x, ok := ValueOf(k, v); ok {
			out = append(out, x)
		}
	}
	return out
}

// Text is the text of an indexed value (see ValueOf), as ES|QL TO_STRING and EQL string()
// write it: numbers as in JSON, booleans true / false, addresses in canonical form.
func Text(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case float64:
		return FormatNumber(v), true
	case bool:
		return strconv.FormatBool(v), true
	case netip.Addr:
		return v.String(), true
	}
	return "", false
}

// Represents reports whether Elasticsearch would index ev under the schema: every value fits
// its field's type (a numeric field rejects "abc", an ip field "localhost"); otherwise the
// document is rejected and there is nothing to query.
func (s Schema) Represents(ev interp.Event) bool {
	for k, v := range ev {
		if !s.fits(k, v) {
			return false
		}
	}
	return true
}

func (s Schema) fits(field string, v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case []any:
		for _, e := range v {
			if !s.fits(field, e) {
				return false
			}
		}
		return true
	case map[string]any:
		for k, e := range v {
			if !s.fits(field+"."+k, e) {
				return false
			}
		}
		return true
	}
	_, ok := ValueOf(s.Kind(field), v)
	return ok
}

// ParseCIDR parses an address or a CIDR prefix (an address is a one-address prefix).
func ParseCIDR(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// Normalize returns the event as Elasticsearch stores it for searching: keyword fields hold
// text (numbers and booleans as their JSON text), numeric fields numbers (strings coerced),
// ip fields canonical addresses, boolean fields true / false ("" is false). Values that do
// not fit their type are left as they are (Represents rejects such events). verify runs the
// evaluator on the normalized event too, so that both judge the same data.
func (s Schema) Normalize(ev interp.Event) interp.Event {
	out := make(interp.Event, len(ev))
	for k, v := range ev {
		out[k] = s.normalize(k, v)
	}
	return out
}

func (s Schema) normalize(field string, v any) any {
	switch x := v.(type) {
	case nil, map[string]any:
		return v
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = s.normalize(field, e)
		}
		return out
	}
	x, ok := ValueOf(s.Kind(field), v)
	if !ok {
		return v
	}
	if a, isIP := x.(netip.Addr); isIP {
		return a.String() // events hold addresses as text
	}
	return x
}

// Any reports whether some value field holds in ev (see Values), read by of (KeywordOf,
// NumberOf, IPOf, BoolOf), satisfies ok; values that of cannot read are skipped.
func Any[T any](ev interp.Event, field string, of func(any) (T, bool), ok func(T) bool) bool {
	for _, v := range Values(ev, field) {
		if x, read := of(v); read && ok(x) {
			return true
		}
	}
	return false
}
