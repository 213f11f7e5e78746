package ir

import (
	"encoding/base64"
	"errors"
	"unicode/utf16"
)

// MaxExpansions bounds how many variants Encode may produce from one value
// (windash on a value with many dashes grows as 5^n).
const MaxExpansions = 4096

// ErrEncodeWildcard reports an encoding applied to a value with wildcards or
// placeholders, which has no exact meaning.
var ErrEncodeWildcard = errors.New("encoding modifiers cannot be applied to values with wildcards or placeholders")

// ErrTooManyExpansions reports that Encode would exceed MaxExpansions.
var ErrTooManyExpansions = errors.New("value expands into too many variants")

// windashChars are the characters the windash modifier makes interchangeable.
var windashChars = []rune{'-', '/', '–', '—', '―'}

// Encode applies the encodings of m, in order, to a string value and returns
// the resulting variants (one unless base64offset or windash fan out). The
// variants are OR-ed alternatives of the one value.
//
// windash works on literal text and keeps wildcards; every other encoding
// needs a plain value (ErrEncodeWildcard). Encoded bytes are returned as Go
// strings holding the raw bytes (UTF-16 output is not UTF-8).
func Encode(v *String, encs []Encoding) ([]*String, error) {
	cur := []*String{v}
	for _, e := range encs {
		var next []*String
		for _, s := range cur {
			out, err := encodeOne(s, e)
			if err != nil {
				return nil, err
			}
			next = append(next, out...)
			if len(next) > MaxExpansions {
				return nil, ErrTooManyExpansions
			}
		}
		cur = next
	}
	return cur, nil
}

func encodeOne(s *String, e Encoding) ([]*String, error) {
	if e == EncWindash {
		return windash(s)
	}
	if !s.IsPlain() {
		return nil, ErrEncodeWildcard
	}
	in := s.Literal()
	switch e {
	case EncBase64:
		return []*String{Lit(s.Pos, base64.StdEncoding.EncodeToString([]byte(in)))}, nil
	case EncBase64Offset:
		return base64Offsets(s.Pos, in), nil
	case EncUTF16LE:
		return []*String{Lit(s.Pos, utf16Bytes(in, false, false))}, nil
	case EncUTF16BE:
		return []*String{Lit(s.Pos, utf16Bytes(in, true, false))}, nil
	case EncUTF16:
		return []*String{Lit(s.Pos, utf16Bytes(in, false, true))}, nil
	}
	return nil, errors.New("unknown encoding " + e.String())
}

// base64Offsets returns the three base64 renderings of in when it is
// preceded by 0, 1 or 2 other bytes, each trimmed to the characters that do
// not depend on the neighbouring bytes.
func base64Offsets(pos Pos, in string) []*String {
	starts := [3]int{0, 2, 3}
	out := make([]*String, 0, 3)
	for shift := 0; shift < 3; shift++ {
		padded := make([]byte, shift, shift+len(in))
		for i := range padded {
			padded[i] = ' '
		}
		padded = append(padded, in...)
		enc := base64.StdEncoding.EncodeToString(padded)
		end := len(enc)
		switch (len(in) + shift) % 3 {
		case 1:
			end -= 3
		case 2:
			end -= 2
		}
		start := starts[shift]
		if end < start {
			end = start
		}
		out = append(out, Lit(pos, enc[start:end]))
	}
	return out
}

func utf16Bytes(s string, bigEndian, bom bool) string {
	units := utf16.Encode([]rune(s))
	b := make([]byte, 0, 2*len(units)+2)
	if bom {
		b = append(b, 0xFF, 0xFE)
	}
	for _, u := range units {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return string(b)
}

// windash returns every variant of s with each dash-like character in its
// literal parts replaced by each of the windash characters.
func windash(s *String) ([]*String, error) {
	variants := [][]StrPart{nil}
	for _, p := range s.Parts {
		if p.Kind != PartLit {
			for i := range variants {
				variants[i] = append(variants[i], p)
			}
			continue
		}
		// Expand this literal into its own variants, then cross.
		lits := []string{""}
		for _, r := range p.Text {
			if isWindash(r) {
				next := make([]string, 0, len(lits)*len(windashChars))
				for _, l := range lits {
					for _, d := range windashChars {
						next = append(next, l+string(d))
					}
				}
				lits = next
			} else {
				for i := range lits {
					lits[i] += string(r)
				}
			}
			if len(lits)*len(variants) > MaxExpansions {
				return nil, ErrTooManyExpansions
			}
		}
		next := make([][]StrPart, 0, len(variants)*len(lits))
		for _, v := range variants {
			for _, l := range lits {
				nv := make([]StrPart, len(v), len(v)+1)
				copy(nv, v)
				next = append(next, append(nv, StrPart{Kind: PartLit, Text: l}))
			}
		}
		variants = next
	}
	out := make([]*String, 0, len(variants))
	for _, parts := range variants {
		ns := &String{Pos: s.Pos, Parts: parts}
		ns.Raw = ns.Sigma()
		out = append(out, ns)
	}
	return out, nil
}

func isWindash(r rune) bool {
	for _, d := range windashChars {
		if r == d {
			return true
		}
	}
	return false
}
