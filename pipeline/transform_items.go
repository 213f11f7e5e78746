package pipeline

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
	"gopkg.in/yaml.v3"
)

func (l *loader) itemTransformation(typ string, p *params) (transformation, bool) {
	switch typ {
	case "drop_detection_item":
		return dropItem{}, true
	case "detection_item_failure":
		return &itemFailure{msg: p.reqStr("message")}, true
	case "strict_field_mapping_failure":
		return strictMapping{}, true
	case "hashes_fields":
		h := &hashesFields{algos: p.strs("valid_hash_algos"), prefix: p.str("field_prefix"), dropAlgo: p.boolean("drop_algo_prefix")}
		if !p.has("valid_hash_algos") {
			p.require("valid_hash_algos")
		}
		for i, a := range h.algos {
			h.algos[i] = strings.ToUpper(a)
		}
		return h, true
	case "replace_detection_item":
		r := &replaceItem{field: p.reqStr("field")}
		if p.has("value") {
			r.hasValue = true
			r.value = valueParam(p, "value", false)
		}
		n := p.require("replacement")
		if n != nil {
			items, errs := parseItems(l.file, n)
			l.errs = append(l.errs, errs...)
			r.replacement = items
		}
		return r, true
	case "regex":
		m := p.str("method")
		switch m {
		case "":
			m = "ignore_case_brackets"
		case "plain", "ignore_case_flag", "ignore_case_brackets":
		default:
			l.errorf(p.get("method"), "regex: method must be plain, ignore_case_flag or ignore_case_brackets, not %q", m)
		}
		return regexTransform(m), true
	}
	return nil, false
}

// dropItem is drop_detection_item. A group whose items are all dropped is
// an empty AND and matches every event, as in pySigma.
type dropItem struct{}

func (dropItem) apply(s *applyState, it *item) error {
	return s.rewriteItems(func(d *ir.Item) ([][]*ir.Item, error) {
		if !s.matchDetectionItem(it, d) {
			return nil, nil
		}
		if s.verbose {
			s.note("dropped %s (%s)", fieldLabel(d), d.Pos)
		}
		return [][]*ir.Item{{}}, nil
	})
}

// itemFailure is detection_item_failure.
type itemFailure struct{ msg string }

func (t *itemFailure) apply(s *applyState, it *item) error {
	var err error
	ir.WalkItems(ruleDetection(s), func(_ *ir.Search, _ *ir.Group, d *ir.Item) bool {
		if s.matchDetectionItem(it, d) {
			err = refusal(d.Pos, ir.CodeUnsupported, t.msg)
			return false
		}
		return true
	})
	return err
}

func ruleDetection(s *applyState) *ir.Detection {
	if s.rule == nil {
		return nil
	}
	return s.rule.Detection
}

// strictMapping is strict_field_mapping_failure: the rule is refused when
// fields of the input rule were not touched by any field name mapping so
// far; the error lists them all, at the first one's position. Items added
// by the pipelines themselves (add_condition) are not checked.
type strictMapping struct{}

func (strictMapping) apply(s *applyState, it *item) error {
	var fields []string
	var pos ir.Pos
	ir.WalkItems(ruleDetection(s), func(_ *ir.Search, _ *ir.Group, d *ir.Item) bool {
		tr := s.track[d]
		if d.Field == "" || tr == nil || tr.mapped || !s.matchDetectionItem(it, d) {
			return true
		}
		if len(fields) == 0 {
			pos = d.Pos
		}
		if !contains(fields, d.Field) {
			fields = append(fields, d.Field)
		}
		return true
	})
	if len(fields) == 0 {
		return nil
	}
	return refusal(pos, ir.CodeUnmappedField, "the following fields are not mapped: "+strings.Join(fields, ", "))
}

// hashesFields is hashes_fields: a Hashes item with values like
// "SHA256=ABC…" becomes an OR of one item per algorithm, named
// field_prefix + algorithm (or field_prefix alone with drop_algo_prefix).
// Values without an algorithm are recognised by length (32 MD5, 40 SHA1,
// 64 SHA256, 128 SHA512); values naming no valid algorithm are dropped, and
// an item with no hash value at all is left unchanged.
type hashesFields struct {
	algos    []string
	prefix   string
	dropAlgo bool
}

var hashLengths = map[int]string{32: "MD5", 40: "SHA1", 64: "SHA256", 128: "SHA512"}

func (t *hashesFields) apply(s *applyState, it *item) error {
	return s.rewriteItems(func(d *ir.Item) ([][]*ir.Item, error) {
		if d.Field == "" || !s.matchDetectionItem(it, d) {
			return nil, nil
		}
		var order []string
		byField := map[string][]ir.Value{}
		for _, v := range d.Values {
			str, ok := v.(*ir.String)
			if !ok {
				return nil, nil
			}
			text := str.Sigma()
			var algo, hash string
			if i := strings.IndexAny(text, "|="); i >= 0 {
				algo, hash = strings.ToUpper(strings.TrimLeft(text[:i], "*")), text[i+1:]
			} else {
				hash, algo = text, hashLengths[len(text)]
			}
			if !contains(t.algos, algo) {
				continue
			}
			f := t.prefix
			if !t.dropAlgo {
				f += algo
			}
			if _, ok := byField[f]; !ok {
				order = append(order, f)
			}
			byField[f] = append(byField[f], parseSigmaString(str.Pos, hash, false))
		}
		if len(order) == 0 {
			// pySigma raises here; sigconv leaves items that hold no hash
			// (e.g. Image when the item has no field name condition) alone,
			// so a Hashes item it cannot split stays visible as unmapped.
			return nil, nil
		}
		alts := make([][]*ir.Item, len(order))
		for i, f := range order {
			// A new item with d's modifiers and match (never modified in
			// place) and its own values: copying d's values first, as
			// CloneItem would, costs much for rules with thousands of
			// hashes.
			c := &ir.Item{Pos: d.Pos, Field: f, Modifiers: shared(d.Modifiers), Match: d.Match, Values: byField[f]}
			c.Match.Encodings = shared(d.Match.Encodings)
			s.derive(d, c)
			s.trackField(c, d.Field, []string{f})
			s.markItem(c)
			alts[i] = []*ir.Item{c}
		}
		if s.verbose {
			s.note("%s → %s (%s)", d.Field, strings.Join(order, " | "), d.Pos)
		}
		return alts, nil
	})
}

// shared returns list for sharing between items: nil when empty (as a
// copy would be), else capped at its length so that an append copies it.
func shared[T any](list []T) []T {
	if len(list) == 0 {
		return nil
	}
	return list[:len(list):len(list)]
}

// replaceItem is sigconv's replace_detection_item: each item on field (whose
// values all equal value, when given) becomes the AND of the replacement
// items.
type replaceItem struct {
	field       string
	hasValue    bool
	value       any
	replacement []*ir.Item
}

func (t *replaceItem) apply(s *applyState, it *item) error {
	return s.rewriteItems(func(d *ir.Item) ([][]*ir.Item, error) {
		if d.Field != t.field || !s.matchDetectionItem(it, d) {
			return nil, nil
		}
		if t.hasValue {
			for _, v := range d.Values {
				if !valueEquals(v, t.value) && !looseEquals(v, t.value) {
					return nil, nil
				}
			}
		}
		repl := make([]*ir.Item, len(t.replacement))
		names := make([]string, len(t.replacement))
		for i, r := range t.replacement {
			c := ir.CloneItem(r)
			s.markItem(c)
			if tr := s.track[d]; tr != nil {
				s.track[c] = &fieldTrack{orig: tr.orig, mapped: true, by: append(append([]string(nil), tr.by...), s.cur.label())}
			}
			repl[i] = c
			if s.verbose {
				names[i] = fieldLabel(c) + " " + valuesText(c.Values)
			}
		}
		if s.verbose {
			s.note("%s %s → %s (%s)", d.Field, valuesText(d.Values), strings.Join(names, " and "), d.Pos)
		}
		return [][]*ir.Item{repl}, nil
	})
}

// looseEquals compares by text, so that value: 'true' matches a rule's
// Initiated: 'true' string and value: true its boolean.
func looseEquals(v ir.Value, want any) bool {
	w := fmt.Sprint(want)
	switch v := v.(type) {
	case *ir.String:
		return v.IsPlain() && strings.EqualFold(v.Literal(), w)
	case *ir.Number:
		return v.Raw == w
	case *ir.Bool:
		return fmt.Sprint(v.Value) == strings.ToLower(w)
	}
	return false
}

// regexTransform is regex: string comparisons become regular expressions.
// The item's operator is folded in (equality anchors both ends, startswith
// the start, endswith the end), wildcards become .* and ., and the method
// chooses how case-insensitivity is kept: [aA] brackets, the i flag, or
// plain (case-sensitive, as in pySigma). Items with encodings,
// placeholders, non-string values or other operators are left unchanged.
type regexTransform string

func (t regexTransform) apply(s *applyState, it *item) error {
	ir.WalkItems(ruleDetection(s), func(_ *ir.Search, _ *ir.Group, d *ir.Item) bool {
		if !s.matchDetectionItem(it, d) || len(d.Match.Encodings) > 0 || d.Match.TimePart != ir.TimeNone {
			return true
		}
		var pre, post string
		switch d.Match.Op {
		case ir.OpEqual:
			pre, post = "^", "$"
		case ir.OpContains:
		case ir.OpStartsWith:
			pre = "^"
		case ir.OpEndsWith:
			post = "$"
		default:
			return true
		}
		vals := make([]ir.Value, len(d.Values))
		for i, v := range d.Values {
			str, ok := v.(*ir.String)
			if !ok || str.HasPlaceholders() {
				return true
			}
			var b strings.Builder
			b.WriteString(pre)
			for _, p := range str.Parts {
				switch p.Kind {
				case ir.PartLit:
					for _, r := range p.Text {
						if string(t) == "ignore_case_brackets" && !d.Match.Cased && unicode.ToLower(r) != unicode.ToUpper(r) {
							fmt.Fprintf(&b, "[%c%c]", unicode.ToLower(r), unicode.ToUpper(r))
						} else {
							b.WriteString(regexp.QuoteMeta(string(r)))
						}
					}
				case ir.PartWildMany:
					b.WriteString(".*")
				case ir.PartWildOne:
					b.WriteString(".")
				}
			}
			b.WriteString(post)
			vals[i] = ir.Lit(str.Pos, b.String())
		}
		if s.verbose {
			s.note("%s %s → regex %s (%s)", fieldLabel(d), valuesText(d.Values), valuesText(vals), d.Pos)
		}
		d.Values = vals
		d.Match.Op = ir.OpRegex
		if string(t) == "ignore_case_flag" && !d.Match.Cased {
			d.Match.Regex.IgnoreCase = true
		}
		if string(t) == "plain" || d.Match.Cased {
			d.Match.Cased = true
		}
		s.markItem(d)
		return true
	})
	return nil
}

// parseItems reads a search mapping (field|mods: value(s)) into AND-ed
// detection items with the rule parser's item reader, so that modifiers
// mean exactly what they mean in rules.
func parseItems(file string, n *yaml.Node) ([]*ir.Item, ir.ErrorList) {
	return parser.ParseItems(file, n)
}
