package dsl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/sigconv/sigconv/verify/internal/es"
	"github.com/sigconv/sigconv/verify/interp"
)

// Interpreter reads Query DSL bodies. The zero value uses ECS field types.
type Interpreter struct {
	// Types gives field types; nil means ECS defaults (see verify/internal/es).
	Types interp.FieldTypes
}

// New returns a Query DSL interpreter with ECS field types.
func New() *Interpreter { return &Interpreter{} }

// Name returns "dsl".
func (*Interpreter) Name() string { return "dsl" }

// Represents reports whether Elasticsearch would index the event (values fit field types).
func (in *Interpreter) Represents(ev interp.Event) bool {
	return es.Schema{Types: in.Types}.Represents(ev)
}

// Program is a parsed query.
type Program struct {
	root   node
	schema es.Schema
}

// Normalize returns the event as Elasticsearch stores it (see es.Schema.Normalize).
func (p *Program) Normalize(ev interp.Event) interp.Event { return p.schema.Normalize(ev) }

// Match reports whether the event matches.
func (p *Program) Match(ev interp.Event) (bool, error) { return p.root.match(ev), nil }

type node interface{ match(ev interp.Event) bool }

// Parse parses a search body {"query": ...} or a bare query object.
func (in *Interpreter) Parse(query string) (interp.Program, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(query)))
	dec.UseNumber()
	var body map[string]any
	if err := dec.Decode(&body); err != nil {
		return nil, fmt.Errorf("dsl: %w", err)
	}
	q := body
	if inner, ok := body["query"].(map[string]any); ok {
		q = inner
	}
	c := &compiler{schema: es.Schema{Types: in.Types}}
	n, err := c.query(q, "query")
	if err != nil {
		return nil, err
	}
	return &Program{root: n, schema: c.schema}, nil
}

type compiler struct{ schema es.Schema }

// query compiles one query object {"type": {...}}.
func (c *compiler) query(q map[string]any, path string) (node, error) {
	if len(q) != 1 {
		return nil, fmt.Errorf("dsl: %s: a query object has exactly one key, got %d", path, len(q))
	}
	for typ, body := range q {
		path := path + "." + typ
		if typ == "bool" {
			return c.boolQuery(body, path)
		}
		switch typ {
		case "match_all":
			return constNode(true), nil
		case "match_none":
			return constNode(false), nil
		case "exists":
			m, ok := body.(map[string]any)
			f, _ := m["field"].(string)
			if !ok || f == "" {
				return nil, fmt.Errorf("dsl: %s: needs a field", path)
			}
			return existsNode(f), nil
		}
		m, ok := body.(map[string]any)
		if !ok || len(m) != 1 {
			return nil, fmt.Errorf("dsl: %s: needs one field", path)
		}
		for field, params := range m {
			return c.leaf(typ, field, params, path+"."+field)
		}
	}
	panic("unreachable")
}

func (c *compiler) boolQuery(body any, path string) (node, error) {
	m, ok := body.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("dsl: %s: not an object", path)
	}
	b := &boolNode{}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	msm := -1
	for _, k := range keys {
		v := m[k]
		var dst *[]node
		switch k {
		case "must", "filter":
			dst = &b.must
		case "should":
			dst = &b.should
		case "must_not":
			dst = &b.mustNot
		case "minimum_should_match":
			n, err := intOf(v)
			if err != nil {
				return nil, fmt.Errorf("dsl: %s.minimum_should_match: %w", path, err)
			}
			msm = n
			continue
		case "boost", "_name":
			continue
		default:
			return nil, fmt.Errorf("dsl: %s: unknown key %q", path, k)
		}
		list, ok := v.([]any)
		if !ok {
			list = []any{v}
		}
		for i, e := range list {
			q, ok := e.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("dsl: %s.%s[%d]: not an object", path, k, i)
			}
			n, err := c.query(q, fmt.Sprintf("%s.%s[%d]", path, k, i))
			if err != nil {
				return nil, err
			}
			*dst = append(*dst, n)
		}
	}
	if msm < 0 {
		msm = 0
		if len(b.should) > 0 && len(b.must) == 0 {
			msm = 1
		}
	}
	b.minShould = msm
	return b, nil
}

func intOf(v any) (int, error) {
	switch v := v.(type) {
	case json.Number:
		n, err := strconv.Atoi(v.String())
		return n, err
	case string:
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("only whole numbers are supported, got %q", v)
		}
		return n, nil
	}
	return 0, fmt.Errorf("not a number: %v", v)
}

// leaf compiles a term-level query on one field.
func (c *compiler) leaf(typ, field string, params any, path string) (node, error) {
	p, ok := params.(map[string]any)
	if !ok || typ == "terms" {
		// Short form {"term": {"f": "v"}}; terms always takes a list.
		p = map[string]any{"value": params}
	}
	ci := false
	if v, ok := p["case_insensitive"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return nil, fmt.Errorf("dsl: %s.case_insensitive: not a boolean", path)
		}
		ci = b
	}
	kind := c.schema.Kind(field)
	val, hasVal := p["value"]
	if !hasVal && typ == "wildcard" {
		val, hasVal = p["wildcard"]
	}
	switch typ {
	case "term":
		if !hasVal {
			return nil, fmt.Errorf("dsl: %s: missing value", path)
		}
		return c.term(field, kind, val, ci, path)
	case "terms":
		list, ok := val.([]any)
		if !ok {
			return nil, fmt.Errorf("dsl: %s: terms needs a list", path)
		}
		var or orNode
		for _, v := range list {
			n, err := c.term(field, kind, v, false, path)
			if err != nil {
				return nil, err
			}
			or = append(or, n)
		}
		return or, nil
	case "prefix", "wildcard", "regexp":
		s, ok := val.(string)
		if !ok {
			return nil, fmt.Errorf("dsl: %s: value must be a string", path)
		}
		if kind != es.Keyword {
			return nil, fmt.Errorf("dsl: %s: %s query on a non-keyword field", path, typ)
		}
		var re *regexp.Regexp
		switch typ {
		case "prefix":
			flags := "(?s)"
			if ci {
				flags = "(?si)"
			}
			re = regexp.MustCompile("^" + flags + regexp.QuoteMeta(s))
		case "wildcard":
			re = es.CompileWildcard(s, true, ci)
		default:
			var err error
			if re, err = es.CompileRegexp(s, ci); err != nil {
				return nil, fmt.Errorf("dsl: %s: %w", path, err)
			}
		}
		return &patternNode{field: field, re: re}, nil
	case "range":
		return c.rangeQuery(field, kind, p, path)
	}
	return nil, fmt.Errorf("dsl: %s: query type %q is not supported", path, typ)
}

// term compiles an exact term on a field of the given kind.
func (c *compiler) term(field string, kind es.Kind, v any, ci bool, path string) (node, error) {
	text, err := scalarText(v)
	if err != nil {
		return nil, fmt.Errorf("dsl: %s: %w", path, err)
	}
	if ci && kind != es.Keyword {
		// MappedFieldType.termQueryCaseInsensitive: only keyword-like fields support it.
		return nil, fmt.Errorf("dsl: %s: case_insensitive term on a non-keyword field fails", path)
	}
	switch kind {
	case es.Numeric:
		f, ok := es.NumberOf(text)
		if !ok {
			return nil, fmt.Errorf("dsl: %s: %q is not a number", path, text)
		}
		return valueNode{field, func(v any) bool { g, ok := es.NumberOf(v); return ok && g == f }}, nil
	case es.IP:
		pr, ok := es.ParseCIDR(text)
		if !ok {
			return nil, fmt.Errorf("dsl: %s: %q is not an address or CIDR", path, text)
		}
		return valueNode{field, func(v any) bool { a, ok := es.IPOf(v); return ok && pr.Contains(a) }}, nil
	case es.Boolean:
		b, ok := es.BoolOf(text)
		if !ok {
			return nil, fmt.Errorf("dsl: %s: %q is not a boolean", path, text)
		}
		return valueNode{field, func(v any) bool { g, ok := es.BoolOf(v); return ok && g == b }}, nil
	}
	if ci {
		return &patternNode{field: field, re: es.Literal(text, true)}, nil
	}
	return valueNode{field, func(v any) bool { s, ok := es.KeywordOf(v); return ok && s == text }}, nil
}

// scalarText is a JSON scalar as query text.
func scalarText(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return v.String(), nil
		}
		return es.FormatNumber(f), nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	return "", fmt.Errorf("not a scalar value: %v", v)
}

func (c *compiler) rangeQuery(field string, kind es.Kind, p map[string]any, path string) (node, error) {
	r := &rangeNode{field: field, kind: kind}
	for k, v := range p {
		text, err := scalarText(v)
		if err != nil {
			return nil, fmt.Errorf("dsl: %s.%s: %w", path, k, err)
		}
		b := bound{text: text, set: true}
		if kind == es.Numeric {
			f, ok := es.NumberOf(text)
			if !ok {
				return nil, fmt.Errorf("dsl: %s.%s: %q is not a number", path, k, text)
			}
			b.num = f
		} else if kind != es.Keyword {
			return nil, fmt.Errorf("dsl: %s: range on this field type is not supported", path)
		}
		switch k {
		case "gt":
			r.lo = b
		case "gte":
			b.incl = true
			r.lo = b
		case "lt":
			r.hi = b
		case "lte":
			b.incl = true
			r.hi = b
		default:
			return nil, fmt.Errorf("dsl: %s: range parameter %q is not supported", path, k)
		}
	}
	return r, nil
}

type constNode bool

func (n constNode) match(interp.Event) bool { return bool(n) }

type existsNode string

func (n existsNode) match(ev interp.Event) bool { return len(es.Values(ev, string(n))) > 0 }

type boolNode struct {
	must, should, mustNot []node
	minShould             int
}

func (b *boolNode) match(ev interp.Event) bool {
	for _, n := range b.must {
		if !n.match(ev) {
			return false
		}
	}
	for _, n := range b.mustNot {
		if n.match(ev) {
			return false
		}
	}
	if b.minShould == 0 {
		return true
	}
	hits := 0
	for _, n := range b.should {
		if n.match(ev) {
			hits++
			if hits >= b.minShould {
				return true
			}
		}
	}
	return false
}

type orNode []node

func (o orNode) match(ev interp.Event) bool {
	for _, n := range o {
		if n.match(ev) {
			return true
		}
	}
	return false
}

// valueNode matches when any value of the field satisfies ok.
type valueNode struct {
	field string
	ok    func(v any) bool
}

func (n valueNode) match(ev interp.Event) bool {
	for _, v := range es.Values(ev, n.field) {
		if n.ok(v) {
			return true
		}
	}
	return false
}

type patternNode struct {
	field string
	re    *regexp.Regexp
}

func (n *patternNode) match(ev interp.Event) bool {
	return es.Any(ev, n.field, es.KeywordOf, n.re.MatchString)
}

type bound struct {
	text string
	num  float64
	incl bool
	set  bool
}

type rangeNode struct {
	field  string
	kind   es.Kind
	lo, hi bound
}

func (r *rangeNode) match(ev interp.Event) bool {
	for _, v := range es.Values(ev, r.field) {
		if r.in(v) {
			return true
		}
	}
	return false
}

func (r *rangeNode) in(v any) bool {
	var cmp func(b bound) int
	if r.kind == es.Numeric {
		f, ok := es.NumberOf(v)
		if !ok {
			return false
		}
		cmp = func(b bound) int { return es.CompareNumbers(f, b.num) }
	} else {
		s, ok := es.KeywordOf(v)
		if !ok {
			return false
		}
		cmp = func(b bound) int { return strings.Compare(s, b.text) }
	}
	if r.lo.set {
		if c := cmp(r.lo); c < 0 || (c == 0 && !r.lo.incl) {
			return false
		}
	}
	if r.hi.set {
		if c := cmp(r.hi); c > 0 || (c == 0 && !r.hi.incl) {
			return false
		}
	}
	return true
}
