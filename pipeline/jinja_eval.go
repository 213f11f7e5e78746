package pipeline

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Evaluation of Jinja2-subset expressions (see jinja.go).

type jexpr interface {
	eval(vars map[string]any) (any, error)
}

type jlit struct{ v any }
type jname string
type jattr struct {
	x    jexpr
	name string
}
type jindex struct{ x, i jexpr }
type jcall struct {
	x    jexpr
	name string
	args []jexpr
}
type jfilter struct {
	x    jexpr
	name string
	args []jexpr
}
type jtest struct {
	x    jexpr
	name string
	not  bool
}
type jlist []jexpr
type jun struct {
	op string
	x  jexpr
}
type jbin struct {
	op   string
	a, b jexpr
}

func (e jlit) eval(map[string]any) (any, error) { return e.v, nil }

func (e jname) eval(vars map[string]any) (any, error) {
	if v, ok := vars[string(e)]; ok {
		return v, nil
	}
	return undefined{}, nil
}

func (e jattr) eval(vars map[string]any) (any, error) {
	v, err := e.x.eval(vars)
	if err != nil {
		return nil, err
	}
	return attr(v, e.name), nil
}

func attr(v any, name string) any {
	switch v := v.(type) {
	case map[string]any:
		if x, ok := v[name]; ok {
			return x
		}
	case enumValue:
		switch name {
		case "name":
			return strings.ToUpper(string(v))
		case "value":
			return string(v)
		}
	}
	return undefined{}
}

func (e jindex) eval(vars map[string]any) (any, error) {
	v, err := e.x.eval(vars)
	if err != nil {
		return nil, err
	}
	i, err := e.i.eval(vars)
	if err != nil {
		return nil, err
	}
	if s, ok := i.(string); ok {
		return attr(v, s), nil
	}
	if n, ok := i.(int64); ok {
		items := iterate(v)
		if n < 0 {
			n += int64(len(items))
		}
		if n >= 0 && n < int64(len(items)) {
			return items[n], nil
		}
	}
	return undefined{}, nil
}

func (e jlist) eval(vars map[string]any) (any, error) {
	out := make([]any, len(e))
	for i, x := range e {
		v, err := x.eval(vars)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func evalArgs(vars map[string]any, args []jexpr) ([]any, error) {
	out := make([]any, len(args))
	for i, a := range args {
		v, err := a.eval(vars)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (e jcall) eval(vars map[string]any) (any, error) {
	v, err := e.x.eval(vars)
	if err != nil {
		return nil, err
	}
	args, err := evalArgs(vars, e.args)
	if err != nil {
		return nil, err
	}
	switch e.name {
	case "get":
		if len(args) == 0 {
			return nil, fmt.Errorf("get() needs a key")
		}
		if x := attr(v, pyStr(args[0])); x != (undefined{}) {
			return x, nil
		}
		if len(args) > 1 {
			return args[1], nil
		}
		return nil, nil
	case "lower", "upper", "strip":
		return stringFunc(e.name, v), nil
	case "strftime":
		if len(args) != 1 {
			return nil, fmt.Errorf("strftime() needs a format")
		}
		return strftime(pyStr(v), pyStr(args[0]))
	case "startswith", "endswith":
		if len(args) != 1 {
			return nil, fmt.Errorf("%s() needs one argument", e.name)
		}
		if e.name == "startswith" {
			return strings.HasPrefix(pyStr(v), pyStr(args[0])), nil
		}
		return strings.HasSuffix(pyStr(v), pyStr(args[0])), nil
	}
	return nil, fmt.Errorf("unsupported method %s()", e.name)
}

func stringFunc(name string, v any) any {
	s := pyStr(v)
	switch name {
	case "lower":
		return strings.ToLower(s)
	case "upper":
		return strings.ToUpper(s)
	}
	return strings.TrimSpace(s)
}

func (e jfilter) eval(vars map[string]any) (any, error) {
	v, err := e.x.eval(vars)
	if err != nil {
		return nil, err
	}
	args, err := evalArgs(vars, e.args)
	if err != nil {
		return nil, err
	}
	switch e.name {
	case "length", "count":
		if s, ok := v.(string); ok {
			return int64(len([]rune(s))), nil
		}
		return int64(len(iterate(v))), nil
	case "lower", "upper":
		return stringFunc(e.name, v), nil
	case "trim":
		return stringFunc("strip", v), nil
	case "string":
		return pyStr(v), nil
	case "join":
		sep := ""
		if len(args) > 0 {
			sep = pyStr(args[0])
		}
		items := iterate(v)
		parts := make([]string, len(items))
		for i, x := range items {
			parts[i] = pyStr(x)
		}
		return strings.Join(parts, sep), nil
	case "default", "d":
		if _, undef := v.(undefined); undef || (len(args) > 1 && truthy(args[1]) && !truthy(v)) {
			if len(args) > 0 {
				return args[0], nil
			}
			return "", nil
		}
		return v, nil
	case "first", "last":
		items := iterate(v)
		if len(items) == 0 {
			return undefined{}, nil
		}
		if e.name == "first" {
			return items[0], nil
		}
		return items[len(items)-1], nil
	case "replace":
		if len(args) != 2 {
			return nil, fmt.Errorf("replace needs two arguments")
		}
		return strings.ReplaceAll(pyStr(v), pyStr(args[0]), pyStr(args[1])), nil
	case "tojson":
		b, err := json.Marshal(jsonable(v))
		return string(b), err
	case "indent":
		width := int64(4)
		if len(args) > 0 {
			if n, ok := args[0].(int64); ok {
				width = n
			}
		}
		first := len(args) > 1 && truthy(args[1])
		blank := len(args) > 2 && truthy(args[2])
		lines := strings.Split(pyStr(v), "\n")
		pad := strings.Repeat(" ", int(width))
		for i, l := range lines {
			if (i > 0 || first) && (l != "" || blank) {
				lines[i] = pad + l
			}
		}
		return strings.Join(lines, "\n"), nil
	}
	return nil, fmt.Errorf("unsupported filter %s", e.name)
}

func jsonable(v any) any {
	switch v := v.(type) {
	case undefined:
		return nil
	case enumValue:
		return string(v)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = jsonable(x)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = jsonable(x)
		}
		return out
	}
	return v
}

func (e jtest) eval(vars map[string]any) (any, error) {
	v, err := e.x.eval(vars)
	if err != nil {
		return nil, err
	}
	_, undef := v.(undefined)
	var r bool
	switch e.name {
	case "defined":
		r = !undef
	case "undefined":
		r = undef
	case "none":
		r = v == nil
	case "string":
		_, r = v.(string)
	case "number":
		_, isInt := v.(int64)
		_, isFloat := v.(float64)
		r = isInt || isFloat
	default:
		return nil, fmt.Errorf("unsupported test %s", e.name)
	}
	return r != e.not, nil
}

func (e jun) eval(vars map[string]any) (any, error) {
	v, err := e.x.eval(vars)
	if err != nil {
		return nil, err
	}
	return !truthy(v), nil
}

func (e jbin) eval(vars map[string]any) (any, error) {
	a, err := e.a.eval(vars)
	if err != nil {
		return nil, err
	}
	switch e.op {
	case "and":
		if !truthy(a) {
			return a, nil
		}
		return e.b.eval(vars)
	case "or":
		if truthy(a) {
			return a, nil
		}
		return e.b.eval(vars)
	}
	b, err := e.b.eval(vars)
	if err != nil {
		return nil, err
	}
	switch e.op {
	case "~":
		return pyStr(a) + pyStr(b), nil
	case "in", "not in":
		in := false
		if s, ok := b.(string); ok {
			in = strings.Contains(s, pyStr(a))
		} else {
			for _, x := range iterate(b) {
				if jeq(a, x) {
					in = true
					break
				}
			}
		}
		return in == (e.op == "in"), nil
	case "==":
		return jeq(a, b), nil
	case "!=":
		return !jeq(a, b), nil
	}
	return compareAny(plainValue(a), plainValue(b), map[string]string{"<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}[e.op]), nil
}

func plainValue(v any) any {
	if e, ok := v.(enumValue); ok {
		return string(e)
	}
	return v
}

func jeq(a, b any) bool {
	fa, aok := toFloat(a)
	fb, bok := toFloat(b)
	if aok && bok {
		return fa == fb
	}
	return pyStr(plainValue(a)) == pyStr(plainValue(b)) && (isStringy(a) == isStringy(b))
}

func isStringy(v any) bool {
	switch v.(type) {
	case string, enumValue:
		return true
	}
	return false
}
