package splunk

import (
	"fmt"
	"strconv"
	"strings"
)

// simExpr is an eval expression of the SPL interpreter in
// correlation_sim_test.go; nil is null.
type simExpr func(simRow) any

type exprParser struct {
	toks []string
	i    int
}

// parseExpr parses the eval subset the correlation searches use: OR, AND,
// NOT, comparisons, + and -, function calls, fields ('quoted' too),
// strings and numbers. Comparisons and arithmetic with null give null, and
// null is not true.
func parseExpr(s string) (simExpr, error) {
	p := &exprParser{toks: tokenize(s)}
	e, err := p.or()
	if err == nil && p.i != len(p.toks) {
		err = fmt.Errorf("trailing %q in %q", p.toks[p.i], s)
	}
	return e, err
}

func tokenize(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ':
			i++
		case c == '"' || c == '\'':
			j := strings.IndexByte(s[i+1:], c) + i + 1
			toks = append(toks, s[i:j+1])
			i = j + 1
		case strings.ContainsRune("=!<>", rune(c)):
			if i+1 < len(s) && s[i+1] == '=' {
				toks = append(toks, s[i:i+2])
				i += 2
			} else {
				toks = append(toks, s[i:i+1])
				i++
			}
		case strings.ContainsRune("(),+-", rune(c)):
			toks = append(toks, s[i:i+1])
			i++
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \"'=!<>(),+-", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks
}

func (p *exprParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *exprParser) or() (simExpr, error) { return p.binary("OR", p.and) }

func (p *exprParser) and() (simExpr, error) { return p.binary("AND", p.not) }

func (p *exprParser) binary(op string, next func() (simExpr, error)) (simExpr, error) {
	l, err := next()
	for err == nil && p.peek() == op {
		p.i++
		var r simExpr
		if r, err = next(); err != nil {
			break
		}
		a, b := l, r
		l = func(row simRow) any {
			x, y := a(row) == true, b(row) == true
			if op == "OR" {
				return x || y
			}
			return x && y
		}
	}
	return l, err
}

func (p *exprParser) not() (simExpr, error) {
	if p.peek() != "NOT" {
		return p.cmp()
	}
	p.i++
	x, err := p.not()
	return func(r simRow) any { return x(r) != true }, err
}

func (p *exprParser) cmp() (simExpr, error) {
	l, err := p.add()
	op := p.peek()
	if err != nil || !strings.Contains("== != >= <= > <", op) || op == "" {
		return l, err
	}
	p.i++
	r, err := p.add()
	return func(row simRow) any {
		a, b := l(row), r(row)
		if a == nil || b == nil {
			return nil
		}
		var c int
		if x, ok := a.(float64); ok {
			y := simNum(b)
			c = map[bool]int{true: -1, false: 0}[x < y] + map[bool]int{true: 1, false: 0}[x > y]
		} else {
			c = strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
		}
		switch op {
		case "==":
			return c == 0
		case "!=":
			return c != 0
		case ">=":
			return c >= 0
		case "<=":
			return c <= 0
		case ">":
			return c > 0
		}
		return c < 0
	}, err
}

func (p *exprParser) add() (simExpr, error) {
	l, err := p.primary()
	for err == nil && (p.peek() == "+" || p.peek() == "-") {
		op := p.toks[p.i]
		p.i++
		var r simExpr
		if r, err = p.primary(); err != nil {
			break
		}
		a, b := l, r
		l = func(row simRow) any {
			x, y := a(row), b(row)
			if x == nil || y == nil {
				return nil
			}
			if op == "+" {
				return simNum(x) + simNum(y)
			}
			return simNum(x) - simNum(y)
		}
	}
	return l, err
}

func (p *exprParser) primary() (simExpr, error) {
	t := p.peek()
	p.i++
	switch {
	case t == "(":
		e, err := p.or()
		p.i++ // ")"
		return e, err
	case strings.HasPrefix(t, `"`):
		s := t[1 : len(t)-1]
		return func(simRow) any { return s }, nil
	case strings.HasPrefix(t, "'"):
		name := t[1 : len(t)-1]
		return func(r simRow) any { return r[name] }, nil
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil {
		return func(simRow) any { return f }, nil
	}
	if p.peek() != "(" {
		return func(r simRow) any { return r[t] }, nil
	}
	p.i++
	var args []simExpr
	for p.peek() != ")" {
		a, err := p.or()
		if err != nil {
			return nil, err
		}
		args = append(args, a)
		if p.peek() == "," {
			p.i++
		}
	}
	p.i++
	return call(t, args)
}

func call(name string, args []simExpr) (simExpr, error) {
	switch name {
	case "null":
		return func(simRow) any { return nil }, nil
	case "true":
		return func(simRow) any { return true }, nil
	case "if":
		return func(r simRow) any {
			if args[0](r) == true {
				return args[1](r)
			}
			return args[2](r)
		}, nil
	case "case":
		return func(r simRow) any {
			for i := 0; i+1 < len(args); i += 2 {
				if args[i](r) == true {
					return args[i+1](r)
				}
			}
			return nil
		}, nil
	case "coalesce":
		return func(r simRow) any {
			for _, a := range args {
				if v := a(r); v != nil {
					return v
				}
			}
			return nil
		}, nil
	case "isnotnull":
		return func(r simRow) any { return args[0](r) != nil }, nil
	case "lower":
		return func(r simRow) any {
			if v := args[0](r); v != nil {
				return strings.ToLower(fmt.Sprint(v))
			}
			return nil
		}, nil
	case "mvappend":
		return func(r simRow) any {
			var out []any
			for _, a := range args {
				if v := a(r); v != nil {
					out = append(out, v)
				}
			}
			return out
		}, nil
	}
	return nil, fmt.Errorf("unknown function %s", name)
}
