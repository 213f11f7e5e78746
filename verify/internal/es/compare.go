package es

// CompareNumbers orders two numbers: -1, 0 or 1. NaN, which no indexed value or literal
// holds, compares equal to everything.
func CompareNumbers(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Holds reports whether the comparison op (==, !=, <, <=, >, >=) holds between two operands
// ordered c (negative, zero or positive, as strings.Compare gives it). Any other op is >=.
func Holds(op string, c int) bool {
	switch op {
	case "==":
		return c == 0
	case "!=":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}
