package spl

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode"
)

// event is an event as Splunk sees it: every field a list of string values.
type event map[string][]string

// sNode is a node of a search command's expression.
type sNode interface {
	match(ev event) bool
}

type sAnd []sNode
type sOr []sNode
type sNot struct{ x sNode }

// sCmp is field OP value (or field IN (values)).
type sCmp struct {
	field  string
	op     string   // =, !=, <, <=, >, >=
	values []string // patterns; more than one for IN
}

// sTerm is a bare search term, matched against _raw or every value.
type sTerm struct{ pattern string }

// sAll matches every event (an empty search, or a dropped scope term).
type sAll struct{}

func (n sAnd) match(ev event) bool {
	for _, x := range n {
		if !x.match(ev) {
			return false
		}
	}
	return true
}

func (n sOr) match(ev event) bool {
	for _, x := range n {
		if x.match(ev) {
			return true
		}
	}
	return false
}

func (n sNot) match(ev event) bool { return !n.x.match(ev) }
func (sAll) match(event) bool      { return true }

func (n *sCmp) match(ev event) bool {
	vals, ok := ev[n.field]
	if !ok || len(vals) == 0 {
		return false
	}
	for _, v := range vals {
		for _, p := range n.values {
			if n.one(v, p) {
				return true
			}
		}
	}
	return false
}

func (n *sCmp) one(v, p string) bool {
	switch n.op {
	case "=":
		return valueMatch(p, v)
	case "!=":
		return !valueMatch(p, v)
	}
	a, err1 := parseNumber(v)
	b, err2 := parseNumber(p)
	if err1 != nil || err2 != nil {
		return false
	}
	switch n.op {
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	case ">=":
		return a >= b
	}
	return false
}

func (n *sTerm) match(ev event) bool {
	if raw, ok := ev["_raw"]; ok {
		for _, r := range raw {
			if termMatch(n.pattern, r) {
				return true
			}
		}
		return false
	}
	for _, vals := range ev {
		for _, v := range vals {
			if termMatch(n.pattern, v) {
				return true
			}
		}
	}
	return false
}

// valueMatch compares a field value with a search value: CIDR notation matches the addresses
// of the network, anything else case-insensitively with * wildcards.
func valueMatch(p, v string) bool {
	if strings.Contains(p, "/") && !strings.Contains(p, "*") {
		if pfx, err := netip.ParsePrefix(p); err == nil {
			a, err := netip.ParseAddr(v)
			return err == nil && pfx.Contains(a)
		}
	}
	return wildMatch(strings.ToLower(p), strings.ToLower(v))
}

// termMatch matches a bare term in text: case-insensitively, with * wildcards; a term without
// leading and trailing * must cover whole segments.
func termMatch(pattern, text string) bool {
	p, t := strings.ToLower(pattern), strings.ToLower(text)
	if strings.HasPrefix(p, "*") && strings.HasSuffix(p, "*") {
		return wildMatch(p, t)
	}
	// Try every segment-bounded span of the text.
	for i := 0; i <= len(t); i++ {
		if i > 0 && !isBreaker(rune(t[i-1])) {
			continue
		}
		for j := len(t); j >= i; j-- {
			if j < len(t) && !isBreaker(rune(t[j])) {
				continue
			}
			if wildMatch(p, t[i:j]) {
				return true
			}
		}
	}
	return false
}

func isBreaker(r rune) bool { return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r >= 0x80) }

// wildMatch matches s against p where * is any run of bytes.
func wildMatch(p, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && p[pi] == s[si]:
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// searchParser parses the arguments of a search command.
type searchParser struct {
	toks []token
	i    int
}

func parseSearch(src string, dropScope bool) (sNode, error) {
	toks, err := tokenize(src, false)
	if err != nil {
		return nil, err
	}
	p := &searchParser{toks: toks}
	if p.peek().kind == tEOF {
		return sAll{}, nil
	}
	n, err := p.and()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, fmt.Errorf("offset %d: unexpected %q", t.pos, t.text)
	}
	if dropScope {
		n = stripScope(n)
	}
	return n, nil
}

// stripScope removes the data-set selecting terms from a top-level conjunction.
func stripScope(n sNode) sNode {
	isScope := func(x sNode) bool {
		c, ok := x.(*sCmp)
		if !ok || c.op != "=" {
			return false
		}
		switch c.field {
		case "index", "source", "sourcetype", "eventtype":
			return true
		}
		return false
	}
	if isScope(n) {
		return sAll{}
	}
	and, ok := n.(sAnd)
	if !ok {
		return n
	}
	var out sAnd
	for _, x := range and {
		if !isScope(x) {
			out = append(out, x)
		}
	}
	if len(out) == 0 {
		return sAll{}
	}
	return out
}

func (p *searchParser) peek() token { return p.toks[p.i] }
func (p *searchParser) take() token { t := p.toks[p.i]; p.i++; return t }

func (p *searchParser) isKeyword(w string) bool {
	t := p.peek()
	return t.kind == tWord && t.text == w
}

// The search command evaluates OR before AND (Search Manual, "Boolean expressions": order of
// evaluation is parentheses, NOT, OR, then AND), unlike where and eval.

// and parses terms joined by explicit or implied AND.
func (p *searchParser) and() (sNode, error) {
	var out sAnd
	for {
		t := p.peek()
		if t.kind == tEOF || (t.kind == tOp && t.text == ")") {
			break
		}
		if p.isKeyword("AND") {
			p.take()
			continue
		}
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	switch len(out) {
	case 0:
		return nil, fmt.Errorf("offset %d: expected a search term", p.peek().pos)
	case 1:
		return out[0], nil
	}
	return out, nil
}

// or parses NOT-terms joined by OR.
func (p *searchParser) or() (sNode, error) {
	x, err := p.not()
	if err != nil {
		return nil, err
	}
	out := sOr{x}
	for p.isKeyword("OR") {
		p.take()
		y, err := p.not()
		if err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	if len(out) == 1 {
		return x, nil
	}
	return out, nil
}

func (p *searchParser) not() (sNode, error) {
	if p.isKeyword("NOT") {
		p.take()
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return sNot{x}, nil
	}
	return p.primary()
}

func (p *searchParser) primary() (sNode, error) {
	t := p.take()
	if t.kind == tOp && t.text == "(" {
		x, err := p.and()
		if err != nil {
			return nil, err
		}
		if c := p.take(); c.kind != tOp || c.text != ")" {
			return nil, fmt.Errorf("offset %d: expected )", c.pos)
		}
		return x, nil
	}
	if t.kind != tWord && t.kind != tString {
		return nil, fmt.Errorf("offset %d: unexpected %q", t.pos, t.text)
	}
	// field IN (values)
	if t.kind == tWord && p.isKeyword("IN") {
		p.take()
		if c := p.take(); c.kind != tOp || c.text != "(" {
			return nil, fmt.Errorf("offset %d: expected ( after IN", c.pos)
		}
		cmp := &sCmp{field: t.text, op: "="}
		for {
			v := p.take()
			if v.kind != tWord && v.kind != tString {
				return nil, fmt.Errorf("offset %d: expected a value in IN list", v.pos)
			}
			cmp.values = append(cmp.values, v.text)
			sep := p.take()
			if sep.kind == tOp && sep.text == ")" {
				return cmp, nil
			}
			if sep.kind != tOp || sep.text != "," {
				return nil, fmt.Errorf("offset %d: expected , or ) in IN list", sep.pos)
			}
		}
	}
	if op := p.peek(); t.kind == tWord && op.kind == tOp && strings.Contains("= != < <= > >= ==", op.text) && op.text != "(" {
		p.take()
		v := p.take()
		if v.kind != tWord && v.kind != tString {
			return nil, fmt.Errorf("offset %d: expected a value after %s", v.pos, op.text)
		}
		o := op.text
		if o == "==" {
			o = "="
		}
		return &sCmp{field: t.text, op: o, values: []string{v.text}}, nil
	}
	return &sTerm{pattern: t.text}, nil
}
