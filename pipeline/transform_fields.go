package pipeline

import (
	"strings"
	"unicode"

	"github.com/sigconv/sigconv/ir"
	"gopkg.in/yaml.v3"
)

// transformation is the compiled behaviour of one processing item.
type transformation interface {
	apply(s *applyState, it *item) error
}

// transformation compiles the transformation of the given type, reading its
// parameters from p; known is false for an unknown type.
func (l *loader) transformation(typ string, p *params, pipe *Pipeline) (t transformation, known bool) {
	switch typ {
	case "field_name_mapping":
		return &fieldTransform{m: l.fieldMap(p, "mapping", true)}, true
	case "field_name_prefix_mapping":
		return &fieldTransform{m: prefixMap{l.fieldMap(p, "mapping", true)}}, true
	case "field_name_prefix":
		return &fieldTransform{m: affix{prefix: p.reqStr("prefix")}}, true
	case "field_name_suffix":
		return &fieldTransform{m: affix{suffix: p.reqStr("suffix")}}, true
	case "field_name_transform":
		return l.fieldFunc(p), true
	}
	if t, ok := l.valueTransformation(typ, p, pipe); ok {
		return t, true
	}
	if t, ok := l.itemTransformation(typ, p); ok {
		return t, true
	}
	return l.ruleTransformation(typ, p, pipe)
}

// fieldMapper maps one field name; ok is false when the mapping does not
// apply to the name.
type fieldMapper interface {
	mapField(name string) (names []string, ok bool)
}

// fieldMap is an ordered name → names mapping.
type fieldMap struct {
	keys []string
	m    map[string][]string
}

func (l *loader) fieldMap(p *params, name string, required bool) fieldMap {
	var n *yaml.Node
	if required {
		n = p.require(name)
	} else {
		n = p.get(name)
	}
	fm := fieldMap{m: map[string][]string{}}
	kv, _ := l.mapping(n, p.what+" parameter "+name)
	for _, e := range kv {
		vals, ok := l.strs(e.Value, "mapping of "+e.Key)
		if !ok {
			continue
		}
		if len(vals) == 0 {
			l.errorf(e.Value, "%s: field %s maps to nothing", p.what, e.Key)
			continue
		}
		if _, dup := fm.m[e.Key]; !dup {
			fm.keys = append(fm.keys, e.Key)
		}
		fm.m[e.Key] = vals
	}
	return fm
}

func (f fieldMap) mapField(name string) ([]string, bool) {
	v, ok := f.m[name]
	return v, ok
}

// prefixMap is field_name_prefix_mapping: the first matching prefix, in
// source order, is replaced.
type prefixMap struct{ fieldMap }

func (f prefixMap) mapField(name string) ([]string, bool) {
	for _, k := range f.keys {
		if strings.HasPrefix(name, k) {
			out := make([]string, len(f.m[k]))
			for i, d := range f.m[k] {
				out[i] = d + name[len(k):]
			}
			return out, true
		}
	}
	return nil, false
}

// affix is field_name_prefix / field_name_suffix.
type affix struct{ prefix, suffix string }

func (a affix) mapField(name string) ([]string, bool) {
	return []string{a.prefix + name + a.suffix}, true
}

// caseFunc is field_name_transform: pySigma takes a Python function; in
// YAML sigconv accepts transform_func naming a case function (lower,
// upper, snake_case, camel_case, pascal_case), with mapping overriding it
// for listed fields.
type caseFunc struct {
	f       func(string) string
	mapping fieldMap
}

func (l *loader) fieldFunc(p *params) transformation {
	name := p.reqStr("transform_func")
	cf := caseFunc{mapping: l.fieldMap(p, "mapping", false)}
	p.boolean("apply_keyword") // accepted; keywords have no field name to transform
	switch name {
	case "lower":
		cf.f = strings.ToLower
	case "upper":
		cf.f = strings.ToUpper
	case "snake_case":
		cf.f = snakeCase
	case "camel_case":
		cf.f = func(s string) string { return camel(s, false) }
	case "pascal_case":
		cf.f = func(s string) string { return camel(s, true) }
	default:
		l.errorf(p.get("transform_func"), "field_name_transform: unknown transform_func %q (want lower, upper, snake_case, camel_case or pascal_case)", name)
		cf.f = func(s string) string { return s }
	}
	return &fieldTransform{m: cf}
}

func (c caseFunc) mapField(name string) ([]string, bool) {
	if v, ok := c.mapping.m[name]; ok {
		return v, true
	}
	return []string{c.f(name)}, true
}

// snakeCase turns CommandLine into command_line and ParentProcessId into
// parent_process_id.
func snakeCase(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && rs[i-1] != '_' && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]) ||
				(i+1 < len(rs) && unicode.IsLower(rs[i+1]))) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func camel(s string, upperFirst bool) string {
	var b strings.Builder
	up := upperFirst
	for i, r := range s {
		if r == '_' || r == '-' || r == ' ' || r == '.' {
			up = true
			continue
		}
		switch {
		case up:
			b.WriteRune(unicode.ToUpper(r))
		case i == 0 && !upperFirst:
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(r)
		}
		up = false
	}
	return b.String()
}

// fieldTransform applies a field name mapping everywhere a field name
// occurs: detection items (an item mapped to several names becomes an OR of
// one item per name), field references in values, the rule's fields list,
// and a correlation's group-by, alias and condition fields.
type fieldTransform struct{ m fieldMapper }

func (t *fieldTransform) apply(s *applyState, it *item) error {
	if s.corr != nil {
		return t.applyCorrelation(s, it)
	}
	err := s.rewriteItems(func(d *ir.Item) ([][]*ir.Item, error) {
		if d.Field == "" || !s.matchDetectionItem(it, d) {
			return nil, nil
		}
		names, ok := t.m.mapField(d.Field)
		if !ok {
			return nil, nil
		}
		s.trackField(d, d.Field, names)
		if len(names) == 1 {
			if names[0] != d.Field {
				if s.verbose {
					s.note("%s → %s (%s)", d.Field, names[0], d.Pos)
				}
			}
			d.Field = names[0]
			s.markItem(d)
			return nil, nil
		}
		if s.verbose {
			s.note("%s → %s (%s)", d.Field, strings.Join(names, " | "), d.Pos)
		}
		alts := make([][]*ir.Item, len(names))
		for i, n := range names {
			c := ir.CloneItem(d)
			s.derive(d, c)
			c.Field = n
			s.markItem(c)
			alts[i] = []*ir.Item{c}
		}
		return alts, nil
	})
	if err != nil {
		return err
	}
	// Field references: the values name fields.
	var ferr error
	ir.WalkItems(s.rule.Detection, func(_ *ir.Search, _ *ir.Group, d *ir.Item) bool {
		if !d.Match.FieldRef {
			return true
		}
		for i, v := range d.Values {
			str, ok := v.(*ir.String)
			if !ok || !str.IsPlain() || !s.matchFieldName(it, str.Literal()) {
				continue
			}
			names, ok := t.m.mapField(str.Literal())
			if !ok {
				continue
			}
			if len(names) != 1 {
				ferr = ir.Errorf(v.Position(), ir.CodePipeline, "pipeline item %s maps referenced field %s to %d fields; a field reference needs exactly one", it.label(), str.Literal(), len(names))
				return false
			}
			d.Values[i] = ir.Lit(v.Position(), names[0])
		}
		return true
	})
	if ferr != nil {
		return ferr
	}
	s.rule.Fields = t.mapList(s, it, s.rule.Fields)
	return nil
}

// trackField records a field name mapping of detection item d.
func (s *applyState) trackField(d *ir.Item, from string, to []string) {
	if tr := s.track[d]; tr != nil {
		tr.mapped = true
		tr.by = append(tr.by, s.cur.label())
	}
	if s.cur.id != "" && s.chain.fieldIDs {
		ids := s.fieldApplied[from]
		for _, n := range to {
			m := map[string]bool{s.cur.id: true}
			for k := range ids {
				m[k] = true
			}
			s.fieldApplied[n] = m
		}
	}
}

// mapList maps a list of field names (each name may become several).
func (t *fieldTransform) mapList(s *applyState, it *item, list []string) []string {
	if len(list) == 0 {
		return list
	}
	out := make([]string, 0, len(list))
	for _, f := range list {
		names, ok := t.m.mapField(f)
		if !ok || !s.matchFieldName(it, f) {
			out = append(out, f)
			continue
		}
		out = append(out, names...)
	}
	return out
}

// one maps a single field name that must stay a single name.
func (t *fieldTransform) one(s *applyState, it *item, pos ir.Pos, f string) (string, error) {
	if f == "" || !s.matchFieldName(it, f) {
		return f, nil
	}
	names, ok := t.m.mapField(f)
	if !ok {
		return f, nil
	}
	if len(names) != 1 {
		return "", ir.Errorf(pos, ir.CodePipeline, "pipeline item %s maps correlation field %s to %d fields; a correlation field needs exactly one", it.label(), f, len(names))
	}
	if names[0] != f {
		if s.verbose {
			s.note("%s → %s (%s)", f, names[0], pos)
		}
	}
	return names[0], nil
}

func (t *fieldTransform) applyCorrelation(s *applyState, it *item) error {
	c := s.corr
	aliases := map[string]bool{}
	for _, a := range c.Aliases {
		aliases[a.Name] = true
	}
	var err error
	for i, g := range c.GroupBy {
		if aliases[g] {
			continue // an alias stands for per-rule fields, mapped below
		}
		if c.GroupBy[i], err = t.one(s, it, c.Pos, g); err != nil {
			return err
		}
	}
	for i := range c.Aliases {
		for j := range c.Aliases[i].Fields {
			af := &c.Aliases[i].Fields[j]
			if af.Field, err = t.one(s, it, af.Pos, af.Field); err != nil {
				return err
			}
		}
	}
	if c.Cond != nil && c.Cond.Field != "" && !aliases[c.Cond.Field] {
		if c.Cond.Field, err = t.one(s, it, c.Cond.Pos, c.Cond.Field); err != nil {
			return err
		}
	}
	c.Fields = t.mapList(s, it, c.Fields)
	return nil
}
