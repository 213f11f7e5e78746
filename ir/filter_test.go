package ir

import "testing"

func TestApplyFilters(t *testing.T) {
	sel := &Search{Name: "selection"}
	flt := &Search{Name: "filter_main"}
	rule := &Rule{
		Meta:      Meta{ID: "6F3E2987-db24-4c78-a860-b4f4095a7095"},
		LogSource: LogSource{Category: "process_creation", Product: "windows"},
		Detection: &Detection{
			Searches:      []*Search{sel, flt},
			Conditions:    []Cond{&And{Terms: []Cond{&Ref{Name: "selection"}, &Not{X: &Quantified{Word: "1", Pattern: "filter*"}}}}},
			ConditionText: []string{"selection and not 1 of filter*"},
		},
	}
	f := &Filter{
		LogSource: LogSource{Category: "process_creation", Product: "windows"},
		Rules:     []RuleRef{{Ref: "6f3e2987-db24-4c78-a860-b4f4095a7095"}},
		Detection: &Detection{
			Searches:      []*Search{{Name: "selection"}, {Name: "other"}},
			Conditions:    []Cond{&Quantified{Word: "1", Them: true}},
			ConditionText: []string{"1 of them"},
		},
	}
	got := ApplyFilters(rule, []*Filter{f})
	if got == rule || len(rule.Detection.Searches) != 2 {
		t.Fatal("input rule modified or not copied")
	}
	names := []string{}
	for _, s := range got.Detection.Searches {
		names = append(names, s.Name)
	}
	want := []string{"selection", "filter_main", "_sigconv_filter0_selection", "_sigconv_filter0_other"}
	if len(names) != len(want) {
		t.Fatalf("searches %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("searches %v, want %v", names, want)
		}
	}
	and, ok := got.Detection.Conditions[0].(*And)
	if !ok || len(and.Terms) != 2 {
		t.Fatalf("condition %#v", got.Detection.Conditions[0])
	}
	not := and.Terms[1].(*Not)
	or := not.X.(*Or)
	if r := or.Terms[1].(*Ref); r.Name != "_sigconv_filter0_other" {
		t.Errorf("filter ref %q", r.Name)
	}
	if got.Detection.ConditionText[0] != "(selection and not 1 of filter*) and not (1 of them)" {
		t.Errorf("condition text %q", got.Detection.ConditionText[0])
	}

	other := *rule
	other.ID = "another"
	if ApplyFilters(&other, []*Filter{f}) != &other {
		t.Error("filter applied to a rule it does not name")
	}
	wrongLS := *rule
	wrongLS.LogSource.Category = "network_connection"
	if ApplyFilters(&wrongLS, []*Filter{f}) != &wrongLS {
		t.Error("filter applied to a rule of another logsource")
	}
}
