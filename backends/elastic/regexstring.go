package elastic

import (
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode"
)

// regexString returns re.String() for the refusal texts that quote a
// counted repetition. When the repeated item is a character class,
// (*syntax.Regexp).String checks every rune of the class for case folds
// to decide on a (?i:) flag that it then drops at the top level, which for
// a negated class ([^"]{0,64}) is about a million lookups, over a
// millisecond per refused rule. That case is written here the same way
// without the check (tested against String); anything else goes to String.
func regexString(re *syntax.Regexp) string {
	if re.Op != syntax.OpRepeat || len(re.Sub) != 1 || re.Sub[0].Op != syntax.OpCharClass || len(re.Sub[0].Rune)%2 != 0 {
		return re.String()
	}
	var b strings.Builder
	writeSyntaxClass(&b, re.Sub[0].Rune)
	b.WriteByte('{')
	b.WriteString(strconv.Itoa(re.Min))
	if re.Max != re.Min {
		b.WriteByte(',')
		if re.Max >= 0 {
			b.WriteString(strconv.Itoa(re.Max))
		}
	}
	b.WriteByte('}')
	if re.Flags&syntax.NonGreedy != 0 {
		b.WriteByte('?')
	}
	return b.String()
}

// writeSyntaxClass writes a class as regexp/syntax prints it: a class
// from 0 to the top of Unicode as ^ and its gaps.
func writeSyntaxClass(b *strings.Builder, rs []rune) {
	b.WriteByte('[')
	writeRange := func(lo, hi rune) {
		syntaxEscape(b, lo, lo == '-')
		if lo != hi {
			if hi != lo+1 {
				b.WriteByte('-')
			}
			syntaxEscape(b, hi, hi == '-')
		}
	}
	switch {
	case len(rs) == 0:
		b.WriteString(`^\x00-\x{10FFFF}`)
	case rs[0] == 0 && rs[len(rs)-1] == unicode.MaxRune && len(rs) > 2:
		b.WriteByte('^')
		for i := 1; i < len(rs)-1; i += 2 {
			writeRange(rs[i]+1, rs[i+1]-1)
		}
	default:
		for i := 0; i < len(rs); i += 2 {
			writeRange(rs[i], rs[i+1])
		}
	}
	b.WriteByte(']')
}

// syntaxEscape writes r as regexp/syntax does in its String method.
func syntaxEscape(b *strings.Builder, r rune, force bool) {
	if unicode.IsPrint(r) {
		if strings.ContainsRune(`\.+*?()|[]{}^$`, r) || force {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		return
	}
	switch r {
	case '\a':
		b.WriteString(`\a`)
	case '\f':
		b.WriteString(`\f`)
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	case '\t':
		b.WriteString(`\t`)
	case '\v':
		b.WriteString(`\v`)
	default:
		if r < 0x100 {
			b.WriteString(`\x`)
			if r < 0x10 {
				b.WriteByte('0')
			}
			b.WriteString(strconv.FormatInt(int64(r), 16))
			return
		}
		b.WriteString(`\x{`)
		b.WriteString(strconv.FormatInt(int64(r), 16))
		b.WriteByte('}')
	}
}
