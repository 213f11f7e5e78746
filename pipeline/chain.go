package pipeline

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sigconv/sigconv/ir"
)

// Chain is an ordered list of pipelines applied one after another, as
// pySigma's resolver orders them: by priority (lower first), pipelines of
// equal priority in the order given. A Chain is immutable and safe for
// concurrent use.
type Chain struct {
	pipes  []*Pipeline
	tables map[string]*Table
	// itemIDs and fieldIDs tell whether any item has a
	// processing_item_applied detection item or field name condition;
	// without one, which items applied to which detection items and
	// fields need not be recorded.
	itemIDs, fieldIDs bool
}

// NewChain orders ps by priority (stable) and returns the chain. Nil
// pipelines are skipped. When several pipelines declare a table of the
// same name, the one applied last wins.
func NewChain(ps ...*Pipeline) *Chain {
	c := &Chain{tables: map[string]*Table{}}
	for _, p := range ps {
		if p != nil {
			c.pipes = append(c.pipes, p)
		}
	}
	sort.SliceStable(c.pipes, func(i, j int) bool { return c.pipes[i].Priority < c.pipes[j].Priority })
	for _, p := range c.pipes {
		for _, t := range p.Tables {
			c.tables[t.Name] = t
		}
		for _, it := range p.items {
			c.noteAppliedConds(it)
		}
	}
	return c
}

// noteAppliedConds sets itemIDs and fieldIDs when it (or an item nested in
// it) has processing_item_applied conditions on detection items or field
// names.
func (c *Chain) noteAppliedConds(it *item) {
	for _, d := range it.det.all() {
		if _, ok := d.(*appliedCond); ok {
			c.itemIDs = true
		}
	}
	for _, f := range it.field.all() {
		if _, ok := f.(*appliedCond); ok {
			c.fieldIDs = true
		}
	}
	if n, ok := it.t.(*nest); ok {
		for _, sub := range n.items {
			c.noteAppliedConds(sub)
		}
	}
}

// Pipelines returns the chain's pipelines in application order.
func (c *Chain) Pipelines() []*Pipeline { return append([]*Pipeline(nil), c.pipes...) }

// Table returns the table of the given name declared by any pipeline of the
// chain, or nil.
func (c *Chain) Table(name string) *Table { return c.tables[name] }

// applyState is the processing state of one rule going through a chain.
type applyState struct {
	chain *Chain
	rule  *ir.Rule        // the copy being rewritten, or nil for a correlation
	corr  *ir.Correlation // the correlation copy, or nil for a rule
	refs  []*ir.Rule      // rules a correlation refers to (for logsource conditions)
	res   *Result
	cur   *item // item being applied

	ruleApplied  map[string]bool
	itemApplied  map[itemID]bool // (detection item, processing item id) pairs
	fieldApplied map[string]map[string]bool
	track        map[*ir.Item]*fieldTrack
	condSeq      int
	notes        []string
	logsource    bool
	// verbose asks transformations to describe their changes (explain).
	verbose bool
	// ruleMatch evaluates one rule condition on this state; made once per
	// rule so that evaluating conditions does not allocate.
	ruleMatch func(ruleCondition) bool
}

// fieldTrack follows one detection item's field from the input rule.
type fieldTrack struct {
	orig   string // field name in the input rule
	mapped bool   // a field name mapping changed or confirmed it
	by     []string
}

func (s *applyState) meta() *ir.Meta {
	if s.rule != nil {
		return &s.rule.Meta
	}
	return &s.corr.Meta
}

// note records what the current item changed, for Result.Applied.
func (s *applyState) note(format string, args ...any) {
	s.notes = append(s.notes, fmt.Sprintf(format, args...))
}

// itemID is the current item's id, or a generated one naming its position.
func (it *item) label() string {
	if it.id != "" {
		return it.id
	}
	return it.typ + "@" + it.pos.String()
}

// Apply runs every pipeline of the chain on a copy of r and returns the
// result. Result.Applied lists the items that applied; their Detail is
// filled only by Explain, which describes every change. r is never modified. An error is an *ir.Error naming the rule or
// detection item (rule_failure, detection_item_failure, ...) or the
// pipeline item that failed.
func (c *Chain) Apply(r *ir.Rule) (*Result, error) {
	return c.apply(r, false)
}

// apply is Apply; verbose fills Applied.Detail (explain output).
func (c *Chain) apply(r *ir.Rule, verbose bool) (*Result, error) {
	s := c.newState()
	s.verbose = verbose
	s.rule = ir.RewriteCopy(r)
	s.res.Rule = s.rule
	n := 0
	ir.WalkItems(s.rule.Detection, func(_ *ir.Search, _ *ir.Group, it *ir.Item) bool {
		n++
		return true
	})
	tracks := make([]fieldTrack, 0, n)
	s.track = make(map[*ir.Item]*fieldTrack, n)
	var orig []string // the rule's field names, in order (ir.FieldNames)
	ir.WalkItems(s.rule.Detection, func(_ *ir.Search, _ *ir.Group, it *ir.Item) bool {
		if it.Field != "" {
			tracks = append(tracks, fieldTrack{orig: it.Field})
			s.track[it] = &tracks[len(tracks)-1]
			if !contains(orig, it.Field) {
				orig = append(orig, it.Field)
			}
		}
		return true
	})
	if err := s.run(); err != nil {
		return nil, err
	}
	s.res.Fields = s.fieldMappings(orig)
	s.res.LogsourceMapped = s.logsource
	return s.res, nil
}

// CorrelationResult is a correlation rule after the chain was applied.
type CorrelationResult struct {
	Correlation *ir.Correlation // rewritten copy; the input is never modified
	State       map[string]any  // processing state (set_state)
	Applied     []Applied       // processing items that applied
}

// ApplyCorrelation runs the chain on a copy of c: field name
// transformations rewrite group-by fields, alias fields and the condition
// field; rule conditions see the correlation (is_sigma_correlation_rule,
// rule_attribute, tag, ...), and logsource conditions match when any of
// refs (the referenced rules, optional) matches.
func (c *Chain) ApplyCorrelation(corr *ir.Correlation, refs ...*ir.Rule) (*CorrelationResult, error) {
	s := c.newState()
	s.corr = ir.CloneCorrelation(corr)
	s.refs = refs
	if err := s.run(); err != nil {
		return nil, err
	}
	return &CorrelationResult{Correlation: s.corr, State: s.res.State, Applied: s.res.Applied}, nil
}

func (c *Chain) newState() *applyState {
	s := &applyState{
		chain:        c,
		res:          &Result{State: map[string]any{}, Applied: make([]Applied, 0, 8)},
		ruleApplied:  map[string]bool{},
		itemApplied:  map[itemID]bool{},
		fieldApplied: map[string]map[string]bool{},
		track:        map[*ir.Item]*fieldTrack{},
	}
	s.ruleMatch = func(c ruleCondition) bool { return c.matchRule(s) }
	return s
}

func (s *applyState) run() error {
	for _, p := range s.chain.pipes {
		for _, it := range p.items {
			if err := s.applyItem(it); err != nil {
				return err
			}
		}
		for _, pi := range p.post {
			pi.collect(s, &s.res.Postprocess)
		}
	}
	return nil
}

// applyItem applies one transformation item when its rule conditions match.
func (s *applyState) applyItem(it *item) error {
	if !it.rule.eval(s.ruleMatch) {
		return nil
	}
	prev, prevNotes := s.cur, s.notes
	s.cur, s.notes = it, nil
	err := it.t.apply(s, it)
	notes := s.notes
	s.cur, s.notes = prev, prevNotes
	if err != nil {
		return err
	}
	if it.id != "" {
		s.ruleApplied[it.id] = true
	}
	if it.logsource {
		s.logsource = true
	}
	s.res.Applied = append(s.res.Applied, Applied{
		ID: it.id, Type: it.typ, Pipeline: it.pipe.Name, Detail: strings.Join(notes, "; "), Pos: it.pos,
	})
	return nil
}

// matchDetectionItem evaluates the item's detection item and field name
// conditions on a detection item.
func (s *applyState) matchDetectionItem(it *item, d *ir.Item) bool {
	// Most items have no such conditions: skip making the closures.
	return (it.det.empty() || it.det.eval(func(c itemCondition) bool { return c.matchItem(s, d) })) &&
		(it.field.empty() || it.field.eval(func(c fieldCondition) bool { return c.matchField(s, d.Field) }))
}

// matchFieldName evaluates the item's field name conditions on a name
// outside detection items (fields list, correlation fields).
func (s *applyState) matchFieldName(it *item, name string) bool {
	return it.field.eval(func(c fieldCondition) bool { return c.matchField(s, name) })
}

// markItem records that the current item applied to detection item d.
func (s *applyState) markItem(d *ir.Item) {
	if s.cur == nil || s.cur.id == "" || !s.chain.itemIDs {
		return
	}
	s.itemApplied[itemID{d, s.cur.id}] = true
}

// itemID names a processing item applied to a detection item.
type itemID struct {
	item *ir.Item
	id   string
}

// derive makes n inherit d's tracking (applied ids, field origin).
func (s *applyState) derive(d, n *ir.Item) {
	if d == n {
		return
	}
	for k := range s.itemApplied {
		if k.item == d {
			s.itemApplied[itemID{n, k.id}] = true
		}
	}
	if t := s.track[d]; t != nil {
		c := *t
		c.by = append([]string(nil), t.by...)
		s.track[n] = &c
	}
}

// rewriteItems replaces every detection item by alternatives: fn returns
// nil to keep the item, or a list of alternatives (OR), each an AND-list of
// items that takes the item's place in its group. Groups are multiplied
// out so that the result stays an OR of AND-groups. Searches and groups
// in which fn keeps every item are left as they are, without copying.
func (s *applyState) rewriteItems(fn func(d *ir.Item) ([][]*ir.Item, error)) error {
	if s.rule == nil || s.rule.Detection == nil {
		return nil
	}
	for _, sr := range s.rule.Detection.Searches {
		var groups []*ir.Group // nil until an item of the search changes
		for gi, g := range sr.Groups {
			// partial holds the AND-rows the group has become so far; nil
			// while every item was kept.
			var partial [][]*ir.Item
			for j, d := range g.Items {
				alts, err := fn(d)
				if err != nil {
					return err
				}
				if alts == nil {
					for k := range partial {
						partial[k] = append(partial[k], d)
					}
					continue
				}
				if partial == nil {
					partial = [][]*ir.Item{append(make([]*ir.Item, 0, len(g.Items)), g.Items[:j]...)}
				}
				if len(partial)*len(alts) > ir.MaxExpansions {
					return ir.Errorf(d.Pos, ir.CodeLimit, "pipeline item %s: search %s expands into more than %d alternatives", s.cur.label(), sr.Name, ir.MaxExpansions)
				}
				next := make([][]*ir.Item, 0, len(partial)*len(alts))
				for _, p := range partial {
					for _, a := range alts {
						row := make([]*ir.Item, 0, len(p)+len(a)+len(g.Items)-j-1)
						row = append(append(row, p...), a...)
						next = append(next, row)
					}
				}
				partial = next
			}
			if partial == nil {
				if groups != nil {
					groups = append(groups, g)
				}
				continue
			}
			if groups == nil {
				groups = append(make([]*ir.Group, 0, len(sr.Groups)+len(partial)-1), sr.Groups[:gi]...)
			}
			for i, p := range partial {
				items := p
				if len(partial) > 1 && i > 0 {
					// Items shared between multiplied groups are copied so
					// that later transformations see separate nodes.
					items = make([]*ir.Item, len(p))
					for j, d := range p {
						items[j] = ir.CloneItem(d)
						s.derive(d, items[j])
					}
				}
				groups = append(groups, &ir.Group{Pos: g.Pos, Items: items})
			}
		}
		if groups != nil {
			sr.Groups = groups
		}
	}
	return nil
}

// fieldMappings summarises, per field of the input rule, what it became.
func (s *applyState) fieldMappings(orig []string) []FieldMapping {
	out := make([]FieldMapping, len(orig))
	for i, f := range orig {
		out[i] = FieldMapping{Field: f, Dropped: true}
	}
	ir.WalkItems(s.rule.Detection, func(_ *ir.Search, _ *ir.Group, d *ir.Item) bool {
		t := s.track[d]
		if t == nil {
			return true
		}
		i := index(orig, t.orig)
		if i < 0 {
			return true
		}
		fm := &out[i]
		fm.Dropped = false
		if t.mapped {
			fm.Mapped = true
		}
		if d.Field != "" && !contains(fm.Target, d.Field) {
			fm.Target = append(fm.Target, d.Field)
		}
		for _, b := range t.by {
			if !contains(fm.By, b) {
				fm.By = append(fm.By, b)
			}
		}
		return true
	})
	return out
}

func contains(list []string, s string) bool { return index(list, s) >= 0 }

// index returns the position of s in list, or -1. Rules name few fields,
// so a scan beats a map.
func index(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
