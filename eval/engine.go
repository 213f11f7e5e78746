package eval

import (
	"slices"
	"strconv"
	"sync"
	"unsafe"

	"github.com/sigconv/sigconv/eval/winevt"
	"github.com/sigconv/sigconv/ir"
)

// Engine matches events against compiled rules. It is immutable after
// Compile and safe for concurrent use.
type Engine struct {
	rules      []*rule
	failed     []int            // indexes of rules that did not compile
	fieldIDs   map[string]int32 // interned field names
	fieldNames []string
	idx        index
	routes     []*Route // per winevt.Class
	all        *Route   // every rule: unknown logsource or no routing
	pool       sync.Pool
}

// Match is one rule matching one event.
type Match struct {
	// Rule is the matching rule.
	Rule *ir.Rule
	// Index is the rule's position among Compile's arguments.
	Index int
	// Fields are the event's values of the fields the rule tests, in the
	// order the rule first names them (absent fields are left out).
	Fields []Field
}

// Rules returns the number of compiled rules.
func (e *Engine) Rules() int { return len(e.rules) }

// Failed returns the indexes (among Compile's arguments) of the rules that
// did not compile.
func (e *Engine) Failed() []int { return slices.Clone(e.failed) }

// ctx is the per-call scratch state: the event's fields bound to interned
// ids, folded values and the candidate set. It is pooled per engine.
type ctx struct {
	e   *Engine
	ev  *Event
	gen uint32
	// per field id
	slotGen []uint32
	slot    []int32 // first event field with that key
	tail    []int32 // last event field in the chain
	literal []bool  // the chain holds a literal (non-nested) key
	bound   []int32 // ids bound in this event
	// per event field
	next   []int32
	fold   []string
	foldOK []bool
	kwDone []bool // scanned for keyword grams already
	// per rule
	ruleGen []uint32
	cands   []int32
	matched []int32 // candidates that matched
	arena   []byte  // folded copies of this event's values
	// kidKeys remembers, per key number of a Decoder (Event.kids), the
	// key last seen with that number and its id (-1: no rule uses it);
	// posKeys does the same per field position for keys without a
	// number. Interned keys keep their address across events, so binding
	// needs no map lookups once a stream's keys have been seen.
	kidKeys []keyID
	posKeys []keyID
}

type keyID struct {
	p  *byte
	n  int
	id int32
}

// first returns the index of the first event value of field id, or -1.
func (c *ctx) first(id int32) int32 {
	if id < 0 || c.slotGen[id] != c.gen {
		return -1
	}
	return c.slot[id]
}

// hasNull reports whether a chain holds a null.
func (c *ctx) hasNull(first int32) bool {
	for i := first; i >= 0; i = c.next[i] {
		if c.ev.Fields[i].Kind == KindNull {
			return true
		}
	}
	return false
}

// folded returns the folded text of event field i, computed once per
// call. Folded copies go to the ctx's arena, which is reused by the next
// event: they must not outlive the call.
func (c *ctx) folded(i int32) string {
	if c.foldOK[i] {
		return c.fold[i]
	}
	t := c.ev.Fields[i].Text
	f := t
	if k := foldedPrefix(t); k < len(t) {
		// Folding never lengthens text (a rune's canonical form is its
		// orbit's smallest member). Strings already handed out keep
		// pointing into the old chunk when a new one is started.
		if cap(c.arena)-len(c.arena) < len(t) {
			c.arena = make([]byte, 0, max(2*cap(c.arena), 2*len(t), 4096))
		}
		from := len(c.arena)
		c.arena = appendFold(c.arena, t, k)
		f = unsafe.String(&c.arena[from], len(c.arena)-from)
	}
	c.fold[i], c.foldOK[i] = f, true
	return f
}

func (e *Engine) getCtx(ev *Event) *ctx {
	c := e.pool.Get().(*ctx)
	c.e = e
	nf := len(e.fieldNames)
	if len(c.slotGen) < nf {
		c.slotGen = make([]uint32, nf)
		c.slot = make([]int32, nf)
		c.tail = make([]int32, nf)
		c.literal = make([]bool, nf)
	}
	if len(c.ruleGen) < len(e.rules) {
		c.ruleGen = make([]uint32, len(e.rules))
	}
	c.gen++
	if c.gen == 0 { // wrapped: forget every stamp
		clear(c.slotGen)
		clear(c.ruleGen)
		c.gen = 1
	}
	n := len(ev.Fields)
	if cap(c.next) < n {
		c.next = make([]int32, n)
		c.fold = make([]string, n)
		c.foldOK = make([]bool, n)
		c.kwDone = make([]bool, n)
	}
	c.next, c.fold, c.foldOK, c.kwDone = c.next[:n], c.fold[:n], c.foldOK[:n], c.kwDone[:n]
	clear(c.foldOK)
	clear(c.kwDone)
	c.ev = ev
	c.arena = c.arena[:0]
	c.bound = c.bound[:0]
	c.cands = c.cands[:0]
	c.bind()
	return c
}

func (e *Engine) putCtx(c *ctx) {
	c.ev = nil
	clear(c.fold) // drop references to event text
	e.pool.Put(c)
}

// bind links every event value whose key a rule uses into a per-field
// chain. A literal top-level key hides nested values of the same dotted
// spelling (flat key first, then dotted path).
func (c *ctx) bind() {
	kids := c.ev.kids
	if len(kids) != len(c.ev.Fields) {
		kids = nil
	}
	for i := range c.ev.Fields {
		f := &c.ev.Fields[i]
		kp := unsafe.StringData(f.Key)
		var k *keyID
		if kids != nil && kids[i] != 0 {
			kid := int(kids[i])
			if kid >= len(c.kidKeys) {
				c.kidKeys = append(c.kidKeys, make([]keyID, kid+1-len(c.kidKeys))...)
			}
			k = &c.kidKeys[kid]
		} else {
			if i >= len(c.posKeys) {
				c.posKeys = append(c.posKeys, make([]keyID, len(c.ev.Fields)-len(c.posKeys))...)
			}
			k = &c.posKeys[i]
		}
		var id int32
		if k.p == kp && k.n == len(f.Key) && kp != nil {
			id = k.id
		} else {
			var ok bool
			if id, ok = c.e.fieldIDs[f.Key]; !ok {
				id = -1
			}
			*k = keyID{kp, len(f.Key), id}
		}
		if id < 0 {
			continue
		}
		i32 := int32(i)
		c.next[i] = -1
		switch {
		case c.slotGen[id] != c.gen:
			c.slotGen[id] = c.gen
			c.slot[id], c.tail[id], c.literal[id] = i32, i32, !f.Nested
			c.bound = append(c.bound, id)
		case c.literal[id] && f.Nested:
			// hidden by the literal key
		case !c.literal[id] && !f.Nested:
			c.slot[id], c.tail[id], c.literal[id] = i32, i32, true
		default:
			c.next[c.tail[id]] = i32
			c.tail[id] = i32
		}
	}
}

// Match returns the rules matching ev, in Compile order. The logsource of
// a Windows event is inferred from its Channel, Provider_Name and EventID
// (see winevt.Classify) and only rules whose logsource can apply are
// tried; other events are tried against every rule.
func (e *Engine) Match(ev *Event) []Match { return e.MatchRoute(ev, nil) }

// MatchRoute is Match with an explicit routing decision: nil infers the
// logsource per event, AllRules() disables routing, RouteFor fixes one.
func (e *Engine) MatchRoute(ev *Event, rt *Route) []Match {
	c := e.getCtx(ev)
	defer e.putCtx(c)
	if rt == nil {
		rt = e.infer(c)
	}
	matched := c.matched[:0]
	nf := 0
	for _, ri := range e.candidates(c, rt) {
		r := e.rules[ri]
		if r.cond.eval(c) {
			matched = append(matched, ri)
			for _, id := range r.fields {
				for i := c.first(id); i >= 0; i = c.next[i] {
					nf++
				}
			}
		}
	}
	c.matched = matched
	if len(matched) == 0 {
		return nil
	}
	// One allocation for the matches and one for all their fields.
	out := make([]Match, len(matched))
	fields := make([]Field, 0, nf)
	for k, ri := range matched {
		r := e.rules[ri]
		from := len(fields)
		for _, id := range r.fields {
			for i := c.first(id); i >= 0; i = c.next[i] {
				f := c.ev.Fields[i]
				f.Key = e.fieldNames[id]
				fields = append(fields, f)
			}
		}
		out[k] = Match{Rule: r.src, Index: r.index}
		if len(fields) > from {
			out[k].Fields = fields[from:len(fields):len(fields)]
		}
	}
	return out
}

// infer picks the route of an event from its Windows fields.
func (e *Engine) infer(c *ctx) *Route {
	ch := c.first(channelField)
	pr := c.first(providerField)
	if ch < 0 && pr < 0 {
		return e.all
	}
	var channel, provider string
	if ch >= 0 {
		channel = c.ev.Fields[ch].Text
	}
	if pr >= 0 {
		provider = c.ev.Fields[pr].Text
	}
	var id int64
	hasID := false
	if i := c.first(eventIDField); i >= 0 {
		f := &c.ev.Fields[i]
		switch f.Kind {
		case KindNumber:
			id, hasID = int64(f.Num), true
		case KindString:
			n, err := strconv.ParseInt(f.Text, 10, 64)
			id, hasID = n, err == nil
		}
	}
	return e.routes[winevt.Classify(channel, provider, id, hasID)]
}

// candidates returns, in rule order, the rules of the route that the
// pre-filter cannot rule out for the event.
func (e *Engine) candidates(c *ctx, rt *Route) []int32 {
	e.idx.hits(c, rt)
	c.cands = append(c.cands, rt.unanchored...)
	slices.Sort(c.cands)
	return c.cands
}
