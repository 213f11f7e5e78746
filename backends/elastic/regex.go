package elastic

import (
	"fmt"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sigconv/sigconv/backends/internal/lower"
	"github.com/sigconv/sigconv/ir"
)

// maxRegexLength is Elasticsearch's default index.max_regex_length: a
// longer regexp query is rejected at search time.
const maxRegexLength = 1000

// maxRepeat bounds counted repetitions: {1,128} of a class behind the .*
// that makes a Sigma regexp a search determinizes into far more than
// Lucene's default 10000 states (found by tools/lucenevalidate on the
// SigmaHQ corpus), so larger counts are refused.
const maxRepeat = 64

// maxBroadRepeat is the bound for repetitions of a class that matches
// almost every character ([^"]{0,64}, .{1,50}): behind the leading .*
// every position may start a match, and {0,64} of [^"] already exceeds
// 10000 states on the SigmaHQ corpus.
const maxBroadRepeat = 16

// broadClass reports whether re is one character from a large set: a
// negated class or any character.
func broadClass(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return true
	case syntax.OpCharClass:
		n := 0
		for i := 0; i+1 < len(re.Rune); i += 2 {
			n += int(re.Rune[i+1]-re.Rune[i]) + 1
		}
		return n > 1000
	}
	return false
}

// luceneRegex translates a Sigma regular expression (an unanchored search,
// RE2/Perl syntax) into Lucene RegExp syntax, which always matches the
// whole term. The translation goes through Go's regexp/syntax parse tree,
// so escapes like \d, \w, \s, classes, the i/s/m flags and inline (?i)
// flags are resolved into explicit characters and classes that Lucene
// reads the same way. It returns an error text for what Lucene cannot
// express: anchors other than at the start or end, word boundaries,
// multi-line anchors.
func luceneRegex(expr string, flags ir.RegexFlags) (string, error) {
	pf := syntax.Perl
	if flags.IgnoreCase {
		pf |= syntax.FoldCase
	}
	if flags.DotAll {
		pf |= syntax.DotNL
	}
	if flags.Multiline {
		pf &^= syntax.OneLine
	}
	re, err := syntax.Parse(expr, pf)
	if err != nil {
		return "", fmt.Errorf("not a valid RE2 expression: %v", err)
	}
	var b strings.Builder
	if err := top(&b, re); err != nil {
		return "", err
	}
	if b.Len() == 0 {
		return "()", nil // ^$: the empty value
	}
	return b.String(), nil
}

// top writes re as a whole-term Lucene expression: unanchored ends are
// padded with .* so that the search semantics of Sigma are kept.
func top(b *strings.Builder, re *syntax.Regexp) error {
	switch re.Op {
	case syntax.OpAlternate:
		for i, sub := range re.Sub {
			if i > 0 {
				b.WriteByte('|')
			}
			b.WriteByte('(')
			if err := top(b, sub); err != nil {
				return err
			}
			b.WriteByte(')')
		}
		return nil
	case syntax.OpCapture:
		return top(b, re.Sub[0])
	case syntax.OpBeginText:
		b.WriteString(".*")
		return nil
	case syntax.OpEndText:
		b.WriteString(".*")
		return nil
	case syntax.OpEmptyMatch:
		b.WriteString(".*")
		return nil
	}
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	lead, trail := ".*", ".*"
	if len(subs) > 0 {
		switch subs[0].Op {
		case syntax.OpBeginText:
			lead, subs = "", subs[1:]
		case syntax.OpBeginLine:
			// m flag: the match starts the value or follows a newline.
			lead, subs = "(.*\n)?", subs[1:]
		}
	}
	if len(subs) > 0 {
		switch subs[len(subs)-1].Op {
		case syntax.OpEndText:
			trail, subs = "", subs[:len(subs)-1]
		case syntax.OpEndLine:
			trail, subs = "(\n.*)?", subs[:len(subs)-1]
		}
	}
	b.WriteString(lead)
	for _, s := range subs {
		if err := inner(b, s); err != nil {
			return err
		}
	}
	b.WriteString(trail)
	return nil
}

// inner writes a sub-expression that must not contain anchors.
func inner(b *strings.Builder, re *syntax.Regexp) error {
	switch re.Op {
	case syntax.OpNoMatch:
		b.WriteByte('#') // the empty language
	case syntax.OpEmptyMatch:
		b.WriteString("()")
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 {
				writeFoldRune(b, r)
			} else {
				writeRegexRune(b, r)
			}
		}
	case syntax.OpCharClass:
		writeClass(b, re.Rune)
	case syntax.OpAnyCharNotNL:
		b.WriteString("[^\n]")
	case syntax.OpAnyChar:
		b.WriteByte('.')
	case syntax.OpBeginLine, syntax.OpEndLine:
		return fmt.Errorf("multi-line anchors (^ and $ with the m flag) have no Lucene equivalent")
	case syntax.OpBeginText, syntax.OpEndText:
		return fmt.Errorf("anchors inside the expression have no Lucene equivalent (Lucene regexps always match the whole value)")
	case syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return fmt.Errorf("word boundaries (\\b, \\B) have no Lucene equivalent")
	case syntax.OpCapture:
		b.WriteByte('(')
		if err := inner(b, re.Sub[0]); err != nil {
			return err
		}
		b.WriteByte(')')
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		// Laziness (x*?) does not change whether a value matches.
		if err := atom(b, re.Sub[0]); err != nil {
			return err
		}
		switch re.Op {
		case syntax.OpStar:
			b.WriteByte('*')
		case syntax.OpPlus:
			b.WriteByte('+')
		case syntax.OpQuest:
			b.WriteByte('?')
		default:
			limit, what := maxRepeat, "a repetition"
			if broadClass(re.Sub[0]) {
				limit, what = maxBroadRepeat, "a repetition of a class matching almost any character"
			}
			if re.Max > limit || re.Max < 0 && re.Min > limit {
				return fmt.Errorf("%s counted over %d (%s) makes Lucene's automaton exceed its 10000 determinized states", what, limit, regexString(re))
			}
			b.WriteByte('{')
			b.WriteString(strconv.Itoa(re.Min))
			if re.Max != re.Min {
				b.WriteByte(',')
				if re.Max >= 0 {
					b.WriteString(strconv.Itoa(re.Max))
				}
			}
			b.WriteByte('}')
		}
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if err := inner(b, s); err != nil {
				return err
			}
		}
	case syntax.OpAlternate:
		b.WriteByte('(')
		for i, s := range re.Sub {
			if i > 0 {
				b.WriteByte('|')
			}
			if err := inner(b, s); err != nil {
				return err
			}
		}
		b.WriteByte(')')
	default:
		return fmt.Errorf("regular expression construct %v has no Lucene equivalent", re.Op)
	}
	return nil
}

// atom writes re so that a following repetition operator applies to all of
// it.
func atom(b *strings.Builder, re *syntax.Regexp) error {
	single := false
	switch re.Op {
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL, syntax.OpCapture, syntax.OpAlternate:
		single = true
	case syntax.OpLiteral:
		single = len(re.Rune) == 1
	}
	if single {
		return inner(b, re)
	}
	b.WriteByte('(')
	if err := inner(b, re); err != nil {
		return err
	}
	b.WriteByte(')')
	return nil
}

// writeRegexRune writes one literal character. Every ASCII punctuation
// character is escaped with a backslash, which Lucene RegExp reads as that
// character; letters and digits are never escaped (Lucene 9 gives \d, \w,
// \s a meaning).
func writeRegexRune(b *strings.Builder, r rune) {
	if r < utf8.RuneSelf && r > ' ' && r != 0x7f && !isAlnum(byte(r)) {
		b.WriteByte('\\')
	}
	b.WriteRune(r)
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// writeFoldRune writes r matching every case variant of r.
func writeFoldRune(b *strings.Builder, r rune) {
	set, n := foldSet(r)
	if n == 1 {
		writeRegexRune(b, r)
		return
	}
	b.WriteByte('[')
	for _, f := range set[:n] {
		writeRegexRune(b, f)
	}
	b.WriteByte(']')
}

// foldedLetters holds [Aa] to [Zz], four bytes each.
const foldedLetters = "[Aa][Bb][Cc][Dd][Ee][Ff][Gg][Hh][Ii][Jj][Kk][Ll][Mm][Nn][Oo][Pp][Qq][Rr][Ss][Tt][Uu][Vv][Ww][Xx][Yy][Zz]"

// writeFoldText writes writeFoldRune of every character of s (invalid
// UTF-8 as U+FFFD, as ranging over s gives it), ASCII letters from a
// table: this runs for every character of every case-insensitive Lucene
// value.
func writeFoldText(b *strings.Builder, s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			writeFoldRune(b, r)
			i += size
			continue
		}
		switch {
		case 'a' <= c && c <= 'z':
			b.WriteString(foldedLetters[4*(c-'a') : 4*(c-'a')+4])
		case 'A' <= c && c <= 'Z':
			b.WriteString(foldedLetters[4*(c-'A') : 4*(c-'A')+4])
		default:
			writeRegexRune(b, rune(c))
		}
		i++
	}
}

// writeClass writes a character class given as sorted lo-hi pairs. A class
// reaching the top of Unicode from zero is written as the negation of its
// complement, which is shorter and free of control characters.
func writeClass(b *strings.Builder, ranges []rune) {
	neg := false
	if len(ranges) >= 2 && ranges[0] == 0 && ranges[len(ranges)-1] == unicode.MaxRune {
		neg = true
		ranges = complement(ranges)
	}
	if !neg && len(ranges) == 2 && ranges[0] == ranges[1] {
		writeRegexRune(b, ranges[0])
		return
	}
	b.WriteByte('[')
	if neg {
		b.WriteByte('^')
	}
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		writeRegexRune(b, lo)
		if hi > lo {
			if hi > lo+1 {
				b.WriteByte('-')
			}
			writeRegexRune(b, hi)
		}
	}
	b.WriteByte(']')
}

// complement returns the complement of sorted, non-overlapping lo-hi pairs
// within 0..MaxRune.
func complement(ranges []rune) []rune {
	var out []rune
	next := rune(0)
	for i := 0; i+1 < len(ranges); i += 2 {
		if ranges[i] > next {
			out = append(out, next, ranges[i]-1)
		}
		next = ranges[i+1] + 1
	}
	if next <= unicode.MaxRune {
		out = append(out, next, unicode.MaxRune)
	}
	return out
}

// patternRegex writes a Sigma wildcard pattern as a whole-term Lucene
// regular expression; with fold, every cased character matches all its
// case variants. It is how Lucene expresses case-insensitive matching on
// keyword fields exactly.
func patternRegex(parts []ir.StrPart, fold bool) string {
	var b strings.Builder
	size := 2
	for _, p := range parts {
		size += 2 + len(p.Text)
	}
	if fold {
		size *= 4 // [aA] for every letter
	}
	b.Grow(size)
	for _, p := range parts {
		switch p.Kind {
		case ir.PartLit:
			if fold {
				writeFoldText(&b, p.Text)
				continue
			}
			for _, r := range p.Text {
				writeRegexRune(&b, r)
			}
		case ir.PartWildMany:
			b.WriteString(".*")
		case ir.PartWildOne:
			b.WriteByte('.')
		}
	}
	if b.Len() == 0 {
		return "()"
	}
	return b.String()
}

// patternLen is the length of a pattern written with one byte per
// wildcard, for sizing builders.
func patternLen(parts []ir.StrPart) int {
	n := 0
	for _, p := range parts {
		n += 1 + len(p.Text)
	}
	return n
}

// predRegex returns the Lucene regular expression of a Regex predicate, or
// an error text.
func predRegex(p *lower.Pred) (string, error) {
	s, err := luceneRegex(p.Regex, p.Flags)
	if err != nil {
		return "", err
	}
	if len(s) > maxRegexLength {
		return "", fmt.Errorf("the translated expression is %d characters long, over Elasticsearch's default index.max_regex_length of %d", len(s), maxRegexLength)
	}
	return s, nil
}
