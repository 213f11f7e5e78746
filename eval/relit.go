package eval

import (
	"regexp/syntax"
	"strings"
)

// reLiterals returns literals of which a match of the regular expression
// must contain at least one (folded, for the case-insensitive gram index),
// or nil when no such set of literals of at least minLen bytes is known.
func reLiterals(expr string, minLen int) []string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	lits := required(re.Simplify(), minLen)
	for i, l := range lits {
		lits[i] = fold(l)
	}
	return lits
}

// required computes the literal set of one node (see reLiterals).
func required(re *syntax.Regexp, minLen int) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if s := string(re.Rune); len(s) >= minLen {
			return []string{s}
		}
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0], minLen)
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0], minLen)
		}
	case syntax.OpConcat:
		// Adjacent literals form one longer literal; otherwise the best
		// child (longest shortest literal) is required.
		var best []string
		bestLen := 0
		consider := func(set []string) {
			if set == nil {
				return
			}
			short := len(set[0])
			for _, s := range set {
				short = min(short, len(s))
			}
			if short > bestLen {
				best, bestLen = set, short
			}
		}
		var run strings.Builder
		flush := func() {
			if run.Len() >= minLen {
				consider([]string{run.String()})
			}
			run.Reset()
		}
		for _, sub := range re.Sub {
			if sub.Op == syntax.OpLiteral {
				run.WriteString(string(sub.Rune))
				continue
			}
			flush()
			consider(required(sub, minLen))
		}
		flush()
		return best
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			set := required(sub, minLen)
			if set == nil {
				return nil
			}
			all = append(all, set...)
		}
		return all
	}
	return nil
}
