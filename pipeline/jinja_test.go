package pipeline

import (
	"testing"
)

func TestJinja(t *testing.T) {
	vars := map[string]any{
		"query":   "a=1",
		"queries": []string{"q1", "q2"},
		"rule": map[string]any{"title": "T", "level": enumValue("high"), "tags": []string{"attack.t1", "attack.t2"},
			"logsource": map[string]any{"product": "windows"}},
		"pipeline": map[string]any{"state": map[string]any{"index": "win", "n": int64(3)}},
	}
	tests := []struct{ name, src, want string }{
		{"output", "{{ query }} {{ rule.title }}", "a=1 T"},
		{"missing is empty", "[{{ rule.nope }}{{ nope.deeper }}]", "[]"},
		{"enum", "{{ rule.level }} {{ rule.level.name }}", "high HIGH"},
		{"index and get", "{{ pipeline.state['index'] }} {{ pipeline.state.get('x', 'dflt') }} {{ pipeline.state.get('index') }}", "win dflt win"},
		{"if elif else", "{% if rule.level.name in ['LOW'] %}low{% elif rule.level == 'high' %}hi{% else %}other{% endif %}", "hi"},
		{"not and or", "{% if not rule.nope and (query or false) %}yes{% endif %}", "yes"},
		{"for loop", "{% for q in queries %}{{ loop.index }}:{{ q }}{% if not loop.last %}, {% endif %}{% endfor %}", "1:q1, 2:q2"},
		{"for else", "{% for x in rule.nope %}x{% else %}empty{% endfor %}", "empty"},
		{"filters", "{{ queries | length }} {{ queries | join(' OR ') | upper }} {{ rule.tags | first }} {{ rule.nope | default('d') }}", "2 Q1 OR Q2 attack.t1 d"},
		{"tests", "{{ rule.nope is defined }} {{ rule.title is defined }} {{ rule.nope is not defined }}", "False True True"},
		{"compare numbers", "{% if pipeline.state.n >= 3 %}big{% endif %}", "big"},
		{"concat and repr", "{{ 'x' ~ query }} {{ queries }}", "xa=1 ['q1', 'q2']"},
		{"whitespace control", "a  {%- if true -%}  b  {%- endif %}", "ab"},
		{"comment", "a{# note #}b", "ab"},
		{"trailing newline dropped", "line\n", "line"},
		{"tojson", "{{ rule.tags | tojson }}", `["attack.t1","attack.t2"]`},
		{"set and ternary", "{% set t = 'TTP' if rule.level.name in ['HIGH'] else 'Hunting' %}{% if query %}{% set u = t ~ '!' %}{% endif %}{{ u }} {{ 'x' if rule.nope }}|", "TTP! |"},
		{"indent", "a: |\n  {{ 'l1\nl2\n\nl3' | indent(2) }}", "a: |\n  l1\n  l2\n\n  l3"},
		{"strftime", "{{ '2024/05/01'.strftime('%Y-%m-%d') }}", "2024-05-01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tmpl, err := compileJinja(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tmpl.render(vars)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	for _, bad := range []string{"{% macro m() %}{% endmacro %}", "{% set a.b = 1 %}", "{{ x | wordwrap }}", "{{ x.format() }}", "{{ x is odd }}", "{% if x %}", "{% for x %}{% endfor %}", "{{ a +* b }}", "{{ x", "{% endif %}"} {
		if _, err := compileJinja(bad); err == nil {
			t.Errorf("%q compiled", bad)
		}
	}
}
