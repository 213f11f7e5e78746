package kql

import "fmt"

// checkStructure is a cheap well-formedness check of an emitted query:
// string literals are closed (regular, verbatim and single-quoted forms),
// parentheses and brackets balance outside literals, and no clause is
// empty (`where` followed by nothing, `( )`, `and and`). The real parser
// check is tools/kqlvalidate.
func checkStructure(q string) error {
	var stack []byte
	lastTok := ""
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '@' && i+1 < len(q) && (q[i+1] == '"' || q[i+1] == '\''):
			quote := q[i+1]
			j := i + 2
			for ; j < len(q); j++ {
				if q[j] == quote {
					if j+1 < len(q) && q[j+1] == quote {
						j++
						continue
					}
					break
				}
				if q[j] == '\n' {
					return fmt.Errorf("offset %d: line break in a verbatim literal", i)
				}
			}
			if j >= len(q) {
				return fmt.Errorf("offset %d: unterminated verbatim literal", i)
			}
			i = j
			lastTok = "lit"
		case c == '"' || c == '\'':
			j := i + 1
			for ; j < len(q); j++ {
				if q[j] == '\\' {
					j++
					continue
				}
				if q[j] == c {
					break
				}
				if q[j] == '\n' {
					return fmt.Errorf("offset %d: line break in a literal", i)
				}
			}
			if j >= len(q) {
				return fmt.Errorf("offset %d: unterminated literal", i)
			}
			i = j
			lastTok = "lit"
		case c == '(' || c == '[':
			stack = append(stack, c)
			lastTok = "open"
		case c == ')' || c == ']':
			want := byte('(')
			if c == ']' {
				want = '['
			}
			if len(stack) == 0 || stack[len(stack)-1] != want {
				return fmt.Errorf("offset %d: unbalanced %c", i, c)
			}
			if lastTok == "open" && c == ')' && i > 0 && q[i-1] != '(' {
				return fmt.Errorf("offset %d: empty group", i)
			}
			stack = stack[:len(stack)-1]
			lastTok = "close"
		case c == ' ' || c == '\n' || c == '\t':
		default:
			j := i
			for j < len(q) && (q[j] >= 'a' && q[j] <= 'z' || q[j] >= 'A' && q[j] <= 'Z' || q[j] >= '0' && q[j] <= '9' || q[j] == '_') {
				j++
			}
			if j == i {
				lastTok = "op"
				continue
			}
			w := q[i:j]
			if (w == "and" || w == "or") && (lastTok == "and" || lastTok == "or" || lastTok == "where" || lastTok == "open") {
				return fmt.Errorf("offset %d: %q without a left operand", i, w)
			}
			lastTok = w
			i = j - 1
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("unclosed %c", stack[len(stack)-1])
	}
	if lastTok == "where" || lastTok == "and" || lastTok == "or" {
		return fmt.Errorf("query ends with %q", lastTok)
	}
	return nil
}
