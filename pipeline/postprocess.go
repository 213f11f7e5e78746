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
		if err := checkTemplate(pi.step.Params["template"].(string)); err != nil {
			l.errorf(prm.get("template"), "template: %v", err)
		}
		if v := prm.get("vars"); v != nil {
			pi.step.Params["vars"] = plain(v)
		}
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
		return renderTemplate(ps("template"), templateData(query, r, st.Params["vars"]))
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
func ruleAttrs(m *ir.Meta) map[string]any {
	return map[string]any{
		"title": m.Title, "id": m.ID, "name": m.Name, "status": m.Status, "level": m.Level,
		"description": m.Description, "author": m.Author, "license": m.License, "date": m.Date,
		"modified": m.Modified, "tags": m.Tags, "references": m.References,
		"falsepositives": m.FalsePositives, "fields": m.Fields,
	}
}

func templateData(query string, r *Result, vars any) map[string]any {
	d := map[string]any{"query": query, "pipeline": map[string]any{"state": r.State, "vars": vars}}
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
	data := templateData(query, r, nil)
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
		return fmt.Sprint(v)
	})
	return out, err
}

var jinjaExpr = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// checkTemplate accepts the Jinja2 subset sigconv renders: {{ path }}
// expressions only.
func checkTemplate(t string) error {
	if strings.Contains(t, "{%") || strings.Contains(t, "{#") {
		return fmt.Errorf("only {{ expression }} substitutions are supported, not Jinja2 statements or comments")
	}
	for _, m := range jinjaExpr.FindAllStringSubmatch(t, -1) {
		if strings.ContainsAny(m[1], "|()+") {
			return fmt.Errorf("unsupported expression {{ %s }}: only attribute paths such as rule.title or pipeline.state.index", m[1])
		}
	}
	return nil
}

// renderTemplate renders the Jinja2 subset accepted by checkTemplate.
func renderTemplate(t string, data map[string]any) (string, error) {
	if err := checkTemplate(t); err != nil {
		return "", err
	}
	var err error
	out := jinjaExpr.ReplaceAllStringFunc(t, func(m string) string {
		path := jinjaExpr.FindStringSubmatch(m)[1]
		path = strings.NewReplacer("[", ".", "]", "", "'", "", `"`, "").Replace(path)
		v, ok := lookup(data, path)
		if !ok {
			return "" // Jinja2 renders undefined values as empty text
		}
		switch v := v.(type) {
		case []string:
			b, _ := json.Marshal(v)
			return string(b)
		case nil:
			return ""
		}
		return fmt.Sprint(v)
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
	Type   string         // concat, template, json or yaml
	Params map[string]any // type-specific parameters
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
		if err := checkTemplate(f.Params["template"].(string)); err != nil {
			l.errorf(prm.get("template"), "template: %v", err)
		}
	case "json", "yaml":
		if prm.has("indent") {
			f.Params["indent"], _ = l.integer(prm.get("indent"), "indent")
		}
	default:
		l.errorf(typN, "unknown finalizer type %q (known: concat, template, json, yaml)", f.Type)
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
// receives the previous one's output (a one-element list when it is text).
func Finalize(queries []string, fs []*Finalizer) (string, error) {
	if len(fs) == 0 {
		return strings.Join(queries, "\n"), nil
	}
	var out string
	for i, f := range fs {
		if i > 0 {
			queries = []string{out}
		}
		ps := func(k string) string { s, _ := f.Params[k].(string); return s }
		switch f.Type {
		case "concat":
			out = ps("prefix") + strings.Join(queries, ps("separator")) + ps("suffix")
		case "template":
			var err error
			out, err = renderTemplate(ps("template"), map[string]any{"queries": queries})
			if err != nil {
				return "", err
			}
		case "json":
			var b []byte
			var err error
			if ind, _ := f.Params["indent"].(int); ind > 0 {
				b, err = json.MarshalIndent(queries, "", strings.Repeat(" ", ind))
			} else {
				b, err = json.Marshal(queries)
			}
			if err != nil {
				return "", err
			}
			out = string(b)
		case "yaml":
			var b strings.Builder
			enc := yaml.NewEncoder(&b)
			if ind, _ := f.Params["indent"].(int); ind > 0 {
				enc.SetIndent(ind)
			}
			if err := enc.Encode(queries); err != nil {
				return "", err
			}
			out = b.String()
		default:
			return "", fmt.Errorf("unknown finalizer type %q", f.Type)
		}
	}
	return out, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
