package ir

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// DumpJSON renders a document as deterministic, indented JSON for
// debugging (`sigconv -t ir`) and as a test oracle. Structs keep their
// field order; sealed interface values (Document, Cond, Value) become
// objects whose first key "type" names the concrete type; positions are
// "file:line:col" strings; enumerations (Op, Encoding, TimePart, PartKind,
// SearchKind) print as names; every field is written, zero or not.
func DumpJSON(doc Document) []byte {
	var d dumper
	d.value(reflect.ValueOf(&doc).Elem(), 0)
	d.b.WriteByte('\n')
	return []byte(d.b.String())
}

type dumper struct {
	b strings.Builder
}

// partKindName names a string part kind.
func partKindName(k PartKind) string {
	switch k {
	case PartLit:
		return "lit"
	case PartWildMany:
		return "wildmany"
	case PartWildOne:
		return "wildone"
	case PartPlaceholder:
		return "placeholder"
	}
	return strconv.Itoa(int(k))
}

func (d *dumper) indent(n int) {
	d.b.WriteByte('\n')
	for i := 0; i < n; i++ {
		d.b.WriteString("  ")
	}
}

func (d *dumper) value(v reflect.Value, depth int) {
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			d.b.WriteString("null")
			return
		}
		v = v.Elem()
		if v.Kind() == reflect.Pointer && v.Type().Elem().Kind() == reflect.Struct {
			if v.IsNil() {
				d.b.WriteString("null")
				return
			}
			d.object(v.Elem(), depth, v.Type().Elem().Name())
			return
		}
	}
	if v.CanInterface() {
		switch x := v.Interface().(type) {
		case Pos:
			d.str(x.String())
			return
		case PartKind:
			d.str(partKindName(x))
			return
		case SearchKind:
			if x == SearchMap {
				d.str("map")
			} else {
				d.str("list")
			}
			return
		case fmt.Stringer:
			if v.Kind() != reflect.String {
				d.str(x.String())
				return
			}
		}
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			d.b.WriteString("null")
			return
		}
		d.value(v.Elem(), depth)
	case reflect.Struct:
		d.object(v, depth, "")
	case reflect.Slice:
		if v.IsNil() || v.Len() == 0 {
			d.b.WriteString("[]")
			return
		}
		d.b.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				d.b.WriteByte(',')
			}
			d.indent(depth + 1)
			d.value(v.Index(i), depth+1)
		}
		d.indent(depth)
		d.b.WriteByte(']')
	case reflect.String:
		d.str(v.String())
	case reflect.Bool:
		d.b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		d.b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		d.b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsInf(f, 0) || math.IsNaN(f) {
			d.str(strconv.FormatFloat(f, 'g', -1, 64)) // JSON has no Inf/NaN
		} else {
			d.b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
		}
	default:
		d.str(fmt.Sprint(v.Interface()))
	}
}

// object writes a struct; typeName, when set, is written first as "type".
func (d *dumper) object(v reflect.Value, depth int, typeName string) {
	t := v.Type()
	d.b.WriteByte('{')
	first := true
	if typeName != "" {
		d.indent(depth + 1)
		d.b.WriteString(`"type": `)
		d.str(typeName)
		first = false
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if !first {
			d.b.WriteByte(',')
		}
		first = false
		d.indent(depth + 1)
		d.str(f.Name)
		d.b.WriteString(": ")
		d.value(v.Field(i), depth+1)
	}
	if !first {
		d.indent(depth)
	}
	d.b.WriteByte('}')
}

// str writes a JSON string literal (invalid UTF-8 becomes U+FFFD).
func (d *dumper) str(s string) {
	d.b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '"':
			d.b.WriteString(`\"`)
		case r == '\\':
			d.b.WriteString(`\\`)
		case r == '\n':
			d.b.WriteString(`\n`)
		case r == '\r':
			d.b.WriteString(`\r`)
		case r == '\t':
			d.b.WriteString(`\t`)
		case r < 0x20 || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&d.b, `\u%04x`, r)
		default:
			d.b.WriteRune(r)
		}
	}
	d.b.WriteByte('"')
}
