package correlate

import (
	"strings"
	"time"

	"github.com/sigconv/sigconv/eval"
	"github.com/sigconv/sigconv/ir"
)

// Options configure an Engine.
type Options struct {
	// TimestampFields are the event fields holding the event time, tried in
	// order; nil means DefaultTimestampFields.
	TimestampFields []string
}

// EventRef locates one input event.
type EventRef struct {
	File  string // events file as given
	Index int    // 0-based index of the event in the file
}

// GroupValue is one group-by field of a hit and its value.
type GroupValue struct {
	Field string // group-by name as written (an alias or a field)
	Value string // the events' value
}

// Hit is one correlation rule firing for one group.
type Hit struct {
	// Correlation is the rule that fired.
	Correlation *ir.Correlation
	// Group holds the group-by values, in group-by order.
	Group []GroupValue
	// Start and End are the times of the first and last entry of the window.
	Start, End time.Time
	// Value is the aggregate the condition was tested on: the event count,
	// the distinct value count, the number of distinct referenced rules
	// seen (temporal), the length of the ordered prefix seen
	// (temporal_ordered), the sum, average or percentile.
	Value float64
	// Events are the contributing events, in window order (for chained
	// correlations: the events of the contributing hits).
	Events []EventRef
	// Reported is false for a correlation referenced by another
	// correlation whose generate is false: only the outer rule is an
	// alert of its own (see Engine.ReportedCorrelation).
	Reported bool
}

// Stats count the events a correlation could not use.
type Stats struct {
	NoTime     int // events matching a referenced rule without a usable time
	Late       int // entries older than the watermark minus the timespan
	NoGroup    int // entries without a value for some group-by field
	Expired    int // groups dropped because their window passed
	LiveGroups int // groups held now
}

// Engine evaluates correlation rules over base-rule matches. It is not
// safe for concurrent use: events must be added in order by one goroutine.
type Engine struct {
	tsFields  []string
	nodes     []*node              // every correlation, in New's order
	byRule    map[*ir.Rule][]input // consumers of base-rule matches
	generated map[*ir.Rule]bool    // base rules reported on their own
	watermark time.Time
	records   int // record ids handed out
	stats     Stats
}

// input is one (correlation, slot) pair consuming a rule's matches or a
// correlation's hits.
type input struct {
	n    *node
	slot int
}

// New resolves the references of corrs among rules and corrs (by id,
// compared case-insensitively, or by name; the first document wins) and
// returns an engine. Unknown references and reference cycles are errors
// naming the reference's position; correlations in error are left out.
func New(rules []*ir.Rule, corrs []*ir.Correlation, opts Options) (*Engine, ir.ErrorList) {
	e := &Engine{
		tsFields:  opts.TimestampFields,
		byRule:    map[*ir.Rule][]input{},
		generated: map[*ir.Rule]bool{},
	}
	if len(e.tsFields) == 0 {
		e.tsFields = DefaultTimestampFields()
	}
	byRef := map[string]ir.Document{}
	add := func(d ir.Document) {
		m := d.Metadata()
		if id := strings.ToLower(m.ID); id != "" {
			if _, dup := byRef["id:"+id]; !dup {
				byRef["id:"+id] = d
			}
		}
		if m.Name != "" {
			if _, dup := byRef["name:"+m.Name]; !dup {
				byRef["name:"+m.Name] = d
			}
		}
	}
	for _, r := range rules {
		add(r)
	}
	for _, c := range corrs {
		add(c)
	}
	lookup := func(ref string) ir.Document {
		if d, ok := byRef["id:"+strings.ToLower(ref)]; ok {
			return d
		}
		return byRef["name:"+ref]
	}

	var errs ir.ErrorList
	nodes := map[*ir.Correlation]*node{}
	for _, c := range corrs {
		n := newNode(c)
		ok := true
		for i, ref := range c.Rules {
			d := lookup(ref.Ref)
			if d == nil {
				errs.Add(ref.Pos, ir.CodeUnknownReference, "correlation %q refers to unknown rule %q", title(c), ref.Ref)
				ok = false
				continue
			}
			n.slots[i].doc = d
		}
		if ok {
			nodes[c] = n
		}
	}
	// Drop correlations in a reference cycle or depending on a dropped one.
	state := map[*ir.Correlation]int{} // 1 visiting, 2 good, 3 bad
	var visit func(c *ir.Correlation) bool
	visit = func(c *ir.Correlation) bool {
		switch state[c] {
		case 1:
			return false
		case 2:
			return true
		case 3:
			return false
		}
		n := nodes[c]
		if n == nil {
			state[c] = 3
			return false
		}
		state[c] = 1
		good := true
		for i, s := range n.slots {
			if inner, ok := s.doc.(*ir.Correlation); ok && !visit(inner) {
				if state[inner] == 1 || inner == c {
					errs.Add(c.Rules[i].Pos, ir.CodeCorrelation, "correlation %q is part of a reference cycle", title(c))
				}
				good = false
			}
		}
		if good {
			state[c] = 2
			// Post-order: inner correlations come before their consumers,
			// so that Flush closes them first.
			e.nodes = append(e.nodes, n)
		} else {
			state[c] = 3
		}
		return good
	}
	for _, c := range corrs {
		visit(c)
	}
	// Wire consumers; a referenced document is reported on its own only
	// when some referencing correlation has generate: true.
	referenced := map[ir.Document]bool{}
	for _, n := range e.nodes {
		for i, s := range n.slots {
			n.slots[i].fields = n.resolveFields(s.doc)
			referenced[s.doc] = true
			if n.c.Generate {
				switch d := s.doc.(type) {
				case *ir.Rule:
					e.generated[d] = true
				case *ir.Correlation:
					nodes[d].generated = true
				}
			}
			switch d := s.doc.(type) {
			case *ir.Rule:
				e.byRule[d] = append(e.byRule[d], input{n, i})
			case *ir.Correlation:
				inner := nodes[d]
				inner.consumers = append(inner.consumers, input{n, i})
			}
		}
	}
	for _, r := range rules {
		if !referenced[r] {
			e.generated[r] = true
		}
	}
	for _, n := range e.nodes {
		n.reported = !referenced[n.c] || n.generated
	}
	errs.Sort()
	return e, errs
}

// ReportedRule reports whether matches of base rule r are alerts of their
// own: r is referenced by no correlation, or by one with generate: true.
// The specification's default (generate: false) is that only the
// correlation's result is generated.
func (e *Engine) ReportedRule(r *ir.Rule) bool { return e.generated[r] }

// Consumes reports whether some correlation refers to base rule r, i.e.
// whether Add needs the events r matches.
func (e *Engine) Consumes(r *ir.Rule) bool { return len(e.byRule[r]) > 0 }

// Correlations returns the number of correlations the engine evaluates.
func (e *Engine) Correlations() int { return len(e.nodes) }

// Stats returns the counters of events and groups.
func (e *Engine) Stats() Stats {
	s := e.stats
	for _, n := range e.nodes {
		s.LiveGroups += len(n.groups)
	}
	return s
}

// Add feeds one event and the base-rule matches eval found for it, and
// returns the hits it completed (hits of windows that expired before the
// event's time first, in correlation order, then the event's own). ev is
// not retained.
func (e *Engine) Add(ev *eval.Event, ref EventRef, ms []eval.Match) []Hit {
	var consumers []input
	for _, m := range ms {
		consumers = append(consumers, e.byRule[m.Rule]...)
	}
	if len(consumers) == 0 {
		return nil
	}
	t, ok := eventTime(ev, e.tsFields)
	if !ok {
		e.stats.NoTime++
		return nil
	}
	var hits []Hit
	if t.After(e.watermark) {
		e.watermark = t
		hits = e.sweep(hits)
	}
	look := func(name string) (eval.Field, bool) {
		if f := ev.Value(name); f != nil {
			return *f, true
		}
		return eval.Field{}, false
	}
	e.records++
	for _, in := range consumers {
		hits = e.feed(hits, in, record{t: t, id: e.records, refs: []EventRef{ref}, look: look})
	}
	return hits
}

// Flush closes every open window (end of input) and returns the hits of
// the windows evaluated at expiry.
func (e *Engine) Flush() []Hit {
	var hits []Hit
	for _, n := range e.nodes {
		start := len(hits)
		hits = n.expireAll(e, hits)
		hits = e.propagate(hits, start, nil)
	}
	return hits
}

// sweep expires the windows the watermark has passed.
func (e *Engine) sweep(hits []Hit) []Hit {
	for _, n := range e.nodes {
		if e.watermark.Sub(n.lastSweep) < n.span/4 {
			continue
		}
		n.lastSweep = e.watermark
		start := len(hits)
		hits = n.expire(e, hits, e.watermark)
		hits = e.propagate(hits, start, nil)
	}
	return hits
}

// feed passes one record to a consumer and propagates the resulting hits
// to the consumer's own consumers (chaining).
func (e *Engine) feed(hits []Hit, in input, rec record) []Hit {
	start := len(hits)
	hits = in.n.observe(e, hits, in.slot, rec)
	return e.propagate(hits, start, rec.look)
}

// propagate feeds hits[start:] to the consumers of their correlations.
// Field lookups of a hit see its group values first, then (when the hit
// fired on an event's arrival) that event's fields.
func (e *Engine) propagate(hits []Hit, start int, evLook lookupFunc) []Hit {
	for i := start; i < len(hits); i++ {
		h := hits[i]
		n := e.node(h.Correlation)
		if n == nil || len(n.consumers) == 0 {
			continue
		}
		look := hitLookup(n, h, evLook)
		e.records++
		id := e.records
		for _, in := range n.consumers {
			hits = e.feed(hits, in, record{t: h.End, id: id, refs: h.Events, look: look, chained: true})
		}
	}
	return hits
}

func (e *Engine) node(c *ir.Correlation) *node {
	for _, n := range e.nodes {
		if n.c == c {
			return n
		}
	}
	return nil
}

// hitLookup finds fields of a correlation hit: its group-by names, the
// fields they stand for, then evLook.
func hitLookup(n *node, h Hit, evLook lookupFunc) lookupFunc {
	return func(name string) (eval.Field, bool) {
		for i, g := range h.Group {
			if g.Field == name || n.groupFieldNames[i][name] {
				return eval.Field{Key: name, Kind: eval.KindString, Text: g.Value}, true
			}
		}
		if evLook != nil {
			return evLook(name)
		}
		return eval.Field{}, false
	}
}

func groupKey(g []GroupValue) string {
	var b strings.Builder
	for _, v := range g {
		b.WriteString(v.Value)
		b.WriteByte(0)
	}
	return b.String()
}

func title(c *ir.Correlation) string {
	if c.Title != "" {
		return c.Title
	}
	if c.Name != "" {
		return c.Name
	}
	return c.ID
}
