package correlate

import (
	"math"
	"math/bits"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sigconv/sigconv/eval"
	"github.com/sigconv/sigconv/ir"
)

// lookupFunc finds a field of the thing a record stands for.
type lookupFunc func(name string) (eval.Field, bool)

// record is one input of a correlation: a base-rule match or an inner
// correlation's hit.
type record struct {
	t       time.Time
	id      int // the event (or inner hit) the record stands for
	refs    []EventRef
	look    lookupFunc
	chained bool // an inner correlation's hit, not an event
}

// slot is one referenced rule or correlation of a correlation.
type slot struct {
	doc    ir.Document
	fields slotFields
}

// slotFields are the event fields a slot's records are read from, after
// alias resolution.
type slotFields struct {
	group []string // per group-by entry
	value string   // condition field, or ""
}

// node is the state of one correlation rule.
type node struct {
	c     *ir.Correlation
	span  time.Duration
	slots []slot
	// groupFieldNames lists, per group-by entry, the field names it
	// resolves to in any slot (for chained lookups).
	groupFieldNames []map[string]bool
	upper           bool // the condition has an lt or lte bound: evaluate at expiry
	groups          map[string]*group
	consumers       []input
	generated       bool // referenced by a correlation with generate: true
	reported        bool
	lastSweep       time.Time
	seq             int
}

// entry is one record inside a group's window.
type entry struct {
	t      time.Time
	seq    int // arrival order, to break timestamp ties
	id     int // record id: entries of one event share it
	slot   int
	val    string
	hasVal bool
	num    float64
	hasNum bool
	refs   []EventRef
}

// group is the window of one group-by key.
type group struct {
	key     string
	values  []GroupValue
	entries []entry // sorted by (t, seq)
	active  bool    // the condition held at the last arrival (rising edge latch)
}

func newNode(c *ir.Correlation) *node {
	n := &node{c: c, span: c.Timespan.Duration, slots: make([]slot, len(c.Rules)), groups: map[string]*group{}}
	if c.Cond != nil {
		for _, b := range c.Cond.Bounds {
			if b.Op == "lt" || b.Op == "lte" {
				n.upper = true
			}
		}
	}
	n.groupFieldNames = make([]map[string]bool, len(c.GroupBy))
	for i := range c.GroupBy {
		n.groupFieldNames[i] = map[string]bool{c.GroupBy[i]: true}
	}
	return n
}

// resolveFields applies the correlation's aliases for one referenced
// document: an alias entry names the document by name or id.
func (n *node) resolveFields(d ir.Document) slotFields {
	var f slotFields
	for i, g := range n.c.GroupBy {
		name := n.alias(g, d)
		f.group = append(f.group, name)
		n.groupFieldNames[i][name] = true
	}
	if n.c.Cond != nil && n.c.Cond.Field != "" {
		f.value = n.alias(n.c.Cond.Field, d)
	}
	return f
}

func (n *node) alias(name string, d ir.Document) string {
	m := d.Metadata()
	for _, a := range n.c.Aliases {
		if a.Name != name {
			continue
		}
		for _, af := range a.Fields {
			if (m.Name != "" && af.Rule == m.Name) || (m.ID != "" && strings.EqualFold(af.Rule, m.ID)) {
				return af.Field
			}
		}
	}
	return name
}

// observe adds one record of slot s and appends the hits it completes.
func (n *node) observe(e *Engine, hits []Hit, s int, rec record) []Hit {
	if !rec.chained && rec.t.Before(e.watermark.Add(-n.span)) {
		e.stats.Late++
		return hits
	}
	sf := n.slots[s].fields
	var kb strings.Builder
	for _, name := range sf.group {
		f, ok := rec.look(name)
		if !ok || f.Kind == eval.KindNull || f.Kind == eval.KindObject || f.Kind == eval.KindArray {
			e.stats.NoGroup++
			return hits
		}
		kb.WriteString(f.Text)
		kb.WriteByte(0)
	}
	n.seq++
	en := entry{t: rec.t, seq: n.seq, id: rec.id, slot: s, refs: rec.refs}
	if sf.value != "" {
		if f, ok := rec.look(sf.value); ok && (f.Kind == eval.KindString || f.Kind == eval.KindNumber || f.Kind == eval.KindBool) {
			en.val, en.hasVal = f.Text, true
			if f.Kind == eval.KindNumber {
				en.num, en.hasNum = f.Num, true
			} else if v, err := strconv.ParseFloat(strings.TrimSpace(f.Text), 64); err == nil && f.Kind == eval.KindString {
				en.num, en.hasNum = v, true
			}
		}
	}
	key := kb.String()
	g := n.groups[key]
	if g == nil {
		g = &group{key: key, values: make([]GroupValue, len(sf.group))}
		for i, v := range strings.Split(strings.TrimSuffix(key, "\x00"), "\x00") {
			g.values[i] = GroupValue{Field: n.c.GroupBy[i], Value: v}
		}
		n.groups[key] = g
	}
	if n.upper {
		if len(g.entries) > 0 && rec.t.Sub(g.entries[0].t) > n.span {
			hits = n.close(e, hits, g)
		}
		g.insert(en)
		return hits
	}
	g.insert(en)
	g.evict(g.entries[len(g.entries)-1].t.Add(-n.span))
	v, ok := n.aggregate(g.entries)
	holds := ok && n.holds(v)
	if holds && !g.active {
		hits = append(hits, n.hit(g, v))
	}
	g.active = holds
	return hits
}

// close evaluates an expiry-mode window and empties it.
func (n *node) close(e *Engine, hits []Hit, g *group) []Hit {
	if v, ok := n.aggregate(g.entries); ok && n.holds(v) {
		hits = append(hits, n.hit(g, v))
	}
	g.entries = g.entries[:0]
	return hits
}

// expire drops (or, in expiry mode, closes) the groups whose window the
// watermark wm has passed, in group-key order.
func (n *node) expire(e *Engine, hits []Hit, wm time.Time) []Hit {
	limit := wm.Add(-n.span)
	var keys []string
	for k, g := range n.groups {
		if (n.upper && g.entries[0].t.Before(limit)) || (!n.upper && g.entries[len(g.entries)-1].t.Before(limit)) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys) // hits in group-key order
	for _, k := range keys {
		if n.upper {
			hits = n.close(e, hits, n.groups[k])
		}
		delete(n.groups, k)
		e.stats.Expired++
	}
	return hits
}

// expireAll ends the input: expiry-mode windows are closed, the rest
// dropped.
func (n *node) expireAll(e *Engine, hits []Hit) []Hit {
	for _, k := range n.sortedKeys() {
		if n.upper {
			hits = n.close(e, hits, n.groups[k])
		}
		delete(n.groups, k)
	}
	return hits
}

func (n *node) sortedKeys() []string {
	keys := make([]string, 0, len(n.groups))
	for k := range n.groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (n *node) hit(g *group, v float64) Hit {
	h := Hit{
		Correlation: n.c,
		Group:       append([]GroupValue(nil), g.values...),
		Start:       g.entries[0].t,
		End:         g.entries[len(g.entries)-1].t,
		Value:       v,
		Reported:    n.reported,
	}
	for _, en := range g.entries {
		h.Events = append(h.Events, en.refs...)
	}
	return h
}

// insert keeps entries sorted by time; equal times keep arrival order.
func (g *group) insert(en entry) {
	i := len(g.entries)
	for i > 0 && g.entries[i-1].t.After(en.t) {
		i--
	}
	g.entries = append(g.entries, entry{})
	copy(g.entries[i+1:], g.entries[i:])
	g.entries[i] = en
}

// evict drops entries before limit (an entry exactly at limit stays: the
// window is inclusive at both ends).
func (g *group) evict(limit time.Time) {
	i := 0
	for i < len(g.entries) && g.entries[i].t.Before(limit) {
		i++
	}
	if i > 0 {
		g.entries = append(g.entries[:0], g.entries[i:]...)
	}
}

// aggregate computes the correlation's value over a window; ok is false
// when there is nothing to aggregate (no numeric value for sums, averages
// and percentiles).
func (n *node) aggregate(es []entry) (float64, bool) {
	switch n.c.Type {
	case ir.EventCount:
		return float64(len(es)), true
	case ir.ValueCount:
		seen := map[string]bool{}
		for _, en := range es {
			if en.hasVal {
				seen[en.val] = true
			}
		}
		return float64(len(seen)), true
	case ir.Temporal:
		if len(n.slots) <= 64 {
			var seen uint64 // bit per distinct referenced rule
			for _, en := range es {
				seen |= 1 << n.slotRule(en.slot)
			}
			return float64(bits.OnesCount64(seen)), true
		}
		seen := map[int]bool{}
		for _, en := range es {
			seen[n.slotRule(en.slot)] = true
		}
		return float64(len(seen)), true
	case ir.TemporalOrdered:
		return float64(n.orderedPrefix(es)), true
	}
	var nums []float64
	for _, en := range es {
		if en.hasNum {
			nums = append(nums, en.num)
		}
	}
	if len(nums) == 0 {
		return 0, false
	}
	sum := 0.0
	for _, x := range nums {
		sum += x
	}
	switch n.c.Type {
	case ir.ValueSum:
		return sum, true
	case ir.ValueAvg:
		return sum / float64(len(nums)), true
	}
	return percentile(nums, n.percentile()), true
}

// slotRule maps a slot to the first slot referring to the same document,
// so that a rule listed twice counts once.
func (n *node) slotRule(s int) int {
	for i := 0; i < s; i++ {
		if n.slots[i].doc == n.slots[s].doc {
			return i
		}
	}
	return s
}

// orderedPrefix returns how many of the referenced rules occur in order
// in es, each step on a later entry of another event than the previous
// step (greedy, which finds the longest prefix). One event matching two
// consecutive rules therefore counts once.
func (n *node) orderedPrefix(es []entry) int {
	k, last := 0, -1
	for _, en := range es {
		if k == len(n.slots) {
			break
		}
		if n.slots[en.slot].doc == n.slots[k].doc && en.id != last {
			k++
			last = en.id
		}
	}
	return k
}

func (n *node) percentile() float64 {
	if n.c.Cond != nil && n.c.Cond.Percentile > 0 {
		return n.c.Cond.Percentile
	}
	return 50
}

// percentile returns the p-th percentile of xs by linear interpolation
// between closest ranks.
func percentile(xs []float64, p float64) float64 {
	sort.Float64s(xs)
	r := p / 100 * float64(len(xs)-1)
	lo := math.Floor(r)
	hi := math.Ceil(r)
	return xs[int(lo)] + (xs[int(hi)]-xs[int(lo)])*(r-lo)
}

// holds tests the condition: every bound (AND); without a condition the
// temporal types need every referenced rule.
func (n *node) holds(v float64) bool {
	if n.c.Cond == nil || len(n.c.Cond.Bounds) == 0 {
		return v >= float64(n.distinctRules())
	}
	for _, b := range n.c.Cond.Bounds {
		var ok bool
		switch b.Op {
		case "gt":
			ok = v > b.Value
		case "gte":
			ok = v >= b.Value
		case "lt":
			ok = v < b.Value
		case "lte":
			ok = v <= b.Value
		case "eq":
			ok = v == b.Value
		case "neq":
			ok = v != b.Value
		}
		if !ok {
			return false
		}
	}
	return true
}

func (n *node) distinctRules() int {
	if n.c.Type == ir.TemporalOrdered {
		return len(n.slots)
	}
	seen := map[int]bool{}
	for i := range n.slots {
		seen[n.slotRule(i)] = true
	}
	return len(seen)
}
