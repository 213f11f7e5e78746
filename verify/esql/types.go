package esql

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/sigconv/sigconv/verify/internal/es"
)

// vtype is the static type of an expression; ES|QL checks types before running a query, so
// a type error is a query error, not a per-event one.
type vtype int

const (
	vNull vtype = iota // the null literal: fits any type
	vString
	vNumber
	vBool
	vIP
)

func (t vtype) String() string {
	return [...]string{"null", "keyword", "number", "boolean", "ip"}[t]
}

// typeOf checks e and returns its type.
func typeOf(s es.Schema, e expr) (vtype, error) {
	switch e := e.(type) {
	case literal:
		switch e.v.(type) {
		case string:
			return vString, nil
		case float64:
			return vNumber, nil
		case bool:
			return vBool, nil
		}
		return vNull, nil
	case field:
		switch s.Kind(string(e)) {
		case es.Numeric:
			return vNumber, nil
		case es.IP:
			return vIP, nil
		case es.Boolean:
			return vBool, nil
		}
		return vString, nil
	case *logic:
		if err := want(s, vBool, "AND / OR", e.l, e.r); err != nil {
			return 0, err
		}
		return vBool, nil
	case *notExpr:
		return vBool, want(s, vBool, "NOT", e.e)
	case *isNull:
		_, err := typeOf(s, e.e)
		return vBool, err
	case *matchExpr:
		return vBool, want(s, vString, "LIKE / RLIKE", e.e)
	case *inExpr:
		for _, x := range e.list {
			if err := comparable(s, e.e, x); err != nil {
				return 0, err
			}
		}
		return vBool, nil
	case *compare:
		return vBool, comparable(s, e.l, e.r)
	case *arith:
		return vNumber, want(s, vNumber, e.op, e.l, e.r)
	case *call:
		return callType(s, e)
	}
	return 0, fmt.Errorf("esql: unknown expression %T", e)
}

// want checks that every expression has type t (or is null).
func want(s es.Schema, t vtype, what string, es ...expr) error {
	for _, x := range es {
		xt, err := typeOf(s, x)
		if err != nil {
			return err
		}
		if xt != t && xt != vNull {
			return fmt.Errorf("esql: %s needs %s, got %s", what, t, xt)
		}
	}
	return nil
}

// comparable checks the operands of a comparison: equal types, or a string literal that
// ES|QL casts implicitly to an ip or a boolean.
func comparable(s es.Schema, l, r expr) error {
	lt, err := typeOf(s, l)
	if err != nil {
		return err
	}
	rt, err := typeOf(s, r)
	if err != nil {
		return err
	}
	if lt == rt || lt == vNull || rt == vNull {
		return nil
	}
	if castable(r, lt) || castable(l, rt) {
		return nil
	}
	return fmt.Errorf("esql: cannot compare %s with %s", lt, rt)
}

// castable reports whether e is a string literal that converts to t.
func castable(e expr, t vtype) bool {
	lit, ok := e.(literal)
	if !ok {
		return false
	}
	str, ok := lit.v.(string)
	if !ok {
		return false
	}
	_, ok = castString(str, t)
	return ok
}

// castString converts s to t when ES|QL casts a string to t implicitly: to an ip (an
// address) or a boolean (true / false in any case).
func castString(s string, t vtype) (any, bool) {
	switch t {
	case vIP:
		if a, err := netip.ParseAddr(s); err == nil {
			return a.Unmap(), true
		}
	case vBool:
		switch strings.ToLower(s) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return nil, false
}

func callType(s es.Schema, c *call) (vtype, error) {
	switch c.name {
	case "TO_LOWER", "TO_UPPER":
		return vString, want(s, vString, c.name, c.args...)
	case "TO_STRING":
		_, err := typeOf(s, c.args[0])
		return vString, err
	case "TO_DOUBLE", "TO_LONG", "TO_INTEGER":
		_, err := typeOf(s, c.args[0])
		return vNumber, err
	case "TO_IP":
		t, err := typeOf(s, c.args[0])
		if err == nil && t != vString && t != vIP && t != vNull {
			err = fmt.Errorf("esql: TO_IP of %s", t)
		}
		return vIP, err
	case "STARTS_WITH", "ENDS_WITH":
		return vBool, want(s, vString, c.name, c.args...)
	case "LOCATE":
		if err := want(s, vString, c.name, c.args[:2]...); err != nil {
			return 0, err
		}
		return vNumber, want(s, vNumber, c.name, c.args[2:]...)
	case "LENGTH":
		return vNumber, want(s, vString, c.name, c.args...)
	case "CIDR_MATCH":
		if err := want(s, vIP, c.name, c.args[0]); err != nil {
			return 0, err
		}
		return vBool, want(s, vString, c.name, c.args[1:]...)
	case "COALESCE":
		t := vNull
		for _, a := range c.args {
			at, err := typeOf(s, a)
			if err != nil {
				return 0, err
			}
			if t == vNull {
				t = at
			} else if at != t && at != vNull {
				return 0, fmt.Errorf("esql: COALESCE of %s and %s", t, at)
			}
		}
		return t, nil
	}
	return 0, fmt.Errorf("esql: function %s is not supported", c.name)
}
