package spl

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// value is an eval value: null, a number, a boolean or one or more strings (multi-valued).
type value struct {
	null bool
	num  *float64 // set for a number literal or arithmetic result
	b    *bool    // set for a boolean
	strs []string // string values; a field's values
}

var null = value{null: true}

func boolVal(b bool) value     { return value{b: &b} }
func numVal(f float64) value   { return value{num: &f} }
func strVal(s ...string) value { return value{strs: s} }

// truth reports whether a value is true as a where condition.
func (v value) truth() bool { return v.b != nil && *v.b }

// texts returns the value's values as strings (numbers in shortest form).
func (v value) texts() []string {
	switch {
	case v.null:
		return nil
	case v.num != nil:
		return []string{strconv.FormatFloat(*v.num, 'f', -1, 64)}
	case v.b != nil:
		return []string{strconv.FormatBool(*v.b)}
	}
	return v.strs
}

// numbers returns the value's numeric readings; ok is false if any value is not a number.
func (v value) number(s string) (float64, bool) {
	if v.num != nil {
		return *v.num, true
	}
	f, err := parseNumber(s)
	return f, err == nil
}

// expr is a node of an eval expression.
type expr interface {
	eval(ev event) value
}

type (
	eField struct{ name string }
	eLit   struct{ v value }
	eNot   struct{ x expr }
	eBin   struct {
		op   string
		l, r expr
	}
	eCall struct {
		name string
		args []expr
		re   *regexp.Regexp // match with a literal pattern, compiled once
	}
)

func (e eField) eval(ev event) value {
	vals, ok := ev[e.name]
	if !ok || len(vals) == 0 {
		return null
	}
	return strVal(vals...)
}

func (e eLit) eval(event) value { return e.v }

func (e eNot) eval(ev event) value {
	v := e.x.eval(ev)
	if v.b == nil {
		return null
	}
	return boolVal(!*v.b)
}

func (e *eBin) eval(ev event) value {
	switch e.op {
	case "AND", "OR":
		// Kleene logic: null (unknown) unless the known operand decides.
		decide := e.op == "OR"
		l, r := e.l.eval(ev), e.r.eval(ev)
		if (l.b != nil && *l.b == decide) || (r.b != nil && *r.b == decide) {
			return boolVal(decide)
		}
		if l.b == nil || r.b == nil {
			return null
		}
		return boolVal(!decide)
	}
	l, r := e.l.eval(ev), e.r.eval(ev)
	if l.null || r.null {
		return null
	}
	switch e.op {
	case "=", "==", "!=", "<", "<=", ">", ">=":
		return boolVal(compareAny(e.op, l, r))
	case ".":
		lt, rt := l.texts(), r.texts()
		if len(lt) == 0 || len(rt) == 0 {
			return null
		}
		return strVal(lt[0] + rt[0])
	}
	lt, rt := l.texts(), r.texts()
	if len(lt) == 0 || len(rt) == 0 {
		return null
	}
	a, ok1 := l.number(lt[0])
	b, ok2 := r.number(rt[0])
	if !ok1 || !ok2 {
		if e.op == "+" {
			return strVal(lt[0] + rt[0])
		}
		return null
	}
	switch e.op {
	case "+":
		return numVal(a + b)
	case "-":
		return numVal(a - b)
	case "*":
		return numVal(a * b)
	case "/":
		return numVal(a / b)
	}
	return null
}

// compareAny is true when some pair of the operands' values satisfies op: numerically when
// both are numbers, else as case-sensitive strings.
func compareAny(op string, l, r value) bool {
	for _, a := range l.texts() {
		for _, b := range r.texts() {
			x, ok1 := l.number(a)
			y, ok2 := r.number(b)
			var c int
			if ok1 && ok2 {
				switch {
				case x < y:
					c = -1
				case x > y:
					c = 1
				}
			} else {
				c = strings.Compare(a, b)
			}
			var ok bool
			switch op {
			case "=", "==":
				ok = c == 0
			case "!=":
				ok = c != 0
			case "<":
				ok = c < 0
			case "<=":
				ok = c <= 0
			case ">":
				ok = c > 0
			case ">=":
				ok = c >= 0
			}
			if ok {
				return true
			}
		}
	}
	return false
}

func (e *eCall) eval(ev event) value {
	arg := func(i int) value {
		if i < len(e.args) {
			return e.args[i].eval(ev)
		}
		return null
	}
	switch e.name {
	case "isnull":
		return boolVal(arg(0).null)
	case "isnotnull":
		return boolVal(!arg(0).null)
	case "null":
		return null
	case "true":
		return boolVal(true)
	case "false":
		return boolVal(false)
	case "lower", "upper":
		v := arg(0)
		if v.null {
			return null
		}
		var out []string
		for _, s := range v.texts() {
			if e.name == "lower" {
				out = append(out, strings.ToLower(s))
			} else {
				out = append(out, strings.ToUpper(s))
			}
		}
		return strVal(out...)
	case "len":
		v := arg(0)
		if v.null {
			return null
		}
		return numVal(float64(len([]rune(v.texts()[0]))))
	case "tonumber":
		// Per value of a multi-valued field; values that are not numbers are dropped.
		v := arg(0)
		if v.null {
			return null
		}
		var out []string
		for _, t := range v.texts() {
			if f, ok := v.number(t); ok {
				out = append(out, strconv.FormatFloat(f, 'f', -1, 64))
			}
		}
		if len(out) == 0 {
			return null
		}
		if len(out) == 1 {
			f, _ := parseNumber(out[0])
			return numVal(f)
		}
		return strVal(out...)
	case "tostring":
		v := arg(0)
		if v.null {
			return null
		}
		return strVal(v.texts()...)
	case "match":
		v := arg(0)
		if v.null {
			return null
		}
		re := e.re
		if re == nil {
			pv := arg(1).texts()
			if len(pv) == 0 {
				return null
			}
			var err error
			if re, err = regexp.Compile(pv[0]); err != nil {
				return null
			}
		}
		for _, s := range v.texts() {
			if re.MatchString(s) {
				return boolVal(true)
			}
		}
		return boolVal(false)
	case "like":
		v, p := arg(0), arg(1)
		if v.null || p.null {
			return null
		}
		re := likeRegexp(p.texts()[0])
		for _, s := range v.texts() {
			if re.MatchString(s) {
				return boolVal(true)
			}
		}
		return boolVal(false)
	case "cidrmatch":
		c, v := arg(0), arg(1)
		if c.null || v.null {
			return null
		}
		pfx, err := netip.ParsePrefix(c.texts()[0])
		if err != nil {
			return boolVal(false)
		}
		for _, s := range v.texts() {
			if a, err := netip.ParseAddr(s); err == nil && pfx.Contains(a) {
				return boolVal(true)
			}
		}
		return boolVal(false)
	case "if":
		if arg(0).truth() {
			return arg(1)
		}
		return arg(2)
	case "case":
		for i := 0; i+1 < len(e.args); i += 2 {
			if arg(i).truth() {
				return arg(i + 1)
			}
		}
		return null
	case "coalesce":
		for i := range e.args {
			if v := arg(i); !v.null {
				return v
			}
		}
		return null
	case "searchmatch":
		return null
	}
	return null
}

// likeRegexp translates a like pattern (% any run, _ one character) into an anchored regexp.
func likeRegexp(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	for _, r := range p {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`\z`)
	return regexp.MustCompile(b.String())
}

var knownFuncs = map[string]int{ // name → minimum arguments
	"isnull": 1, "isnotnull": 1, "null": 0, "true": 0, "false": 0, "lower": 1, "upper": 1,
	"len": 1, "tonumber": 1, "tostring": 1, "match": 2, "like": 2, "cidrmatch": 2, "if": 3,
	"case": 2, "coalesce": 1,
}

// exprParser parses where and eval expressions. Precedence, loosest first: OR, AND, NOT,
// comparison, + - ., * /.
type exprParser struct {
	toks []token
	i    int
}

func parseExpr(src string) (expr, error) {
	toks, err := tokenize(src, true)
	if err != nil {
		return nil, err
	}
	p := &exprParser{toks: toks}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, fmt.Errorf("offset %d: unexpected %q", t.pos, t.text)
	}
	return e, nil
}

func (p *exprParser) peek() token { return p.toks[p.i] }
func (p *exprParser) take() token { t := p.toks[p.i]; p.i++; return t }
func (p *exprParser) word(w string) bool {
	t := p.peek()
	return t.kind == tWord && strings.EqualFold(t.text, w)
}
func (p *exprParser) op(ops ...string) string {
	t := p.peek()
	if t.kind != tOp {
		return ""
	}
	for _, o := range ops {
		if t.text == o {
			return o
		}
	}
	return ""
}

func (p *exprParser) or() (expr, error) {
	l, err := p.and()
	for err == nil && p.word("OR") {
		p.take()
		var r expr
		if r, err = p.and(); err == nil {
			l = &eBin{op: "OR", l: l, r: r}
		}
	}
	return l, err
}

func (p *exprParser) and() (expr, error) {
	l, err := p.not()
	for err == nil && p.word("AND") {
		p.take()
		var r expr
		if r, err = p.not(); err == nil {
			l = &eBin{op: "AND", l: l, r: r}
		}
	}
	return l, err
}

func (p *exprParser) not() (expr, error) {
	if p.word("NOT") {
		p.take()
		x, err := p.not()
		return eNot{x}, err
	}
	return p.cmp()
}

func (p *exprParser) cmp() (expr, error) {
	l, err := p.add()
	if err != nil {
		return nil, err
	}
	if o := p.op("==", "!=", "<=", ">=", "=", "<", ">"); o != "" {
		p.take()
		r, err := p.add()
		if err != nil {
			return nil, err
		}
		return &eBin{op: o, l: l, r: r}, nil
	}
	return l, nil
}

func (p *exprParser) add() (expr, error) {
	l, err := p.mul()
	for err == nil {
		o := p.op("+", "-", ".")
		if o == "" {
			break
		}
		p.take()
		var r expr
		if r, err = p.mul(); err == nil {
			l = &eBin{op: o, l: l, r: r}
		}
	}
	return l, err
}

func (p *exprParser) mul() (expr, error) {
	l, err := p.primary()
	for err == nil {
		o := p.op("*", "/")
		if o == "" {
			break
		}
		p.take()
		var r expr
		if r, err = p.primary(); err == nil {
			l = &eBin{op: o, l: l, r: r}
		}
	}
	return l, err
}

func (p *exprParser) primary() (expr, error) {
	t := p.take()
	switch t.kind {
	case tString:
		return eLit{strVal(t.text)}, nil
	case tNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, fmt.Errorf("offset %d: bad number %q", t.pos, t.text)
		}
		return eLit{numVal(f)}, nil
	case tField:
		return eField{t.text}, nil
	case tOp:
		if t.text == "(" {
			x, err := p.or()
			if err != nil {
				return nil, err
			}
			if c := p.take(); c.kind != tOp || c.text != ")" {
				return nil, fmt.Errorf("offset %d: expected )", c.pos)
			}
			return x, nil
		}
		if t.text == "-" {
			x, err := p.primary()
			return &eBin{op: "-", l: eLit{numVal(0)}, r: x}, err
		}
	case tWord:
		if p.op("(") == "" {
			return eField{t.text}, nil
		}
		p.take()
		name := strings.ToLower(t.text)
		min, ok := knownFuncs[name]
		if !ok {
			return nil, fmt.Errorf("offset %d: unsupported function %s", t.pos, t.text)
		}
		call := &eCall{name: name}
		for p.op(")") == "" {
			a, err := p.or()
			if err != nil {
				return nil, err
			}
			call.args = append(call.args, a)
			if p.op(",") != "" {
				p.take()
			} else if p.op(")") == "" {
				return nil, fmt.Errorf("offset %d: expected , or ) in %s()", p.peek().pos, name)
			}
		}
		p.take()
		if len(call.args) < min {
			return nil, fmt.Errorf("offset %d: %s() needs %d arguments", t.pos, name, min)
		}
		if name == "match" {
			if lit, ok := call.args[1].(eLit); ok && len(lit.v.strs) == 1 {
				re, err := regexp.Compile(lit.v.strs[0])
				if err != nil {
					return nil, fmt.Errorf("offset %d: match regex: %v", t.pos, err)
				}
				call.re = re
			}
		}
		return call, nil
	}
	return nil, fmt.Errorf("offset %d: unexpected %q", t.pos, t.text)
}

var numberRE = regexp.MustCompile(`^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$`)

// parseNumber reads a decimal number written without surrounding space.
func parseNumber(s string) (float64, error) {
	if !numberRE.MatchString(s) {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	return strconv.ParseFloat(s, 64)
}
