package pipeline

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const baseRule = `title: Base
id: 11111111-2222-3333-4444-555555555555
status: test
level: high
tags: [attack.execution, attack.t1059]
logsource:
  category: process_creation
  product: windows
detection:
  sel:
    Image|endswith: '\cmd.exe'
    CommandLine|contains:
      - whoami
      - /all
  filter:
    User: SYSTEM
  condition: sel and not filter
fields:
  - Image
  - User
`

const baseRendered = `logsource: process_creation/windows/
fields: Image,User
sel: Image|endswith="\\cmd.exe" & CommandLine|contains="whoami","/all"
filter: User="SYSTEM"
condition: (sel and not filter)
`

// applyCase loads transformations (the body of transformations:) and
// applies them to rule.
func applyCase(t *testing.T, trans, rule string) (*Result, error) {
	t.Helper()
	p := mustLoad(t, "p.yml", "name: p\ntransformations:\n"+trans)
	return NewChain(p).Apply(parseRule(t, rule))
}

func TestTransformations(t *testing.T) {
	tests := []struct {
		name    string
		trans   string
		rule    string // default baseRule
		want    string // rendered rule, or "" with wantErr
		wantErr string
	}{
		{name: "identity", trans: "[]", want: baseRendered},
		{
			name: "field_name_mapping one and many",
			trans: `
- type: field_name_mapping
  mapping:
    Image: TargetImage
    CommandLine: [cmd, command_line]
`,
			want: `logsource: process_creation/windows/
fields: TargetImage,User
sel: TargetImage|endswith="\\cmd.exe" & cmd|contains="whoami","/all" | TargetImage|endswith="\\cmd.exe" & command_line|contains="whoami","/all"
filter: User="SYSTEM"
condition: (sel and not filter)
`,
		},
		{
			name: "field_name_prefix_mapping",
			trans: `
- type: field_name_prefix_mapping
  mapping:
    Comm: process.comm
`,
			want: strings.Replace(baseRendered, "CommandLine", "process.commandLine", 1),
		},
		{
			name:  "field_name_prefix and suffix",
			trans: "- type: field_name_prefix\n  prefix: 'win.'\n- type: field_name_suffix\n  suffix: .keyword\n",
			want: `logsource: process_creation/windows/
fields: win.Image.keyword,win.User.keyword
sel: win.Image.keyword|endswith="\\cmd.exe" & win.CommandLine.keyword|contains="whoami","/all"
filter: win.User.keyword="SYSTEM"
condition: (sel and not filter)
`,
		},
		{
			name:  "field_name_transform snake_case with override",
			trans: "- type: field_name_transform\n  transform_func: snake_case\n  mapping:\n    User: user.name\n",
			want: `logsource: process_creation/windows/
fields: image,user.name
sel: image|endswith="\\cmd.exe" & command_line|contains="whoami","/all"
filter: user.name="SYSTEM"
condition: (sel and not filter)
`,
		},
		{
			name:  "field name condition include_fields re",
			trans: "- type: field_name_prefix\n  prefix: x.\n  field_name_conditions:\n    - type: include_fields\n      fields: ['Comm', 'Us']\n      mode: re\n",
			want: `logsource: process_creation/windows/
fields: Image,x.User
sel: Image|endswith="\\cmd.exe" & x.CommandLine|contains="whoami","/all"
filter: x.User="SYSTEM"
condition: (sel and not filter)
`,
		},
		{
			name:  "exclude_fields plain with negation",
			trans: "- type: field_name_prefix\n  prefix: x.\n  field_name_conditions:\n    - type: exclude_fields\n      fields: [User]\n  field_name_cond_not: true\n",
			want:  strings.ReplaceAll(baseRendered, "User", "x.User"),
		},
		{
			name:  "drop_detection_item by field",
			trans: "- type: drop_detection_item\n  field_name_conditions:\n    - type: include_fields\n      fields: [Image]\n",
			want:  strings.Replace(baseRendered, `Image|endswith="\\cmd.exe" & `, "", 1),
		},
		{
			name: "add_condition and negated",
			trans: `
- type: add_condition
  conditions:
    EventID: 1
    Channel: Microsoft-Windows-Sysmon/Operational
- type: add_condition
  name: noise
  negated: true
  conditions:
    Image|endswith: '\conhost.exe'
`,
			want: baseRendered[:strings.Index(baseRendered, "condition:")] +
				`_cond1: EventID=1 & Channel="Microsoft-Windows-Sysmon/Operational"
noise: Image|endswith="\\conhost.exe"
condition: (not noise and (_cond1 and (sel and not filter)))
`,
		},
		{
			name:  "add_condition template",
			trans: "- type: add_condition\n  template: true\n  conditions:\n    Source: $product-$category\n",
			want: baseRendered[:strings.Index(baseRendered, "condition:")] +
				"_cond1: Source=\"windows-process_creation\"\ncondition: (_cond1 and (sel and not filter))\n",
		},
		{
			name:  "change_logsource",
			trans: "- type: change_logsource\n  product: windows\n  service: sysmon\n",
			want:  strings.Replace(baseRendered, "process_creation/windows/", "/windows/sysmon", 1),
		},
		{
			name:  "replace_string with group reference",
			trans: "- type: replace_string\n  regex: '^\\\\(.*)$'\n  replacement: 'C:\\\\Windows\\\\\\1'\n",
			want:  strings.Replace(baseRendered, `"\\cmd.exe"`, `"C:\\Windows\\cmd.exe"`, 1),
		},
		{
			name:  "replace_string skip_special keeps wildcards",
			trans: "- type: replace_string\n  regex: 'o'\n  replacement: '0'\n  skip_special: true\n",
			rule:  strings.Replace(baseRule, "whoami", "who*ami", 1),
			want:  strings.Replace(strings.Replace(baseRendered, `"whoami"`, `"wh0*ami"`, 1), `"\\cmd.exe"`, `"\\cmd.exe"`, 1),
		},
		{
			name:  "replace_string leaves regex and cidr values alone",
			trans: "- type: replace_string\n  regex: '1'\n  replacement: '2'\n",
			rule:  strings.Replace(baseRule, "    User: SYSTEM", "    User|re: '^a1$'\n    Ip|cidr: 10.1.0.0/16", 1),
			want:  strings.Replace(baseRendered, `User="SYSTEM"`, `User|re="^a1$" & Ip|cidr="10.1.0.0/16"`, 1),
		},
		{
			name:  "map_string to several",
			trans: "- type: map_string\n  mapping:\n    SYSTEM: [SYSTEM, 'NT AUTHORITY\\SYSTEM']\n",
			want:  strings.Replace(baseRendered, `User="SYSTEM"`, `User="SYSTEM","NT AUTHORITY\\SYSTEM"`, 1),
		},
		{
			name:    "map_string to several inside an all item",
			trans:   "- type: map_string\n  mapping:\n    whoami: [a, b]\n",
			rule:    strings.Replace(baseRule, "CommandLine|contains:", "CommandLine|contains|all:", 1),
			wantErr: "rule.yml:13:9: pipeline item map_string@p.yml:5:3 turns a value of an |all item into 2 alternatives, which the item cannot express",
		},
		{
			name:  "value_mapping keeps type",
			trans: "- type: value_mapping\n  mapping:\n    EventID:\n      1: 4688\n    User:\n      SYSTEM: S-1-5-18\n",
			rule:  strings.Replace(baseRule, "    User: SYSTEM", "    User: SYSTEM\n    EventID: 1", 1),
			want:  strings.Replace(baseRendered, `User="SYSTEM"`, `User="S-1-5-18" & EventID=4688`, 1),
		},
		{
			name:  "set_value with detection item condition",
			trans: "- type: set_value\n  value: 0\n  field_name_conditions:\n    - type: include_fields\n      fields: [User]\n",
			want:  strings.Replace(baseRendered, `User="SYSTEM"`, `User=0`, 1),
		},
		{
			name:  "convert_type num to str",
			trans: "- type: convert_type\n  target_type: str\n",
			rule:  strings.Replace(baseRule, "    User: SYSTEM", "    EventID: 1", 1),
			want:  strings.Replace(baseRendered, `User="SYSTEM"`, `EventID="1"`, 1),
		},
		{
			name:    "convert_type str to num fails on text",
			trans:   "- type: convert_type\n  target_type: num\n",
			wantErr: `rule.yml:11:21: convert_type: value "\\cmd.exe" cannot be converted to a number`,
		},
		{
			name:  "case upper",
			trans: "- type: case\n  method: upper\n  field_name_conditions:\n    - type: include_fields\n      fields: [CommandLine]\n",
			want:  strings.Replace(baseRendered, `"whoami","/all"`, `"WHOAMI","/ALL"`, 1),
		},
		{
			name:  "regex brackets",
			trans: "- type: regex\n  field_name_conditions:\n    - type: include_fields\n      fields: [User]\n",
			want:  strings.Replace(baseRendered, `User="SYSTEM"`, `User|re="^[sS][yY][sS][tT][eE][mM]$"`, 1),
		},
		{
			name:  "regex flag",
			trans: "- type: regex\n  method: ignore_case_flag\n  field_name_conditions:\n    - type: include_fields\n      fields: [Image]\n",
			want:  strings.Replace(baseRendered, `Image|endswith="\\cmd.exe"`, `Image|re|i="\\\\\\cmd\\.exe$"`, 1),
		},
		{
			name:  "hashes_fields",
			trans: "- type: hashes_fields\n  valid_hash_algos: [MD5, SHA256]\n  field_prefix: File\n  field_name_conditions: [{type: include_fields, fields: [Hashes]}]\n",
			rule:  strings.Replace(baseRule, "    User: SYSTEM", "    Hashes:\n      - SHA256=AAAA\n      - MD5=BBBB\n      - SHA1=CCCC\n      - 0123456789abcdef0123456789abcdef", 1),
			want:  strings.Replace(baseRendered, `filter: User="SYSTEM"`, `filter: FileSHA256="AAAA" | FileMD5="BBBB","0123456789abcdef0123456789abcdef"`, 1),
		},
		{
			name:  "replace_detection_item",
			trans: "- type: replace_detection_item\n  field: User\n  value: SYSTEM\n  replacement:\n    AccountSid: S-1-5-18\n    LogonType|neq: 3\n",
			want:  strings.Replace(baseRendered, `User="SYSTEM"`, `AccountSid="S-1-5-18" & LogonType|neq=3`, 1),
		},
		{
			name:  "replace_detection_item value mismatch keeps item",
			trans: "- type: replace_detection_item\n  field: User\n  value: admin\n  replacement:\n    X: y\n",
			want:  baseRendered,
		},
		{
			name:  "set_field add_field remove_field",
			trans: "- type: set_field\n  fields: [a, b, c]\n- type: add_field\n  field: d\n- type: remove_field\n  field: [b, zz]\n",
			want:  strings.Replace(baseRendered, "fields: Image,User", "fields: a,c,d", 1),
		},
		{
			name:    "rule_failure",
			trans:   "- type: rule_failure\n  message: no process creation here\n  rule_conditions:\n    - type: logsource\n      category: process_creation\n",
			wantErr: "rule.yml:1:1: no process creation here",
		},
		{
			name:    "detection_item_failure",
			trans:   "- type: detection_item_failure\n  message: User is not available\n  field_name_conditions:\n    - type: include_fields\n      fields: [User]\n",
			wantErr: "rule.yml:16:5: User is not available",
		},
		{
			name:    "strict_field_mapping_failure",
			trans:   "- type: field_name_mapping\n  mapping:\n    Image: TargetImage\n    CommandLine: cmd\n- type: strict_field_mapping_failure\n",
			wantErr: "rule.yml:16:5: the following fields are not mapped: User",
		},
		{
			name:  "nest",
			trans: "- type: nest\n  items:\n    - type: field_name_prefix\n      prefix: a.\n    - type: change_logsource\n      product: linux\n      rule_conditions: [{type: logsource, product: nope}]\n",
			want:  strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(baseRendered, "Image", "a.Image"), "User", "a.User"), "CommandLine", "a.CommandLine"),
		},
		{
			name:  "wildcard_placeholders",
			trans: "- type: wildcard_placeholders\n",
			rule:  strings.Replace(baseRule, "    User: SYSTEM", "    User|expand: '%admins%'", 1),
			want:  strings.Replace(baseRendered, `User="SYSTEM"`, `User="*"`, 1),
		},
		{
			name:  "value_placeholders",
			trans: "- type: value_placeholders\n",
			rule:  strings.Replace(baseRule, "    User: SYSTEM", "    User|expand: 'DOM-%admins%'", 1),
			want:  strings.Replace(baseRendered, `User="SYSTEM"`, `User="DOM-alice","DOM-bob"`, 1),
		},
		{
			name:    "value_placeholders missing variable",
			trans:   "- type: value_placeholders\n  include: [other]\n- type: value_placeholders\n",
			rule:    strings.Replace(baseRule, "    User: SYSTEM", "    User|expand: '%nobody%'", 1),
			wantErr: `rule.yml:16:18: value_placeholders: no pipeline variable "nobody" for placeholder %nobody%`,
		},
		{
			name:  "set_custom_attribute and set_state do not touch detection",
			trans: "- type: set_custom_attribute\n  attribute: x\n  value: y\n- type: set_state\n  key: index\n  val: [a, b]\n",
			want:  baseRendered,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rule := tc.rule
			if rule == "" {
				rule = baseRule
			}
			trans := tc.trans
			if tc.name == "value_placeholders" {
				trans = "" + trans
			}
			p, err := Load("p.yml", []byte("name: p\nvars:\n  admins: [alice, bob]\ntransformations:\n"+indentList(trans)))
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			orig := parseRule(t, rule)
			before := render(orig)
			res, err := NewChain(p).Apply(orig)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				if strings.HasSuffix(tc.name, "failure") && !errors.Is(err, ErrRefused) {
					t.Errorf("error does not wrap ErrRefused")
				}
				return
			}
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			if diff := cmp.Diff(tc.want, render(res.Rule)); diff != "" {
				t.Errorf("rule (-want +got):\n%s", diff)
			}
			if after := render(orig); after != before {
				t.Errorf("input rule was modified:\n%s", after)
			}
		})
	}
}

// indentList accepts "[]" or a YAML list body.
func indentList(s string) string {
	if strings.TrimSpace(s) == "[]" {
		return "  []\n"
	}
	return s
}
