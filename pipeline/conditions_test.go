package pipeline

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sigconv/sigconv/ir"
)

const condRule = `title: Cond
status: stable
level: medium
date: 2024-05-01
tags: [attack.T1059]
custom_flag: yes-please
logsource:
  category: process_creation
  product: windows
detection:
  sel:
    Image|endswith: '\cmd.exe'
    CommandLine: '*whoami*'
  opt:
    ParentImage: null
    EventID: 1
  condition: sel and opt
`

// TestConditions applies "prefix X." under each condition and checks which
// field names got the prefix.
func TestConditions(t *testing.T) {
	all := []string{"X.Image", "X.CommandLine", "X.ParentImage", "X.EventID"}
	none := []string{"Image", "CommandLine", "ParentImage", "EventID"}
	tests := []struct {
		name  string
		conds string // YAML lines added to the prefix item (indented two spaces)
		pre   string // items before the prefix item
		want  []string
	}{
		{"no conditions", "", "", all},
		{"logsource matches", "rule_conditions: [{type: logsource, category: process_creation, product: windows}]", "", all},
		{"logsource differs", "rule_conditions: [{type: logsource, product: linux}]", "", none},
		{"contains_detection_item", "rule_conditions: [{type: contains_detection_item, field: EventID, value: 1}]", "", all},
		{"contains_detection_item wrong value", "rule_conditions: [{type: contains_detection_item, field: EventID, value: 2}]", "", none},
		{"contains_field", "rule_conditions: [{type: contains_field, field: ParentImage}]", "", all},
		{"is_sigma_rule", "rule_conditions: [{type: is_sigma_rule}]", "", all},
		{"is_sigma_correlation_rule", "rule_conditions: [{type: is_sigma_correlation_rule}]", "", none},
		{"rule_attribute level gte", "rule_conditions: [{type: rule_attribute, attribute: level, value: low, op: gte}]", "", all},
		{"rule_attribute level gt high", "rule_conditions: [{type: rule_attribute, attribute: level, value: high, op: gt}]", "", none},
		{"rule_attribute status eq", "rule_conditions: [{type: rule_attribute, attribute: status, value: stable}]", "", all},
		{"rule_attribute date lt", "rule_conditions: [{type: rule_attribute, attribute: date, value: '2025-01-01', op: lt}]", "", all},
		{"rule_attribute tags in", "rule_conditions: [{type: rule_attribute, attribute: tags, value: attack.T1059, op: in}]", "", all},
		{"rule_attribute custom", "rule_conditions: [{type: rule_attribute, attribute: custom_flag, value: yes-please}]", "", all},
		{"rule_attribute missing custom", "rule_conditions: [{type: rule_attribute, attribute: nope, value: x}]", "", none},
		{"tag case-insensitive", "rule_conditions: [{type: tag, tag: attack.t1059}]", "", all},
		{"tag absent", "rule_conditions: [{type: tag, tag: attack.t1000}]", "", none},
		{"rule_cond_op or", "rule_conditions: [{type: tag, tag: nope}, {type: is_sigma_rule}]\n  rule_cond_op: or", "", all},
		{"rule_cond_op and", "rule_conditions: [{type: tag, tag: nope}, {type: is_sigma_rule}]", "", none},
		{"rule_cond_not", "rule_conditions: [{type: tag, tag: nope}]\n  rule_cond_not: true", "", all},
		{"rule_cond_expr", "rule_conditions:\n    a: {type: tag, tag: nope}\n    b: {type: is_sigma_rule}\n  rule_cond_expr: not a and (b or a)", "", all},
		{"processing_item_applied rule", "rule_conditions: [{type: processing_item_applied, processing_item_id: first}]", "- id: first\n  type: set_state\n  key: k\n  val: v\n", all},
		{"processing_item_applied not yet", "rule_conditions: [{type: processing_item_applied, processing_item_id: first}]", "", none},
		{"processing_state rule", "rule_conditions: [{type: processing_state, key: k, val: 5, op: gte}]", "- type: set_state\n  key: k\n  val: 7\n", all},
		{"processing_state rule ne", "rule_conditions: [{type: processing_state, key: k, val: v, op: ne}]", "- type: set_state\n  key: k\n  val: v\n", none},
		{"match_string", "detection_item_conditions: [{type: match_string, pattern: '.*cmd', cond: any}]", "", []string{"X.Image", "CommandLine", "ParentImage", "EventID"}},
		{"match_string negate", "detection_item_conditions: [{type: match_string, pattern: '.*cmd', negate: true}]", "", []string{"Image", "X.CommandLine", "X.ParentImage", "X.EventID"}},
		{"match_value", "detection_item_conditions: [{type: match_value, value: 1}]", "", []string{"Image", "CommandLine", "ParentImage", "X.EventID"}},
		{"contains_wildcard", "detection_item_conditions: [{type: contains_wildcard}]", "", []string{"Image", "X.CommandLine", "ParentImage", "EventID"}},
		{"is_null", "detection_item_conditions: [{type: is_null}]", "", []string{"Image", "CommandLine", "X.ParentImage", "EventID"}},
		{"detection_item_cond_op or", "detection_item_conditions: [{type: is_null}, {type: contains_wildcard}]\n  detection_item_cond_op: or", "", []string{"Image", "X.CommandLine", "X.ParentImage", "EventID"}},
		{"detection_item_cond_not", "detection_item_conditions: [{type: is_null}]\n  detection_item_cond_not: true", "", []string{"X.Image", "X.CommandLine", "ParentImage", "X.EventID"}},
		{"detection_item_cond_expr", "detection_item_conditions:\n    n: {type: is_null}\n    w: {type: contains_wildcard}\n  detection_item_cond_expr: not n and not w", "", []string{"X.Image", "CommandLine", "ParentImage", "X.EventID"}},
		{"processing_item_applied item", "detection_item_conditions: [{type: processing_item_applied, processing_item_id: low}]", "- id: low\n  type: case\n  method: lower\n  detection_item_conditions: [{type: contains_wildcard}]\n", []string{"Image", "X.CommandLine", "ParentImage", "EventID"}},
		{"processing_state item", "detection_item_conditions: [{type: processing_state, key: k, val: v}]", "- type: set_state\n  key: k\n  val: v\n", all},
		{"include_fields", "field_name_conditions: [{type: include_fields, fields: [Image, EventID]}]", "", []string{"X.Image", "CommandLine", "ParentImage", "X.EventID"}},
		{"include_fields re", "field_name_conditions: [{type: include_fields, fields: ['.*Image$'], mode: re}]", "", []string{"X.Image", "CommandLine", "X.ParentImage", "EventID"}},
		{"exclude_fields", "field_name_conditions: [{type: exclude_fields, fields: [Image, EventID]}]", "", []string{"Image", "X.CommandLine", "X.ParentImage", "EventID"}},
		{"field_name_cond_op or", "field_name_conditions: [{type: include_fields, fields: [Image]}, {type: include_fields, fields: [EventID]}]\n  field_name_cond_op: or", "", []string{"X.Image", "CommandLine", "ParentImage", "X.EventID"}},
		{"processing_item_applied field", "field_name_conditions: [{type: processing_item_applied, processing_item_id: m}]", "- id: m\n  type: field_name_mapping\n  mapping: {Image: Img}\n", []string{"X.Img", "CommandLine", "ParentImage", "EventID"}},
		{"processing_state field", "field_name_conditions: [{type: processing_state, key: k, val: v}]", "", none},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := "name: c\ntransformations:\n" + tc.pre + "- id: px\n  type: field_name_prefix\n  prefix: X.\n"
			if tc.conds != "" {
				src += "  " + tc.conds + "\n"
			}
			p, err := Load("c.yml", []byte(src))
			if err != nil {
				t.Fatalf("load: %v\n%s", err, src)
			}
			res, err := NewChain(p).Apply(parseRule(t, condRule))
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			if diff := cmp.Diff(tc.want, ir.FieldNames(res.Rule.Detection)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLoadErrors checks that bad pipelines are refused with positions.
func TestLoadErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unknown transformation", "transformations:\n  - type: field_name_mapp\n    mapping: {}\n", `p.yml:2:11: unknown transformation type "field_name_mapp"`},
		{"unknown rule condition", "transformations:\n  - type: drop_detection_item\n    rule_conditions:\n      - type: logsourc\n", `p.yml:4:15: unknown rule condition type "logsourc"`},
		{"unknown detection item condition", "transformations:\n  - type: drop_detection_item\n    detection_item_conditions: [{type: include_fields, fields: [a]}]\n", `p.yml:3:40: unknown detection_item condition type "include_fields"`},
		{"unknown field name condition", "transformations:\n  - type: drop_detection_item\n    field_name_conditions: [{type: is_null}]\n", `p.yml:3:36: unknown field_name condition type "is_null"`},
		{"unknown parameter", "transformations:\n  - type: field_name_prefix\n    prefix: a\n    prefx: b\n", `p.yml:4:5: transformation field_name_prefix: unknown parameter "prefx"`},
		{"missing parameter", "transformations:\n  - type: field_name_prefix\n", `p.yml:2:5: transformation field_name_prefix: missing parameter "prefix"`},
		{"unknown top-level key", "nam: x\n", `p.yml:1:1: unknown pipeline key "nam" (known: name, description, priority, vars, allowed_backends, tables, transformations, postprocessing, finalizers)`},
		{"unknown postprocessing", "postprocessing:\n  - type: embedd\n", `p.yml:2:11: unknown postprocessing type "embedd" (known: embed, simple_template, template, json, replace, nest)`},
		{"unknown finalizer", "finalizers:\n  - type: concatenate\n", `p.yml:2:11: unknown finalizer type "concatenate" (known: concat, template, json, yaml, nested)`},
		{"expr with unknown name", "transformations:\n  - type: drop_detection_item\n    rule_conditions:\n      a: {type: is_sigma_rule}\n    rule_cond_expr: a and b\n", `p.yml:5:21: rule_cond_expr refers to unknown condition "b"`},
		{"bad regex", "transformations:\n  - type: replace_string\n    regex: '('\n    replacement: x\n", "p.yml:3:12: replace_string: invalid regex \"(\": error parsing regexp: missing closing ): `(`"},
		{"bad column type", "tables:\n  T:\n    a: varchar\n", `p.yml:3:8: table T column a: unknown type "varchar" (want string, int, long, real, bool, datetime, dynamic, guid or timespan)`},
		{"bad add_condition modifier", "transformations:\n  - type: add_condition\n    conditions:\n      a|containz: x\n", "p.yml:4:9: unknown modifier \"containz\""},
		{"alias bomb", "vars:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n  g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n", "p.yml:1:1: the file expands into more than 1048576 YAML nodes (aliases); refusing it"},
		{"jinja statement", "postprocessing:\n  - type: template\n    template: '{% macro m() %}{% endmacro %}'\n", "p.yml:3:15: template: unsupported Jinja2 statement {% macro %}"},
		{"jinja unclosed if", "finalizers:\n  - type: template\n    template: '{% if x %}a'\n", "p.yml:3:15: template: {% if %} without {% endif %}"},
		{"jinja unknown filter", "postprocessing:\n  - type: template\n    template: '{{ query | wordwrap }}'\n", `p.yml:3:15: template: unsupported filter "wordwrap"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load("p.yml", []byte(tc.src))
			if err == nil {
				t.Fatal("no error")
			}
			first := strings.SplitN(err.Error(), "\n", 2)[0]
			if !strings.HasPrefix(first, tc.want) {
				t.Errorf("error = %q\nwant prefix %q", err.Error(), tc.want)
			}
		})
	}
}
