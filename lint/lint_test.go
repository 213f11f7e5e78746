package lint

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sigconv/sigconv/ir"
)

func ids(fs []Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

func goodRule() *ir.Rule {
	return &ir.Rule{
		Meta: ir.Meta{
			Pos: ir.Pos{File: "r.yml", Line: 1, Col: 1}, Title: "t", ID: "9501f8e6-8e3d-48fc-a8a6-1089dd5d7ef4",
			Status: "test", Description: "d", Author: "a", Date: "2023-11-20", Level: "medium",
			Tags: []string{"attack.exfiltration", "attack.t1567.001", "cve.2021-44228", "detection.threat-hunting", "stp.3k", "tlp.amber"},
		},
		LogSource: ir.LogSource{Category: "network_connection", Product: "windows"},
		Detection: &ir.Detection{
			Searches:   []*ir.Search{{Name: "selection"}, {Name: "filter_a"}},
			Conditions: []ir.Cond{&ir.And{Terms: []ir.Cond{&ir.Ref{Name: "selection"}, &ir.Not{X: &ir.Quantified{Word: "1", Pattern: "filter*"}}}}},
		},
	}
}

func TestLint(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(r *ir.Rule)
		want   []string
	}{
		{"clean", func(r *ir.Rule) {}, []string{}},
		{"bad id", func(r *ir.Rule) { r.ID = "x" }, []string{"invalid-id"}},
		{"missing metadata", func(r *ir.Rule) { r.ID, r.Author, r.Date, r.Description, r.Level = "", "", "", "", "" },
			[]string{"missing-id", "missing-description", "missing-author", "missing-date", "missing-level"}},
		{"bad date", func(r *ir.Rule) { r.Date = "2023/11/20" }, []string{"invalid-date"}},
		{"modified before", func(r *ir.Rule) { r.Modified = "2020-01-01" }, []string{"modified-before-date"}},
		{"bad values", func(r *ir.Rule) { r.Status, r.Level = "beta", "severe" }, []string{"invalid-status", "invalid-level"}},
		{"bad tags", func(r *ir.Rule) { r.Tags = []string{"attack.T1234", "attack.t12", "foo.bar", "tlp.white"} },
			[]string{"invalid-tag", "invalid-tag", "invalid-tag", "invalid-tag"}},
		{"unknown logsource", func(r *ir.Rule) { r.LogSource.Category = "proc_creation" }, []string{"unknown-logsource"}},
		{"unused search", func(r *ir.Rule) {
			r.Detection.Searches = append(r.Detection.Searches, &ir.Search{Name: "sel2"})
		}, []string{"unused-search"}},
		{"never matches", func(r *ir.Rule) {
			r.Detection.Conditions = []ir.Cond{&ir.And{Terms: []ir.Cond{&ir.Ref{Name: "selection"}, &ir.Not{X: &ir.Ref{Name: "selection"}}, &ir.Ref{Name: "filter_a"}}}}
		}, []string{"condition-never-matches"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := goodRule()
			tc.mutate(r)
			got := ids(New(Config{}).Add(r))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDuplicatesAndDisable(t *testing.T) {
	l := New(Config{Disabled: map[string]bool{"duplicate-title": true}})
	l.Add(goodRule())
	got := ids(l.Add(goodRule()))
	if diff := cmp.Diff([]string{"duplicate-id"}, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
