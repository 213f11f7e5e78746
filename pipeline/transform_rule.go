package pipeline

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sigconv/sigconv/ir"
)

func (l *loader) ruleTransformation(typ string, p *params, pipe *Pipeline) (transformation, bool) {
	switch typ {
	case "add_condition":
		t := &addCondition{name: p.str("name"), template: p.boolean("template"), negated: p.boolean("negated")}
		if n := p.require("conditions"); n != nil {
			items, errs := parseItems(l.file, n)
			l.errs = append(l.errs, errs...)
			t.items = items
		}
		return t, true
	case "change_logsource":
		return &changeLogsource{category: p.str("category"), product: p.str("product"), service: p.str("service")}, true
	case "set_state":
		key := p.reqStr("key")
		n := p.require("val")
		v := plain(n)
		if list, ok := v.([]any); ok {
			strs := make([]string, len(list))
			for i, x := range list {
				strs[i] = fmt.Sprint(x)
			}
			v = strs
		}
		if key == StateTable {
			if _, ok := v.(string); !ok {
				l.errorf(n, "set_state: table must be a table name")
			}
		}
		return &setState{key: key, val: v}, true
	case "add_field":
		return &fieldsList{op: "add", fields: l.fieldParam(p, "field")}, true
	case "remove_field":
		return &fieldsList{op: "remove", fields: l.fieldParam(p, "field")}, true
	case "set_field":
		return &fieldsList{op: "set", fields: l.fieldParam(p, "fields")}, true
	case "rule_failure":
		return &ruleFailure{msg: p.reqStr("message")}, true
	case "set_custom_attribute":
		return &customAttr{key: p.reqStr("attribute"), val: plain(p.require("value"))}, true
	case "nest":
		n := &nest{}
		items, _ := l.sequence(p.require("items"), "nest items", false)
		for _, in := range items {
			if it := l.item(pipe, in); it != nil {
				n.items = append(n.items, it)
			}
		}
		return n, true
	}
	return nil, false
}

func (l *loader) fieldParam(p *params, name string) []string {
	n := p.require(name)
	s, _ := l.strs(n, p.what+" parameter "+name)
	return s
}

// addCondition is add_condition: a new search (named name, or _cond<n>)
// holding the items is AND-ed with the rule's condition (AND NOT with
// negated). With template, $category, $product and $service in values are
// replaced by the rule's log source.
type addCondition struct {
	name     string
	template bool
	negated  bool
	items    []*ir.Item
}

func (t *addCondition) apply(s *applyState, it *item) error {
	if s.rule == nil || s.rule.Detection == nil {
		return nil
	}
	det := s.rule.Detection
	name := t.name
	if name == "" {
		for {
			s.condSeq++
			name = fmt.Sprintf("_cond%d", s.condSeq)
			if det.Search(name) == nil {
				break
			}
		}
	} else if det.Search(name) != nil {
		return ir.Errorf(it.pos, ir.CodePipeline, "add_condition: the rule already has a search named %s", name)
	}
	items := make([]*ir.Item, len(t.items))
	var desc []string
	for i, x := range t.items {
		c := ir.CloneItem(x)
		if t.template {
			t.fill(s.rule.LogSource, c)
		}
		s.markItem(c)
		items[i] = c
		if s.verbose {
			desc = append(desc, fieldLabel(c)+"="+valuesText(c.Values))
		}
	}
	det.Searches = append(det.Searches, &ir.Search{Pos: it.pos, Name: name, Kind: ir.SearchMap,
		Groups: []*ir.Group{{Pos: it.pos, Items: items}}})
	var ref ir.Cond = &ir.Ref{Pos: it.pos, Name: name}
	op := "and"
	if t.negated {
		ref = &ir.Not{Pos: it.pos, X: ref}
		op = "and not"
	}
	for i, c := range det.Conditions {
		det.Conditions[i] = &ir.And{Pos: c.Position(), Terms: []ir.Cond{ref, c}}
		if i < len(det.ConditionText) {
			prefix := name + " and "
			if t.negated {
				prefix = "not " + name + " and "
			}
			det.ConditionText[i] = prefix + "(" + det.ConditionText[i] + ")"
		}
	}
	if s.verbose {
		s.note("condition %s %s: %s", op, name, strings.Join(desc, ", "))
	}
	return nil
}

func (t *addCondition) fill(ls ir.LogSource, d *ir.Item) {
	r := strings.NewReplacer("${category}", ls.Category, "${product}", ls.Product, "${service}", ls.Service,
		"$category", ls.Category, "$product", ls.Product, "$service", ls.Service)
	for i, v := range d.Values {
		str, ok := v.(*ir.String)
		if !ok {
			continue
		}
		parts := append([]ir.StrPart(nil), str.Parts...)
		for j := range parts {
			if parts[j].Kind == ir.PartLit {
				parts[j].Text = r.Replace(parts[j].Text)
			}
		}
		d.Values[i] = withParts(str.Pos, parts)
	}
}

// changeLogsource is change_logsource: the log source is replaced by the
// given category, product and service (absent ones become empty).
type changeLogsource struct{ category, product, service string }

func (t *changeLogsource) apply(s *applyState, _ *item) error {
	if s.rule == nil {
		return nil
	}
	old := s.rule.LogSource
	s.rule.LogSource = ir.LogSource{Pos: old.Pos, Category: t.category, Product: t.product, Service: t.service}
	if s.verbose {
		s.note("logsource %s → %s", lsText(old), lsText(s.rule.LogSource))
	}
	return nil
}

func lsText(l ir.LogSource) string {
	var parts []string
	for _, kv := range [][2]string{{"category", l.Category}, {"product", l.Product}, {"service", l.Service}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// StateTable is the set_state key that chooses Result.Table by name among
// the tables declared by the chain's pipelines.
const StateTable = "table"

// setState is set_state; key table also sets Result.Table.
type setState struct {
	key string
	val any
}

func (t *setState) apply(s *applyState, _ *item) error {
	v := t.val
	if list, ok := v.([]string); ok {
		v = append([]string(nil), list...) // results never share state values
	}
	s.res.State[t.key] = v
	if t.key == StateTable {
		name, _ := t.val.(string)
		if tb := s.chain.Table(name); tb != nil {
			s.res.Table = tb
		} else {
			s.res.Table = &Table{Name: name}
		}
	}
	if s.verbose {
		s.note("state %s = %v", t.key, t.val)
	}
	return nil
}

// fieldsList is add_field, remove_field and set_field on the rule's fields
// list.
type fieldsList struct {
	op     string
	fields []string
}

func (t *fieldsList) apply(s *applyState, _ *item) error {
	m := s.meta()
	switch t.op {
	case "add":
		m.Fields = append(m.Fields, t.fields...)
	case "remove":
		var out []string
		for _, f := range m.Fields {
			if !contains(t.fields, f) {
				out = append(out, f)
			}
		}
		m.Fields = out
	case "set":
		m.Fields = append([]string(nil), t.fields...)
	}
	if s.verbose {
		s.note("fields %s %s", t.op, strings.Join(t.fields, ", "))
	}
	return nil
}

// ruleFailure is rule_failure: the rule is refused with the message.
type ruleFailure struct{ msg string }

func (t *ruleFailure) apply(s *applyState, _ *item) error {
	return refusal(s.meta().Pos, ir.CodeUnsupported, t.msg)
}

// ErrRefused is wrapped by the errors of rule_failure,
// detection_item_failure and strict_field_mapping_failure: the pipeline
// declares that the target cannot handle the rule, which callers report as
// a refusal rather than a failure (errors.Is(err, pipeline.ErrRefused)).
var ErrRefused = errors.New("refused by a processing pipeline")

// refusal builds a positioned error wrapping ErrRefused.
func refusal(pos ir.Pos, code, msg string) *ir.Error {
	return &ir.Error{Pos: pos, Code: code, Msg: msg, Err: ErrRefused}
}

// customAttr is set_custom_attribute.
type customAttr struct {
	key string
	val any
}

func (t *customAttr) apply(s *applyState, _ *item) error {
	m := s.meta()
	v := toAttrValue(t.val)
	for i := range m.Custom {
		if m.Custom[i].Key == t.key {
			m.Custom[i].Value = v
			return nil
		}
	}
	m.Custom = append(m.Custom, ir.Attribute{Key: t.key, Value: v})
	if s.verbose {
		s.note("attribute %s = %v", t.key, t.val)
	}
	return nil
}

// toAttrValue converts plain YAML data into ir.Attribute value types.
func toAttrValue(v any) any {
	switch v := v.(type) {
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = toAttrValue(x)
		}
		return out
	case map[string]any:
		keys := sortedKeys(v)
		out := make([]ir.Attribute, len(keys))
		for i, k := range keys {
			out[i] = ir.Attribute{Key: k, Value: toAttrValue(v[k])}
		}
		return out
	}
	return v
}

// nest is nest: a list of items applied in order when the nest item's own
// conditions match.
type nest struct{ items []*item }

func (t *nest) apply(s *applyState, _ *item) error {
	for _, it := range t.items {
		if err := s.applyItem(it); err != nil {
			return err
		}
	}
	return nil
}
