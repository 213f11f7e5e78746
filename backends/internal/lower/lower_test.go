package lower

import (
	"testing"

	"github.com/sigconv/sigconv/ir"
)

func str(parts ...ir.StrPart) *ir.String { return &ir.String{Parts: parts} }
func lit(s string) ir.StrPart            { return ir.StrPart{Kind: ir.PartLit, Text: s} }

var star = ir.StrPart{Kind: ir.PartWildMany}
var one = ir.StrPart{Kind: ir.PartWildOne}

func TestShape(t *testing.T) {
	tests := []struct {
		name  string
		op    ir.Op
		val   *ir.String
		shape Shape
		lit   string
	}{
		{"exact", ir.OpEqual, str(lit("a")), ShapeExact, "a"},
		{"empty", ir.OpEqual, str(), ShapeExact, ""},
		{"contains", ir.OpContains, str(lit("a")), ShapeContains, "a"},
		{"contains of star value", ir.OpContains, str(star, lit("a")), ShapeContains, "a"},
		{"startswith", ir.OpStartsWith, str(lit("a")), ShapePrefix, "a"},
		{"endswith", ir.OpEndsWith, str(lit("a")), ShapeSuffix, "a"},
		{"wildcard suffix written", ir.OpEqual, str(star, lit(".exe")), ShapeSuffix, ".exe"},
		{"inner star", ir.OpEqual, str(lit("a"), star, lit("b")), ShapeWildcard, ""},
		{"question mark", ir.OpEndsWith, str(lit("a"), one), ShapeWildcard, ""},
		{"star alone", ir.OpEqual, str(star), ShapeAny, ""},
		{"contains empty", ir.OpContains, str(), ShapeAny, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			it := &ir.Item{Field: "f", Match: ir.Match{Op: tc.op}, Values: []ir.Value{tc.val}}
			e, err := Item(it, "test")
			if err != nil {
				t.Fatal(err)
			}
			p := Simplify(e).(*Pred)
			shape, l := p.Shape()
			if shape != tc.shape || l != tc.lit {
				t.Errorf("Shape() = %v %q, want %v %q (pattern %s)", shape, l, tc.shape, tc.lit, PatternString(p.Pattern))
			}
		})
	}
}

func TestDetection(t *testing.T) {
	item := func(f, v string) *ir.Item {
		return &ir.Item{Field: f, Values: []ir.Value{str(lit(v))}}
	}
	d := &ir.Detection{
		Searches: []*ir.Search{
			{Name: "sel1", Groups: []*ir.Group{{Items: []*ir.Item{item("a", "1"), item("b", "2")}}}},
			{Name: "sel2", Groups: []*ir.Group{{Items: []*ir.Item{item("c", "3")}}}},
			{Name: "filter", Groups: []*ir.Group{{Items: []*ir.Item{{Field: "d", Match: ir.Match{Op: ir.OpExists}, Values: []ir.Value{&ir.Bool{Value: false}}}}}}},
		},
		Conditions: []ir.Cond{&ir.And{Terms: []ir.Cond{
			&ir.Quantified{Word: "1", Pattern: "sel*"},
			&ir.Not{X: &ir.Ref{Name: "filter"}},
		}}},
	}
	e, err := Detection(d, "test")
	if err != nil {
		t.Fatal(err)
	}
	got := dump(e)
	want := "and(or(and(a=1,b=2),c=3),exists(d))"
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestEncodingsAndNeq(t *testing.T) {
	it := &ir.Item{Field: "cmd", Match: ir.Match{Op: ir.OpContains, Negate: true, Encodings: []ir.Encoding{ir.EncBase64Offset}},
		Values: []ir.Value{str(lit("ping"))}}
	e, err := Item(it, "test")
	if err != nil {
		t.Fatal(err)
	}
	got := dump(Simplify(e))
	want := "and(exists(cmd),not(or(cmd=*cGluZ*,cmd=*Bpbm*,cmd=*waW5n*)))"
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	var cased func(Expr) bool
	cased = func(x Expr) bool {
		switch x := x.(type) {
		case *And:
			return cased(x.Terms[1])
		case *Not:
			return cased(x.X)
		case *Or:
			return cased(x.Terms[0])
		case *Pred:
			return x.Cased
		}
		return false
	}
	if !cased(Simplify(e)) {
		t.Error("base64offset values are not case-sensitive")
	}
}

func TestFieldRefGuards(t *testing.T) {
	it := &ir.Item{Field: "a", Match: ir.Match{FieldRef: true}, Values: []ir.Value{str(lit("b"))}}
	e, err := Item(it, "test")
	if err != nil {
		t.Fatal(err)
	}
	got := dump(Simplify(e))
	if want := "and(exists(a),exists(b),a=)"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func dump(e Expr) string {
	switch e := e.(type) {
	case *And:
		return "and(" + join(e.Terms) + ")"
	case *Or:
		return "or(" + join(e.Terms) + ")"
	case *Not:
		return "not(" + dump(e.X) + ")"
	case *Pred:
		if e.Kind == Exists {
			return "exists(" + e.Field + ")"
		}
		return e.Field + "=" + PatternString(e.Pattern)
	}
	return "?"
}

func join(ts []Expr) string {
	s := ""
	for i, t := range ts {
		if i > 0 {
			s += ","
		}
		s += dump(t)
	}
	return s
}
