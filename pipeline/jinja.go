package pipeline

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// A Jinja2 subset for pySigma's template postprocessing and finalizer:
// {{ expr }}, {% if %}/{% elif %}/{% else %}/{% endif %},
// {% for x in expr %}/{% else %}/{% endfor %} with loop.index, loop.first,
// ..., {% set name = expr %}, {# comments #} and the - whitespace markers;
// expressions may be conditional (a if c else b). Expressions: literals
// (strings, numbers, lists, true/false/none), attribute and index access,
// the methods get, lower, upper, strip, startswith, endswith, the filters
// length/count, lower, upper, trim, join, default/d, first, last, replace,
// string, tojson, indent, the date method strftime, the tests defined / undefined / none, and the operators
// not, and, or, ==, !=, <, <=, >, >=, in, not in and ~. Anything else is a
// compile error, so a template is never silently rendered differently.
// Values print as Python would (True, ['a', 'b']); undefined prints as "".

type jnode interface{}

type jtext string
type jout struct{ x jexpr }
type jif struct {
	conds  []jexpr
	bodies [][]jnode
	els    []jnode
}
type jset struct {
	name string
	x    jexpr
}
type jfor struct {
	vars []string
	iter jexpr
	body []jnode
	els  []jnode
}

// jinjaTemplate is a compiled template.
type jinjaTemplate struct{ nodes []jnode }

// undefined is the value of a missing name or attribute.
type undefined struct{}

// enumValue is a rule level or status: prints as the lower-case value,
// .name is upper case (pySigma's SigmaLevel / SigmaStatus).
type enumValue string

func compileJinja(src string) (*jinjaTemplate, error) {
	// Jinja drops one trailing newline of the template by default.
	src = strings.TrimSuffix(src, "\n")
	toks, err := jlex(src)
	if err != nil {
		return nil, err
	}
	p := &jparser{toks: toks}
	nodes, end, err := p.block()
	if err != nil {
		return nil, err
	}
	if end != "" {
		return nil, fmt.Errorf("unexpected {%% %s %%}", end)
	}
	return &jinjaTemplate{nodes: nodes}, nil
}

// jtok is a lexed piece: text, or the inside of {{ }} / {% %}.
type jtok struct {
	kind byte // 't' text, 'o' output, 's' statement
	s    string
}

func jlex(src string) ([]jtok, error) {
	var toks []jtok
	trimNext := false
	for len(src) > 0 {
		i := strings.Index(src, "{")
		for i >= 0 && i+1 < len(src) && !strings.ContainsRune("{%#", rune(src[i+1])) {
			j := strings.Index(src[i+1:], "{")
			if j < 0 {
				i = -1
				break
			}
			i += j + 1
		}
		if i < 0 || i+1 >= len(src) {
			toks = appendText(toks, src, trimNext, false)
			break
		}
		open := src[i+1]
		closer := map[byte]string{'{': "}}", '%': "%}", '#': "#}"}[open]
		end := strings.Index(src[i+2:], closer)
		if end < 0 {
			return nil, fmt.Errorf("unclosed {%c", open)
		}
		inner := src[i+2 : i+2+end]
		trimBefore := strings.HasPrefix(inner, "-")
		trimAfter := strings.HasSuffix(inner, "-")
		inner = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(inner, "-"), "-"))
		toks = appendText(toks, src[:i], trimNext, trimBefore)
		trimNext = trimAfter
		switch open {
		case '{':
			toks = append(toks, jtok{'o', inner})
		case '%':
			toks = append(toks, jtok{'s', inner})
		}
		src = src[i+2+end+2:]
	}
	return toks, nil
}

func appendText(toks []jtok, s string, trimLeft, trimRight bool) []jtok {
	if trimLeft {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
	}
	if trimRight {
		s = strings.TrimRightFunc(s, unicode.IsSpace)
	}
	if s != "" {
		toks = append(toks, jtok{'t', s})
	}
	return toks
}

type jparser struct {
	toks []jtok
	i    int
}

// block parses nodes up to a closing statement (endif, else, elif, endfor)
// and returns that statement's text ("" at the end).
func (p *jparser) block() ([]jnode, string, error) {
	var nodes []jnode
	for p.i < len(p.toks) {
		t := p.toks[p.i]
		p.i++
		switch t.kind {
		case 't':
			nodes = append(nodes, jtext(t.s))
		case 'o':
			x, err := parseJExpr(t.s)
			if err != nil {
				return nil, "", err
			}
			nodes = append(nodes, jout{x})
		case 's':
			word, rest, _ := strings.Cut(t.s, " ")
			switch word {
			case "if":
				n, err := p.ifNode(strings.TrimSpace(rest))
				if err != nil {
					return nil, "", err
				}
				nodes = append(nodes, n)
			case "for":
				n, err := p.forNode(strings.TrimSpace(rest))
				if err != nil {
					return nil, "", err
				}
				nodes = append(nodes, n)
			case "set":
				name, expr, ok := strings.Cut(rest, "=")
				name = strings.TrimSpace(name)
				if !ok || name == "" || strings.ContainsAny(name, " .,[") {
					return nil, "", fmt.Errorf("malformed {%% set %s %%}", rest)
				}
				x, err := parseJExpr(expr)
				if err != nil {
					return nil, "", err
				}
				nodes = append(nodes, jset{name, x})
			case "endif", "else", "elif", "endfor":
				return nodes, t.s, nil
			default:
				return nil, "", fmt.Errorf("unsupported Jinja2 statement {%% %s %%}", word)
			}
		}
	}
	return nodes, "", nil
}

func (p *jparser) ifNode(cond string) (jnode, error) {
	n := &jif{}
	for {
		x, err := parseJExpr(cond)
		if err != nil {
			return nil, err
		}
		body, end, err := p.block()
		if err != nil {
			return nil, err
		}
		n.conds, n.bodies = append(n.conds, x), append(n.bodies, body)
		word, rest, _ := strings.Cut(end, " ")
		switch word {
		case "elif":
			cond = strings.TrimSpace(rest)
			continue
		case "else":
			els, end, err := p.block()
			if err != nil {
				return nil, err
			}
			if end != "endif" {
				return nil, fmt.Errorf("{%% if %%} without {%% endif %%}")
			}
			n.els = els
			return n, nil
		case "endif":
			return n, nil
		}
		return nil, fmt.Errorf("{%% if %%} without {%% endif %%}")
	}
}

func (p *jparser) forNode(head string) (jnode, error) {
	vars, iter, ok := strings.Cut(head, " in ")
	if !ok {
		return nil, fmt.Errorf("malformed {%% for %s %%}", head)
	}
	n := &jfor{}
	for _, v := range strings.Split(vars, ",") {
		n.vars = append(n.vars, strings.TrimSpace(v))
	}
	x, err := parseJExpr(iter)
	if err != nil {
		return nil, err
	}
	n.iter = x
	body, end, err := p.block()
	if err != nil {
		return nil, err
	}
	n.body = body
	if end == "else" {
		if n.els, end, err = p.block(); err != nil {
			return nil, err
		}
	}
	if end != "endfor" {
		return nil, fmt.Errorf("{%% for %%} without {%% endfor %%}")
	}
	return n, nil
}

// render executes the template with the given variables.
func (t *jinjaTemplate) render(vars map[string]any) (string, error) {
	var b strings.Builder
	scope := make(map[string]any, len(vars))
	for k, v := range vars {
		scope[k] = v
	}
	err := renderNodes(&b, t.nodes, scope)
	return b.String(), err
}

func renderNodes(b *strings.Builder, nodes []jnode, vars map[string]any) error {
	for _, n := range nodes {
		switch n := n.(type) {
		case jtext:
			b.WriteString(string(n))
		case jout:
			v, err := n.x.eval(vars)
			if err != nil {
				return err
			}
			b.WriteString(pyStr(v))
		case jset:
			v, err := n.x.eval(vars)
			if err != nil {
				return err
			}
			vars[n.name] = v // if blocks share the scope; a for loop has its own
		case *jif:
			done := false
			for i, c := range n.conds {
				v, err := c.eval(vars)
				if err != nil {
					return err
				}
				if truthy(v) {
					if err := renderNodes(b, n.bodies[i], vars); err != nil {
						return err
					}
					done = true
					break
				}
			}
			if !done {
				if err := renderNodes(b, n.els, vars); err != nil {
					return err
				}
			}
		case *jfor:
			v, err := n.iter.eval(vars)
			if err != nil {
				return err
			}
			items := iterate(v)
			if len(items) == 0 {
				if err := renderNodes(b, n.els, vars); err != nil {
					return err
				}
				continue
			}
			inner := make(map[string]any, len(vars)+2)
			for k, x := range vars {
				inner[k] = x
			}
			for i, it := range items {
				if len(n.vars) == 1 {
					inner[n.vars[0]] = it
				} else {
					parts := iterate(it)
					for j, name := range n.vars {
						if j < len(parts) {
							inner[name] = parts[j]
						}
					}
				}
				inner["loop"] = map[string]any{"index": int64(i + 1), "index0": int64(i), "first": i == 0,
					"last": i == len(items)-1, "length": int64(len(items)), "revindex": int64(len(items) - i)}
				if err := renderNodes(b, n.body, inner); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// iterate returns the elements of a list (or the keys of a mapping, sorted,
// or the characters of a string).
func iterate(v any) []any {
	switch v := v.(type) {
	case []any:
		return v
	case []string:
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out
	case map[string]any:
		keys := sortedKeys(v)
		out := make([]any, len(keys))
		for i, k := range keys {
			out[i] = k
		}
		return out
	case string:
		var out []any
		for _, r := range v {
			out = append(out, string(r))
		}
		return out
	}
	return nil
}

func truthy(v any) bool {
	switch v := v.(type) {
	case nil, undefined:
		return false
	case bool:
		return v
	case string:
		return v != ""
	case enumValue:
		return v != ""
	case int64:
		return v != 0
	case float64:
		return v != 0
	}
	return len(iterate(v)) > 0
}

// pyStr renders a value as Python's str() would.
func pyStr(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case undefined:
		return ""
	case bool:
		if v {
			return "True"
		}
		return "False"
	case string:
		return v
	case enumValue:
		return string(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case []string, []any:
		items := iterate(v)
		parts := make([]string, len(items))
		for i, x := range items {
			parts[i] = pyRepr(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := sortedKeys(v)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = pyRepr(k) + ": " + pyRepr(v[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

func pyRepr(v any) string {
	if s, ok := v.(string); ok {
		return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
	}
	return pyStr(v)
}

// ---- expressions ----

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

// ---- expression parser ----

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
