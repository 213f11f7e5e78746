package ir

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func sampleRule() *Rule {
	p := Pos{File: "r.yml", Line: 3, Col: 5}
	return &Rule{
		Meta: Meta{Title: "t", Tags: []string{"attack.t1"}, Custom: []Attribute{
			{Key: "x", Value: []any{"a", []Attribute{{Key: "k", Value: int64(1)}}}},
		}},
		LogSource: LogSource{Category: "process_creation", Product: "windows"},
		Detection: &Detection{
			Searches: []*Search{{Name: "sel", Groups: []*Group{{Items: []*Item{
				{Pos: p, Field: "Image", Match: Match{Op: OpEndsWith, Encodings: []Encoding{EncBase64}},
					Values: []Value{Lit(p, "\\cmd.exe"), &Number{Raw: "1", IsInt: true, Int: 1, Float: 1}, &Bool{Value: true}, &Null{}}},
			}}}}},
			Conditions:    []Cond{&And{Terms: []Cond{&Ref{Name: "sel"}, &Not{X: &Quantified{Word: "1", Pattern: "f*"}}}}},
			ConditionText: []string{"sel and not 1 of f*"},
		},
	}
}

func TestCloneRuleIsDeepAndEqual(t *testing.T) {
	r := sampleRule()
	c := CloneRule(r)
	if diff := cmp.Diff(r, c); diff != "" {
		t.Fatalf("clone differs (-orig +clone):\n%s", diff)
	}
	// Mutating the clone must leave the original untouched.
	c.Tags[0] = "changed"
	c.Detection.Searches[0].Groups[0].Items[0].Field = "X"
	c.Detection.Searches[0].Groups[0].Items[0].Values[0].(*String).Parts[0].Text = "y"
	c.Detection.Searches[0].Groups[0].Items[0].Match.Encodings[0] = EncUTF16
	c.Detection.Conditions[0].(*And).Terms[0].(*Ref).Name = "z"
	c.Custom[0].Value.([]any)[1].([]Attribute)[0].Key = "q"
	if diff := cmp.Diff(sampleRule(), r); diff != "" {
		t.Fatalf("original changed (-want +got):\n%s", diff)
	}
}

func TestWalkHelpers(t *testing.T) {
	r := sampleRule()
	if got := FieldNames(r.Detection); !cmp.Equal(got, []string{"Image"}) {
		t.Errorf("FieldNames = %v", got)
	}
	n := 0
	WalkValues(r.Detection, func(*Item, Value) bool { n++; return true })
	if n != 4 {
		t.Errorf("WalkValues visited %d values, want 4", n)
	}
	var kinds []string
	InspectCond(r.Detection.Conditions[0], func(c Cond) bool {
		switch c.(type) {
		case *And:
			kinds = append(kinds, "and")
		case *Not:
			kinds = append(kinds, "not")
		case *Ref:
			kinds = append(kinds, "ref")
		case *Quantified:
			kinds = append(kinds, "q")
		}
		return true
	})
	if !cmp.Equal(kinds, []string{"and", "ref", "not", "q"}) {
		t.Errorf("InspectCond order = %v", kinds)
	}
	RewriteItems(r.Detection, func(_ *Search, _ *Group, it *Item) []*Item { return []*Item{it, it} })
	if got := len(r.Detection.Searches[0].Groups[0].Items); got != 2 {
		t.Errorf("RewriteItems kept %d items, want 2", got)
	}
}

func TestRewriteCopyIsEqualAndSeparatesWhatPipelinesChange(t *testing.T) {
	r := sampleRule()
	c := RewriteCopy(r)
	if diff := cmp.Diff(r, c); diff != "" {
		t.Fatalf("copy differs (-orig +copy):\n%s", diff)
	}
	// What pipelines change in place is the copy's own: item fields,
	// matches and value lists, condition and condition text lists,
	// searches and groups, custom attributes; appends to shared lists.
	it := c.Detection.Searches[0].Groups[0].Items[0]
	it.Field = "X"
	it.Match.Op = OpRegex
	it.Values[0] = Lit(Pos{}, "other")
	it.Match.Encodings = append(it.Match.Encodings, EncUTF16)
	it.Modifiers = append(it.Modifiers, Modifier{Name: "all"})
	c.Detection.Conditions[0] = &Ref{Name: "new"}
	c.Detection.ConditionText[0] = "new"
	c.Detection.Searches = append(c.Detection.Searches, &Search{Name: "added"})
	c.Detection.Searches[0].Groups = append(c.Detection.Searches[0].Groups, &Group{})
	c.Detection.Searches[0].Groups[0].Items = append(c.Detection.Searches[0].Groups[0].Items, &Item{})
	c.Tags = append(c.Tags, "added")
	c.Fields = append(c.Fields, "added")
	c.Custom[0].Value = "replaced"
	c.LogSource = LogSource{Category: "changed"}
	if diff := cmp.Diff(sampleRule(), r); diff != "" {
		t.Fatalf("original changed (-want +got):\n%s", diff)
	}
	if RewriteCopy(nil) != nil {
		t.Error("RewriteCopy(nil) != nil")
	}
}
