package parser

import "unicode/utf8"

// runeCounter returns a function giving the number of runes in s[:off].
// Callers ask for increasing offsets (the condition lexer walks left to
// right), so it counts on from the previous answer: a condition of n
// tokens costs O(len(s)) instead of O(n·len(s)), which made 20,000-token
// conditions take seconds.
func runeCounter(s string) func(off int) int {
	last, count := 0, 0
	return func(off int) int {
		if off < last {
			last, count = 0, 0
		}
		count += utf8.RuneCountInString(s[last:off])
		last = off
		return count
	}
}
