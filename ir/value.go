package ir

import "strings"

// Value is a detection value. The set is sealed: *String, *Number, *Bool,
// *Null.
type Value interface {
	Position() Pos
	value()
}

// String is a string value split into literal text, wildcards and
// placeholders. Escapes (\* \? \\) are resolved: a literal '*' is a PartLit.
type String struct {
	Pos   Pos       // position of the scalar
	Raw   string    // the value as written in YAML (after YAML unquoting)
	Parts []StrPart // parsed parts; an empty string has no parts
}

// PartKind classifies a string part.
type PartKind int

// The part kinds.
const (
	PartLit         PartKind = iota // literal text
	PartWildMany                    // * : any run of characters
	PartWildOne                     // ? : exactly one character
	PartPlaceholder                 // %name% with the expand modifier; Text is the name
)

// StrPart is one piece of a String.
type StrPart struct {
	Kind PartKind // what the part is
	Text string   // literal text or placeholder name; "" for wildcards
}

// Number is a numeric value.
type Number struct {
	Pos   Pos     // position of the scalar
	Raw   string  // as written
	IsInt bool    // whether it is an integer
	Int   int64   // value if IsInt
	Float float64 // value (also set for integers)
}

// Bool is a boolean value.
type Bool struct {
	Pos   Pos  // position of the scalar
	Value bool // the value
}

// Null is the null value (the field is absent or null).
type Null struct {
	Pos Pos // position of the scalar
}

// Position returns the value's position.
func (v *String) Position() Pos { return v.Pos }

// Position returns the value's position.
func (v *Number) Position() Pos { return v.Pos }

// Position returns the value's position.
func (v *Bool) Position() Pos { return v.Pos }

// Position returns the value's position.
func (v *Null) Position() Pos { return v.Pos }

func (*String) value() {}
func (*Number) value() {}
func (*Bool) value()   {}
func (*Null) value()   {}

// HasWildcards reports whether the string has * or ? parts.
func (v *String) HasWildcards() bool {
	for _, p := range v.Parts {
		if p.Kind == PartWildMany || p.Kind == PartWildOne {
			return true
		}
	}
	return false
}

// HasPlaceholders reports whether the string has placeholder parts.
func (v *String) HasPlaceholders() bool {
	for _, p := range v.Parts {
		if p.Kind == PartPlaceholder {
			return true
		}
	}
	return false
}

// IsPlain reports whether the string is literal text only.
func (v *String) IsPlain() bool { return !v.HasWildcards() && !v.HasPlaceholders() }

// Literal returns the concatenated literal text, ignoring other parts. For a
// plain string it is the exact value.
func (v *String) Literal() string {
	if len(v.Parts) == 1 && v.Parts[0].Kind == PartLit {
		return v.Parts[0].Text
	}
	var b strings.Builder
	for _, p := range v.Parts {
		if p.Kind == PartLit {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// Lit returns a String holding literal text only.
func Lit(pos Pos, s string) *String {
	v := &String{Pos: pos, Raw: EscapeWildcards(s)}
	if s != "" {
		v.Parts = []StrPart{{Kind: PartLit, Text: s}}
	}
	return v
}

// EscapeWildcards writes s in Sigma value syntax so that it reads back as
// the literal s: '*', '?' and a backslash before them or at the end are
// escaped.
func EscapeWildcards(s string) string {
	if !strings.ContainsAny(s, `*?\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '*', '?':
			b.WriteByte('\\')
		case '\\':
			// A backslash is literal unless followed by a wildcard or a
			// backslash; escape it when that could be misread.
			if i+1 == len(s) || s[i+1] == '*' || s[i+1] == '?' || s[i+1] == '\\' {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Sigma renders the parts back into Sigma value syntax.
func (v *String) Sigma() string {
	var b strings.Builder
	for _, p := range v.Parts {
		switch p.Kind {
		case PartLit:
			b.WriteString(EscapeWildcards(p.Text))
		case PartWildMany:
			b.WriteByte('*')
		case PartWildOne:
			b.WriteByte('?')
		case PartPlaceholder:
			b.WriteString("%" + p.Text + "%")
		}
	}
	return b.String()
}
