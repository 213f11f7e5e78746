package lower

import (
	"net/netip"
	"strings"

	"github.com/sigconv/sigconv/ir"
)

// Expr is a lowered boolean expression. The set is sealed: *And, *Or, *Not,
// *Pred.
type Expr interface{ expr() }

// And is the conjunction of two or more terms.
type And struct{ Terms []Expr }

// Or is the disjunction of two or more terms.
type Or struct{ Terms []Expr }

// Not negates X.
type Not struct{ X Expr }

func (*And) expr()  {}
func (*Or) expr()   {}
func (*Not) expr()  {}
func (*Pred) expr() {}

// Kind classifies a predicate.
type Kind int

// The predicate kinds.
const (
	// Match: the field's string value matches Pattern (wildcards allowed);
	// with Field "" it is a keyword search over the whole event.
	Match Kind = iota
	// Number: the field equals Num (numerically, or as its written form).
	Number
	// Bool: the field equals Bool.
	Bool
	// Null: the field is null or absent (Sigma `null`).
	Null
	// Exists: the field is present (the exists modifier with true; false
	// is lowered as Not{Exists}).
	Exists
	// Regex: the field matches the regular expression Regex (a search,
	// not anchored) with Flags.
	Regex
	// CIDR: the field is an IP address inside Prefix.
	CIDR
	// Compare: the field compares to Num with Op (lt, lte, gt, gte).
	Compare
	// FieldRef: the field compares with another field RefField using
	// RefOp (eq, contains, startswith, endswith).
	FieldRef
)

var kindNames = [...]string{"match", "number", "bool", "null", "exists", "regex", "cidr", "compare", "fieldref"}

func (k Kind) String() string { return kindNames[k] }

// Pred is one atomic test of one field. (The small fields come last and
// together, which keeps the struct in a smaller allocation class: lowering
// allocates one per value of every rule.)
type Pred struct {
	Kind     Kind          // what the test is
	Pos      ir.Pos        // position of the value (or item) in the rule
	Item     *ir.Item      // the item it comes from
	Field    string        // field name; "" for keyword searches
	Pattern  []ir.StrPart  // Match: normalised parts (adjacent literals merged, ** collapsed)
	Num      *ir.Number    // Number, Compare
	Op       ir.Op         // Compare: OpLT..OpGTE
	Regex    string        // Regex: the expression as written
	Prefix   netip.Prefix  // CIDR: the network
	RefField string        // FieldRef: the other field
	RefOp    ir.Op         // FieldRef: OpEqual, OpContains, OpStartsWith, OpEndsWith
	TimePart ir.TimePart   // Number, Compare: the time part extracted first, or TimeNone
	Cased    bool          // Match, FieldRef: case-sensitive
	Bool     bool          // Bool
	Flags    ir.RegexFlags // Regex: i, m, s
}

// IsKeyword reports whether the predicate searches the whole event.
func (p *Pred) IsKeyword() bool { return p.Field == "" }

// Shape describes a Match pattern in terms most query languages have
// dedicated operators for.
type Shape int

// The shapes.
const (
	ShapeExact    Shape = iota // lit        (also the empty string)
	ShapePrefix                // lit*
	ShapeSuffix                // *lit
	ShapeContains              // *lit*
	ShapeAny                   // * alone: any value, including empty (field must exist)
	ShapeWildcard              // anything else: inner * or any ?
)

// Shape classifies the pattern of a Match predicate and returns its literal
// text for every shape but ShapeWildcard and ShapeAny.
func (p *Pred) Shape() (Shape, string) {
	parts := p.Pattern
	if len(parts) == 0 {
		return ShapeExact, ""
	}
	for _, q := range parts {
		if q.Kind == ir.PartWildOne || q.Kind == ir.PartPlaceholder {
			return ShapeWildcard, ""
		}
	}
	lead := parts[0].Kind == ir.PartWildMany
	trail := parts[len(parts)-1].Kind == ir.PartWildMany
	inner := parts
	if lead {
		inner = inner[1:]
	}
	if trail && len(inner) > 0 {
		inner = inner[:len(inner)-1]
	}
	if len(inner) == 0 {
		return ShapeAny, ""
	}
	if len(inner) != 1 || inner[0].Kind != ir.PartLit {
		return ShapeWildcard, ""
	}
	lit := inner[0].Text
	switch {
	case lead && trail:
		return ShapeContains, lit
	case lead:
		return ShapeSuffix, lit
	case trail:
		return ShapePrefix, lit
	}
	return ShapeExact, lit
}

// normalise returns parts with a leading '*' when lead, a trailing '*'
// when trail, adjacent literals merged and runs of '*' collapsed, in one
// new slice.
func normalise(parts []ir.StrPart, lead, trail bool) []ir.StrPart {
	n := len(parts)
	if lead {
		n++
	}
	if trail {
		n++
	}
	out := make([]ir.StrPart, 0, n)
	if lead {
		out = append(out, ir.StrPart{Kind: ir.PartWildMany})
	}
	for _, p := range parts {
		out = appendPart(out, p)
	}
	if trail {
		out = appendPart(out, ir.StrPart{Kind: ir.PartWildMany})
	}
	return out
}

// appendPart appends p to a normalised pattern, keeping it normalised.
func appendPart(out []ir.StrPart, p ir.StrPart) []ir.StrPart {
	if p.Kind == ir.PartLit && p.Text == "" {
		return out
	}
	if n := len(out); n > 0 {
		last := &out[n-1]
		if p.Kind == ir.PartLit && last.Kind == ir.PartLit {
			last.Text += p.Text
			return out
		}
		if p.Kind == ir.PartWildMany && last.Kind == ir.PartWildMany {
			return out
		}
	}
	return append(out, p)
}

// PatternString renders a pattern in Sigma syntax (for messages and tests).
func PatternString(parts []ir.StrPart) string {
	var b strings.Builder
	for _, p := range parts {
		switch p.Kind {
		case ir.PartLit:
			b.WriteString(ir.EscapeWildcards(p.Text))
		case ir.PartWildMany:
			b.WriteByte('*')
		case ir.PartWildOne:
			b.WriteByte('?')
		case ir.PartPlaceholder:
			b.WriteString("%" + p.Text + "%")
		}
	}
	return b.String()
}
