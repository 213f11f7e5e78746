package ir

// Cond is a node of a condition expression. The set is sealed: *And, *Or,
// *Not, *Ref, *Quantified.
type Cond interface {
	Position() Pos
	cond()
}

// And is a conjunction of two or more terms.
type And struct {
	Pos   Pos    // position of the first term
	Terms []Cond // two or more
}

// Or is a disjunction of two or more terms.
type Or struct {
	Pos   Pos    // position of the first term
	Terms []Cond // two or more
}

// Not negates its operand.
type Not struct {
	Pos Pos  // position of the "not" keyword
	X   Cond // operand
}

// Ref refers to one search identifier by name.
type Ref struct {
	Pos  Pos    // position of the name
	Name string // search identifier
}

// Quantified is "1 of X", "any of X", "all of X" or the same with "them".
type Quantified struct {
	Pos     Pos    // position of the quantifier
	All     bool   // all of (otherwise 1 of / any of)
	Word    string // quantifier as written: "1", "any" or "all"
	Them    bool   // "them": every search not starting with "_"
	Pattern string // identifier pattern with '*' wildcards; "" with Them
}

// Position returns the node's position.
func (c *And) Position() Pos { return c.Pos }

// Position returns the node's position.
func (c *Or) Position() Pos { return c.Pos }

// Position returns the node's position.
func (c *Not) Position() Pos { return c.Pos }

// Position returns the node's position.
func (c *Ref) Position() Pos { return c.Pos }

// Position returns the node's position.
func (c *Quantified) Position() Pos { return c.Pos }

func (*And) cond()        {}
func (*Or) cond()         {}
func (*Not) cond()        {}
func (*Ref) cond()        {}
func (*Quantified) cond() {}

// Condition returns the rule's whole condition as one expression: the single
// condition, or the OR of a condition list.
func (d *Detection) Condition() Cond {
	switch len(d.Conditions) {
	case 0:
		return nil
	case 1:
		return d.Conditions[0]
	}
	return &Or{Pos: d.Conditions[0].Position(), Terms: d.Conditions}
}
