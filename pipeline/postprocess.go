package pipeline

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/sigconv/sigconv/ir"
	"gopkg.in/yaml.v3"
)

// postItem is one compiled query postprocessing item.
type postItem struct {
	rule condSet[ruleCondition]
	step Postprocessing
	nest []*postItem
}

var postKeys = map[string]bool{"id": true, "type": true, "rule_conditions": true, "rule_cond_expr": true, "rule_cond_op": true, "rule_cond_not": true}

// postItem compiles a postprocessing item. Parameters are kept in
// Postprocessing.Params as plain values; templates are checked here so that
// ApplyPostprocessing cannot fail on syntax.
func (l *loader) postItem(p *Pipeline, n *yaml.Node) *postItem {
	kv, ok := l.mapping(n, "a postprocessing item")
	if !ok {
		return nil
	}
	pi := &postItem{}
	var typN *yaml.Node
	for _, e := range kv {
		switch e.Key {
		case "id":
			pi.step.ID, _ = l.str(e.Value, "id")
		case "type":
			typN = e.Value
			pi.step.Type, _ = l.str(e.Value, "type")
		}
	}
	if typN == nil {
		l.errorf(n, "postprocessing item without type")
		return nil
	}
	pi.rule = compileConds(l, kv, "rule", l.ruleCondition)
	pi.step.vars = p.Vars
	prm := l.newParams(n, "postprocessing "+pi.step.Type, kv, postKeys)
	pi.step.Params = map[string]any{}
	str := func(name string, required bool) {
		var s string
		if required {
			s = prm.reqStr(name)
		} else {
			s = prm.str(name)
		}
		pi.step.Params[name] = s
	}
	switch pi.step.Type {
	case "embed":
		str("prefix", false)
		str("suffix", false)
	case "simple_template":
		str("template", true)
	case "template":
		str("template", true)
		t, err := compileJinja(pi.step.Params["template"].(string))
		if err != nil {
			l.errorf(prm.get("template"), "template: %v", err)
		}
		pi.step.tmpl = t
		if prm.has("path") {
			l.errorf(prm.get("path"), "template: path (template files) is not supported; give the template inline")
		}
		if v := prm.get("vars"); v != nil {
			l.errorf(v, "template: vars (a Python file) is not supported")
		}
		prm.boolean("autoescape")
	case "json":
		str("json_template", true)
		var x any
		if err := json.Unmarshal([]byte(pi.step.Params["json_template"].(string)), &x); err != nil {
			l.errorf(prm.get("json_template"), "json: json_template is not valid JSON: %v", err)
		}
	case "replace":
		str("pattern", true)
		str("replacement", true)
		if _, err := regexp.Compile(pi.step.Params["pattern"].(string)); err != nil {
			l.errorf(prm.get("pattern"), "replace: invalid pattern: %v", err)
		}
	case "nest":
		items, _ := l.sequence(prm.require("items"), "nest items", false)
		for _, in := range items {
			if c := l.postItem(p, in); c != nil {
				pi.nest = append(pi.nest, c)
			}
		}
	default:
		l.errorf(typN, "unknown postprocessing type %q (known: embed, simple_template, template, json, replace, nest)", pi.step.Type)
		return nil
	}
	prm.finish()
	return pi
}

// collect appends the steps of pi that apply to the rule in s.
func (pi *postItem) collect(s *applyState, out *[]Postprocessing) {
	if !pi.rule.eval(s.ruleMatch) {
		return
	}
	if pi.step.Type == "nest" {
		for _, c := range pi.nest {
			c.collect(s, out)
		}
		return
	}
	*out = append(*out, pi.step)
}

// ApplyPostprocessing applies r.Postprocess, in order, to a backend's query
// text and returns the result.
func ApplyPostprocessing(query string, r *Result) (string, error) {
	for _, st := range r.Postprocess {
		var err error
		query, err = applyStep(st, query, r)
		if err != nil {
			return "", fmt.Errorf("postprocessing %s: %w", st.Type, err)
		}
	}
	return query, nil
}

func applyStep(st Postprocessing, query string, r *Result) (string, error) {
	ps := func(k string) string { s, _ := st.Params[k].(string); return s }
	switch st.Type {
	case "embed":
		return ps("prefix") + query + ps("suffix"), nil
	case "simple_template":
		return formatTemplate(ps("template"), query, r)
	case "template":
		if st.tmpl == nil {
			t, err := compileJinja(ps("template"))
			if err != nil {
				return "", err
			}
			st.tmpl = t
		}
		data := templateData(query, r)
		data["pipeline"].(map[string]any)["vars"] = st.vars
		return st.tmpl.render(data)
	case "json":
		var x any
		if err := json.Unmarshal([]byte(ps("json_template")), &x); err != nil {
			return "", err
		}
		b, err := json.Marshal(replaceQuery(x, query))
		return string(b), err
	case "replace":
		re, err := regexp.Compile(ps("pattern"))
		if err != nil {
			return "", err
		}
		return re.ReplaceAllString(query, pyReplacement(ps("replacement"))), nil
	}
	return "", fmt.Errorf("unknown postprocessing type %q", st.Type)
}

func replaceQuery(v any, q string) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = replaceQuery(x, q)
		}
	case []any:
		for i, x := range v {
			v[i] = replaceQuery(x, q)
		}
	case string:
		if v == "%QUERY%" {
			return q
		}
	}
	return v
}

// ruleAttrs exposes a rule's attributes to templates.
// Level and status are enum values (printed lower case, .name upper case,
// as pySigma's SigmaLevel / SigmaStatus); custom attributes are included
// under their own names and in custom_attributes.
func ruleAttrs(m *ir.Meta) map[string]any {
	d := map[string]any{
		"title": m.Title, "id": m.ID, "name": m.Name, "status": enumValue(m.Status), "level": enumValue(m.Level),
		"description": m.Description, "author": m.Author, "license": m.License, "date": m.Date,
		"modified": m.Modified, "tags": m.Tags, "references": m.References,
		"falsepositives": m.FalsePositives, "fields": m.Fields,
	}
	custom := map[string]any{}
	for _, a := range m.Custom {
		custom[a.Key] = attrPlain(a.Value)
		if _, ok := d[a.Key]; !ok {
			d[a.Key] = custom[a.Key]
		}
	}
	d["custom_attributes"] = custom
	return d
}

// attrPlain turns an ir.Attribute value into template data.
func attrPlain(v any) any {
	switch v := v.(type) {
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = attrPlain(x)
		}
		return out
	case []ir.Attribute:
		out := make(map[string]any, len(v))
		for _, a := range v {
			out[a.Key] = attrPlain(a.Value)
		}
		return out
	}
	return v
}

func templateData(query string, r *Result) map[string]any {
	state := r.State
	if state == nil {
		state = map[string]any{}
	}
	d := map[string]any{"query": query, "pipeline": map[string]any{"state": state}}
	if r.Rule != nil {
		rule := ruleAttrs(&r.Rule.Meta)
		rule["logsource"] = map[string]any{"category": r.Rule.LogSource.Category, "product": r.Rule.LogSource.Product, "service": r.Rule.LogSource.Service}
		d["rule"] = rule
	}
	return d
}

var pyFormatField = regexp.MustCompile(`\{\{|\}\}|\{([^{}]*)\}`)

// formatTemplate renders a Python str.format template with the fields
// query, rule.<attr> and pipeline.state[<key>].
func formatTemplate(t, query string, r *Result) (string, error) {
	data := templateData(query, r)
	var err error
	out := pyFormatField.ReplaceAllStringFunc(t, func(m string) string {
		switch m {
		case "{{":
			return "{"
		case "}}":
			return "}"
		}
		path := strings.NewReplacer("[", ".", "]", "", "'", "", `"`, "").Replace(m[1 : len(m)-1])
		v, ok := lookup(data, path)
		if !ok {
			err = fmt.Errorf("unknown template field %s", m)
			return m
		}
		return pyStr(v)
	})
	return out, err
}

func lookup(data map[string]any, path string) (any, bool) {
	var cur any = data
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// Finalizer is one output finalization step (concat, template, json,
// yaml), applied by Finalize to the list of all queries of a run.
type Finalizer struct {
	Type   string         // concat, template, json, yaml or nested
	Params map[string]any // type-specific parameters
	Nested []*Finalizer   // the finalizers of a nested finalizer, in order

	tmpl *jinjaTemplate // compiled template of a template finalizer
}

func (l *loader) finalizer(n *yaml.Node) *Finalizer {
	kv, ok := l.mapping(n, "a finalizer")
	if !ok {
		return nil
	}
	f := &Finalizer{Params: map[string]any{}}
	var typN *yaml.Node
	for _, e := range kv {
		if e.Key == "type" {
			typN = e.Value
			f.Type, _ = l.str(e.Value, "type")
		}
	}
	if typN == nil {
		l.errorf(n, "finalizer without type")
		return nil
	}
	prm := l.newParams(n, "finalizer "+f.Type, kv, map[string]bool{"type": true})
	switch f.Type {
	case "concat":
		f.Params["separator"] = "\n"
		for _, k := range []string{"separator", "prefix", "suffix"} {
			if prm.has(k) {
				f.Params[k] = prm.str(k)
			}
		}
	case "template":
		f.Params["template"] = prm.reqStr("template")
		t, err := compileJinja(f.Params["template"].(string))
		if err != nil {
			l.errorf(prm.get("template"), "template: %v", err)
		}
		f.tmpl = t
		if prm.has("path") {
			l.errorf(prm.get("path"), "template: path (template files) is not supported; give the template inline")
		}
		if v := prm.get("vars"); v != nil {
			l.errorf(v, "template: vars (a Python file) is not supported")
		}
		prm.boolean("autoescape")
	case "nested":
		items, _ := l.sequence(prm.require("finalizers"), "nested finalizers", false)
		for _, in := range items {
			if c := l.finalizer(in); c != nil {
				f.Nested = append(f.Nested, c)
			}
		}
	case "json", "yaml":
		if prm.has("indent") {
			f.Params["indent"], _ = l.integer(prm.get("indent"), "indent")
		}
	default:
		l.errorf(typN, "unknown finalizer type %q (known: concat, template, json, yaml, nested)", f.Type)
		return nil
	}
	prm.finish()
	return f
}

// Finalizers returns the finalizers of every pipeline of the chain, in
// application order.
func (c *Chain) Finalizers() []*Finalizer {
	var out []*Finalizer
	for _, p := range c.pipes {
		out = append(out, p.finalizers...)
	}
	return out
}

// Finalize combines the queries of a run with the finalizers, in order.
// With no finalizers the queries are joined by newlines. Each finalizer
// after the first receives the previous one's output as its queries (text,
// as in pySigma).
func Finalize(queries []string, fs []*Finalizer) (string, error) {
	if len(fs) == 0 {
		return strings.Join(queries, "\n"), nil
	}
	var cur any = queries
	for _, f := range fs {
		out, err := f.apply(cur)
		if err != nil {
			return "", fmt.Errorf("finalizer %s: %w", f.Type, err)
		}
		cur = out
	}
	return cur.(string), nil
}

// apply runs one finalizer on queries ([]string, or the previous
// finalizer's text).
func (f *Finalizer) apply(queries any) (string, error) {
	list, isList := queries.([]string)
	if !isList {
		list = []string{queries.(string)}
	}
	ps := func(k string) string { s, _ := f.Params[k].(string); return s }
	switch f.Type {
	case "concat":
		return ps("prefix") + strings.Join(list, ps("separator")) + ps("suffix"), nil
	case "template":
		t := f.tmpl
		if t == nil {
			var err error
			if t, err = compileJinja(ps("template")); err != nil {
				return "", err
			}
		}
		return t.render(map[string]any{"queries": queries, "pipeline": map[string]any{"state": map[string]any{}}})
	case "json":
		var b []byte
		var err error
		if ind, _ := f.Params["indent"].(int); ind > 0 {
			b, err = json.MarshalIndent(queries, "", strings.Repeat(" ", ind))
		} else {
			b, err = json.Marshal(queries)
		}
		return string(b), err
	case "yaml":
		var b strings.Builder
		enc := yaml.NewEncoder(&b)
		if ind, _ := f.Params["indent"].(int); ind > 0 {
			enc.SetIndent(ind)
		}
		if err := enc.Encode(queries); err != nil {
			return "", err
		}
		return b.String(), nil
	case "nested":
		var cur any = queries
		for _, n := range f.Nested {
			out, err := n.apply(cur)
			if err != nil {
				return "", err
			}
			cur = out
		}
		s, _ := cur.(string)
		return s, nil
	}
	return "", fmt.Errorf("unknown finalizer type %q", f.Type)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
