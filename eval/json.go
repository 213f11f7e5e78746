package eval

import (
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// SyntaxError is a malformed JSON event. Offset is the byte offset of the
// problem in the event's text.
type SyntaxError struct {
	Offset int    // byte offset in the input
	Msg    string // what is wrong
}

// Error formats the problem with its offset.
func (e *SyntaxError) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 512

// decoder is a small JSON parser that writes flattened fields directly,
// without building maps. Unescaped strings are substrings of the input,
// keys are interned (with a Decoder) or substrings, escaped strings go to
// an arena: a typical event costs no allocation.
type decoder struct {
	s     string
	i     int
	out   []Field
	ents  []*keyEntry // parallel to out when keys is set: the cache entry of each key, or nil
	keys  *keyCache   // or nil
	arena *arena      // where the decoded text of escaped strings goes
}

// arena holds the decoded text of escaped strings. Text is appended to a
// chunk and handed out without copying; bytes once handed out are never
// written again, so a chunk lives as long as any string into it, and a
// Decoder can keep filling the same chunk across events.
type arena struct{ buf []byte }

// arenaChunk is the size of a fresh arena chunk.
const arenaChunk = 32 << 10

// reserve makes room for n more bytes, starting a new chunk if needed.
func (a *arena) reserve(n int) {
	if cap(a.buf)-len(a.buf) < n {
		a.buf = make([]byte, 0, max(arenaChunk, n))
	}
}

// emit appends a field (and its key's cache entry).
func (d *decoder) emit(f Field, ent *keyEntry) {
	d.out = append(d.out, f)
	if d.keys != nil {
		d.ents = append(d.ents, ent)
	}
}

// A Decoder decodes the events of one stream. It interns their keys (and
// their Windows flattening) and numbers them for the Engine, so that
// decoding and binding cost less than with DecodeEvent. A Decoder is not
// safe for concurrent use; the events it returns are independent of it.
type Decoder struct {
	flat  Flatten
	keys  keyCache
	arena arena
	fcap  int // field capacity hint from the previous event
}

// NewDecoder returns a Decoder applying flat.
func NewDecoder(flat Flatten) *Decoder {
	return &Decoder{flat: flat}
}

// Decode is DecodeEvent with the Decoder's caches.
func (dd *Decoder) Decode(data []byte) (*Event, error) {
	ev := &Event{}
	if err := dd.DecodeInto(ev, data); err != nil {
		return nil, err
	}
	return ev, nil
}

// DecodeInto decodes into ev, reusing the storage of its Fields; values
// of the previous content must no longer be in use (a Match copies the
// fields it returns, so matches stay valid). The event does not refer to
// data afterwards.
func (dd *Decoder) DecodeInto(ev *Event, data []byte) error {
	return dd.DecodeString(ev, string(data))
}

// DecodeString is DecodeInto without copying the input: the event's
// texts (and those of its matches) are substrings of s where s holds
// them unescaped, so s stays in memory as long as any of them does.
func (dd *Decoder) DecodeString(ev *Event, s string) error {
	fields, err := decodeFields(s, dd.flat, &dd.keys, &dd.arena, ev.Fields[:0], dd.fcap)
	if err != nil {
		return err
	}
	ev.Fields = fields
	ev.kids = dd.keys.kids(ev.kids[:0], len(fields))
	if len(fields) > dd.fcap {
		dd.fcap = len(fields)
	}
	return nil
}

// DecodeEvent parses one JSON object into an event. Nested objects become
// dotted keys, array elements share their array's key. With flat set to
// FlattenWinEvt or FlattenAuto (for an EVTX-shaped event) the Windows
// event is flattened, see FlattenWindows.
func DecodeEvent(data []byte, flat Flatten) (*Event, error) {
	fields, err := decodeFields(string(data), flat, nil, &arena{}, nil, 0)
	if err != nil {
		return nil, err
	}
	return &Event{Fields: fields}, nil
}

// decodeFields decodes s into out (appending from its start).
func decodeFields(s string, flat Flatten, keys *keyCache, a *arena, out []Field, capHint int) ([]Field, error) {
	d := decoder{s: s, keys: keys, arena: a}
	if keys != nil {
		d.ents = keys.ents[:0]
		defer func() { keys.ents = d.ents }()
	}
	d.ws()
	if d.i >= len(d.s) || d.s[d.i] != '{' {
		if d.i >= len(d.s) {
			return nil, &SyntaxError{d.i, "empty input"}
		}
		return nil, &SyntaxError{d.i, "event is not a JSON object"}
	}
	if out == nil {
		out = make([]Field, 0, max(32, capHint))
	}
	d.out = out
	var root *keyEntry
	if keys != nil {
		root = &keys.root
	}
	if err := d.object("", root, false, 0); err != nil {
		return nil, err
	}
	d.ws()
	if d.i < len(d.s) {
		return nil, &SyntaxError{d.i, "unexpected data after the event"}
	}
	ev := Event{Fields: d.out}
	if flat == FlattenWinEvt || (flat == FlattenAuto && isWinEvt(&ev)) {
		d.ents = flattenWindows(&ev, d.ents, keys)
	}
	return ev.Fields, nil
}

func (d *decoder) ws() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) errf(format string, args ...any) error {
	return &SyntaxError{Offset: d.i, Msg: fmt.Sprintf(format, args...)}
}

// object parses an object at d.i ('{').
func (d *decoder) object(prefix string, parent *keyEntry, nested bool, depth int) error {
	if depth > maxDepth {
		return d.errf("nesting deeper than %d", maxDepth)
	}
	d.i++ // '{'
	d.ws()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return nil
	}
	var prev *keyEntry // the entry of the previous member
	for {
		d.ws()
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return d.errf("expected a string key")
		}
		k, err := d.str()
		if err != nil {
			return err
		}
		var ent *keyEntry
		if parent != nil {
			ent = d.keys.member(parent, prev, k)
			prev = ent
		}
		switch {
		case ent != nil:
			k = ent.key
		case prefix != "":
			k = prefix + "." + k
		}
		d.ws()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return d.errf("expected ':' after key")
		}
		d.i++
		d.ws()
		if err := d.value(k, ent, nested, depth+1); err != nil {
			return err
		}
		d.ws()
		if d.i >= len(d.s) {
			return d.errf("unterminated object")
		}
		switch d.s[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return nil
		default:
			return d.errf("expected ',' or '}' in object")
		}
	}
}

// value parses any value and appends its fields under key.
func (d *decoder) value(key string, ent *keyEntry, nested bool, depth int) error {
	if d.i >= len(d.s) {
		return d.errf("unexpected end of input")
	}
	switch c := d.s[d.i]; {
	case c == '{':
		d.emit(Field{Key: key, Kind: KindObject, Nested: nested}, ent)
		return d.object(key, ent, true, depth)
	case c == '[':
		if depth > maxDepth {
			return d.errf("nesting deeper than %d", maxDepth)
		}
		d.emit(Field{Key: key, Kind: KindArray, Nested: nested}, ent)
		d.i++
		d.ws()
		if d.i < len(d.s) && d.s[d.i] == ']' {
			d.i++
			return nil
		}
		for {
			d.ws()
			if err := d.value(key, ent, nested, depth+1); err != nil {
				return err
			}
			d.ws()
			if d.i >= len(d.s) {
				return d.errf("unterminated array")
			}
			switch d.s[d.i] {
			case ',':
				d.i++
			case ']':
				d.i++
				return nil
			default:
				return d.errf("expected ',' or ']' in array")
			}
		}
	case c == '"':
		s, err := d.str()
		if err != nil {
			return err
		}
		d.emit(Field{Key: key, Kind: KindString, Text: s, Nested: nested}, ent)
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range [...]string{"true", "false", "null"} {
			if len(d.s)-d.i >= len(lit) && d.s[d.i:d.i+len(lit)] == lit {
				d.i += len(lit)
				if lit == "null" {
					d.emit(Field{Key: key, Kind: KindNull, Nested: nested}, ent)
				} else {
					d.emit(Field{Key: key, Kind: KindBool, Text: lit, Nested: nested}, ent)
				}
				return nil
			}
		}
		return d.errf("invalid literal")
	case c == '-' || ('0' <= c && c <= '9'):
		start := d.i
		if c == '-' {
			d.i++
		}
		digits := d.i
		for d.i < len(d.s) && isNumByte(d.s[d.i]) {
			d.i++
		}
		text := d.s[start:d.i]
		if d.i == digits {
			return d.errf("invalid number")
		}
		f, ok := smallInt(text)
		var err error
		if !ok {
			f, err = strconv.ParseFloat(text, 64)
		}
		if err != nil {
			if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
				return &SyntaxError{start, "invalid number " + strconv.Quote(text)}
			}
		}
		d.emit(Field{Key: key, Kind: KindNumber, Text: text, Num: f, Nested: nested}, ent)
	default:
		return d.errf("unexpected character %q", c)
	}
	return nil
}

func isNumByte(c byte) bool {
	return ('0' <= c && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

// str parses a string at d.i ('"'). Strings without escapes are returned
// as substrings of the input.
func (d *decoder) str() (string, error) {
	d.i++ // opening quote
	start := d.i
	d.skipPlain()
	for d.i < len(d.s) {
		c := d.s[d.i]
		if c == '"' {
			s := d.s[start:d.i]
			d.i++
			return s, nil
		}
		if c == '\\' {
			return d.strSlow(start)
		}
		if c < 0x20 {
			return "", d.errf("control character in string")
		}
		d.i++
	}
	return "", d.errf("unterminated string")
}

// strSlow decodes a string holding escapes, starting over at start. The
// text is appended to the arena, which first makes room for the rest of
// the input, so that it never grows (escapes only shrink), and returned
// without copying.
func (d *decoder) strSlow(start int) (string, error) {
	d.arena.reserve(len(d.s) - start)
	from := len(d.arena.buf)
	b := append(d.arena.buf, d.s[start:d.i]...)
	defer func() { d.arena.buf = b }()
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			if len(b) == from {
				return "", nil
			}
			return unsafe.String(&b[from], len(b)-from), nil
		case c < 0x20:
			return "", d.errf("control character in string")
		case c != '\\':
			from := d.i
			d.skipPlain()
			b = append(b, d.s[from:d.i]...)
			continue
		}
		if d.i+1 >= len(d.s) {
			break
		}
		e := d.s[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", d.errf("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				if d.i+1 < len(d.s) && d.s[d.i] == '\\' && d.s[d.i+1] == 'u' {
					save := d.i
					d.i += 2
					if lo, ok := d.hex4(); ok {
						if dec := utf16.DecodeRune(r, lo); dec != utf8.RuneError {
							r2 = dec
						} else {
							d.i = save
						}
					} else {
						d.i = save
					}
				}
				r = r2
			}
			b = utf8.AppendRune(b, r)
		default:
			d.i -= 2
			return "", d.errf("invalid escape \\%c", e)
		}
	}
	return "", d.errf("unterminated string")
}

func (d *decoder) hex4() (rune, bool) {
	if d.i+4 > len(d.s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(d.s[d.i : d.i+4]) {
		r <<= 4
		switch {
		case '0' <= c && c <= '9':
			r |= rune(c - '0')
		case 'a' <= c && c <= 'f':
			r |= rune(c - 'a' + 10)
		case 'A' <= c && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	d.i += 4
	return r, true
}

// skipPlain advances over bytes that are neither a quote, a backslash
// nor a control character, 8 at a time while it can.
func (d *decoder) skipPlain() {
	s, i := d.s, d.i
	for ; i+8 <= len(s); i += 8 {
		x := load64(s, i)
		const ones, highs = 0x0101010101010101, 0x8080808080808080
		quote := x ^ ('"' * ones)
		bslash := x ^ ('\\' * ones)
		if ((quote-ones)&^quote|(bslash-ones)&^bslash|(x-0x20*ones)&^x)&highs != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' || c < 0x20 {
			break
		}
	}
	d.i = i
}

// load64 reads 8 bytes of s at i, little-endian (one load on amd64).
func load64(s string, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// smallInt returns the value of an integer of at most 15 digits (exactly
// what strconv.ParseFloat returns for it), and false for anything else.
func smallInt(text string) (float64, bool) {
	digits := text
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 15 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	f := float64(n)
	if len(digits) < len(text) {
		f = -f // -0 too, as ParseFloat gives
	}
	return f, true
}
