package kql

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/backends/internal/lower"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/pipeline"
)

// Operator precedence levels of printed expressions: a term is wrapped in
// parentheses when its level is below what its context needs.
const (
	precOr   = iota // a or b
	precAnd         // a and b
	precAtom        // a predicate or a parenthesised group
)

// emitter prints a lowered expression as a KQL where-clause. It works in
// negation normal form: a Not is pushed down to the predicates (De Morgan),
// so that every negated predicate can be printed with the null handling it
// needs — Kusto's `not(x > 5)` is null, hence false in a where clause, for a
// null x, while Sigma's `not` is true for an absent field.
type emitter struct {
	table   *pipeline.Table // the target table; nil or no columns: schema unknown
	virtual map[string]bool // columns computed by `| extend` (string typed)
	used    map[string]bool // virtual columns the query refers to
	// emptyIsNull is the first predicate that tests a string column for
	// presence or emptiness (see WarnEmptyIsNull), or nil.
	emptyIsNull *lower.Pred
}

// noteEmpty records p as a test that cannot tell missing from "" when c is
// a string column.
func (e *emitter) noteEmpty(p *lower.Pred, c col) {
	if e.emptyIsNull == nil && c.isString() {
		e.emptyIsNull = p
	}
}

// col is a resolved column reference.
type col struct {
	name string // printed name (identifier or ['quoted'])
	typ  string // Kusto scalar type; "" when the schema is unknown
}

func (c col) isString() bool { return c.typ == "string" || c.typ == "" }

// nullable reports whether the column's type has a null value (every Kusto
// type but string).
func (c col) nullable() bool { return !c.isString() }

func (c col) isNumeric() bool {
	switch c.typ {
	case "int", "long", "real", "double", "decimal":
		return true
	}
	return false
}

// asString is an expression giving the column's value as a string; for a
// null value tostring yields "".
func (c col) asString() string {
	if c.isString() {
		return c.name
	}
	return "tostring(" + c.name + ")"
}

func (e *emitter) column(p *lower.Pred, field string) (col, error) {
	if e.virtual[field] {
		e.used[field] = true
		return col{name: ident(field), typ: "string"}, nil
	}
	if e.table == nil || len(e.table.Columns) == 0 {
		return col{name: ident(field)}, nil
	}
	c := e.table.Column(field)
	if c == nil {
		return col{}, backends.Unsupported(p.Pos, Name, fmt.Sprintf("field %q", field),
			"table %s has no column %q (no pipeline maps this field to a column of the table)", e.table.Name, field)
	}
	return col{name: ident(c.Name), typ: strings.ToLower(c.Type)}, nil
}

// expr prints x, negated when neg is set, and returns its precedence level.
func (e *emitter) expr(x lower.Expr, neg bool) (string, int, error) {
	switch x := x.(type) {
	case *lower.Not:
		return e.expr(x.X, !neg)
	case *lower.And:
		if neg {
			return e.junction(x.Terms, true, " or ", precOr)
		}
		return e.junction(x.Terms, false, " and ", precAnd)
	case *lower.Or:
		if neg {
			return e.junction(x.Terms, true, " and ", precAnd)
		}
		return e.junction(x.Terms, false, " or ", precOr)
	case *lower.Pred:
		s, err := e.pred(x, neg)
		return s, precAtom, err
	}
	return "", 0, fmt.Errorf("kql: unknown expression %T", x)
}

// junction prints terms joined by op ("and" or "or") at level prec. Under
// "or" (positive) and "and" (negated) exact matches of one column are
// gathered into in~ / !in~ lists.
func (e *emitter) junction(terms []lower.Expr, neg bool, op string, prec int) (string, int, error) {
	parts := make([]string, 0, len(terms))
	groups := map[string]int{} // list key -> index in lists
	type list struct {
		at    int
		c     col
		cased bool
		num   bool
		vals  []string
		first *lower.Pred
	}
	var lists []*list
	for _, t := range terms {
		if p, ok := t.(*lower.Pred); ok && (op == " or ") != neg {
			if c, v, num, ok2, err := e.listable(p); err != nil {
				return "", 0, err
			} else if ok2 {
				key := fmt.Sprintf("%s\x00%v\x00%v", c.name, p.Cased, num)
				if i, seen := groups[key]; seen {
					if !slices.Contains(lists[i].vals, v) {
						lists[i].vals = append(lists[i].vals, v)
					}
					continue
				}
				groups[key] = len(lists)
				lists = append(lists, &list{at: len(parts), c: c, cased: p.Cased, num: num, vals: []string{v}, first: p})
				parts = append(parts, "")
				continue
			}
		}
		s, pr, err := e.expr(t, neg)
		if err != nil {
			return "", 0, err
		}
		if pr < prec || (pr == precAnd && prec == precOr) {
			s = "(" + s + ")"
		}
		parts = append(parts, s)
	}
	for _, l := range lists {
		if len(l.vals) == 1 {
			s, err := e.pred(l.first, neg)
			if err != nil {
				return "", 0, err
			}
			parts[l.at] = s
			continue
		}
		in := "in~"
		if l.cased || l.num {
			in = "in"
		}
		if neg {
			in = "!" + in
		}
		s := fmt.Sprintf("%s %s (%s)", l.c.name, in, strings.Join(l.vals, ", "))
		if neg && l.c.nullable() {
			s = fmt.Sprintf("(isnull(%s) or %s)", l.c.name, s)
		}
		parts[l.at] = s
	}
	if len(parts) == 1 {
		return parts[0], precAtom, nil
	}
	return joinBalanced(parts, op), prec, nil
}

// maxRun is the most terms joined in one run. Kusto's parser nests a run
// of `a or b or c ...` one level per operator and gives up on deep trees
// (KS245 "Query syntax depth exceeds maximum safe limit"), so longer runs
// are split into parenthesised groups, which keeps the depth logarithmic.
const maxRun = 32

func joinBalanced(parts []string, op string) string {
	for len(parts) > maxRun {
		groups := make([]string, 0, (len(parts)+maxRun-1)/maxRun)
		for i := 0; i < len(parts); i += maxRun {
			j := min(i+maxRun, len(parts))
			groups = append(groups, "("+strings.Join(parts[i:j], op)+")")
		}
		parts = groups
	}
	return strings.Join(parts, op)
}

// listable reports whether p is an equality test that can join an in~ list
// and returns the column and the printed value.
func (e *emitter) listable(p *lower.Pred) (c col, val string, num, ok bool, err error) {
	if p.IsKeyword() || p.TimePart != ir.TimeNone {
		return col{}, "", false, false, nil
	}
	switch p.Kind {
	case lower.Match:
		shape, lit := p.Shape()
		if shape != lower.ShapeExact {
			return col{}, "", false, false, nil
		}
		if c, err = e.column(p, p.Field); err != nil {
			return col{}, "", false, false, err
		}
		if c.isNumeric() {
			if n, ok := numericLiteral(lit); ok {
				return c, n, true, true, nil
			}
			return col{}, "", false, false, nil
		}
		if c.typ != "string" {
			return col{}, "", false, false, nil
		}
		q, err := quote(lit)
		if err != nil {
			return col{}, "", false, false, backends.Unsupported(p.Pos, Name, "value", "%v", err)
		}
		return c, q, false, true, nil
	case lower.Number:
		if c, err = e.column(p, p.Field); err != nil {
			return col{}, "", false, false, err
		}
		if !c.isNumeric() {
			return col{}, "", false, false, nil
		}
		return c, numberText(p.Num), true, true, nil
	}
	return col{}, "", false, false, nil
}

// numericLiteral returns lit as a Kusto number literal when lit is the
// canonical decimal form of an integer (so that comparing numerically is the
// same as comparing the text).
func numericLiteral(lit string) (string, bool) {
	n, err := strconv.ParseInt(lit, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != lit {
		return "", false
	}
	return lit, true
}

func numberText(n *ir.Number) string {
	if n.IsInt {
		return strconv.FormatInt(n.Int, 10)
	}
	s := strconv.FormatFloat(n.Float, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// negOps maps a positive string operator to its negation.
var negOps = map[string]string{
	"=~": "!~", "==": "!=", "contains": "!contains", "contains_cs": "!contains_cs",
	"startswith": "!startswith", "startswith_cs": "!startswith_cs",
	"endswith": "!endswith", "endswith_cs": "!endswith_cs",
}

// binary prints `lhs op rhs`, negating the operator when neg.
func binary(lhs, op, rhs string, neg bool) string {
	if neg {
		op = negOps[op]
	}
	return lhs + " " + op + " " + rhs
}

// not prints the negation of a boolean expression that is never null.
func not(s string, neg bool) string {
	if neg {
		return "not(" + s + ")"
	}
	return s
}

func (e *emitter) unsupported(p *lower.Pred, what, reason string, args ...any) error {
	return backends.Unsupported(p.Pos, Name, what, reason, args...)
}

func (e *emitter) pred(p *lower.Pred, neg bool) (string, error) {
	if p.IsKeyword() {
		return e.keyword(p, neg)
	}
	c, err := e.column(p, p.Field)
	if err != nil {
		return "", err
	}
	if p.TimePart != ir.TimeNone {
		return e.timePart(p, c, neg)
	}
	switch p.Kind {
	case lower.Match:
		return e.match(p, c, neg)
	case lower.Number:
		return e.number(p, c, neg)
	case lower.Bool:
		v := strconv.FormatBool(p.Bool)
		if c.typ == "bool" || c.typ == "boolean" {
			// null != true is true, so the negation needs no guard.
			if neg {
				return c.name + " != " + v, nil
			}
			return c.name + " == " + v, nil
		}
		return binary(c.asString(), "=~", `"`+v+`"`, neg), nil
	case lower.Null, lower.Exists:
		e.noteEmpty(p, c)
		absent := p.Kind == lower.Null
		if neg {
			absent = !absent
		}
		switch {
		case c.isString() && absent:
			return "isempty(" + c.name + ")", nil
		case c.isString():
			return "isnotempty(" + c.name + ")", nil
		case absent:
			return "isnull(" + c.name + ")", nil
		}
		return "isnotnull(" + c.name + ")", nil
	case lower.Regex:
		if err := checkRegex(p.Regex); err != nil {
			return "", e.unsupported(p, "re modifier", "%v", err)
		}
		q, err := quote(regexFlags(p.Flags.IgnoreCase, p.Flags.Multiline, p.Flags.DotAll) + p.Regex)
		if err != nil {
			return "", e.unsupported(p, "re modifier", "%v", err)
		}
		return not(c.asString()+" matches regex "+q, neg), nil
	case lower.CIDR:
		return e.cidr(p, c, neg)
	case lower.Compare:
		x := c.name
		if !c.isNumeric() {
			x = "todouble(" + c.asString() + ")"
		}
		return compare(x, p.Op, numberText(p.Num), neg), nil
	case lower.FieldRef:
		return e.fieldRef(p, c, neg)
	}
	return "", fmt.Errorf("kql: unknown predicate kind %v", p.Kind)
}

var compareOps = map[ir.Op][2]string{
	ir.OpLT: {"<", ">="}, ir.OpLTE: {"<=", ">"}, ir.OpGT: {">", "<="}, ir.OpGTE: {">=", "<"},
}

// compare prints x op n; its negation also holds when x is null (an absent
// field is "not greater than 5" in Sigma).
func compare(x string, op ir.Op, n string, neg bool) string {
	ops := compareOps[op]
	if neg {
		return fmt.Sprintf("(isnull(%s) or %s %s %s)", x, x, ops[1], n)
	}
	return fmt.Sprintf("%s %s %s", x, ops[0], n)
}
