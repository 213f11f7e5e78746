package eval

import (
	"math"
	"slices"
	"unicode/utf8"

	"github.com/sigconv/sigconv/ir"
)

// The pre-filter. Every rule gets, when possible, an anchor: a set of
// atoms such that the rule can only match an event in which at least one
// atom holds. An atom is a fact about one field value that is cheap to
// look up in a hash table:
//
//   - exact: the folded text equals a string (field equals a literal);
//   - num: the numeric value equals an integer (EventID: 4688);
//   - gram: the folded text contains a 4-byte string taken from the
//     rarest part of a literal the value must contain (contains,
//     startswith, endswith and wildcard patterns);
//   - byte: the folded text contains a byte, the rarest of a literal of
//     under 4 bytes the value must contain (see byteCost), when that is
//     not a letter, digit or common punctuation ('^', '~', bytes of
//     non-ASCII characters).
//
// Anchors are derived from the condition: an AND needs the anchor of one
// operand (the cheapest), an OR the union of all operands' anchors, a NOT
// none; a search is the OR of its groups, a group the AND of its items.
// Items that are negated, test null, existence, keywords, regular
// expressions, CIDRs, numeric ranges or field references give no atom. A
// rule without an anchor is tried on every event its route admits.
//
// Per event, the values of indexed fields are folded once and looked up:
// one hash probe for exact and num atoms, and for grams a sliding 4-byte
// window filtered by a Bloom bitset before the hash probe.

type atomKind uint8

const (
	atomExact atomKind = iota
	atomNum
	atomGram
	atomByte
)

// atom is one pre-filter fact.
type atom struct {
	kind  atomKind
	field int32
	text  string // atomExact: folded text; atomGram: the literal the gram is taken from
	num   int64  // atomNum
	gram  uint32 // atomGram: chosen 4-byte window, big-endian; atomByte: the byte
}

const (
	flagExact uint8 = 1 << iota
	flagNum
	flagGram
	flagByte
)

const bloomBits = 20

// anyFieldName is the interned pseudo-field of keyword atoms: grams that
// may occur in any value of the event. It is always field id 0.
const anyFieldName = "\x00any"

const anyField int32 = 0

// The fields routing reads, interned right after anyField.
const (
	channelField int32 = iota + 1
	providerField
	eventIDField
)

type numKey struct {
	field int32
	num   int64
}

// index maps atoms to the rules anchored on them.
type index struct {
	flags []uint8              // per field id
	exact []map[string][]int32 // per field id: folded text → rules
	num   map[numKey][]int32
	grams map[uint64][]int32 // field<<32 | gram
	bloom gramFilter         // every gram atom
	bytes [][]byteAtoms      // per field id: the rules anchored on each byte
}

// byteAtoms are the rules anchored on one byte of one field.
type byteAtoms struct {
	b     byte
	rules []int32
}

// gramFilter is a Bloom bitset of grams in front of the gram table.
type gramFilter struct {
	bits  []uint64
	shift uint32 // 32 - log2(len(bits)*64)
}

// kwFilterBits sizes a route's filter of keyword grams: a few hundred
// grams at most, and small enough to stay in the L1 cache while every
// value of an event is scanned.
const kwFilterBits = 12

func newGramFilter(bits uint32) *gramFilter {
	return &gramFilter{bits: make([]uint64, (1<<bits)/64), shift: 32 - bits}
}

func (f *gramFilter) add(field int32, g uint32) {
	h := (g*0x9E3779B1 + uint32(field)*0x85EBCA77) >> f.shift
	f.bits[h/64] |= 1 << (h % 64)
}

func (f *gramFilter) has(field int32, g uint32) bool {
	h := (g*0x9E3779B1 + uint32(field)*0x85EBCA77) >> f.shift
	return f.bits[h/64]&(1<<(h%64)) != 0
}

// commonText lists strings typical of Windows event data; grams found in
// them are poor filters and are avoided when a literal offers others.
var commonText = []string{
	`c:\windows\system32\`, `c:\windows\syswow64\`, `c:\program files (x86)\`, `c:\users\`,
	`\appdata\local\temp\`, `\appdata\roaming\`, `.exe`, `.dll`, `microsoft`, `hklm\software\`,
	`hkcu\software\`, `\currentversion\`, `nt authority\system`, `svchost`, `\device\harddiskvolume`,
	`explorer.exe`, `powershell`, `.com`, `https://`, `http://`, `www.`, `-windows-`, `\registry\machine\`,
}

// buildIndex computes every rule's anchor and fills the index.
func (e *Engine) buildIndex() {
	// Gram frequencies over all literals, so that each literal is
	// represented by its rarest window.
	// Counts are kept in a hashed table: a collision only makes a gram
	// look more common than it is.
	freq := make([]uint16, 1<<freqBits)
	for _, r := range e.rules {
		forEachItem(r, func(it *item) {
			for _, lit := range gramLiterals(it) {
				for j := 0; j+4 <= len(lit); j++ {
					if h := freqSlot(gramAt(lit, j)); freq[h] < math.MaxUint16 {
						freq[h]++
					}
				}
			}
		})
	}
	common := map[uint32]bool{}
	for _, s := range commonText {
		for j := 0; j+4 <= len(s); j++ {
			common[gramAt(s, j)] = true
		}
	}
	b := &anchorBuilder{freq: freq, common: common, parts: map[*item]*part{}}
	x := &e.idx
	x.flags = make([]uint8, len(e.fieldNames))
	x.exact = make([]map[string][]int32, len(e.fieldNames))
	x.num = map[numKey][]int32{}
	x.grams = map[uint64][]int32{}
	x.bloom = *newGramFilter(bloomBits)
	x.bytes = make([][]byteAtoms, len(e.fieldNames))
	for ri, r := range e.rules {
		parts, _, ok := b.node(r.cond)
		if !ok || len(parts) == 0 {
			continue
		}
		var atoms []atom
		for _, p := range parts {
			atoms = append(atoms, p.atoms...)
		}
		if len(atoms) == 0 {
			continue
		}
		r.anchor = atoms
		for _, a := range atoms {
			rid := int32(ri)
			switch a.kind {
			case atomExact:
				if x.exact[a.field] == nil {
					x.exact[a.field] = map[string][]int32{}
				}
				x.exact[a.field][a.text] = appendOnce(x.exact[a.field][a.text], rid)
				x.flags[a.field] |= flagExact
			case atomNum:
				k := numKey{a.field, a.num}
				x.num[k] = appendOnce(x.num[k], rid)
				x.flags[a.field] |= flagNum
			case atomGram:
				k := uint64(uint32(a.field))<<32 | uint64(a.gram)
				x.grams[k] = appendOnce(x.grams[k], rid)
				x.flags[a.field] |= flagGram
				x.bloom.add(a.field, a.gram)
			case atomByte:
				x.addByte(a.field, byte(a.gram), rid)
			}
		}
	}
}

func (x *index) addByte(field int32, b byte, rule int32) {
	x.flags[field] |= flagByte
	l := x.bytes[field]
	for i := range l {
		if l[i].b == b {
			l[i].rules = appendOnce(l[i].rules, rule)
			return
		}
	}
	x.bytes[field] = append(l, byteAtoms{b: b, rules: []int32{rule}})
}

func appendOnce(s []int32, v int32) []int32 {
	if n := len(s); n > 0 && s[n-1] == v {
		return s
	}
	return append(s, v)
}

func gramAt(s string, j int) uint32 {
	return uint32(s[j])<<24 | uint32(s[j+1])<<16 | uint32(s[j+2])<<8 | uint32(s[j+3])
}

func forEachItem(r *rule, fn func(*item)) {
	for _, s := range r.searches {
		for _, g := range s.groups {
			for _, it := range g {
				fn(it)
			}
		}
	}
}

// gramLiterals returns the folded longest literal of each string pattern
// of an item that could serve as a gram atom.
func gramLiterals(it *item) []string {
	var out []string
	var walk func(m matcher)
	walk = func(m matcher) {
		switch m := m.(type) {
		case *strMatcher:
			if m.p.kind != patExact {
				if l := fold(m.p.longestLit()); len(l) >= 4 {
					out = append(out, l)
				}
			}
		case *anyOf:
			for _, a := range m.alts {
				walk(a)
			}
		case *litSet:
			for _, p := range m.pats {
				walk(&strMatcher{p: p})
			}
		}
	}
	for _, m := range it.vals {
		walk(m)
	}
	return out
}

const freqBits = 20

func freqSlot(g uint32) uint32 { return (g * 0x9E3779B1) >> (32 - freqBits) }

// exactCost estimates how often a field equals a folded value in real
// data: short values and well-known ones ("true", "setvalue", "0x3e7")
// are common. Costs are rough hit probabilities; an OR adds them, an AND
// takes its cheapest operand.
func exactCost(text string) float64 {
	switch {
	case commonValues[text] || len(text) < 4:
		return 0.5
	case len(text) < 8:
		return 0.2
	}
	return 0.05
}

// commonValues are field values frequent in Windows event data.
var commonValues = map[string]bool{
	"true": true, "false": true, "setvalue": true, "createkey": true, "deletevalue": true, "0x3e7": true,
	"microsoft corporation": true, "system": true, "high": true, "medium": true, "nt authority\\system": true,
	"tcp": true, "udp": true, "valid": true, "microsoft windows": true, "-": true,
}

type anchorBuilder struct {
	freq   []uint16
	common map[uint32]bool
	parts  map[*item]*part
}

// part is the anchor of one item, computed once per item.
type part struct {
	atoms []atom
	cost  float64
	ok    bool
}

// node returns the anchor of a condition node as the items' anchors it
// consists of, with its cost (lower is more selective); ok is false when
// none is known. Parts are shared, not copied, until the rule's anchor is
// chosen.
func (b *anchorBuilder) node(n cnode) ([]*part, float64, bool) {
	switch n := n.(type) {
	case andNode:
		return b.bestParts(len(n), func(i int) ([]*part, float64, bool) { return b.node(n[i]) })
	case orNode:
		return b.unionParts(len(n), func(i int) ([]*part, float64, bool) { return b.node(n[i]) })
	case refNode:
		return b.unionParts(len(n.s.groups), func(i int) ([]*part, float64, bool) {
			g := n.s.groups[i]
			return b.bestParts(len(g), func(j int) ([]*part, float64, bool) {
				p := b.itemPart(g[j])
				return []*part{p}, p.cost, p.ok
			})
		})
	}
	return nil, 0, false // not
}

func (b *anchorBuilder) itemPart(it *item) *part {
	if p, ok := b.parts[it]; ok {
		return p
	}
	atoms, cost, ok := b.item(it)
	p := &part{atoms, cost, ok}
	b.parts[it] = p
	return p
}

func (b *anchorBuilder) bestParts(n int, get func(int) ([]*part, float64, bool)) ([]*part, float64, bool) {
	var best []*part
	bestCost, found := math.Inf(1), false
	for i := 0; i < n; i++ {
		if ps, cost, ok := get(i); ok && cost < bestCost {
			best, bestCost, found = ps, cost, true
		}
	}
	return best, bestCost, found
}

func (b *anchorBuilder) unionParts(n int, get func(int) ([]*part, float64, bool)) ([]*part, float64, bool) {
	if n == 0 {
		return nil, 0, false
	}
	var all []*part
	total := 0.0
	for i := 0; i < n; i++ {
		ps, cost, ok := get(i)
		if !ok {
			return nil, 0, false
		}
		if n == 1 {
			return ps, cost, true
		}
		all = append(all, ps...)
		total += cost
	}
	return all, total, true
}

func (b *anchorBuilder) best(n int, get func(int) ([]atom, float64, bool)) ([]atom, float64, bool) {
	var best []atom
	bestCost, found := math.Inf(1), false
	for i := 0; i < n; i++ {
		if atoms, cost, ok := get(i); ok && cost < bestCost {
			best, bestCost, found = atoms, cost, true
		}
	}
	return best, bestCost, found
}

func (b *anchorBuilder) union(n int, get func(int) ([]atom, float64, bool)) ([]atom, float64, bool) {
	if n == 0 {
		return nil, 0, false
	}
	var all []atom
	total := 0.0
	for i := 0; i < n; i++ {
		atoms, cost, ok := get(i)
		if !ok {
			return nil, 0, false
		}
		if len(atoms) == 1 && atoms[0].kind == atomByte && slices.Contains(all, atoms[0]) {
			continue // the same fact again costs nothing more
		}
		all = append(all, atoms...)
		total += cost
	}
	return all, total, true
}

func (b *anchorBuilder) item(it *item) ([]atom, float64, bool) {
	field := it.field
	switch {
	case it.negate || it.hasNull || len(it.vals) == 0:
		return nil, 0, false
	case it.kind == itemKeyword:
		field = anyField
	case it.kind != itemValues || it.field < 0:
		return nil, 0, false
	}
	get := func(i int) ([]atom, float64, bool) {
		atoms, cost, ok := b.matcher(field, it.vals[i])
		if field == anyField {
			// Only grams can find a keyword, and scanning every value
			// costs more than scanning one field.
			for _, a := range atoms {
				if a.kind != atomGram {
					return nil, 0, false
				}
			}
			cost *= 4 // every value is scanned
		}
		return atoms, cost, ok
	}
	if it.all {
		return b.best(len(it.vals), get)
	}
	return b.union(len(it.vals), get)
}

func (b *anchorBuilder) matcher(field int32, m matcher) ([]atom, float64, bool) {
	switch m := m.(type) {
	case *strMatcher:
		return b.pattern(field, m.p)
	case *numEq:
		if m.v == math.Trunc(m.v) && math.Abs(m.v) < 1e15 {
			cost := 0.2
			if field == eventIDField {
				// Routing already sorts Windows events by EventID:
				// within a route such an atom nearly always holds.
				cost = 0.9
			}
			return []atom{{kind: atomNum, field: field, num: int64(m.v)}}, cost, true
		}
	case *boolEq:
		text := "false"
		if m.v {
			text = "true"
		}
		return []atom{{kind: atomExact, field: field, text: text}}, 0.5, true
	case *anyOf:
		return b.union(len(m.alts), func(i int) ([]atom, float64, bool) { return b.matcher(field, m.alts[i]) })
	case *litSet:
		return b.union(len(m.pats), func(i int) ([]atom, float64, bool) { return b.pattern(field, m.pats[i]) })
	case *reMatcher:
		if lits := reLiterals(m.re.String(), 4); lits != nil {
			return b.union(len(lits), func(i int) ([]atom, float64, bool) { return b.gram(field, lits[i]) })
		}
		if lits := m.guard; lits != nil {
			return b.union(len(lits), func(i int) ([]atom, float64, bool) { return b.byteAtom(field, lits[i:i+1]) })
		}
		return nil, 0, false
	}
	return nil, 0, false
}

// pattern returns the atom of a string pattern.
func (b *anchorBuilder) pattern(field int32, p *pattern) ([]atom, float64, bool) {
	if p.kind == patExact {
		text := p.lit
		if p.cased {
			text = fold(text)
		}
		return []atom{{kind: atomExact, field: field, text: text}}, exactCost(text), true
	}
	lit := p.longestLit()
	if p.cased {
		lit = fold(lit)
	}
	if len(lit) >= 4 {
		return b.gram(field, lit)
	}
	// Only short literals: the rarest byte of any of them.
	var lits []string
	for _, t := range p.toks {
		if t.kind == ir.PartLit {
			lits = append(lits, t.text)
		}
	}
	return b.byteAtom(field, lits)
}

// byteAtom returns the byte atom of the rarest byte of the folded
// literals, unless that byte is common.
func (b *anchorBuilder) byteAtom(field int32, lits []string) ([]atom, float64, bool) {
	best, bestCost := byte(0), 1.0
	for _, l := range lits {
		if c, cost := rarestByte(fold(l)); cost < bestCost {
			best, bestCost = c, cost
		}
	}
	if bestCost >= 1 {
		return nil, 0, false
	}
	return []atom{{kind: atomByte, field: field, gram: uint32(best)}}, bestCost, true
}

// gram returns the gram atom of a folded literal: its rarest window.
func (b *anchorBuilder) gram(field int32, lit string) ([]atom, float64, bool) {
	if len(lit) < 4 {
		return nil, 0, false
	}
	bestG, bestCost := uint32(0), math.Inf(1)
	for j := 0; j+4 <= len(lit); j++ {
		g := gramAt(lit, j)
		cost := 0.01 * (1 + float64(b.freq[freqSlot(g)])/8)
		if b.common[g] {
			cost += 0.3
		}
		if cost < bestCost {
			bestG, bestCost = g, cost
		}
	}
	return []atom{{kind: atomGram, field: field, text: lit, gram: bestG}}, bestCost, true
}

// hits adds to c.cands every rule of the route with an atom that holds.
func (x *index) hits(c *ctx, rt *Route) {
	for _, id := range c.bound {
		fl := x.flags[id]
		if fl == 0 {
			continue
		}
		for i := c.slot[id]; i >= 0; i = c.next[i] {
			f := &c.ev.Fields[i]
			if !f.hasText() {
				continue
			}
			if fl&flagNum != 0 {
				if n, ok := numValue(f); ok && n == math.Trunc(n) && math.Abs(n) < 1e15 {
					c.addCands(rt, x.num[numKey{id, int64(n)}])
				}
			}
			if fl&flagByte != 0 {
				x.scanBytes(c, rt, id, c.folded(i))
			}
			// A value scanned for its field's grams is scanned for the
			// route's keyword grams in the same pass.
			switch {
			case fl&flagExact != 0:
				v := c.folded(i)
				c.addCands(rt, x.exact[id][v])
				if fl&flagGram != 0 {
					x.scan(c, rt, id, v, &x.bloom, rt.kwGrams)
					c.kwDone[i] = true
				}
			case fl&flagGram != 0:
				x.scanField(c, rt, id, i, &x.bloom, rt.kwGrams)
				c.kwDone[i] = true
			}
		}
	}
	if rt.kwGrams != nil {
		for i := range c.ev.Fields {
			if c.ev.Fields[i].hasText() && !c.kwDone[i] {
				x.scanField(c, rt, anyField, int32(i), rt.kwGrams, nil)
			}
		}
	}
}

// addCands adds the rules of the route among rules to the candidates,
// once each.
func (c *ctx) addCands(rt *Route, rules []int32) {
	for _, r := range rules {
		if c.ruleGen[r] != c.gen {
			c.ruleGen[r] = c.gen
			if rt.ok[r] {
				c.cands = append(c.cands, r)
			}
		}
	}
}

// scanField scans event field i, lower-casing ASCII on the fly; text with
// other bytes is folded first. Windows pass f before the gram table of
// field id, and kw (when not nil) before the keyword grams.
func (x *index) scanField(c *ctx, rt *Route, id int32, i int32, f, kw *gramFilter) {
	if c.foldOK[i] {
		x.scan(c, rt, id, c.fold[i], f, kw)
		return
	}
	v := c.ev.Fields[i].Text
	if len(v) < 4 {
		return
	}
	var g uint32
	for j := 0; j < len(v); j++ {
		b := v[j]
		if b >= utf8.RuneSelf {
			x.scan(c, rt, id, c.folded(i), f, kw)
			return
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		g = g<<8 | uint32(b)
		if j < 3 {
			continue
		}
		if f.has(id, g) {
			c.addCands(rt, x.grams[uint64(uint32(id))<<32|uint64(g)])
		}
		if kw != nil && kw.has(anyField, g) {
			c.addCands(rt, x.grams[uint64(g)])
		}
	}
}

// scan probes every 4-byte window of folded text v for gram atoms of
// field id (and keyword grams, see scanField).
func (x *index) scan(c *ctx, rt *Route, id int32, v string, f, kw *gramFilter) {
	if len(v) < 4 {
		return
	}
	g := uint32(v[0])<<16 | uint32(v[1])<<8 | uint32(v[2])
	for j := 3; j < len(v); j++ {
		g = g<<8 | uint32(v[j])
		if f.has(id, g) {
			c.addCands(rt, x.grams[uint64(uint32(id))<<32|uint64(g)])
		}
		if kw != nil && kw.has(anyField, g) {
			c.addCands(rt, x.grams[uint64(g)])
		}
	}
}

// scanBytes adds the rules anchored on a byte of field id that folded
// text v contains.
func (x *index) scanBytes(c *ctx, rt *Route, id int32, v string) {
	var seen [4]uint64
	for i := 0; i < len(v); i++ {
		seen[v[i]/64] |= 1 << (v[i] % 64)
	}
	for _, a := range x.bytes[id] {
		if seen[a.b/64]&(1<<(a.b%64)) != 0 {
			c.addCands(rt, a.rules)
		}
	}
}
