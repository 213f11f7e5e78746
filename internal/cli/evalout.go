package cli

import (
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/sigconv/sigconv/eval"
	"github.com/sigconv/sigconv/eval/events"
)

// appendMatchLine appends the NDJSON line of one match:
//
//	{"rule_id","rule_title","level","file","event","fields"}
//
// byte for byte what encoding/json (without HTML escaping) writes for
// that object with fields as a map: keys sorted, a key with several
// values gets an array of them in event order, an array value is written
// with its elements (which follow it under the same key). It is written by hand
// because encoding/json's reflection and map sorting cost more than the
// matching of a typical event.
func appendMatchLine(dst []byte, m eval.Match, rec events.Record) []byte {
	dst = append(dst, `{"rule_id":`...)
	dst = appendJSONString(dst, m.Rule.ID)
	dst = append(dst, `,"rule_title":`...)
	dst = appendJSONString(dst, m.Rule.Title)
	dst = append(dst, `,"level":`...)
	dst = appendJSONString(dst, m.Rule.Level)
	dst = append(dst, `,"file":`...)
	dst = appendJSONString(dst, rec.File)
	dst = append(dst, `,"event":`...)
	dst = strconv.AppendInt(dst, int64(rec.Index), 10)
	dst = append(dst, `,"fields":{`...)
	// A rule tests a handful of fields: sorting their indexes by key and
	// then position keeps the values of one key in event order.
	var buf [16]int
	order := buf[:0]
	for i := range m.Fields {
		order = append(order, i)
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ka, kb := m.Fields[a].Key, m.Fields[b].Key
		switch {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return 0
	})
	for k := 0; k < len(order); {
		key := m.Fields[order[k]].Key
		n := 1
		for k+n < len(order) && m.Fields[order[k+n]].Key == key {
			n++
		}
		if k > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, key)
		dst = append(dst, ':')
		vals := order[k : k+n]
		switch {
		case m.Fields[vals[0]].Kind == eval.KindArray:
			// An array is followed by its elements under the same key:
			// they fill it (later values join it too).
			vals = vals[1:]
		case n == 1:
			dst = appendFieldJSON(dst, &m.Fields[vals[0]])
			k += n
			continue
		}
		dst = append(dst, '[')
		for j, v := range vals {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = appendFieldJSON(dst, &m.Fields[v])
		}
		dst = append(dst, ']')
		k += n
	}
	return append(dst, "}}\n"...)
}

// appendFieldJSON appends an event value as JSON. Numbers are written as
// they appeared in the event; one that is not valid JSON (the decoder
// accepts what strconv.ParseFloat reads, e.g. "01") is written as a
// string.
func appendFieldJSON(dst []byte, f *eval.Field) []byte {
	switch f.Kind {
	case eval.KindString:
		return appendJSONString(dst, f.Text)
	case eval.KindNumber:
		if validJSONNumber(f.Text) {
			return append(dst, f.Text...)
		}
		return appendJSONString(dst, f.Text)
	case eval.KindBool:
		if f.Text == "true" {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case eval.KindObject:
		return append(dst, "{}"...)
	case eval.KindArray:
		return append(dst, "[]"...)
	}
	return append(dst, "null"...)
}

// validJSONNumber reports whether s is a number in JSON syntax.
func validJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i == len(s):
		return false
	case s[i] == '0':
		i++
	case '1' <= s[i] && s[i] <= '9':
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i == len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i == len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	}
	return i == len(s)
}

// appendJSONString appends s as a JSON string the way encoding/json does
// without HTML escaping: control characters escaped (\b \f \n \r \t or
// \u00XX), invalid UTF-8 replaced by \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
