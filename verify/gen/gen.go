package gen

import (
	"encoding/json"
	"math/bits"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/verify/interp"
)

// KeywordField is the field generated events put keyword (field-less) values in.
const KeywordField = "Message"

// Options bound the generator's output.
type Options struct {
	// Max is the largest number of events returned for one rule; 0 means 400.
	Max int
}

// Generate returns events for rule (its detection after pipelines, so field names are the
// target's). The result is deterministic and free of duplicates.
func Generate(rule *ir.Rule, opts Options) []interp.Event {
	if opts.Max <= 0 {
		opts.Max = 400
	}
	g := &generator{seen: map[string]bool{}, max: opts.Max}
	if rule == nil || rule.Detection == nil {
		return nil
	}
	det := rule.Detection
	// Events satisfying the condition: for assignments of truth values to the searches that
	// make the condition true, the true searches' groups are made to hold.
	var matching []interp.Event
	holds := map[*ir.Item]interp.Event{} // for each item, the first starting event built on it
	hold := func(it *ir.Item, ev interp.Event) {
		if _, ok := holds[it]; !ok {
			holds[it] = ev
		}
	}
	for _, mask := range satisfying(det, 16) {
		for alt := 0; alt < 4; alt++ {
			ev, used := interp.Event{}, false
			var set []*ir.Item
			for i, s := range det.Searches {
				if mask&(1<<i) == 0 || len(s.Groups) == 0 {
					continue
				}
				gi := 0
				if alt < len(s.Groups) {
					gi, used = alt, used || alt > 0
				}
				for _, it := range s.Groups[gi].Items {
					if _, taken := ev[fieldOf(it)]; !taken {
						positive(ev, it, 0)
						set = append(set, it)
					} else if merge(ev, it) {
						set = append(set, it)
					}
				}
			}
			if alt > 0 && !used {
				break
			}
			matching = append(matching, ev)
			for _, it := range set {
				hold(it, ev)
			}
		}
	}
	// One event per group, and one satisfying the first group of every search.
	var bases []interp.Event
	all := interp.Event{}
	for _, s := range det.Searches {
		for gi, grp := range s.Groups {
			ev := interp.Event{}
			for _, it := range grp.Items {
				positive(ev, it, 0)
			}
			bases = append(bases, ev)
			for _, it := range grp.Items {
				hold(it, ev) // matching events, registered first, take precedence
			}
			if gi == 0 {
				for k, v := range ev {
					if _, ok := all[k]; !ok {
						all[k] = v
					}
				}
			}
		}
	}
	for _, ev := range matching {
		g.add(ev)
	}
	g.add(all)
	for _, b := range bases {
		g.add(b)
	}
	g.add(interp.Event{"Unrelated": "zzz"})
	starts := append(append(matching, all), bases...)
	var items []*ir.Item
	for _, s := range det.Searches {
		for _, grp := range s.Groups {
			items = append(items, grp.Items...)
		}
	}
	home := func(it *ir.Item) interp.Event {
		if ev, ok := holds[it]; ok {
			return ev
		}
		return starts[0]
	}
	// Every other value of each item, on the first starting event built on it.
	for _, it := range items {
		for vi := 1; vi < len(it.Values) && vi < 8; vi++ {
			ev := clone(home(it))
			positive(ev, it, vi)
			g.add(ev)
		}
	}
	// Variations of each item's field: first around the first starting event built on it
	// (so that every item is probed before the cap), then around every starting event.
	for _, it := range items {
		for _, ev := range variants(home(it), it) {
			g.add(ev)
		}
	}
	for _, base := range starts {
		for _, s := range det.Searches {
			for _, grp := range s.Groups {
				for _, it := range grp.Items {
					for _, ev := range variants(base, it) {
						g.add(ev)
					}
				}
			}
		}
	}
	return g.out
}

// satisfying returns up to max assignments of truth values to the detection's searches (bit
// i for search i) under which the condition holds, fewest true searches first. Detections
// with more than 12 searches get none (the other starting events still cover them).
func satisfying(det *ir.Detection, max int) []uint32 {
	n := len(det.Searches)
	cond := det.Condition()
	if n > 12 || cond == nil {
		return nil
	}
	index := map[string]int{}
	for i, s := range det.Searches {
		index[s.Name] = i
	}
	var masks []uint32
	for m := uint32(0); m < 1<<n; m++ {
		if holds(cond, det, index, m) {
			masks = append(masks, m)
		}
	}
	sort.SliceStable(masks, func(i, j int) bool { return bits.OnesCount32(masks[i]) < bits.OnesCount32(masks[j]) })
	if len(masks) > max {
		masks = masks[:max]
	}
	return masks
}

// holds evaluates a condition under an assignment of truth values to searches.
func holds(c ir.Cond, det *ir.Detection, index map[string]int, m uint32) bool {
	switch c := c.(type) {
	case *ir.And:
		for _, t := range c.Terms {
			if !holds(t, det, index, m) {
				return false
			}
		}
		return true
	case *ir.Or:
		for _, t := range c.Terms {
			if holds(t, det, index, m) {
				return true
			}
		}
		return false
	case *ir.Not:
		return !holds(c.X, det, index, m)
	case *ir.Ref:
		return m&(1<<index[c.Name]) != 0
	case *ir.Quantified:
		ss := det.Match(c.Pattern, c.Them)
		if len(ss) == 0 {
			return false
		}
		for _, s := range ss {
			on := m&(1<<index[s.Name]) != 0
			if c.All && !on {
				return false
			}
			if !c.All && on {
				return true
			}
		}
		return c.All
	}
	return false
}

type generator struct {
	seen map[string]bool
	out  []interp.Event
	max  int
}

func (g *generator) add(ev interp.Event) {
	if len(g.out) >= g.max {
		return
	}
	b, err := json.Marshal(map[string]any(ev)) // map keys are sorted: a canonical form
	if err != nil || g.seen[string(b)] {
		return
	}
	g.seen[string(b)] = true
	g.out = append(g.out, ev)
}

func clone(ev interp.Event) interp.Event {
	out := make(interp.Event, len(ev)+1)
	for k, v := range ev {
		out[k] = v
	}
	return out
}

func fieldOf(it *ir.Item) string {
	if it.Field == "" {
		return KeywordField
	}
	return it.Field
}

// positive sets the fields an item tests so that its value number vi holds.
func positive(ev interp.Event, it *ir.Item, vi int) {
	f := fieldOf(it)
	if len(it.Values) == 0 {
		return
	}
	if vi >= len(it.Values) {
		vi = 0
	}
	m := it.Match
	if m.All {
		// Every value must hold: concatenate samples (contains-style ops).
		var parts []string
		for _, v := range it.Values {
			if s, ok := sample(it, v); ok {
				if str, isStr := s.(string); isStr {
					parts = append(parts, str)
				}
			}
		}
		ev[f] = strings.Join(parts, " ")
		return
	}
	v := it.Values[vi]
	if m.Op == ir.OpExists {
		if b, ok := v.(*ir.Bool); ok && !b.Value {
			delete(ev, f)
		} else {
			ev[f] = "present"
		}
		return
	}
	if m.FieldRef {
		if s, ok := v.(*ir.String); ok {
			ev[s.Literal()] = "sameValue"
			ev[f] = "sameValue"
			if m.Negate {
				ev[f] = "otherValue"
			}
		}
		return
	}
	if m.Negate {
		ev[f] = "sigconvOther"
		return
	}
	if _, ok := v.(*ir.Null); ok {
		delete(ev, f)
		return
	}
	if s, ok := sample(it, v); ok {
		ev[f] = s
	}
}

// merge makes an event's string value on the item's field also satisfy a contains,
// startswith or endswith item (several searches often test the same field, e.g. a command
// line containing two words): the sample goes between the "pre " and " post" that wrap adds.
func merge(ev interp.Event, it *ir.Item) bool {
	f := fieldOf(it)
	cur, ok := ev[f].(string)
	if !ok || len(it.Values) == 0 || it.Match.Negate || it.Match.All || len(it.Match.Encodings) > 0 {
		return false
	}
	v, ok := it.Values[0].(*ir.String)
	if !ok {
		return false
	}
	add := fill(v, "x", "")
	switch it.Match.Op {
	case ir.OpContains:
		switch {
		case strings.HasSuffix(cur, " post"):
			ev[f] = strings.TrimSuffix(cur, " post") + " " + add + " post"
		case strings.HasPrefix(cur, "pre "):
			ev[f] = "pre " + add + " " + strings.TrimPrefix(cur, "pre ")
		default:
			return false
		}
	case ir.OpEndsWith:
		if !strings.HasSuffix(cur, " post") {
			return false
		}
		ev[f] = strings.TrimSuffix(cur, " post") + " " + add
	case ir.OpStartsWith:
		if !strings.HasPrefix(cur, "pre ") {
			return false
		}
		ev[f] = add + " " + strings.TrimPrefix(cur, "pre ")
	default:
		return false
	}
	return true
}

// sample returns an event value satisfying one item value.
func sample(it *ir.Item, v ir.Value) (any, bool) {
	m := it.Match
	switch v := v.(type) {
	case *ir.Number:
		switch m.Op {
		case ir.OpLT:
			return v.Float - 1, true
		case ir.OpGT:
			return v.Float + 1, true
		}
		if m.TimePart != ir.TimeNone {
			return nil, false
		}
		if m.Op == ir.OpEqual {
			return v.Float, true
		}
		return wrap(m.Op, v.Raw), true
	case *ir.Bool:
		return v.Value, true
	case *ir.Null:
		return nil, true
	case *ir.String:
		switch m.Op {
		case ir.OpRegex:
			return RegexSample(v.Raw, m.Regex.IgnoreCase), true
		case ir.OpCIDR:
			p, err := netip.ParsePrefix(v.Literal())
			if err != nil {
				return nil, false
			}
			return p.Masked().Addr().Next().String(), true
		}
		s := fill(v, "x", "")
		if len(m.Encodings) > 0 && v.IsPlain() {
			if enc, err := ir.Encode(v, m.Encodings); err == nil && len(enc) > 0 {
				s = fill(enc[len(enc)-1], "x", "")
			}
		}
		return wrap(m.Op, s), true
	}
	return nil, false
}

// wrap adds the text the op implies around a sample.
func wrap(op ir.Op, s string) string {
	switch op {
	case ir.OpContains:
		return "pre " + s + " post"
	case ir.OpStartsWith:
		return s + " post"
	case ir.OpEndsWith:
		return "pre " + s
	}
	return s
}

// fill renders a pattern with one for each ? and many for each *.
func fill(v *ir.String, one, many string) string {
	var b strings.Builder
	for _, p := range v.Parts {
		switch p.Kind {
		case ir.PartLit:
			b.WriteString(p.Text)
		case ir.PartWildOne:
			b.WriteString(one)
		case ir.PartWildMany:
			b.WriteString(many)
		case ir.PartPlaceholder:
			b.WriteString("placeholder")
		}
	}
	return b.String()
}

// variants returns variations of base on the item's field.
func variants(base interp.Event, it *ir.Item) []interp.Event {
	f := fieldOf(it)
	var out []interp.Event
	set := func(v any) {
		ev := clone(base)
		ev[f] = v
		out = append(out, ev)
	}
	del := clone(base)
	delete(del, f)
	out = append(out, del)
	set(nil)
	set("")
	set([]any{"sigconvOther"})
	cur, has := base[f]
	if !has {
		cur = nil
		if len(it.Values) > 0 {
			if v, ok := sample(it, it.Values[0]); ok {
				cur = v
			}
		}
	}
	switch c := cur.(type) {
	case string:
		for _, s := range stringVariants(c) {
			set(s)
		}
		if f, err := strconv.ParseFloat(c, 64); err == nil {
			set(f) // a number written as a string in the rule, as a JSON number
		}
		set([]any{"sigconvOther", c})
		set([]any{c, "sigconvOther"})
		if it.Match.FieldRef && len(it.Values) > 0 {
			if s, ok := it.Values[0].(*ir.String); ok {
				ev := clone(base)
				ev[s.Literal()] = strings.ToUpper(c)
				out = append(out, ev)
			}
		}
	case float64:
		set(trimFloat(c))
		set(c + 1)
		set(c - 1)
		set([]any{c, 0.5})
	case bool:
		if c {
			set("true")
			set("True")
		} else {
			set("false")
		}
		set(!c)
	}
	// Near misses around the pattern's wildcards.
	for _, v := range it.Values {
		s, ok := v.(*ir.String)
		if !ok || it.Match.Op == ir.OpRegex || it.Match.Op == ir.OpCIDR || len(it.Match.Encodings) > 0 {
			continue
		}
		for _, w := range []struct{ one, many string }{{"", ""}, {"xy", "y"}, {"?", "*"}, {"x", "a*b"}, {"X", "\\"}} {
			set(wrap(it.Match.Op, fill(s, w.one, w.many)))
		}
		if s.HasWildcards() {
			set(s.Raw)
		}
		if len(out) > 60 {
			break
		}
	}
	return out
}

// stringVariants returns case variants and near misses of s.
func stringVariants(s string) []string {
	out := []string{strings.ToUpper(s), strings.ToLower(s), swapCase(s)}
	if s != "" {
		r := []rune(s)
		out = append(out, string(r[1:]), string(r[:len(r)-1]), "a"+s, s+"a", " "+s, s+"\n", strings.ReplaceAll(s, `\`, `/`))
	}
	sort.Strings(out)
	return out
}

func swapCase(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i%2 == 0 {
			b.WriteString(strings.ToUpper(string(r)))
		} else {
			b.WriteString(strings.ToLower(string(r)))
		}
	}
	return b.String()
}

func trimFloat(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}
