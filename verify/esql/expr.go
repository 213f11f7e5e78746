package esql

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/sigconv/sigconv/verify/internal/es"
	"github.com/sigconv/sigconv/verify/interp"
)

// Values are nil (NULL), string, float64, bool, netip.Addr, or multi for a multi-value.
type multi []any

type expr interface {
	eval(s es.Schema, ev interp.Event) (any, error)
}

type literal struct{ v any }

func (l literal) eval(es.Schema, interp.Event) (any, error) { return l.v, nil }

// field reads a column: NULL when missing, a multi when it holds several values.
type field string

func (f field) eval(s es.Schema, ev interp.Event) (any, error) {
	vals := multi(es.Indexed(ev, string(f), s.Kind(string(f))))
	switch len(vals) {
	case 0:
		return nil, nil
	case 1:
		return vals[0], nil
	}
	return vals, nil
}

// operands evaluates the operands of a binary operation, the left one first.
func operands(s es.Schema, ev interp.Event, l, r expr) (any, any, error) {
	a, err := l.eval(s, ev)
	if err != nil {
		return nil, nil, err
	}
	b, err := r.eval(s, ev)
	return a, b, err
}

// singleNull reports whether v makes a single-value operation NULL.
func singleNull(v any) bool {
	if v == nil {
		return true
	}
	_, mv := v.(multi)
	return mv
}

type logic struct {
	or   bool
	l, r expr
}

func (e *logic) eval(s es.Schema, ev interp.Event) (any, error) {
	l, r, err := operands(s, ev, e.l, e.r)
	if err != nil {
		return nil, err
	}
	lb, lok := l.(bool)
	rb, rok := r.(bool)
	if (l != nil && !lok) || (r != nil && !rok) {
		return nil, fmt.Errorf("esql: AND / OR of a non-boolean")
	}
	if e.or {
		switch {
		case lok && lb, rok && rb:
			return true, nil
		case lok && rok:
			return false, nil
		}
		return nil, nil
	}
	switch {
	case lok && !lb, rok && !rb:
		return false, nil
	case lok && rok:
		return true, nil
	}
	return nil, nil
}

type notExpr struct{ e expr }

func (e *notExpr) eval(s es.Schema, ev interp.Event) (any, error) {
	v, err := e.e.eval(s, ev)
	if err != nil || v == nil {
		return nil, err
	}
	b, ok := v.(bool)
	if !ok {
		return nil, fmt.Errorf("esql: NOT of a non-boolean")
	}
	return !b, nil
}

type isNull struct {
	e   expr
	neg bool
}

func (e *isNull) eval(s es.Schema, ev interp.Event) (any, error) {
	v, err := e.e.eval(s, ev)
	if err != nil {
		return nil, err
	}
	return (v == nil) != e.neg, nil
}

type matchExpr struct {
	e     expr
	regex bool
	res   []*regexp.Regexp
}

func (e *matchExpr) eval(s es.Schema, ev interp.Event) (any, error) {
	v, err := e.e.eval(s, ev)
	if err != nil || singleNull(v) {
		return nil, err
	}
	str, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("esql: LIKE / RLIKE of a non-string %v", v)
	}
	for _, re := range e.res {
		if re.MatchString(str) {
			return true, nil
		}
	}
	return false, nil
}

type inExpr struct {
	e    expr
	list []expr
}

func (e *inExpr) eval(s es.Schema, ev interp.Event) (any, error) {
	v, err := e.e.eval(s, ev)
	if err != nil || singleNull(v) {
		return nil, err
	}
	sawNull := false
	for _, x := range e.list {
		w, err := x.eval(s, ev)
		if err != nil {
			return nil, err
		}
		if singleNull(w) {
			sawNull = true
			continue
		}
		c, err := cmpValues(v, w)
		if err != nil {
			return nil, err
		}
		if c == 0 {
			return true, nil
		}
	}
	if sawNull {
		return nil, nil
	}
	return false, nil
}

type compare struct {
	op   string
	l, r expr
}

func (e *compare) eval(s es.Schema, ev interp.Event) (any, error) {
	l, r, err := operands(s, ev, e.l, e.r)
	if err != nil || singleNull(l) || singleNull(r) {
		return nil, err
	}
	c, err := cmpValues(l, r)
	if err != nil {
		return nil, err
	}
	return es.Holds(e.op, c), nil
}

// cmpValues orders two values of the same type; strings compare by code points
// (case-sensitive). A string compared with an ip or a boolean is cast to that type (ES|QL
// implicit casting of string literals in operators and IN); numbers are not cast.
func cmpValues(a, b any) (int, error) {
	if s, ok := a.(string); ok {
		if c, ok := implicitCast(s, b); ok {
			a = c
		}
	} else if s, ok := b.(string); ok {
		if c, ok := implicitCast(s, a); ok {
			b = c
		}
	}
	switch a := a.(type) {
	case string:
		if b, ok := b.(string); ok {
			return strings.Compare(a, b), nil
		}
	case float64:
		if b, ok := b.(float64); ok {
			return es.CompareNumbers(a, b), nil
		}
	case bool:
		if b, ok := b.(bool); ok {
			if a == b {
				return 0, nil
			}
			if !a {
				return -1, nil
			}
			return 1, nil
		}
	case netip.Addr:
		if b, ok := b.(netip.Addr); ok {
			return a.Compare(b), nil
		}
	}
	return 0, fmt.Errorf("esql: cannot compare %T with %T", a, b)
}

type arith struct {
	op   string
	l, r expr
}

func (e *arith) eval(s es.Schema, ev interp.Event) (any, error) {
	l, r, err := operands(s, ev, e.l, e.r)
	if err != nil || singleNull(l) || singleNull(r) {
		return nil, err
	}
	a, aok := l.(float64)
	b, bok := r.(float64)
	if !aok || !bok {
		return nil, fmt.Errorf("esql: arithmetic on non-numbers")
	}
	if e.op == "+" {
		return a + b, nil
	}
	return a - b, nil
}

type call struct {
	name string
	args []expr
}

// arity gives the argument counts of the supported functions (max -1: any).
var arity = map[string][2]int{
	"TO_LOWER": {1, 1}, "TO_UPPER": {1, 1}, "TO_STRING": {1, 1}, "TO_DOUBLE": {1, 1},
	"TO_LONG": {1, 1}, "TO_INTEGER": {1, 1}, "TO_IP": {1, 1}, "STARTS_WITH": {2, 2},
	"ENDS_WITH": {2, 2}, "LOCATE": {2, 3}, "LENGTH": {1, 1}, "CIDR_MATCH": {2, -1},
	"COALESCE": {1, -1},
}

func (c *call) check() error {
	a, ok := arity[c.name]
	if !ok {
		return fmt.Errorf("esql: function %s is not supported", c.name)
	}
	if len(c.args) < a[0] || (a[1] >= 0 && len(c.args) > a[1]) {
		return fmt.Errorf("esql: %s takes %d..%d arguments, got %d", c.name, a[0], a[1], len(c.args))
	}
	return nil
}

func (c *call) eval(s es.Schema, ev interp.Event) (any, error) {
	args := make([]any, len(c.args))
	for i, a := range c.args {
		v, err := a.eval(s, ev)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	switch c.name {
	case "COALESCE":
		for _, a := range args {
			if a != nil {
				return a, nil
			}
		}
		return nil, nil
	case "TO_LOWER", "TO_UPPER", "TO_STRING", "TO_DOUBLE", "TO_LONG", "TO_INTEGER", "TO_IP":
		// Conversions and case mapping map each value of a multi-value.
		if m, ok := args[0].(multi); ok {
			out := multi{}
			for _, v := range m {
				x, err := convert(c.name, v)
				if err != nil {
					return nil, err
				}
				if x != nil {
					out = append(out, x)
				}
			}
			return out, nil
		}
		if args[0] == nil {
			return nil, nil
		}
		return convert(c.name, args[0])
	}
	for _, a := range args {
		if singleNull(a) {
			return nil, nil
		}
	}
	switch c.name {
	case "STARTS_WITH", "ENDS_WITH", "LOCATE":
		a, aok := args[0].(string)
		b, bok := args[1].(string)
		if !aok || !bok {
			return nil, fmt.Errorf("esql: %s needs strings", c.name)
		}
		switch c.name {
		case "STARTS_WITH":
			return strings.HasPrefix(a, b), nil
		case "ENDS_WITH":
			return strings.HasSuffix(a, b), nil
		}
		i := strings.Index(a, b)
		if i < 0 {
			return 0.0, nil
		}
		return float64(len([]rune(a[:i])) + 1), nil
	case "LENGTH":
		a, ok := args[0].(string)
		if !ok {
			return nil, fmt.Errorf("esql: LENGTH needs a string")
		}
		return float64(len([]rune(a))), nil
	case "CIDR_MATCH":
		ip, ok := args[0].(netip.Addr)
		if !ok {
			return nil, fmt.Errorf("esql: CIDR_MATCH needs an ip, got %T", args[0])
		}
		for _, b := range args[1:] {
			bs, ok := b.(string)
			if !ok {
				return nil, fmt.Errorf("esql: CIDR_MATCH blocks are strings")
			}
			pr, ok := es.ParseCIDR(bs)
			if !ok {
				return nil, fmt.Errorf("esql: bad CIDR block %q", bs)
			}
			if pr.Contains(ip) {
				return true, nil
			}
		}
		return false, nil
	}
	return nil, fmt.Errorf("esql: function %s is not supported", c.name)
}

// convert applies a conversion or case function to one value; a value that does not
// convert is NULL (Elasticsearch warns).
func convert(name string, v any) (any, error) {
	switch name {
	case "TO_LOWER", "TO_UPPER":
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("esql: %s needs a string, got %T", name, v)
		}
		if name == "TO_LOWER" {
			return strings.ToLower(s), nil
		}
		return strings.ToUpper(s), nil
	case "TO_STRING":
		if text, ok := es.Text(v); ok {
			return text, nil
		}
	case "TO_DOUBLE", "TO_LONG", "TO_INTEGER":
		var f float64
		switch v := v.(type) {
		case float64:
			f = v
		case bool:
			if v {
				f = 1
			}
		case string:
			x, ok := es.NumberOf(v)
			if !ok {
				return nil, nil
			}
			f = x
		default:
			return nil, nil
		}
		if name != "TO_DOUBLE" {
			f = float64(int64(f))
		}
		return f, nil
	case "TO_IP":
		switch v := v.(type) {
		case netip.Addr:
			return v, nil
		case string:
			a, ok := es.IPOf(v)
			if !ok {
				return nil, nil
			}
			return a, nil
		}
		return nil, nil
	}
	return nil, fmt.Errorf("esql: %s of %T", name, v)
}

// implicitCast converts s to the type of other when that type is ip or boolean.
func implicitCast(s string, other any) (any, bool) {
	switch other.(type) {
	case netip.Addr:
		return castString(s, vIP)
	case bool:
		return castString(s, vBool)
	}
	return nil, false
}
