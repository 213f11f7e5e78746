package eval

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// reLiterals returns literals of which a match of the regular expression
// must contain at least one (folded, for the case-insensitive gram index),
// or nil when no such set of literals of at least minLen bytes is known.
// Among the parts of a concatenation it keeps the set whose shortest
// literal is longest.
func reLiterals(expr string, minLen int) []string {
	return reLiteralSet(expr, minLen, func(set []string) float64 {
		short := len(set[0])
		for _, s := range set {
			short = min(short, len(s))
		}
		return -float64(short)
	})
}

// reRareLiterals is reLiterals for literals of any length, keeping among
// the parts of a concatenation the set least likely to occur in event
// text (see byteCost).
func reRareLiterals(expr string) []string {
	return reLiteralSet(expr, 1, func(set []string) float64 {
		total := 0.0
		for _, s := range set {
			total += litCost(s)
		}
		return total
	})
}

func reLiteralSet(expr string, minLen int, cost func([]string) float64) []string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	lits := required(re.Simplify(), minLen, cost)
	for i, l := range lits {
		lits[i] = fold(l)
	}
	return lits
}

// required computes the literal set of one node (see reLiterals); cost
// ranks the candidate sets of a concatenation, lower is better.
func required(re *syntax.Regexp, minLen int, cost func([]string) float64) []string {
	switch re.Op {
	case syntax.OpLiteral:
		// U+FFFD in a pattern also matches invalid UTF-8 in the text,
		// which does not contain its encoding.
		if s := string(re.Rune); len(s) >= minLen && !strings.ContainsRune(s, utf8.RuneError) {
			return []string{s}
		}
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0], minLen, cost)
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0], minLen, cost)
		}
	case syntax.OpConcat:
		// Adjacent literals form one longer literal; otherwise the best
		// child is required.
		var best []string
		bestCost := 0.0
		consider := func(set []string) {
			if set == nil {
				return
			}
			if c := cost(set); best == nil || c < bestCost {
				best, bestCost = set, c
			}
		}
		var run []rune
		flush := func() {
			if len(run) > 0 {
				consider(required(&syntax.Regexp{Op: syntax.OpLiteral, Rune: run}, minLen, cost))
			}
			run = nil
		}
		for _, sub := range re.Sub {
			if sub.Op == syntax.OpLiteral {
				run = append(run, sub.Rune...)
				continue
			}
			flush()
			consider(required(sub, minLen, cost))
		}
		flush()
		return best
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			set := required(sub, minLen, cost)
			if set == nil {
				return nil
			}
			all = append(all, set...)
		}
		return all
	}
	return nil
}

// byteCost estimates how likely a (folded) byte is to occur in a value of
// Windows event data: letters, digits and path punctuation are taken as
// certain, other punctuation as uncommon, '^', '`', '~' and control
// characters as rare, and bytes of non-ASCII characters as rarer still.
func byteCost(b byte) float64 {
	switch {
	case b >= utf8.RuneSelf:
		return 0.02
	case 'a' <= b && b <= 'z', '0' <= b && b <= '9', strings.IndexByte(` \.:-_/=`, b) >= 0:
		return 1
	case strings.IndexByte("^`~", b) >= 0 || b < ' ':
		return 0.05
	}
	return 0.15
}

// rarestByte returns the byte of s least likely to occur (see byteCost)
// and its cost; 1 for "".
func rarestByte(s string) (byte, float64) {
	best, cost := byte(0), 1.0
	for i := 0; i < len(s); i++ {
		if c := byteCost(s[i]); c < cost {
			best, cost = s[i], c
		}
	}
	return best, cost
}

// litCost estimates how likely event text is to contain s.
func litCost(s string) float64 {
	_, c := rarestByte(s)
	return c / float64(max(1, len(s)))
}
