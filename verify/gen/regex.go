package gen

import (
	"regexp/syntax"
	"strings"
)

// RegexSample returns a string that the regular expression (RE2 syntax) probably matches: the
// shortest choices everywhere (first alternative, minimum repetitions, first character of each
// class). It is a best effort: anchors inside the text or word boundaries may defeat it, which
// only costs coverage, never correctness, because verdicts come from the evaluator.
func RegexSample(expr string, ignoreCase bool) string {
	flags := syntax.Perl
	if ignoreCase {
		flags |= syntax.FoldCase
	}
	re, err := syntax.Parse(expr, flags)
	if err != nil {
		return expr
	}
	var b strings.Builder
	write(&b, re.Simplify(), 0)
	return b.String()
}

func write(b *strings.Builder, re *syntax.Regexp, depth int) {
	if depth > 50 || b.Len() > 500 {
		return
	}
	switch re.Op {
	case syntax.OpLiteral:
		b.WriteString(string(re.Rune))
	case syntax.OpCharClass:
		if len(re.Rune) >= 2 {
			r := re.Rune[0]
			// Prefer a letter or digit inside the class, for readability.
			for i := 0; i+1 < len(re.Rune); i += 2 {
				if lo, hi := re.Rune[i], re.Rune[i+1]; lo <= 'a' && 'a' <= hi {
					r = 'a'
					break
				} else if lo <= '0' && '0' <= hi {
					r = '0'
				}
			}
			b.WriteRune(r)
		}
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('a')
	case syntax.OpCapture:
		for _, s := range re.Sub {
			write(b, s, depth+1)
		}
	case syntax.OpStar, syntax.OpQuest:
	case syntax.OpPlus:
		write(b, re.Sub[0], depth+1)
	case syntax.OpRepeat:
		for i := 0; i < re.Min && i < 20; i++ {
			write(b, re.Sub[0], depth+1)
		}
	case syntax.OpConcat:
		for _, s := range re.Sub {
			write(b, s, depth+1)
		}
	case syntax.OpAlternate:
		write(b, re.Sub[0], depth+1)
	case syntax.OpWordBoundary:
		// nothing to write; a neighbouring literal usually satisfies it
	}
}
