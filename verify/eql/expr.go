package eql

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/sigconv/sigconv/verify/internal/es"
	"github.com/sigconv/sigconv/verify/interp"
)

// tri is a condition's value: false, true or null.
type tri int

const (
	triFalse tri = iota
	triTrue
	triNull
)

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// bexpr is a condition.
type bexpr interface {
	truth(s es.Schema, ev interp.Event) (tri, error)
}

// vtype is the static type of a value expression.
type vtype int

const (
	vNull vtype = iota
	vString
	vNumber
	vBool
	vIP
)

func (t vtype) String() string {
	return [...]string{"null", "string", "number", "boolean", "ip"}[t]
}

// vexpr is a value expression; it yields every value (a field's values, none when missing).
type vexpr interface {
	values(s es.Schema, ev interp.Event) ([]any, error)
	typ() vtype
}

type literal struct{ v any }

func (l literal) values(es.Schema, interp.Event) ([]any, error) {
	if l.v == nil {
		return nil, nil
	}
	return []any{l.v}, nil
}

func (l literal) typ() vtype {
	switch l.v.(type) {
	case string:
		return vString
	case float64:
		return vNumber
	case bool:
		return vBool
	}
	return vNull
}

type field struct {
	name string
	kind es.Kind
}

func (f field) typ() vtype {
	switch f.kind {
	case es.Numeric:
		return vNumber
	case es.IP:
		return vIP
	case es.Boolean:
		return vBool
	}
	return vString
}

func (f field) values(_ es.Schema, ev interp.Event) ([]any, error) {
	return es.Indexed(ev, f.name, f.kind), nil
}

type logic struct {
	or   bool
	l, r bexpr
}

func (e *logic) truth(s es.Schema, ev interp.Event) (tri, error) {
	l, err := e.l.truth(s, ev)
	if err != nil {
		return triNull, err
	}
	r, err := e.r.truth(s, ev)
	if err != nil {
		return triNull, err
	}
	if e.or {
		switch {
		case l == triTrue || r == triTrue:
			return triTrue, nil
		case l == triFalse && r == triFalse:
			return triFalse, nil
		}
		return triNull, nil
	}
	switch {
	case l == triFalse || r == triFalse:
		return triFalse, nil
	case l == triTrue && r == triTrue:
		return triTrue, nil
	}
	return triNull, nil
}

type notExpr struct{ e bexpr }

func (e *notExpr) truth(s es.Schema, ev interp.Event) (tri, error) {
	t, err := e.e.truth(s, ev)
	switch t {
	case triTrue:
		return triFalse, err
	case triFalse:
		return triTrue, err
	}
	return triNull, err
}

// truthOf is a boolean value used as a condition: true when any value is true.
type truthOf struct{ v vexpr }

func (t truthOf) truth(s es.Schema, ev interp.Event) (tri, error) {
	if t.v.typ() != vBool {
		return triNull, fmt.Errorf("eql: a %s value is not a condition", t.v.typ())
	}
	vals, err := t.v.values(s, ev)
	if err != nil || len(vals) == 0 {
		return triFalse, err // a condition on a missing value is false (see the package doc)
	}
	for _, v := range vals {
		if b, _ := v.(bool); b {
			return triTrue, nil
		}
	}
	return triFalse, nil
}

// anyValue is a comparison true when some value of l satisfies ok; false when l has none.
type anyValue struct {
	l  vexpr
	ok func(v any) bool
}

func (a anyValue) truth(s es.Schema, ev interp.Event) (tri, error) {
	vals, err := a.l.values(s, ev)
	if err != nil {
		return triNull, err
	}
	for _, v := range vals {
		if a.ok(v) {
			return triTrue, nil
		}
	}
	return triFalse, nil
}

type isNull struct {
	l   vexpr
	neg bool
}

func (n isNull) truth(s es.Schema, ev interp.Event) (tri, error) {
	vals, err := n.l.values(s, ev)
	return triOf((len(vals) == 0) != n.neg), err
}

// constant evaluates a literal right-hand side.
func constant(v vexpr) (any, error) {
	l, ok := v.(literal)
	if !ok {
		return nil, fmt.Errorf("eql: the right-hand side of a comparison must be a literal")
	}
	return l.v, nil
}

func (p *parser) compare(op string, l, r vexpr) (bexpr, error) {
	rv, err := constant(r)
	if err != nil {
		return nil, err
	}
	if rv == nil {
		switch op {
		case "==":
			return isNull{l: l}, nil
		case "!=":
			return isNull{l: l, neg: true}, nil
		}
		return nil, fmt.Errorf("eql: %s null is not a comparison", op)
	}
	eq, err := equality(l, rv, false)
	if err != nil {
		return nil, err
	}
	switch op {
	case "==":
		return anyValue{l, eq}, nil
	case "!=":
		return &notExpr{anyValue{l, eq}}, nil
	}
	var cmp func(v any) int
	switch x := rv.(type) {
	case float64:
		if l.typ() != vNumber {
			return nil, fmt.Errorf("eql: %s compares a %s with a number", op, l.typ())
		}
		cmp = func(v any) int { return es.CompareNumbers(v.(float64), x) }
	case string:
		if l.typ() != vString {
			return nil, fmt.Errorf("eql: %s compares a %s with a string", op, l.typ())
		}
		cmp = func(v any) int { return strings.Compare(v.(string), x) }
	default:
		return nil, fmt.Errorf("eql: %s on %T is not supported", op, rv)
	}
	return anyValue{l, func(v any) bool { return es.Holds(op, cmp(v)) }}, nil
}

// equality returns the test "value equals rv" for values of l, type-checked.
func equality(l vexpr, rv any, fold bool) (func(v any) bool, error) {
	lt := l.typ()
	switch x := rv.(type) {
	case string:
		switch lt {
		case vString:
			if fold {
				return func(v any) bool { return strings.EqualFold(v.(string), x) }, nil
			}
			return func(v any) bool { return v.(string) == x }, nil
		case vIP:
			a, ok := es.IPOf(x)
			if !ok {
				return nil, fmt.Errorf("eql: %q is not an ip address", x)
			}
			return func(v any) bool { return v.(netip.Addr) == a }, nil
		}
	case float64:
		if lt == vNumber {
			return func(v any) bool { return v.(float64) == x }, nil
		}
	case bool:
		if lt == vBool {
			return func(v any) bool { return v.(bool) == x }, nil
		}
	}
	return nil, fmt.Errorf("eql: cannot compare a %s with %s %v", lt, literal{rv}.typ(), rv)
}

// colon is field : value(s): case-insensitive, with wildcards for strings.
func (p *parser) colon(l vexpr, rs []vexpr) (bexpr, error) {
	var tests []func(v any) bool
	for _, r := range rs {
		rv, err := constant(r)
		if err != nil {
			return nil, err
		}
		if s, ok := rv.(string); ok && l.typ() == vString {
			re := es.CompileWildcard(s, false, true)
			tests = append(tests, func(v any) bool { return re.MatchString(v.(string)) })
			continue
		}
		eq, err := equality(l, rv, true)
		if err != nil {
			return nil, err
		}
		tests = append(tests, eq)
	}
	return anyValue{l, anyOf(tests)}, nil
}

func anyOf(tests []func(v any) bool) func(v any) bool {
	return func(v any) bool {
		for _, t := range tests {
			if t(v) {
				return true
			}
		}
		return false
	}
}

// pattern is like, like~, regex or regex~ with one or more patterns.
func (p *parser) pattern(l vexpr, rs []vexpr, op string) (bexpr, error) {
	if l.typ() != vString {
		return nil, fmt.Errorf("eql: %s needs a string value, got %s", op, l.typ())
	}
	fold := strings.HasSuffix(op, "~")
	var res []*regexp.Regexp
	for _, r := range rs {
		rv, err := constant(r)
		if err != nil {
			return nil, err
		}
		s, ok := rv.(string)
		if !ok {
			return nil, fmt.Errorf("eql: %s needs string patterns", op)
		}
		if strings.HasPrefix(op, "like") {
			res = append(res, es.CompileWildcard(s, false, fold))
			continue
		}
		re, err := es.CompileRegexp(s, fold)
		if err != nil {
			return nil, fmt.Errorf("eql: %w", err)
		}
		res = append(res, re)
	}
	return anyValue{l, func(v any) bool {
		for _, re := range res {
			if re.MatchString(v.(string)) {
				return true
			}
		}
		return false
	}}, nil
}

func (p *parser) in(l vexpr, rs []vexpr, fold bool) (bexpr, error) {
	var tests []func(v any) bool
	for _, r := range rs {
		rv, err := constant(r)
		if err != nil {
			return nil, err
		}
		eq, err := equality(l, rv, fold)
		if err != nil {
			return nil, err
		}
		tests = append(tests, eq)
	}
	return anyValue{l, anyOf(tests)}, nil
}

// call is a function; it maps over the values of its first argument.
type call struct {
	name string
	args []vexpr
}

func (c *call) typ() vtype {
	switch strings.TrimSuffix(c.name, "~") {
	case "number", "length":
		return vNumber
	case "string":
		return vString
	}
	return vBool
}

func (c *call) check(s es.Schema) error {
	base := strings.TrimSuffix(c.name, "~")
	n := len(c.args)
	switch base {
	case "cidrmatch":
		if n < 2 {
			return fmt.Errorf("eql: cidrMatch needs an address and CIDR blocks")
		}
		if c.args[0].typ() != vIP {
			return fmt.Errorf("eql: cidrMatch needs an ip field, got %s", c.args[0].typ())
		}
		for _, a := range c.args[1:] {
			v, err := constant(a)
			if err != nil {
				return err
			}
			str, ok := v.(string)
			if _, valid := es.ParseCIDR(str); !ok || !valid {
				return fmt.Errorf("eql: cidrMatch: bad CIDR block %v", v)
			}
		}
	case "startswith", "endswith", "stringcontains":
		if n != 2 || c.args[0].typ() != vString || c.args[1].typ() != vString {
			return fmt.Errorf("eql: %s needs two strings", c.name)
		}
	case "number":
		if n < 1 || n > 2 {
			return fmt.Errorf("eql: number takes one or two arguments")
		}
	case "length", "string":
		if n != 1 {
			return fmt.Errorf("eql: %s takes one argument", c.name)
		}
	default:
		return fmt.Errorf("eql: function %s is not supported", c.name)
	}
	return nil
}

func (c *call) values(s es.Schema, ev interp.Event) ([]any, error) {
	first, err := c.args[0].values(s, ev)
	if err != nil || len(first) == 0 {
		return nil, err
	}
	var rest []any
	for _, a := range c.args[1:] {
		vs, err := a.values(s, ev)
		if err != nil {
			return nil, err
		}
		if len(vs) == 0 {
			return nil, nil
		}
		rest = append(rest, vs[0])
	}
	fold := strings.HasSuffix(c.name, "~")
	var out []any
	for _, v := range first {
		switch strings.TrimSuffix(c.name, "~") {
		case "cidrmatch":
			ok := false
			for _, b := range rest {
				pr, _ := es.ParseCIDR(b.(string))
				ok = ok || pr.Contains(v.(netip.Addr))
			}
			out = append(out, ok)
		case "startswith", "endswith", "stringcontains":
			a, b := v.(string), rest[0].(string)
			if fold {
				a, b = strings.ToLower(a), strings.ToLower(b)
			}
			switch strings.TrimSuffix(c.name, "~") {
			case "startswith":
				out = append(out, strings.HasPrefix(a, b))
			case "endswith":
				out = append(out, strings.HasSuffix(a, b))
			default:
				out = append(out, strings.Contains(a, b))
			}
		case "length":
			if str, ok := v.(string); ok {
				out = append(out, float64(len([]rune(str))))
			}
		case "string":
			if text, ok := es.Text(v); ok {
				out = append(out, text)
			}
		case "number":
			switch x := v.(type) {
			case float64:
				out = append(out, x)
			case string:
				base := 10
				if len(rest) > 0 {
					if f, ok := rest[0].(float64); ok {
						base = int(f)
					}
				}
				if base == 10 {
					if f, ok := es.NumberOf(x); ok {
						out = append(out, f)
					}
				} else if n, err := strconv.ParseInt(strings.TrimPrefix(strings.ToLower(x), "0x"), base, 64); err == nil {
					out = append(out, float64(n))
				}
			}
		}
	}
	return out, nil
}

// Normalize returns the event as Elasticsearch stores it (see es.Schema.Normalize).
func (p *Program) Normalize(ev interp.Event) interp.Event { return p.schema.Normalize(ev) }
