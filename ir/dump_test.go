package ir

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

func dumpSample() Document {
	p := func(l, c int) Pos { return Pos{File: "r.yml", Line: l, Col: c} }
	r := &Rule{
		Meta: Meta{Pos: p(1, 1), File: "r.yml", Title: "t \"q\" \\ \x01", Tags: []string{"attack.t1"},
			Custom: []Attribute{{Pos: p(2, 1), Key: "x", Value: []any{int64(1), "a", nil, []Attribute{{Key: "k", Value: true}}}}}},
		LogSource: LogSource{Pos: p(3, 1), Product: "windows"},
		Detection: &Detection{
			Pos: p(4, 1),
			Searches: []*Search{{Pos: p(5, 5), Name: "sel", Groups: []*Group{{Pos: p(6, 9), Items: []*Item{{
				Pos: p(6, 9), Field: "Image", Modifiers: []Modifier{{Pos: p(6, 15), Name: "endswith"}},
				Match:  Match{Op: OpEndsWith, Encodings: []Encoding{EncWindash}},
				Values: []Value{&String{Pos: p(6, 25), Raw: `\x*`, Parts: []StrPart{{Kind: PartLit, Text: `\x`}, {Kind: PartWildMany}}}, &Number{Pos: p(7, 1), Raw: "1", IsInt: true, Int: 1, Float: 1}, &Null{Pos: p(8, 1)}, &Bool{Pos: p(9, 1), Value: true}},
			}}}}}},
			Conditions:    []Cond{&And{Pos: p(10, 16), Terms: []Cond{&Ref{Pos: p(10, 16), Name: "sel"}, &Not{Pos: p(10, 24), X: &Quantified{Pos: p(10, 28), Word: "1", Pattern: "f*"}}}}},
			ConditionText: []string{"sel and not 1 of f*"},
		},
	}
	return r
}

func TestDumpJSONStableAndValid(t *testing.T) {
	a := DumpJSON(dumpSample())
	b := DumpJSON(dumpSample())
	if string(a) != string(b) {
		t.Fatal("DumpJSON is not deterministic")
	}
	if !json.Valid(a) {
		t.Fatalf("DumpJSON output is not valid JSON:\n%s", a)
	}
	for _, want := range []string{`"type": "Rule"`, `"Pos": "r.yml:6:25"`, `"Op": "endswith"`, `"Kind": "wildmany"`, `"type": "Quantified"`, `"Encodings": [`, `"windash"`, `"Kind": "map"`} {
		if !strings.Contains(string(a), want) {
			t.Errorf("dump lacks %s:\n%s", want, a)
		}
	}
	c := &Correlation{Type: ValueCount, Timespan: Timespan{Raw: "1h", Duration: time.Hour}, Cond: &CorrCondition{Bounds: []CorrBound{{Op: "gt", Value: math.Inf(1)}}}}
	out := DumpJSON(c)
	if !json.Valid(out) || !strings.Contains(string(out), `"Duration": "1h0m0s"`) || !strings.Contains(string(out), `"Type": "value_count"`) {
		t.Errorf("correlation dump:\n%s", out)
	}
}
