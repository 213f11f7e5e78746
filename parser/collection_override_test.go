package parser

import (
	"testing"

	"github.com/sigconv/sigconv/ir"
)

// A rule document of a collection deep-updates the global document: its own
// keys win, nested mappings merge, and its searches keep their own order
// and positions.
func TestCollectionRuleOverridesGlobal(t *testing.T) {
	src := `action: global
title: Global title
level: high
logsource:
    product: windows
detection:
    filter:
        User: SYSTEM
    condition: selection and not filter
---
title: Own title
logsource:
    category: process_creation
detection:
    selection:
        Image: a.exe
    condition: selection
`
	docs, errs := ParseFile("c.yml", []byte(src))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	r := docs[0].(*ir.Rule)
	if r.Title != "Own title" || r.Level != "high" {
		t.Errorf("title %q level %q, want the rule's title and the global level", r.Title, r.Level)
	}
	if r.LogSource.Category != "process_creation" || r.LogSource.Product != "windows" {
		t.Errorf("logsource %+v, want both merged", r.LogSource)
	}
	if got := r.Detection.ConditionText[0]; got != "selection" {
		t.Errorf("condition %q, want the rule's own", got)
	}
	if len(r.Detection.Searches) != 2 || r.Detection.Searches[0].Name != "selection" || r.Detection.Searches[0].Pos.Line != 15 {
		t.Errorf("searches not in the rule's order/position: %+v", r.Detection.Searches[0])
	}
}
