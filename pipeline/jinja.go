package pipeline

import (
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
