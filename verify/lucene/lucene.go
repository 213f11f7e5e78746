package lucene

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/sigconv/sigconv/verify/internal/es"
	"github.com/sigconv/sigconv/verify/interp"
)

// Interpreter reads query_string queries. The zero value uses ECS field types.
type Interpreter struct {
	// Types gives field types; nil means ECS defaults (see verify/internal/es).
	Types interp.FieldTypes
}

// New returns a Lucene query_string interpreter with ECS field types.
func New() *Interpreter { return &Interpreter{} }

// Name returns "lucene".
func (*Interpreter) Name() string { return "lucene" }

// Represents reports whether Elasticsearch would index the event (values fit field types).
func (in *Interpreter) Represents(ev interp.Event) bool {
	return es.Schema{Types: in.Types}.Represents(ev)
}

// Parse parses a query_string query.
func (in *Interpreter) Parse(query string) (interp.Program, error) {
	p := &parser{src: []rune(query), schema: es.Schema{Types: in.Types}}
	q, err := p.query("")
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i < len(p.src) {
		return nil, p.errorf("unexpected %q", p.src[p.i])
	}
	if len(q.clauses) == 0 {
		return nil, fmt.Errorf("lucene: empty query")
	}
	return &Program{root: q, schema: p.schema}, nil
}

// Program is a parsed query_string query.
type Program struct {
	root   node
	schema es.Schema
}

// Normalize returns the event as Elasticsearch stores it (see es.Schema.Normalize).
func (p *Program) Normalize(ev interp.Event) interp.Event { return p.schema.Normalize(ev) }

// Match reports whether the event matches.
func (p *Program) Match(ev interp.Event) (bool, error) { return p.root.match(ev) }

// Fragment names the top-level clause that rejected the event: a required clause that does
// not match or a prohibited one that does; "" otherwise (the whole query decided).
func (p *Program) Fragment(ev interp.Event) string {
	q, ok := p.root.(*boolQuery)
	if !ok || len(q.texts) != len(q.clauses) {
		return ""
	}
	for i, c := range q.clauses {
		m, err := c.n.match(ev)
		if err != nil || (c.occur == must && !m) || (c.occur == mustNot && m) {
			return q.texts[i]
		}
	}
	return ""
}

type node interface {
	match(ev interp.Event) (bool, error)
}

type occur int

const (
	should occur = iota
	must
	mustNot
)

type clause struct {
	occur occur
	n     node
}

// boolQuery is a classic-parser boolean group.
type boolQuery struct {
	clauses []clause
	texts   []string // each clause's text (top-level group only), for fragments
}

func (b *boolQuery) match(ev interp.Event) (bool, error) {
	hasMust, hasShould, anyShould := false, false, false
	for _, c := range b.clauses {
		ok, err := c.n.match(ev)
		if err != nil {
			return false, err
		}
		switch c.occur {
		case must:
			hasMust = true
			if !ok {
				return false, nil
			}
		case mustNot:
			if ok {
				return false, nil
			}
		case should:
			hasShould = true
			anyShould = anyShould || ok
		}
	}
	if hasMust || !hasShould {
		return true, nil // a purely negative group is completed with match_all
	}
	return anyShould, nil
}

type conj int

const (
	conjNone conj = iota
	conjAnd
	conjOr
)

type mod int

const (
	modNone mod = iota
	modReq
	modNot
)

// add follows QueryParserBase.addClause with the default operator OR.
func (b *boolQuery) add(c conj, m mod, n node) {
	if len(b.clauses) > 0 && c == conjAnd {
		last := &b.clauses[len(b.clauses)-1]
		if last.occur != mustNot {
			last.occur = must
		}
	}
	prohibited := m == modNot
	required := m == modReq || (c == conjAnd && !prohibited)
	switch {
	case prohibited:
		b.clauses = append(b.clauses, clause{mustNot, n})
	case required:
		b.clauses = append(b.clauses, clause{must, n})
	default:
		b.clauses = append(b.clauses, clause{should, n})
	}
}

type parser struct {
	src    []rune
	i      int
	schema es.Schema
	depth  int // groups around the cursor
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("lucene: offset %d: %s", p.i, fmt.Sprintf(format, args...))
}

// isSpace is the classic parser's whitespace: space, tab, CR, LF and the ideographic space
// U+3000 only (other Unicode spaces are term characters).
func isSpace(c rune) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u3000'
}

func (p *parser) skipSpace() {
	for p.i < len(p.src) && isSpace(p.src[p.i]) {
		p.i++
	}
}

// word reports whether the operator word w starts at the cursor, followed by a space or (.
func (p *parser) word(w string) bool {
	rs := []rune(w)
	if p.i+len(rs) > len(p.src) || string(p.src[p.i:p.i+len(rs)]) != w {
		return false
	}
	j := p.i + len(rs)
	if w == "&&" || w == "||" || w == "!" || w == "+" || w == "-" {
		return true
	}
	return j == len(p.src) || isSpace(p.src[j]) || p.src[j] == '('
}

func (p *parser) take(w string) bool {
	if p.word(w) {
		p.i += len([]rune(w))
		return true
	}
	return false
}

// query parses clauses up to a closing parenthesis or the end; field is the default field
// of a field:(group), or "".
func (p *parser) query(field string) (*boolQuery, error) {
	q := &boolQuery{}
	for {
		p.skipSpace()
		if p.i >= len(p.src) || p.src[p.i] == ')' {
			return q, nil
		}
		c := conjNone
		if p.take("AND") || p.take("&&") {
			c = conjAnd
		} else if p.take("OR") || p.take("||") {
			c = conjOr
		}
		p.skipSpace()
		start := p.i
		m := modNone
		if p.take("NOT") || p.take("!") || p.take("-") {
			m = modNot
		} else if p.take("+") {
			m = modReq
		}
		p.skipSpace()
		p.depth++
		n, err := p.clause(field)
		p.depth--
		if err != nil {
			return nil, err
		}
		q.add(c, m, n)
		if p.depth == 0 {
			q.texts = append(q.texts, strings.TrimSpace(string(p.src[start:p.i])))
		}
	}
}

func (p *parser) clause(field string) (node, error) {
	if p.i >= len(p.src) {
		return nil, p.errorf("missing clause at end of query")
	}
	if p.src[p.i] == '(' {
		p.i++
		q, err := p.query(field)
		if err != nil {
			return nil, err
		}
		if p.i >= len(p.src) || p.src[p.i] != ')' {
			return nil, p.errorf("missing )")
		}
		p.i++
		return q, p.noSuffix()
	}
	// A field name is a term followed by an unescaped colon.
	start := p.i
	raw := p.termText()
	if p.i < len(p.src) && p.src[p.i] == ':' && raw != "" {
		p.i++
		name := unescape(raw)
		if name == "_exists_" {
			f := p.termText()
			if f == "" {
				return nil, p.errorf("_exists_ needs a field name")
			}
			return &existsNode{field: unescape(f)}, nil
		}
		if p.i < len(p.src) && p.src[p.i] == '(' {
			p.i++
			q, err := p.query(name)
			if err != nil {
				return nil, err
			}
			if p.i >= len(p.src) || p.src[p.i] != ')' {
				return nil, p.errorf("missing )")
			}
			p.i++
			return q, p.noSuffix()
		}
		return p.value(name)
	}
	p.i = start
	if field == "" {
		return nil, p.errorf("unfielded term %q: a search of the default fields is not supported", string(p.src[start:min(len(p.src), start+20)]))
	}
	return p.value(field)
}

// noSuffix rejects boosts and fuzziness, which sigconv never writes.
func (p *parser) noSuffix() error {
	if p.i < len(p.src) && (p.src[p.i] == '^' || p.src[p.i] == '~') {
		return p.errorf("boost / fuzzy operator %q is not supported", p.src[p.i])
	}
	return nil
}

// termText reads an unquoted term, escapes kept.
func (p *parser) termText() string {
	start := p.i
	for p.i < len(p.src) {
		c := p.src[p.i]
		if c == '\\' && p.i+1 < len(p.src) {
			p.i += 2
			continue
		}
		if isSpace(c) || strings.ContainsRune(`():"[]{}^~/!`, c) {
			break
		}
		if (c == '+' || c == '-') && p.i == start {
			break
		}
		p.i++
	}
	return string(p.src[start:p.i])
}

func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '\\' && i+1 < len(rs) {
			i++
		}
		b.WriteRune(rs[i])
	}
	return b.String()
}

// hasWildcard reports an unescaped * or ? in a raw term.
func hasWildcard(raw string) bool {
	rs := []rune(raw)
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '\\':
			i++
		case '*', '?':
			return true
		}
	}
	return false
}

// value parses the value after field: .
func (p *parser) value(field string) (node, error) {
	if p.i >= len(p.src) {
		return nil, p.errorf("missing value for %s", field)
	}
	kind := p.schema.Kind(field)
	switch c := p.src[p.i]; c {
	case '"':
		p.i++
		var b strings.Builder
		for {
			if p.i >= len(p.src) {
				return nil, p.errorf("unterminated phrase")
			}
			c := p.src[p.i]
			p.i++
			if c == '\\' && p.i < len(p.src) {
				b.WriteRune(p.src[p.i])
				p.i++
				continue
			}
			if c == '"' {
				break
			}
			b.WriteRune(c)
		}
		if err := p.noSuffix(); err != nil {
			return nil, err
		}
		return termNode(field, kind, b.String())
	case '/':
		p.i++
		start := p.i
		for p.i < len(p.src) && p.src[p.i] != '/' {
			if p.src[p.i] == '\\' {
				p.i++
			}
			p.i++
		}
		if p.i >= len(p.src) {
			return nil, p.errorf("unterminated regular expression")
		}
		body := string(p.src[start:p.i])
		p.i++
		if kind != es.Keyword {
			return nil, p.errorf("regexp on non-keyword field %s", field)
		}
		re, err := es.CompileRegexp(body, false)
		if err != nil {
			return nil, fmt.Errorf("lucene: %w", err)
		}
		return &patternNode{field: field, re: re}, nil
	case '>', '<':
		op := string(c)
		p.i++
		if p.i < len(p.src) && p.src[p.i] == '=' {
			op += "="
			p.i++
		}
		v := p.termText()
		if v == "" {
			return nil, p.errorf("missing range bound")
		}
		r := &rangeNode{field: field, kind: kind}
		switch op {
		case ">":
			r.lo, r.loIncl = unescape(v), false
		case ">=":
			r.lo, r.loIncl = unescape(v), true
		case "<":
			r.hi, r.hiIncl = unescape(v), false
		case "<=":
			r.hi, r.hiIncl = unescape(v), true
		}
		return r, nil
	case '[', '{':
		p.i++
		incl := c == '['
		p.skipSpace()
		lo := p.termText()
		p.skipSpace()
		if !p.take("TO") {
			return nil, p.errorf("range without TO")
		}
		p.skipSpace()
		hi := p.termText()
		p.skipSpace()
		if p.i >= len(p.src) || (p.src[p.i] != ']' && p.src[p.i] != '}') {
			return nil, p.errorf("unterminated range")
		}
		hiIncl := p.src[p.i] == ']'
		p.i++
		r := &rangeNode{field: field, kind: kind, loIncl: incl, hiIncl: hiIncl}
		if lo != "*" {
			r.lo = unescape(lo)
		}
		if hi != "*" {
			r.hi = unescape(hi)
		}
		return r, nil
	}
	raw := p.termText()
	if raw == "" {
		return nil, p.errorf("missing value for %s", field)
	}
	if err := p.noSuffix(); err != nil {
		return nil, err
	}
	if raw == "*" {
		return &existsNode{field: field}, nil
	}
	if hasWildcard(raw) {
		if kind != es.Keyword {
			return nil, p.errorf("wildcard on non-keyword field %s", field)
		}
		return &patternNode{field: field, re: es.CompileWildcard(raw, true, false)}, nil
	}
	return termNode(field, kind, unescape(raw))
}

// termNode is an exact term on a field of the given kind.
func termNode(field string, kind es.Kind, text string) (node, error) {
	switch kind {
	case es.Numeric:
		f, ok := es.NumberOf(text)
		if !ok {
			return nil, fmt.Errorf("lucene: %q is not a number for numeric field %s", text, field)
		}
		return &numberNode{field: field, n: f}, nil
	case es.IP:
		pr, ok := es.ParseCIDR(text)
		if !ok {
			return nil, fmt.Errorf("lucene: %q is not an address or CIDR for ip field %s", text, field)
		}
		return &ipNode{field: field, prefix: pr}, nil
	case es.Boolean:
		b, ok := es.BoolOf(text)
		if !ok {
			return nil, fmt.Errorf("lucene: %q is not a boolean for field %s", text, field)
		}
		return &boolNode{field: field, b: b}, nil
	}
	return &keywordNode{field: field, text: text}, nil
}

type existsNode struct{ field string }

func (n *existsNode) match(ev interp.Event) (bool, error) {
	return len(es.Values(ev, n.field)) > 0, nil
}

type keywordNode struct{ field, text string }

func (n *keywordNode) match(ev interp.Event) (bool, error) {
	return es.Any(ev, n.field, es.KeywordOf, func(s string) bool { return s == n.text }), nil
}

type patternNode struct {
	field string
	re    *regexp.Regexp
}

func (n *patternNode) match(ev interp.Event) (bool, error) {
	return es.Any(ev, n.field, es.KeywordOf, n.re.MatchString), nil
}

type numberNode struct {
	field string
	n     float64
}

func (n *numberNode) match(ev interp.Event) (bool, error) {
	return es.Any(ev, n.field, es.NumberOf, func(f float64) bool { return f == n.n }), nil
}

type ipNode struct {
	field  string
	prefix netip.Prefix
}

func (n *ipNode) match(ev interp.Event) (bool, error) {
	return es.Any(ev, n.field, es.IPOf, n.prefix.Contains), nil
}

type boolNode struct {
	field string
	b     bool
}

func (n *boolNode) match(ev interp.Event) (bool, error) {
	return es.Any(ev, n.field, es.BoolOf, func(b bool) bool { return b == n.b }), nil
}

// rangeNode is a range; an empty bound is open.
type rangeNode struct {
	field          string
	kind           es.Kind
	lo, hi         string
	loIncl, hiIncl bool
}

func (n *rangeNode) match(ev interp.Event) (bool, error) {
	for _, v := range es.Values(ev, n.field) {
		ok, err := n.in(v)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

func (n *rangeNode) in(v any) (bool, error) {
	cmp := func(bound string) (int, bool, error) { return 0, false, nil }
	switch n.kind {
	case es.Numeric:
		f, ok := es.NumberOf(v)
		if !ok {
			return false, nil
		}
		cmp = func(bound string) (int, bool, error) {
			b, ok := es.NumberOf(bound)
			if !ok {
				return 0, false, fmt.Errorf("lucene: range bound %q is not a number", bound)
			}
			return es.CompareNumbers(f, b), true, nil
		}
	case es.Keyword:
		s, ok := es.KeywordOf(v)
		if !ok {
			return false, nil
		}
		cmp = func(bound string) (int, bool, error) { return strings.Compare(s, bound), true, nil }
	default:
		return false, fmt.Errorf("lucene: range on %s is not supported", n.field)
	}
	if n.lo != "" {
		c, _, err := cmp(n.lo)
		if err != nil || c < 0 || (c == 0 && !n.loIncl) {
			return false, err
		}
	}
	if n.hi != "" {
		c, _, err := cmp(n.hi)
		if err != nil || c > 0 || (c == 0 && !n.hiIncl) {
			return false, err
		}
	}
	return true, nil
}
