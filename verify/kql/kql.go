package kql

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sigconv/sigconv/verify/interp"
)

// Interpreter reads KQL queries. The zero value is ready to use.
type Interpreter struct{}

// New returns a KQL interpreter.
func New() *Interpreter { return &Interpreter{} }

// Name returns "kql".
func (*Interpreter) Name() string { return "kql" }

// Represents reports whether the event fits Kusto columns: no arrays or objects (null values
// are normalized, see Program.Normalize).
func (*Interpreter) Represents(ev interp.Event) bool {
	for _, v := range ev {
		switch v.(type) {
		case []any, map[string]any:
			return false
		}
	}
	return true
}

type stage struct {
	where  expr     // | where
	names  []string // | extend names
	exprs  []expr   // | extend expressions
	source string   // the command's text
}

// Program is a parsed query.
type Program struct {
	stages []stage
	// columns are the columns the query reads, true for those compared with numbers.
	columns map[string]bool
}

// Normalize returns the event as a row of a Kusto table: every column the query reads
// exists, a missing or null string column is the empty string (Kusto strings have no null)
// and a missing numeric column (one the query compares with numbers) is null.
func (p *Program) Normalize(ev interp.Event) interp.Event {
	out := make(interp.Event, len(ev)+len(p.columns))
	for k, v := range ev {
		out[k] = v
	}
	for c, numeric := range p.columns {
		if v, ok := out[c]; !ok || v == nil {
			if numeric {
				out[c] = nil
			} else {
				out[c] = ""
			}
		}
	}
	return out
}

// Parse parses "Table | where ... | extend ... | project ...".
func (*Interpreter) Parse(query string) (interp.Program, error) {
	toks, err := tokenize(query)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, src: query, columns: map[string]bool{}}
	if t := p.take(); t.kind != tIdent {
		return nil, fmt.Errorf("offset %d: expected a table name", t.pos)
	}
	prog := &Program{columns: p.columns}
	for p.peek().kind != tEOF {
		if !p.isOp("|") {
			return nil, fmt.Errorf("offset %d: expected |", p.peek().pos)
		}
		p.take()
		start := p.peek().pos
		cmd := p.take()
		var st stage
		switch cmd.text {
		case "where":
			if st.where, err = p.or(); err != nil {
				return nil, err
			}
		case "extend":
			for {
				name := p.take()
				if name.kind != tIdent || !p.isOp("=") {
					return nil, fmt.Errorf("offset %d: expected name = expression in extend", name.pos)
				}
				p.take()
				e, err := p.or()
				if err != nil {
					return nil, err
				}
				st.names, st.exprs = append(st.names, name.text), append(st.exprs, e)
				if !p.isOp(",") {
					break
				}
				p.take()
			}
		case "project":
			for p.peek().kind != tEOF && !p.isOp("|") {
				p.take()
			}
			continue
		default:
			return nil, fmt.Errorf("offset %d: unsupported command %q", cmd.pos, cmd.text)
		}
		end := len(query)
		if t := p.peek(); t.kind != tEOF {
			end = t.pos
		}
		st.source = strings.TrimSpace(query[start:end])
		prog.stages = append(prog.stages, st)
	}
	return prog, nil
}

func toRow(ev interp.Event) row {
	r := make(row, len(ev))
	for k, v := range ev {
		r[k] = fromEvent(v)
	}
	return r
}

func (st *stage) apply(r row) bool {
	if st.where != nil {
		return st.where.eval(r).truth()
	}
	for i, n := range st.names {
		if _, ok := r[n]; ok {
			continue // see the package comment: the event holds the derived column
		}
		r[n] = st.exprs[i].eval(r)
	}
	return true
}

// Match runs the event through every command.
func (p *Program) Match(ev interp.Event) (bool, error) {
	r := toRow(ev)
	for i := range p.stages {
		if !p.stages[i].apply(r) {
			return false, nil
		}
	}
	return true, nil
}

// Fragment names the first command that dropped the event.
func (p *Program) Fragment(ev interp.Event) string {
	r := toRow(ev)
	for i := range p.stages {
		if !p.stages[i].apply(r) {
			return p.stages[i].source
		}
	}
	return ""
}

// parser parses expressions. Precedence, loosest first: or, and, comparison and string
// operators, + -, * / %, unary, postfix (.name).
type parser struct {
	toks    []token
	i       int
	src     string
	columns map[string]bool // see Program.columns
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) take() token { t := p.toks[p.i]; p.i++; return t }
func (p *parser) isOp(s string) bool {
	t := p.peek()
	return t.kind == tOp && t.text == s
}
func (p *parser) isWord(s string) bool {
	t := p.peek()
	return t.kind == tIdent && t.text == s
}

func (p *parser) or() (expr, error) {
	l, err := p.and()
	for err == nil && p.isWord("or") {
		p.take()
		var r expr
		if r, err = p.and(); err == nil {
			l = &eBin{op: "or", l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) and() (expr, error) {
	l, err := p.cmp()
	for err == nil && p.isWord("and") {
		p.take()
		var r expr
		if r, err = p.cmp(); err == nil {
			l = &eBin{op: "and", l: l, r: r}
		}
	}
	return l, err
}

var wordOps = map[string]bool{"contains": true, "contains_cs": true, "startswith": true, "startswith_cs": true,
	"endswith": true, "endswith_cs": true, "has": true, "has_cs": true}

func (p *parser) cmp() (expr, error) {
	l, err := p.add()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	op := ""
	switch {
	case t.kind == tOp && strings.Contains(" == != =~ !~ < <= > >= !contains !contains_cs !startswith !startswith_cs !endswith !endswith_cs !has !has_cs ", " "+t.text+" "):
		op = t.text
	case t.kind == tIdent && wordOps[t.text]:
		op = t.text
	case t.kind == tIdent && t.text == "matches":
		p.take()
		if !p.isWord("regex") {
			return nil, fmt.Errorf("offset %d: expected regex after matches", p.peek().pos)
		}
		op = "matches regex"
	case (t.kind == tIdent && (t.text == "in" || t.text == "in~")) || (t.kind == tOp && (t.text == "!in" || t.text == "!in~")):
		p.take()
		return p.inList(t.text, l)
	}
	if op == "" {
		return l, nil
	}
	p.take()
	r, err := p.add()
	if err != nil {
		return nil, err
	}
	if c, ok := l.(eCol); ok {
		if lit, ok := r.(eLit); ok && lit.v.kind == 'f' {
			p.columns[c.name] = true
		}
	}
	b := &eBin{op: op, l: l, r: r}
	if lit, ok := r.(eLit); ok && op == "matches regex" {
		re, err := compileRegex(lit.v.text())
		if err != nil {
			return nil, fmt.Errorf("offset %d: regex: %v", t.pos, err)
		}
		b.re = re
	}
	return b, nil
}

func (p *parser) inList(op string, x expr) (expr, error) {
	if !p.isOp("(") {
		return nil, fmt.Errorf("offset %d: expected ( after %s", p.peek().pos, op)
	}
	p.take()
	in := &eIn{op: op, x: x}
	for !p.isOp(")") {
		e, err := p.add()
		if err != nil {
			return nil, err
		}
		in.list = append(in.list, e)
		if c, ok := x.(eCol); ok {
			if lit, ok := e.(eLit); ok && lit.v.kind == 'f' {
				p.columns[c.name] = true
			}
		}
		if p.isOp(",") {
			p.take()
		} else if !p.isOp(")") {
			return nil, fmt.Errorf("offset %d: expected , or ) in %s list", p.peek().pos, op)
		}
	}
	p.take()
	return in, nil
}

func (p *parser) add() (expr, error) {
	l, err := p.unary()
	for err == nil && (p.isOp("+") || p.isOp("-")) {
		op := p.take().text
		var r expr
		if r, err = p.unary(); err == nil {
			l = &eBin{op: op, l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) unary() (expr, error) {
	if p.isOp("-") {
		p.take()
		x, err := p.postfix()
		if err != nil {
			return nil, err
		}
		if lit, ok := x.(eLit); ok && lit.v.kind == 'f' {
			return eLit{num(-lit.v.f)}, nil
		}
		return nil, fmt.Errorf("offset %d: unsupported unary minus", p.peek().pos)
	}
	return p.postfix()
}

func (p *parser) postfix() (expr, error) {
	x, err := p.primary()
	for err == nil && p.isOp(".") {
		p.take()
		name := p.take()
		if name.kind != tIdent {
			return nil, fmt.Errorf("offset %d: expected a property name", name.pos)
		}
		x = eProp{x: x, name: name.text}
	}
	return x, err
}

func (p *parser) primary() (expr, error) {
	t := p.take()
	switch t.kind {
	case tString:
		return eLit{str(t.text)}, nil
	case tNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, fmt.Errorf("offset %d: bad number %q", t.pos, t.text)
		}
		return eLit{num(f)}, nil
	case tOp:
		switch t.text {
		case "(":
			x, err := p.or()
			if err != nil {
				return nil, err
			}
			if !p.isOp(")") {
				return nil, fmt.Errorf("offset %d: expected )", p.peek().pos)
			}
			p.take()
			return x, nil
		case "*":
			return eAny{}, nil
		case "[":
			name := p.take()
			if name.kind != tString || !p.isOp("]") {
				return nil, fmt.Errorf("offset %d: expected ['name']", t.pos)
			}
			p.take()
			if _, ok := p.columns[name.text]; !ok {
				p.columns[name.text] = false
			}
			return eCol{name.text}, nil
		}
	case tIdent:
		switch t.text {
		case "true":
			return eLit{boolean(true)}, nil
		case "false":
			return eLit{boolean(false)}, nil
		}
		if !p.isOp("(") {
			if _, ok := p.columns[t.text]; !ok {
				p.columns[t.text] = false
			}
			return eCol{t.text}, nil
		}
		p.take()
		if !funcs[t.text] {
			return nil, fmt.Errorf("offset %d: unsupported function %s", t.pos, t.text)
		}
		call := &eCall{name: t.text}
		for !p.isOp(")") {
			a, err := p.or()
			if err != nil {
				return nil, err
			}
			call.args = append(call.args, a)
			if p.isOp(",") {
				p.take()
			} else if !p.isOp(")") {
				return nil, fmt.Errorf("offset %d: expected , or ) in %s()", p.peek().pos, t.text)
			}
		}
		p.take()
		return call, nil
	}
	return nil, fmt.Errorf("offset %d: unexpected %q", t.pos, t.text)
}
