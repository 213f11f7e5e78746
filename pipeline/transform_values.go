package pipeline

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/sigconv/sigconv/ir"
	"gopkg.in/yaml.v3"
)

// valueMapper rewrites one value of a detection item. It returns nil to keep
// the value, or the values that replace it (OR-ed with the item's others).
type valueMapper interface {
	mapValue(s *applyState, d *ir.Item, v ir.Value) ([]ir.Value, error)
}

// valueTransform applies a valueMapper to every value of every detection
// item that matches the item's detection item and field name conditions.
type valueTransform struct{ m valueMapper }

func (t *valueTransform) apply(s *applyState, it *item) error {
	if s.rule == nil {
		return nil
	}
	var err error
	ir.WalkItems(s.rule.Detection, func(_ *ir.Search, _ *ir.Group, d *ir.Item) bool {
		if !valueOp(d.Match.Op) || !s.matchDetectionItem(it, d) {
			return true
		}
		var out []ir.Value
		changed := false
		for _, v := range d.Values {
			nv, e := t.m.mapValue(s, d, v)
			if e != nil {
				err = e
				return false
			}
			if nv == nil {
				out = append(out, v)
				continue
			}
			if len(nv) > 1 && d.Match.All && len(d.Values) > 1 {
				// Alternatives inside an all-list would have to be OR-ed
				// among AND-ed values, which an item cannot express.
				err = ir.Errorf(v.Position(), ir.CodePipeline, "pipeline item %s turns a value of an |all item into %d alternatives, which the item cannot express", it.label(), len(nv))
				return false
			}
			changed = true
			out = append(out, nv...)
		}
		if changed {
			if d.Match.All && len(d.Values) == 1 && len(out) > 1 {
				d.Match.All = false // one value's alternatives are OR-ed
			}
			if s.verbose {
				s.note("%s values %s → %s (%s)", fieldLabel(d), valuesText(d.Values), valuesText(out), d.Pos)
			}
			d.Values = out
			if d.Match.Expand && !hasPlaceholders(out) {
				d.Match.Expand = false
			}
			s.markItem(d)
		}
		return true
	})
	return err
}

// valueOp reports whether value transformations apply to items with the
// operator: regular expressions, CIDR ranges and exists tests are not
// plain values (in pySigma they are distinct types that string
// transformations skip).
func valueOp(op ir.Op) bool {
	switch op {
	case ir.OpRegex, ir.OpCIDR, ir.OpExists:
		return false
	}
	return true
}

func fieldLabel(d *ir.Item) string {
	if d.Field == "" {
		return "keyword"
	}
	return d.Field
}

func valuesText(vs []ir.Value) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = valueText(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func valueText(v ir.Value) string {
	switch v := v.(type) {
	case *ir.String:
		return strconv.Quote(v.Sigma())
	case *ir.Number:
		return v.Raw
	case *ir.Bool:
		return strconv.FormatBool(v.Value)
	case *ir.Null:
		return "null"
	}
	return "?"
}

func hasPlaceholders(vs []ir.Value) bool {
	for _, v := range vs {
		if s, ok := v.(*ir.String); ok && s.HasPlaceholders() {
			return true
		}
	}
	return false
}

func (l *loader) valueTransformation(typ string, p *params, pipe *Pipeline) (transformation, bool) {
	switch typ {
	case "replace_string":
		return &valueTransform{l.replaceString(p)}, true
	case "map_string":
		return &valueTransform{&mapString{m: l.stringMap(p.require("mapping"), p.what)}}, true
	case "value_mapping":
		return &valueTransform{l.valueMapping(p)}, true
	case "set_value":
		return &valueTransform{l.setValue(p)}, true
	case "convert_type":
		tt := p.reqStr("target_type")
		if tt != "str" && tt != "num" {
			l.errorf(p.get("target_type"), "convert_type: target_type must be str or num, not %q", tt)
		}
		return &valueTransform{convertType(tt)}, true
	case "case":
		m := p.str("method")
		switch m {
		case "":
			m = "lower"
		case "lower", "upper", "snake_case":
		default:
			l.errorf(p.get("method"), "case: method must be lower, upper or snake_case, not %q", m)
		}
		return &valueTransform{caseValue(m)}, true
	case "value_placeholders", "wildcard_placeholders":
		ph := placeholders{include: p.strs("include"), exclude: p.strs("exclude"), wildcard: typ == "wildcard_placeholders", vars: pipe.Vars}
		if ph.include != nil && ph.exclude != nil {
			l.errorf(p.owner, "%s: include and exclude are mutually exclusive", typ)
		}
		return &valueTransform{&ph}, true
	case "query_expression_placeholders":
		q := &queryExpr{expr: p.reqStr("expression"), include: p.strs("include"), exclude: p.strs("exclude")}
		q.mapping = l.stringMap(p.get("mapping"), p.what).single()
		return q, true
	}
	return nil, false
}

// stringMap is an ordered value → values mapping.
type stringMap map[string][]string

func (l *loader) stringMap(n *yaml.Node, what string) stringMap {
	kv, _ := l.mapping(n, what+" mapping")
	m := stringMap{}
	for _, e := range kv {
		vals, ok := l.strs(e.Value, "mapping of "+e.Key)
		if ok {
			m[e.Key] = vals
		}
	}
	return m
}

func (m stringMap) single() map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if len(v) > 0 {
			out[k] = v[0]
		}
	}
	return out
}

// replaceString is replace_string: a regular expression replacement on the
// value in Sigma syntax (wildcards included), or with skip_special on its
// literal parts only. Python-style group references (\1, \g<name>) are
// accepted in the replacement.
type replaceString struct {
	re          *regexp.Regexp
	repl        string
	skipSpecial bool
}

func (l *loader) replaceString(p *params) *replaceString {
	pat := p.reqStr("regex")
	re, err := regexp.Compile(pat)
	if err != nil {
		l.errorf(p.get("regex"), "replace_string: invalid regex %q: %v", pat, err)
		re = regexp.MustCompile(`$^`)
	}
	r := &replaceString{re: re, repl: pyReplacement(p.str("replacement")), skipSpecial: p.boolean("skip_special")}
	if !p.has("replacement") {
		p.require("replacement")
	}
	p.boolean("interpret_special") // literal parts stay literal either way
	return r
}

var pyGroupRef = regexp.MustCompile(`\\(\d+)|\\g<(\w+)>`)

// pyReplacement converts a Python re.sub replacement into Go's syntax.
func pyReplacement(s string) string {
	s = strings.ReplaceAll(s, "$", "$$")
	return pyGroupRef.ReplaceAllStringFunc(s, func(m string) string {
		sub := pyGroupRef.FindStringSubmatch(m)
		if sub[1] != "" {
			return "${" + sub[1] + "}"
		}
		return "${" + sub[2] + "}"
	})
}

func (r *replaceString) mapValue(_ *applyState, d *ir.Item, v ir.Value) ([]ir.Value, error) {
	var str *ir.String
	switch v := v.(type) {
	case *ir.String:
		str = v
	case *ir.Number:
		str = ir.Lit(v.Pos, v.Raw)
	default:
		return nil, nil
	}
	if r.skipSpecial {
		parts := append([]ir.StrPart(nil), str.Parts...)
		for i := range parts {
			if parts[i].Kind == ir.PartLit {
				parts[i].Text = r.re.ReplaceAllString(parts[i].Text, r.repl)
			}
		}
		return []ir.Value{withParts(str.Pos, parts)}, nil
	}
	out := r.re.ReplaceAllString(str.Sigma(), r.repl)
	if out == str.Sigma() {
		return nil, nil
	}
	return []ir.Value{parseSigmaString(str.Pos, out, d.Match.Expand)}, nil
}

// mapString is map_string: a string value equal (in Sigma syntax) to a key
// is replaced by the key's value(s).
type mapString struct{ m stringMap }

func (t *mapString) mapValue(_ *applyState, d *ir.Item, v ir.Value) ([]ir.Value, error) {
	str, ok := v.(*ir.String)
	if !ok {
		return nil, nil
	}
	to, ok := t.m[str.Sigma()]
	if !ok {
		return nil, nil
	}
	out := make([]ir.Value, len(to))
	for i, s := range to {
		out[i] = parseSigmaString(str.Pos, s, d.Match.Expand)
	}
	return out, nil
}

// valueMapping is sigconv's value_mapping: per field, plain values equal to
// a key are replaced by the key's value(s). Keys compare with the value's
// text (numbers and booleans as written); new values keep the old value's
// type when they parse as it (so 1 → 4688 stays a number).
type valueMapping struct{ m map[string]stringMap }

func (l *loader) valueMapping(p *params) *valueMapping {
	vm := &valueMapping{m: map[string]stringMap{}}
	kv, _ := l.mapping(p.require("mapping"), "value_mapping mapping")
	for _, e := range kv {
		vm.m[e.Key] = l.stringMap(e.Value, "value_mapping of "+e.Key)
	}
	return vm
}

func (t *valueMapping) mapValue(_ *applyState, d *ir.Item, v ir.Value) ([]ir.Value, error) {
	fm, ok := t.m[d.Field]
	if !ok {
		return nil, nil
	}
	var key string
	switch v := v.(type) {
	case *ir.String:
		if !v.IsPlain() {
			return nil, nil
		}
		key = v.Literal()
	case *ir.Number:
		key = v.Raw
	case *ir.Bool:
		key = strconv.FormatBool(v.Value)
	default:
		return nil, nil
	}
	to, ok := fm[key]
	if !ok {
		return nil, nil
	}
	out := make([]ir.Value, len(to))
	for i, s := range to {
		out[i] = sameType(v, s)
	}
	return out, nil
}

// sameType builds a value from text with the type of like when possible.
func sameType(like ir.Value, s string) ir.Value {
	pos := like.Position()
	switch like.(type) {
	case *ir.Number:
		if n, ok := number(pos, s); ok {
			return n
		}
	case *ir.Bool:
		if b, err := strconv.ParseBool(s); err == nil {
			return &ir.Bool{Pos: pos, Value: b}
		}
	}
	return ir.Lit(pos, s)
}

func number(pos ir.Pos, s string) (*ir.Number, bool) {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return &ir.Number{Pos: pos, Raw: s, IsInt: true, Int: i, Float: float64(i)}, true
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return &ir.Number{Pos: pos, Raw: s, Float: f}, true
	}
	return nil, false
}

// setValue is set_value.
type setValue struct{ v any }

func (l *loader) setValue(p *params) *setValue {
	v := valueParam(p, "value", true)
	switch ft := p.str("force_type"); ft {
	case "":
	case "str":
		if v != nil {
			v = fmt.Sprint(v)
		}
	case "num":
		if s, ok := v.(string); ok {
			n, ok := number(ir.Pos{}, s)
			if !ok {
				l.errorf(p.get("value"), "set_value: %q is not a number", s)
			} else if n.IsInt {
				v = n.Int
			} else {
				v = n.Float
			}
		}
	default:
		l.errorf(p.get("force_type"), "set_value: force_type must be str or num, not %q", ft)
	}
	return &setValue{v: v}
}

func (t *setValue) mapValue(_ *applyState, _ *ir.Item, old ir.Value) ([]ir.Value, error) {
	pos := old.Position()
	switch v := t.v.(type) {
	case string:
		return []ir.Value{ir.Lit(pos, v)}, nil
	case bool:
		return []ir.Value{&ir.Bool{Pos: pos, Value: v}}, nil
	case int64:
		return []ir.Value{&ir.Number{Pos: pos, Raw: strconv.FormatInt(v, 10), IsInt: true, Int: v, Float: float64(v)}}, nil
	case float64:
		return []ir.Value{&ir.Number{Pos: pos, Raw: strconv.FormatFloat(v, 'g', -1, 64), Float: v}}, nil
	}
	return []ir.Value{&ir.Null{Pos: pos}}, nil
}

// convertType is convert_type (str or num); null stays null.
type convertType string

func (t convertType) mapValue(_ *applyState, _ *ir.Item, v ir.Value) ([]ir.Value, error) {
	switch v := v.(type) {
	case *ir.Number:
		if t == "str" {
			return []ir.Value{ir.Lit(v.Pos, v.Raw)}, nil
		}
	case *ir.Bool:
		if t == "str" {
			return []ir.Value{ir.Lit(v.Pos, strconv.FormatBool(v.Value))}, nil
		}
		return nil, ir.Errorf(v.Pos, ir.CodePipeline, "convert_type: boolean %v cannot be converted to a number", v.Value)
	case *ir.String:
		if t == "num" {
			n, ok := number(v.Pos, v.Literal())
			if !ok || !v.IsPlain() {
				return nil, ir.Errorf(v.Pos, ir.CodePipeline, "convert_type: value %q cannot be converted to a number", v.Sigma())
			}
			return []ir.Value{n}, nil
		}
	}
	return nil, nil
}

// caseValue is case: lower, upper or snake_case on literal text.
type caseValue string

func (t caseValue) mapValue(_ *applyState, _ *ir.Item, v ir.Value) ([]ir.Value, error) {
	str, ok := v.(*ir.String)
	if !ok {
		return nil, nil
	}
	parts := append([]ir.StrPart(nil), str.Parts...)
	for i := range parts {
		if parts[i].Kind != ir.PartLit {
			continue
		}
		switch t {
		case "lower":
			parts[i].Text = strings.ToLower(parts[i].Text)
		case "upper":
			parts[i].Text = strings.ToUpper(parts[i].Text)
		case "snake_case":
			parts[i].Text = valueSnake(parts[i].Text)
		}
	}
	return []ir.Value{withParts(str.Pos, parts)}, nil
}

// valueSnake lower-cases and joins words with underscores.
func valueSnake(s string) string {
	var b strings.Builder
	prevLower := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '-':
			b.WriteByte('_')
			prevLower = false
		case unicode.IsUpper(r):
			if prevLower {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			prevLower = false
		default:
			b.WriteRune(r)
			prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
		}
	}
	return b.String()
}

// placeholders is value_placeholders (placeholder → the values of the
// pipeline variable of that name, one alternative each) and
// wildcard_placeholders (placeholder → '*').
type placeholders struct {
	include, exclude []string
	wildcard         bool
	vars             map[string]any
}

func (t *placeholders) handles(name string) bool {
	switch {
	case t.include != nil:
		return contains(t.include, name)
	case t.exclude != nil:
		return !contains(t.exclude, name)
	}
	return true
}

func (t *placeholders) mapValue(_ *applyState, _ *ir.Item, v ir.Value) ([]ir.Value, error) {
	str, ok := v.(*ir.String)
	if !ok || !str.HasPlaceholders() {
		return nil, nil
	}
	alts := [][]ir.StrPart{nil}
	changed := false
	for _, p := range str.Parts {
		if p.Kind != ir.PartPlaceholder || !t.handles(p.Text) {
			for i := range alts {
				alts[i] = append(alts[i], p)
			}
			continue
		}
		changed = true
		if t.wildcard {
			for i := range alts {
				alts[i] = append(alts[i], ir.StrPart{Kind: ir.PartWildMany})
			}
			continue
		}
		raw, ok := t.vars[p.Text]
		if !ok {
			return nil, ir.Errorf(str.Pos, ir.CodePipeline, "value_placeholders: no pipeline variable %q for placeholder %%%s%%", p.Text, p.Text)
		}
		list, isList := raw.([]any)
		if !isList {
			list = []any{raw}
		}
		var next [][]ir.StrPart
		for _, a := range alts {
			for _, x := range list {
				switch x.(type) {
				case string, int64, float64:
				default:
					return nil, ir.Errorf(str.Pos, ir.CodePipeline, "value_placeholders: variable %q holds a value that is not a string or number", p.Text)
				}
				row := append(append([]ir.StrPart(nil), a...), ir.StrPart{Kind: ir.PartLit, Text: fmt.Sprint(x)})
				next = append(next, row)
			}
		}
		if len(next) > ir.MaxExpansions {
			return nil, ir.Errorf(str.Pos, ir.CodeLimit, "value_placeholders: value expands into more than %d variants", ir.MaxExpansions)
		}
		alts = next
	}
	if !changed {
		return nil, nil
	}
	out := make([]ir.Value, len(alts))
	for i, a := range alts {
		out[i] = withParts(str.Pos, a)
	}
	return out, nil
}

// queryExpr is query_expression_placeholders: a value that is exactly one
// placeholder is replaced by a query expression (e.g. a lookup), recorded
// in Result.Expressions. The value itself stays in the rule so that
// backends without expression support can refuse it.
type queryExpr struct {
	expr             string
	mapping          map[string]string
	include, exclude []string
}

func (t *queryExpr) apply(s *applyState, it *item) error {
	if s.rule == nil {
		return nil
	}
	ph := placeholders{include: t.include, exclude: t.exclude}
	var err error
	ir.WalkValues(s.rule.Detection, func(d *ir.Item, v ir.Value) bool {
		str, ok := v.(*ir.String)
		if !ok || !str.HasPlaceholders() || !s.matchDetectionItem(it, d) {
			return true
		}
		if len(str.Parts) != 1 {
			err = ir.Errorf(str.Pos, ir.CodePipeline, "query_expression_placeholders: value %q mixes a placeholder with other text", str.Sigma())
			return false
		}
		name := str.Parts[0].Text
		if !ph.handles(name) {
			return true
		}
		id := name
		if m, ok := t.mapping[name]; ok {
			id = m
		}
		if s.res.Expressions == nil {
			s.res.Expressions = map[ir.Value]string{}
		}
		s.res.Expressions[v] = strings.ReplaceAll(t.expr, "{id}", id)
		if s.verbose {
			s.note("%s %%%s%% → query expression %q (%s)", fieldLabel(d), name, t.expr, str.Pos)
		}
		s.markItem(d)
		return true
	})
	return err
}

// Expression returns the query expression that replaces value v (a
// placeholder value rewritten by query_expression_placeholders) with
// {field} filled in, and whether there is one.
func (r *Result) Expression(v ir.Value, field string) (string, bool) {
	e, ok := r.Expressions[v]
	if !ok {
		return "", false
	}
	return strings.ReplaceAll(e, "{field}", field), true
}
