package pipeline

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Parsing of Jinja2-subset expressions (see jinja.go).

// The filters, methods and tests the evaluator implements; others are
// compile errors.
var (
	knownFilters = map[string]bool{"length": true, "count": true, "lower": true, "upper": true, "trim": true,
		"string": true, "join": true, "default": true, "d": true, "first": true, "last": true, "replace": true, "tojson": true, "indent": true}
	knownMethods = map[string]bool{"get": true, "lower": true, "upper": true, "strip": true, "startswith": true, "endswith": true, "strftime": true}
	knownTests   = map[string]bool{"defined": true, "undefined": true, "none": true, "string": true, "number": true}
)

type exprParser struct {
	toks []string
	i    int
}

func parseJExpr(src string) (jexpr, error) {
	toks, err := exprTokens(src)
	if err != nil {
		return nil, err
	}
	p := &exprParser{toks: toks}
	x, err := p.ternary()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		return nil, fmt.Errorf("unexpected %q in %q", p.toks[p.i], src)
	}
	return x, nil
}

func exprTokens(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string in %q", s)
			}
			out = append(out, s[i:j+1])
			i = j + 1
		case strings.HasPrefix(s[i:], "==") || strings.HasPrefix(s[i:], "!=") || strings.HasPrefix(s[i:], "<=") || strings.HasPrefix(s[i:], ">="):
			out = append(out, s[i:i+2])
			i += 2
		case strings.ContainsRune("()[].,|<>~", rune(c)):
			out = append(out, string(c))
			i++
		case c == '_' || c == '-' || unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)):
			j := i + 1
			for j < len(s) && (s[j] == '_' || unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j])) || (s[j] == '.' && unicode.IsDigit(rune(s[i])))) {
				j++
			}
			out = append(out, s[i:j])
			i = j
		default:
			return nil, fmt.Errorf("unsupported character %q in %q", c, s)
		}
	}
	return out, nil
}

func (p *exprParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *exprParser) next() string {
	t := p.peek()
	p.i++
	return t
}

func (p *exprParser) expect(t string) error {
	if got := p.next(); got != t {
		return fmt.Errorf("expected %q, got %q", t, got)
	}
	return nil
}

// jcond is "a if cond else b" (b undefined when omitted).
type jcond struct{ a, cond, b jexpr }

func (e jcond) eval(vars map[string]any) (any, error) {
	c, err := e.cond.eval(vars)
	if err != nil {
		return nil, err
	}
	if truthy(c) {
		return e.a.eval(vars)
	}
	if e.b == nil {
		return undefined{}, nil
	}
	return e.b.eval(vars)
}

func (p *exprParser) ternary() (jexpr, error) {
	a, err := p.or()
	if err != nil || p.peek() != "if" {
		return a, err
	}
	p.i++
	c, err := p.or()
	if err != nil {
		return nil, err
	}
	x := jcond{a: a, cond: c}
	if p.peek() == "else" {
		p.i++
		if x.b, err = p.ternary(); err != nil {
			return nil, err
		}
	}
	return x, nil
}

func (p *exprParser) or() (jexpr, error) {
	a, err := p.and()
	for err == nil && p.peek() == "or" {
		p.i++
		var b jexpr
		b, err = p.and()
		a = jbin{"or", a, b}
	}
	return a, err
}

func (p *exprParser) and() (jexpr, error) {
	a, err := p.not()
	for err == nil && p.peek() == "and" {
		p.i++
		var b jexpr
		b, err = p.not()
		a = jbin{"and", a, b}
	}
	return a, err
}

func (p *exprParser) not() (jexpr, error) {
	if p.peek() == "not" {
		p.i++
		x, err := p.not()
		return jun{"not", x}, err
	}
	return p.compare()
}

func (p *exprParser) compare() (jexpr, error) {
	a, err := p.concat()
	if err != nil {
		return nil, err
	}
	op := p.peek()
	switch op {
	case "==", "!=", "<", "<=", ">", ">=", "in":
		p.i++
	case "not":
		if p.i+1 < len(p.toks) && p.toks[p.i+1] == "in" {
			p.i += 2
			op = "not in"
		} else {
			return a, nil
		}
	case "is":
		p.i++
		t := jtest{x: a}
		if p.peek() == "not" {
			p.i++
			t.not = true
		}
		t.name = p.next()
		if !knownTests[t.name] {
			return nil, fmt.Errorf("unsupported test %q", t.name)
		}
		return t, nil
	default:
		return a, nil
	}
	b, err := p.concat()
	return jbin{op, a, b}, err
}

func (p *exprParser) concat() (jexpr, error) {
	a, err := p.filtered()
	for err == nil && p.peek() == "~" {
		p.i++
		var b jexpr
		b, err = p.filtered()
		a = jbin{"~", a, b}
	}
	return a, err
}

func (p *exprParser) filtered() (jexpr, error) {
	x, err := p.postfix()
	for err == nil && p.peek() == "|" {
		p.i++
		f := jfilter{x: x, name: p.next()}
		if !knownFilters[f.name] {
			return nil, fmt.Errorf("unsupported filter %q", f.name)
		}
		if p.peek() == "(" {
			f.args, err = p.args()
		}
		x = f
	}
	return x, err
}

func (p *exprParser) args() ([]jexpr, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	var out []jexpr
	for p.peek() != ")" {
		a, err := p.ternary()
		if err != nil {
			return nil, err
		}
		out = append(out, a)
		if p.peek() == "," {
			p.i++
		} else if p.peek() != ")" {
			return nil, fmt.Errorf("expected , or ) in arguments")
		}
	}
	p.i++
	return out, nil
}

func (p *exprParser) postfix() (jexpr, error) {
	x, err := p.primary()
	for err == nil {
		switch p.peek() {
		case ".":
			p.i++
			name := p.next()
			if p.peek() == "(" {
				if !knownMethods[name] {
					return nil, fmt.Errorf("unsupported method %s()", name)
				}
				var args []jexpr
				args, err = p.args()
				x = jcall{x, name, args}
			} else {
				x = jattr{x, name}
			}
		case "[":
			p.i++
			var i jexpr
			i, err = p.or()
			if err == nil {
				err = p.expect("]")
			}
			x = jindex{x, i}
		default:
			return x, nil
		}
	}
	return x, err
}

func (p *exprParser) primary() (jexpr, error) {
	t := p.next()
	switch {
	case t == "":
		return nil, fmt.Errorf("unexpected end of expression")
	case t == "(":
		x, err := p.ternary()
		if err == nil {
			err = p.expect(")")
		}
		return x, err
	case t == "[":
		var l jlist
		for p.peek() != "]" {
			x, err := p.or()
			if err != nil {
				return nil, err
			}
			l = append(l, x)
			if p.peek() == "," {
				p.i++
			} else if p.peek() != "]" {
				return nil, fmt.Errorf("expected , or ] in list")
			}
		}
		p.i++
		return l, nil
	case t[0] == '\'' || t[0] == '"':
		s := t[1 : len(t)-1]
		s = strings.NewReplacer(`\\`, `\`, `\'`, `'`, `\"`, `"`, `\n`, "\n", `\t`, "\t").Replace(s)
		return jlit{s}, nil
	case t == "true" || t == "True":
		return jlit{true}, nil
	case t == "false" || t == "False":
		return jlit{false}, nil
	case t == "none" || t == "None":
		return jlit{nil}, nil
	case unicode.IsDigit(rune(t[0])) || (t[0] == '-' && len(t) > 1):
		if n, err := strconv.ParseInt(t, 10, 64); err == nil {
			return jlit{n}, nil
		}
		if f, err := strconv.ParseFloat(t, 64); err == nil {
			return jlit{f}, nil
		}
		return nil, fmt.Errorf("bad number %q", t)
	case t[0] == '_' || unicode.IsLetter(rune(t[0])):
		return jname(t), nil
	}
	return nil, fmt.Errorf("unexpected %q", t)
}

// strftime formats a rule date (YYYY-MM-DD or YYYY/MM/DD, as written in
// the rule) with the %Y, %m, %d and %% directives.
func strftime(date, format string) (string, error) {
	parts := strings.FieldsFunc(date, func(r rune) bool { return r == '-' || r == '/' })
	if len(parts) != 3 {
		return "", fmt.Errorf("strftime: %q is not a date", date)
	}
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 == len(format) {
			b.WriteByte(format[i])
			continue
		}
		i++
		switch format[i] {
		case 'Y':
			b.WriteString(parts[0])
		case 'm':
			b.WriteString(parts[1])
		case 'd':
			b.WriteString(parts[2])
		case '%':
			b.WriteByte('%')
		default:
			return "", fmt.Errorf("strftime: unsupported directive %%%c", format[i])
		}
	}
	return b.String(), nil
}
