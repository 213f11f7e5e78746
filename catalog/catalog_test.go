package catalog

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sigconv/sigconv/catalog/attack"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
)

// parseRule parses one rule document from YAML text.
func parseRule(t *testing.T, name, src string) *ir.Rule {
	t.Helper()
	docs, errs := parser.ParseFile(name, []byte(src))
	if err := errs.Err(); err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	for _, d := range docs {
		if r, ok := d.(*ir.Rule); ok {
			return r
		}
	}
	t.Fatalf("%s: no rule", name)
	return nil
}

// ruleWith builds rule text with the given tags and detection body.
func ruleWith(tags []string, detection string) string {
	var b strings.Builder
	b.WriteString("title: T\nid: 00000000-0000-0000-0000-000000000001\nlogsource:\n  product: windows\n  category: process_creation\n")
	if len(tags) > 0 {
		b.WriteString("tags:\n")
		for _, t := range tags {
			b.WriteString("  - " + t + "\n")
		}
	}
	if detection == "" {
		detection = "  sel:\n    Image: x\n  condition: sel\n"
	}
	b.WriteString("detection:\n" + detection)
	return b.String()
}

func TestAttackCoverage(t *testing.T) {
	m := attack.MustLoad()
	type row struct {
		Name       string
		Techniques []string
	}
	tests := []struct {
		name string
		tags []string
		want []row
	}{
		{"seed devtunnels", []string{"attack.exfiltration", "attack.command-and-control", "attack.t1567.001", "attack.t1572"}, []row{
			{"Exfiltration", []string{"T1567.001 Exfiltration Over Web Service: Exfiltration to Code Repository"}},
			{"Command & Control", []string{"T1572 Protocol Tunneling"}},
		}},
		{"technique under every tagged tactic", []string{"attack.persistence", "attack.privilege-escalation", "attack.t1543.003"}, []row{
			{"Persistence", []string{"T1543.003 Create or Modify System Process: Windows Service"}},
			{"Privilege Escalation", []string{"T1543.003 Create or Modify System Process: Windows Service"}},
		}},
		{"untagged tactic comes from the data", []string{"attack.execution", "attack.t1572"}, []row{
			{"Execution", nil},
			{"Command & Control (from technique, tactic not tagged)", []string{"T1572 Protocol Tunneling"}},
		}},
		{"unknown tactic and technique", []string{"attack.stealth", "attack.t9999", "attack.g0069", "attack.s0002", "cve.2021-1"}, []row{
			{"Stealth (not in ATT&CK data)", nil},
			{"Unknown tactic (technique not in ATT&CK data)", []string{"T9999"}},
		}},
		{"underscore spelling, duplicates", []string{"attack.command_and_control", "attack.command-and-control", "attack.t1572", "attack.T1572"}, []row{
			{"Command & Control", []string{"T1572 Protocol Tunneling"}},
		}},
		{"no tags", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []row
			for _, r := range attackCoverage(m, tc.tags) {
				g := row{Name: r.label()}
				for _, te := range r.Techniques {
					g.Techniques = append(g.Techniques, te.Name)
				}
				got = append(got, g)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestStages(t *testing.T) {
	tests := []struct {
		name, detection string
		want            []string // "label action expr [searches]"
	}{
		{"single", "  selection:\n    A: 1\n  condition: selection\n", []string{"1 match selection [selection]"}},
		{"and not quantified", "  selection:\n    A: 1\n  filter_a:\n    B: 1\n  filter_b:\n    C: 1\n  condition: selection and not 1 of filter_*\n",
			[]string{"1 match selection [selection]", "2 exclude 1 of filter_* [filter_a filter_b]"}},
		{"or inside and keeps parentheses", "  a:\n    A: 1\n  b:\n    B: 1\n  c:\n    C: 1\n  condition: (a or b) and not c\n",
			[]string{"1 match a or b [a b]", "2 exclude c [c]"}},
		{"not of or", "  a:\n    A: 1\n  b:\n    B: 1\n  c:\n    C: 1\n  condition: a and not (b or c)\n",
			[]string{"1 match a [a]", "2 exclude b or c [b c]"}},
		{"them skips underscore", "  a:\n    A: 1\n  _b:\n    B: 1\n  condition: all of them\n", []string{"1 match all of them [a]"}},
		{"condition list", "  a:\n    A: 1\n  b:\n    B: 1\n  condition:\n    - a\n    - b and not a\n",
			[]string{"1 match a [a]", "2.1 match b [b]", "2.2 exclude a [a]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := parseRule(t, tc.name+".yml", ruleWith(nil, tc.detection))
			var got []string
			for _, s := range stages(r.Detection) {
				got = append(got, s.label()+" "+s.Action+" "+s.Expr+" ["+strings.Join(s.Searches, " ")+"]")
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestIndicators(t *testing.T) {
	det := `  selection:
    Image|endswith: '\cmd.exe'
    CommandLine|contains|all:
      - ' /c '
      - 'whoami'
    ParentImage: '*\explorer.exe'
    OriginalFileName: 'Cmd.Exe'
    Product: '*Micro*soft*'
    Description|re: '^Win(dows)?'
    CurrentDirectory|startswith: 'C:\Users\'
  enc:
    CommandLine|base64offset|contains: 'IEX'
  kw:
    - 'evil'
    - '*evil*'
  filter:
    SourceIp|cidr: '10.0.0.0/8'
    User|exists: false
    Level|neq: 4
    ParentImage|endswith: '\explorer.exe'
  condition: (selection or enc or kw) and not filter
`
	r := parseRule(t, "ind.yml", ruleWith(nil, det))
	var got []string
	for _, in := range indicators(r) {
		got = append(got, fieldLabel(in.Field)+" "+in.kindLabel()+" "+in.Value)
	}
	want := []string{
		`Image ends_with \cmd.exe`,
		`CommandLine contains  /c `,
		`CommandLine contains whoami`,
		`ParentImage ends_with \explorer.exe`,
		`OriginalFileName eq Cmd.Exe`,
		`Product wildcard *Micro*soft*`,
		`Description re ^Win(dows)?`,
		`CurrentDirectory starts_with C:\Users\`,
		`CommandLine contains (base64offset) IEX`,
		`(keyword) keyword evil`,
		`SourceIp cidr 10.0.0.0/8`,
		`User exists false`,
		`Level not_eq 4`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestCorpusCounts(t *testing.T) {
	a := parseRule(t, "a.yml", "title: A\nid: a\nlogsource: {product: windows}\ndetection:\n  s:\n    Image|endswith: '\\CMD.exe'\n    X: 1\n  condition: s\n")
	b := parseRule(t, "b.yml", "title: B\nid: b\nlogsource: {product: windows}\ndetection:\n  s:\n    Image: '*\\cmd.exe'\n  condition: s\n")
	c := parseRule(t, "c.yml", "title: C\nid: c\nlogsource: {product: windows}\ndetection:\n  s:\n    Image|endswith|cased: '\\CMD.exe'\n    X: 1\n  condition: s\n")
	corpus := NewCorpus("set", []*ir.Rule{a, b, c})
	p := Build(a, nil, Options{Corpus: corpus})
	var got []string
	for _, in := range p.Indicators {
		got = append(got, in.Field+" "+in.Kind+" "+in.Value+" "+strings.Repeat("+", in.Corpus))
	}
	// b spells the same ends_with differently (and in another case); c is
	// cased, so its value differs from a's case-insensitive one.
	want := []string{`Image ends_with \CMD.exe +`, `X eq 1 +`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	if p.Corpus == nil || p.Corpus.Rules != 3 {
		t.Errorf("corpus info: %+v", p.Corpus)
	}
}
