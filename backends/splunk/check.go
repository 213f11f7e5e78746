package splunk

import (
	"fmt"
	"strings"
)

// CheckStructure is a cheap well-formedness check of an emitted SPL query,
// run by the tests over every golden and corpus query: double-quoted
// strings are closed (backslash escapes honoured), single-quoted field names
// are closed, parentheses balance, no group is empty, no boolean operator
// lacks an operand, and no pipeline stage ('|' outside a string) starts
// inside a parenthesised group.
func CheckStructure(q string) error {
	depth := 0
	var tok strings.Builder
	prev := "" // previous token outside strings: "(", ")", "OR", "AND", "NOT", "|", "term" or ""
	emit := func(t string, at int) error {
		switch t {
		case "OR", "AND":
			if prev == "" || prev == "(" || prev == "OR" || prev == "AND" || prev == "NOT" || prev == "|" {
				return fmt.Errorf("offset %d: %s without a left operand", at, t)
			}
		case ")":
			if prev == "(" {
				return fmt.Errorf("offset %d: empty group", at)
			}
			if prev == "OR" || prev == "AND" || prev == "NOT" {
				return fmt.Errorf("offset %d: %s without a right operand", at, prev)
			}
		case "|":
			if prev == "OR" || prev == "AND" || prev == "NOT" {
				return fmt.Errorf("offset %d: %s without a right operand", at, prev)
			}
		}
		prev = t
		return nil
	}
	flush := func(at int) error {
		if tok.Len() == 0 {
			return nil
		}
		t := tok.String()
		tok.Reset()
		if t != "OR" && t != "AND" && t != "NOT" {
			t = "term"
		}
		return emit(t, at)
	}
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch c {
		case '"', '\'':
			end := closing(q, i)
			if end < 0 {
				return fmt.Errorf("offset %d: unterminated %c string", i, c)
			}
			tok.WriteString(q[i : end+1])
			i = end
		case '(':
			// A function call's parenthesis follows its name directly;
			// both count as one term for operand checks.
			if tok.Len() > 0 {
				end := matchParen(q, i)
				if end < 0 {
					return fmt.Errorf("offset %d: unbalanced '('", i)
				}
				if err := CheckStructure(q[i+1 : end]); err != nil && strings.TrimSpace(q[i+1:end]) != "" {
					return fmt.Errorf("offset %d: in call: %w", i, err)
				}
				tok.WriteString(q[i : end+1])
				i = end
				continue
			}
			if err := flush(i); err != nil {
				return err
			}
			depth++
			if err := emit("(", i); err != nil {
				return err
			}
		case ')':
			if err := flush(i); err != nil {
				return err
			}
			depth--
			if depth < 0 {
				return fmt.Errorf("offset %d: unbalanced ')'", i)
			}
			if err := emit(")", i); err != nil {
				return err
			}
		case '|':
			if err := flush(i); err != nil {
				return err
			}
			if depth > 0 {
				return fmt.Errorf("offset %d: pipeline stage inside a group", i)
			}
			if err := emit("|", i); err != nil {
				return err
			}
		case ' ', '\n', '\t', ',':
			if err := flush(i); err != nil {
				return err
			}
		default:
			tok.WriteByte(c)
		}
	}
	if err := flush(len(q)); err != nil {
		return err
	}
	if depth != 0 {
		return fmt.Errorf("unbalanced parentheses (depth %d at end)", depth)
	}
	if prev == "OR" || prev == "AND" || prev == "NOT" || prev == "|" {
		return fmt.Errorf("query ends with %s", prev)
	}
	return nil
}

// closing returns the index of the quote closing the string opened at i,
// or -1. Double-quoted strings honour backslash escapes; single-quoted
// field names have none.
func closing(q string, i int) int {
	quote := q[i]
	for j := i + 1; j < len(q); j++ {
		switch q[j] {
		case '\\':
			if quote == '"' {
				j++
			}
		case quote:
			return j
		}
	}
	return -1
}

// matchParen returns the index of the ')' matching the '(' at i, skipping
// strings, or -1.
func matchParen(q string, i int) int {
	depth := 0
	for j := i; j < len(q); j++ {
		switch q[j] {
		case '"', '\'':
			end := closing(q, j)
			if end < 0 {
				return -1
			}
			j = end
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// CheckConf is a structural check of a savedsearches.conf written by
// Bundle: every line is a comment, a blank line, a [stanza] header, a
// "key = value" line, or the continuation of a line ending in a backslash;
// stanza names are unique and every stanza has a search.
func CheckConf(conf []byte) error {
	lines := strings.Split(string(conf), "\n")
	seen := map[string]bool{}
	stanza := ""
	hasSearch := true
	cont := false
	for i, line := range lines {
		n := i + 1
		if cont {
			cont = strings.HasSuffix(line, `\`)
			continue
		}
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			if !hasSearch {
				return fmt.Errorf("line %d: stanza [%s] has no search", n, stanza)
			}
			if !strings.HasSuffix(line, "]") || strings.Count(line, "]") != 1 {
				return fmt.Errorf("line %d: malformed stanza header %q", n, line)
			}
			stanza = line[1 : len(line)-1]
			if seen[stanza] {
				return fmt.Errorf("line %d: duplicate stanza [%s]", n, stanza)
			}
			seen[stanza] = true
			hasSearch = false
		default:
			key, _, ok := strings.Cut(line, " = ")
			if !ok || key == "" || strings.ContainsAny(key, " []") {
				return fmt.Errorf("line %d: not a key = value line: %q", n, line)
			}
			if key == "search" {
				hasSearch = true
			}
			cont = strings.HasSuffix(line, `\`)
		}
	}
	if !hasSearch {
		return fmt.Errorf("stanza [%s] has no search", stanza)
	}
	return nil
}
