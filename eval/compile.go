package eval

import (
	"cmp"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/sigconv/sigconv/ir"
)

// Options configure compilation. The zero value is ready to use.
type Options struct {
	// Vars holds the values of %placeholders% for the expand modifier:
	// name (without %) → one or more values, written in Sigma value
	// syntax (wildcards live, \ escapes them). Nil means none.
	Vars map[string][]string
}

// Compile compiles rules with the zero Options.
func Compile(rules ...*ir.Rule) (*Engine, error) { return Options{}.Compile(rules...) }

// Compile compiles rules into an Engine. A rule that cannot be compiled is
// left out and reported; the returned error is then an ir.ErrorList with
// one or more positioned errors per failed rule, and the Engine still
// matches every other rule. The rules must not be modified while the
// Engine is in use.
func (o Options) Compile(rules ...*ir.Rule) (*Engine, error) {
	e := &Engine{fieldIDs: map[string]int32{}}
	for _, name := range [...]string{anyFieldName, "Channel", "Provider_Name", "EventID"} {
		e.fieldID(name) // ids anyField, channelField, providerField, eventIDField
	}
	var errs ir.ErrorList
	for i, r := range rules {
		cr, rerrs := o.compileRule(e, r, i)
		if len(rerrs) > 0 {
			errs = append(errs, rerrs...)
			e.failed = append(e.failed, i)
			continue
		}
		e.rules = append(e.rules, cr)
	}
	e.buildIndex()
	e.buildRoutes()
	e.pool = sync.Pool{New: func() any { return &ctx{} }}
	errs.Sort()
	return e, errs.Err()
}

// fieldID interns a field name.
func (e *Engine) fieldID(name string) int32 {
	if id, ok := e.fieldIDs[name]; ok {
		return id
	}
	id := int32(len(e.fieldNames))
	e.fieldIDs[name] = id
	e.fieldNames = append(e.fieldNames, name)
	return id
}

// rule is a compiled rule.
type rule struct {
	src      *ir.Rule
	index    int       // position in Compile's arguments
	cond     cnode     // the whole condition
	searches []*search // in source order
	fields   []int32   // ids of the fields the rule tests, in first-use order
	anchor   []atom    // pre-filter: the rule can only match if one atom holds; nil when none is known
	ls       ir.LogSource
}

// search is a compiled search identifier: OR of groups, each an AND of items.
type search struct {
	src    *ir.Search
	groups [][]*item
}

type itemKind uint8

const (
	itemValues  itemKind = iota // field compared with values
	itemExists                  // field|exists
	itemKeyword                 // unbound values searched in every value
)

// item is a compiled detection item.
type item struct {
	src     *ir.Item
	kind    itemKind
	field   int32 // field id, or -1 for keywords
	exists  bool  // itemExists: wanted presence
	all     bool  // values AND-ed
	negate  bool  // neq
	hasNull bool  // one of the values is null: a missing or null field matches
	vals    []matcher
	// refTargets are the fields named by fieldref values; with neq the
	// item is false when one of them is missing.
	refTargets []int32
}

type compiler struct {
	o    Options
	e    *Engine
	r    *rule
	errs ir.ErrorList
}

func (o Options) compileRule(e *Engine, r *ir.Rule, index int) (cr *rule, errs ir.ErrorList) {
	defer func() {
		if p := recover(); p != nil {
			cr = nil
			errs = ir.ErrorList{ir.Errorf(r.Pos, ir.CodeInternal, "internal error compiling rule: %v", p)}
		}
	}()
	if r.Detection == nil {
		return nil, ir.ErrorList{ir.Errorf(r.Pos, ir.CodeSchema, "rule has no detection")}
	}
	cr = &rule{src: r, index: index, ls: r.LogSource}
	c := &compiler{o: o, e: e, r: cr}
	byName := map[string]*search{}
	for _, s := range r.Detection.Searches {
		cs := c.search(s)
		cr.searches = append(cr.searches, cs)
		byName[s.Name] = cs
	}
	cond := r.Detection.Condition()
	if cond == nil {
		c.errs.Add(r.Detection.Pos, ir.CodeCondition, "rule has no condition")
	} else {
		cr.cond = c.cond(cond, byName)
	}
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	return cr, nil
}

func (c *compiler) search(s *ir.Search) *search {
	cs := &search{src: s}
	for _, g := range s.Groups {
		var items []*item
		for _, it := range g.Items {
			if ci := c.item(it); ci != nil {
				items = append(items, ci)
			}
		}
		// AND is commutative and evaluation has no side effects: test
		// the cheap items first so that failing groups fail fast.
		slices.SortStableFunc(items, func(a, b *item) int { return cmp.Compare(a.cost(), b.cost()) })
		cs.groups = append(cs.groups, items)
	}
	return cs
}

// cost estimates the work of evaluating an item, for ordering.
func (it *item) cost() int {
	switch it.kind {
	case itemExists:
		return 1
	case itemKeyword:
		return 100 * len(it.vals)
	}
	n := 0
	for _, m := range it.vals {
		n += matcherCost(m)
	}
	return n
}

func matcherCost(m matcher) int {
	switch m := m.(type) {
	case *numEq, *boolEq, *numCmp:
		return 1
	case *strMatcher:
		if m.p.kind == patGlob {
			return 4
		}
		return 2
	case *litSet:
		return 4
	case *refMatcher:
		return 3
	case *cidrMatcher:
		return 6
	case *timeMatcher:
		return 10
	case *reMatcher:
		return 20
	case *anyOf:
		n := 0
		for _, a := range m.alts {
			n += matcherCost(a)
		}
		return n
	}
	return 5
}

func (c *compiler) useField(name string) int32 {
	id := c.e.fieldID(name)
	for _, f := range c.r.fields {
		if f == id {
			return id
		}
	}
	c.r.fields = append(c.r.fields, id)
	return id
}

func (c *compiler) item(it *ir.Item) *item {
	m := it.Match
	ci := &item{src: it, field: -1, all: m.All, negate: m.Negate}
	if it.IsKeyword() {
		ci.kind = itemKeyword
	} else {
		ci.field = c.useField(it.Field)
	}
	if m.Op == ir.OpExists {
		if len(it.Values) != 1 {
			c.errs.Add(it.Pos, ir.CodeInvalidValue, "exists takes exactly one boolean value")
			return nil
		}
		b, ok := it.Values[0].(*ir.Bool)
		if !ok || ci.kind == itemKeyword {
			c.errs.Add(it.Pos, ir.CodeInvalidValue, "exists takes a boolean value and a field")
			return nil
		}
		ci.kind, ci.exists = itemExists, b.Value
		return ci
	}
	nerr := len(c.errs)
	for _, v := range it.Values {
		ms, isNull := c.value(it, v)
		if isNull {
			ci.hasNull = true
			continue
		}
		ci.vals = append(ci.vals, ms...)
	}
	if ci.all && len(ci.vals) > 0 && len(c.errs) == nerr {
		// With "all", each value must match on its own; keep encodings'
		// variants of one value together as an OR.
		ci.vals = c.groupAll(it, ci.vals)
	}
	if !ci.all {
		ci.vals = mergeLiterals(ci.vals)
	}
	for _, m := range ci.vals {
		if r, ok := m.(*refMatcher); ok {
			ci.refTargets = append(ci.refTargets, r.target)
		}
	}
	return ci
}

// value compiles one rule value into its alternatives (more than one when
// encodings or placeholders fan out).
func (c *compiler) value(it *ir.Item, v ir.Value) ([]matcher, bool) {
	m := it.Match
	switch v := v.(type) {
	case *ir.Null:
		return nil, true
	case *ir.Bool:
		switch {
		case m.Op == ir.OpEqual && m.TimePart == ir.TimeNone && !m.FieldRef:
			return []matcher{&boolEq{v: v.Value}}, false
		case m.Op == ir.OpContains || m.Op == ir.OpStartsWith || m.Op == ir.OpEndsWith:
			return c.strings(it, ir.Lit(v.Pos, strconv.FormatBool(v.Value))), false
		}
		c.errs.Add(v.Pos, ir.CodeInvalidValue, "a boolean value cannot be used with %s", describe(m))
		return nil, false
	case *ir.Number:
		switch {
		case m.FieldRef:
			c.errs.Add(v.Pos, ir.CodeInvalidValue, "fieldref needs a field name, not a number")
			return nil, false
		case m.TimePart != ir.TimeNone:
			return []matcher{&timeMatcher{part: m.TimePart, op: m.Op, v: v.Float}}, false
		case m.Op.IsNumeric():
			return []matcher{&numCmp{op: m.Op, v: v.Float}}, false
		case m.Op == ir.OpEqual && len(m.Encodings) == 0:
			return []matcher{&numEq{v: v.Float, raw: v.Raw}}, false
		case m.Op == ir.OpCIDR:
			c.errs.Add(v.Pos, ir.CodeInvalidValue, "cidr needs a network, not a number")
			return nil, false
		}
		// String operators on a number use its text.
		return c.stringValue(it, ir.Lit(v.Pos, v.Raw)), false
	case *ir.String:
		return c.stringValue(it, v), false
	}
	c.errs.Add(v.Position(), ir.CodeInternal, "unknown value type %T", v)
	return nil, false
}

func (c *compiler) stringValue(it *ir.Item, v *ir.String) []matcher {
	m := it.Match
	switch {
	case m.FieldRef:
		if !v.IsPlain() {
			c.errs.Add(v.Pos, ir.CodeInvalidValue, "fieldref needs a plain field name")
			return nil
		}
		return []matcher{&refMatcher{target: c.useField(v.Literal()), name: v.Literal(), op: m.Op, cased: m.Cased}}
	case m.TimePart != ir.TimeNone || m.Op.IsNumeric():
		n, err := strconv.ParseFloat(strings.TrimSpace(v.Literal()), 64)
		if err != nil || !v.IsPlain() {
			c.errs.Add(v.Pos, ir.CodeInvalidValue, "%s needs a number, got %q", describe(m), v.Raw)
			return nil
		}
		if m.TimePart != ir.TimeNone {
			return []matcher{&timeMatcher{part: m.TimePart, op: m.Op, v: n}}
		}
		return []matcher{&numCmp{op: m.Op, v: n}}
	case m.Op == ir.OpRegex:
		return c.regex(v, m.Regex)
	case m.Op == ir.OpCIDR:
		return c.cidr(v)
	}
	return c.strings(it, v)
}

// strings expands placeholders, applies encodings and compiles patterns.
func (c *compiler) strings(it *ir.Item, v *ir.String) []matcher {
	m := it.Match
	op := m.Op
	if it.IsKeyword() {
		op = ir.OpContains // keywords are searched anywhere in a value
	}
	if len(m.Encodings) == 0 && !v.HasPlaceholders() {
		return []matcher{&strMatcher{p: compilePattern(v.Parts, op, m.Cased)}}
	}
	vals := []*ir.String{v}
	if v.HasPlaceholders() {
		var err error
		vals, err = c.expand(v)
		if err != nil {
			c.errs.Append(v.Pos, err)
			return nil
		}
	}
	cased := m.Cased
	if len(m.Encodings) > 0 {
		var out []*ir.String
		for _, s := range vals {
			enc, err := ir.Encode(s, m.Encodings)
			if err != nil {
				c.errs.Add(v.Pos, ir.CodeInvalidValue, "%v", err)
				return nil
			}
			out = append(out, enc...)
		}
		vals = out
		for _, e := range m.Encodings {
			if e == ir.EncBase64 || e == ir.EncBase64Offset {
				cased = true // base64 text is case-significant
			}
		}
	}
	ms := make([]matcher, 0, len(vals))
	for _, s := range vals {
		ms = append(ms, &strMatcher{p: compilePattern(s.Parts, op, cased)})
	}
	return ms
}

// expand replaces placeholders by every combination of their values.
func (c *compiler) expand(v *ir.String) ([]*ir.String, error) {
	variants := [][]ir.StrPart{nil}
	for _, p := range v.Parts {
		if p.Kind != ir.PartPlaceholder {
			for i := range variants {
				variants[i] = append(variants[i], p)
			}
			continue
		}
		vals, ok := c.o.Vars[p.Text]
		if !ok || len(vals) == 0 {
			return nil, ir.Errorf(v.Pos, ir.CodeInvalidValue, "placeholder %%%s%% has no value (give one with --vars)", p.Text)
		}
		next := make([][]ir.StrPart, 0, len(variants)*len(vals))
		for _, pre := range variants {
			for _, val := range vals {
				np := append(append([]ir.StrPart(nil), pre...), parseSigmaValue(val)...)
				next = append(next, np)
			}
		}
		if len(next) > ir.MaxExpansions {
			return nil, ir.Errorf(v.Pos, ir.CodeLimit, "placeholders expand into more than %d values", ir.MaxExpansions)
		}
		variants = next
	}
	out := make([]*ir.String, len(variants))
	for i, parts := range variants {
		s := &ir.String{Pos: v.Pos, Parts: parts}
		s.Raw = s.Sigma()
		out[i] = s
	}
	return out, nil
}

// parseSigmaValue splits a placeholder value in Sigma value syntax into
// parts: * and ? are wildcards, a backslash escapes *, ? and itself.
func parseSigmaValue(s string) []ir.StrPart {
	var parts []ir.StrPart
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, ir.StrPart{Kind: ir.PartLit, Text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == '\\' && i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '?' || s[i+1] == '\\'):
			lit.WriteByte(s[i+1])
			i++
		case ch == '*':
			flush()
			parts = append(parts, ir.StrPart{Kind: ir.PartWildMany})
		case ch == '?':
			flush()
			parts = append(parts, ir.StrPart{Kind: ir.PartWildOne})
		default:
			lit.WriteByte(ch)
		}
	}
	flush()
	return parts
}

func (c *compiler) regex(v *ir.String, f ir.RegexFlags) []matcher {
	src := v.Raw
	prefix := ""
	if f.IgnoreCase {
		prefix += "i"
	}
	if f.Multiline {
		prefix += "m"
	}
	if f.DotAll {
		prefix += "s"
	}
	if prefix != "" {
		src = "(?" + prefix + ")" + src
	}
	re, err := regexp.Compile(src)
	if err != nil {
		c.errs.Add(v.Pos, ir.CodeInvalidRegex, "invalid regular expression %q: %v", v.Raw, err)
		return nil
	}
	m := &reMatcher{re: re}
	if lits := reRareLiterals(src); len(lits) <= maxReGuard {
		m.guard = lits
	}
	return []matcher{m}
}

func (c *compiler) cidr(v *ir.String) []matcher {
	raw := strings.TrimSpace(v.Raw)
	p, err := netip.ParsePrefix(raw)
	if err != nil {
		a, aerr := netip.ParseAddr(raw)
		if aerr != nil {
			c.errs.Add(v.Pos, ir.CodeInvalidValue, "invalid cidr network %q", v.Raw)
			return nil
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	p = p.Masked()
	if p.Addr().Is4In6() {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return []matcher{&cidrMatcher{nets: []netip.Prefix{p}, raw: raw}}
}

// describe names the modifier chain of a match for messages.
func describe(m ir.Match) string {
	if m.TimePart != ir.TimeNone {
		return m.TimePart.String()
	}
	return m.Op.String()
}

// groupAll keeps, for an "all" item, the variants of each written value
// together: the result has one matcher per written value.
func (c *compiler) groupAll(it *ir.Item, ms []matcher) []matcher {
	if len(ms) == len(it.Values) {
		return ms
	}
	// Recompile value by value to know which variants belong together.
	out := make([]matcher, 0, len(it.Values))
	for _, v := range it.Values {
		alts, isNull := c.value(it, v)
		if isNull {
			continue
		}
		if len(alts) == 1 {
			out = append(out, alts[0])
		} else {
			out = append(out, &anyOf{alts: mergeLiterals(alts)})
		}
	}
	return out
}

// anyOf matches when one of its alternatives does (encoding variants of
// one value under "all").
type anyOf struct{ alts []matcher }

func (m *anyOf) match(c *ctx, i int32) bool {
	for _, a := range m.alts {
		if a.match(c, i) {
			return true
		}
	}
	return false
}

func (m *anyOf) String() string {
	parts := make([]string, len(m.alts))
	for i, a := range m.alts {
		parts[i] = a.String()
	}
	return "one of [" + strings.Join(parts, ", ") + "]"
}
