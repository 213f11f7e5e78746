package eval

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/sigconv/sigconv/ir"
)

// matcher tests one event value against one compiled rule value.
type matcher interface {
	// match reports whether event field i (c.ev.Fields[i]) matches.
	match(c *ctx, i int32) bool
	// String describes the test for explanations.
	String() string
}

// strMatcher compares the text of a string, number or boolean value with a
// wildcard pattern; folded unless the pattern is cased.
type strMatcher struct{ p *pattern }

func (m *strMatcher) match(c *ctx, i int32) bool {
	f := &c.ev.Fields[i]
	if !f.hasText() {
		return false
	}
	if m.p.cased {
		return m.p.match(f.Text)
	}
	return m.p.match(c.folded(i))
}

func (m *strMatcher) String() string {
	s := strconv.Quote(m.p.String())
	if m.p.cased {
		s += " (cased)"
	}
	return s
}

// numEq matches a number equal to v, or a string whose numeric value is v.
type numEq struct {
	v   float64
	raw string
}

func (m *numEq) match(c *ctx, i int32) bool {
	n, ok := numValue(&c.ev.Fields[i])
	return ok && n == m.v
}

func (m *numEq) String() string { return m.raw }

// numValue returns the numeric value of a number, or of a string holding a
// number in Go/JSON syntax.
func numValue(f *Field) (float64, bool) {
	switch f.Kind {
	case KindNumber:
		return f.Num, true
	case KindString:
		if f.Text == "" || len(f.Text) > 64 {
			return 0, false
		}
		n, err := strconv.ParseFloat(f.Text, 64)
		return n, err == nil
	}
	return 0, false
}

// boolEq matches a boolean, or a string spelling it (ignoring case).
type boolEq struct{ v bool }

func (m *boolEq) match(c *ctx, i int32) bool {
	f := &c.ev.Fields[i]
	switch f.Kind {
	case KindBool:
		return (f.Text == "true") == m.v
	case KindString:
		return strings.EqualFold(f.Text, strconv.FormatBool(m.v))
	}
	return false
}

func (m *boolEq) String() string { return strconv.FormatBool(m.v) }

// numCmp implements lt, lte, gt and gte.
type numCmp struct {
	op ir.Op
	v  float64
}

func (m *numCmp) match(c *ctx, i int32) bool {
	n, ok := numValue(&c.ev.Fields[i])
	return ok && compareNum(m.op, n, m.v)
}

func compareNum(op ir.Op, a, b float64) bool {
	switch op {
	case ir.OpLT:
		return a < b
	case ir.OpLTE:
		return a <= b
	case ir.OpGT:
		return a > b
	case ir.OpGTE:
		return a >= b
	}
	return a == b
}

func (m *numCmp) String() string { return m.op.String() + " " + formatNum(m.v) }

// reMatcher is an unanchored regular-expression search on the raw text.
type reMatcher struct {
	re *regexp.Regexp
	// guard holds folded literals of which every match contains one
	// (reRareLiterals): a value whose folded text contains none cannot
	// match, which is cheaper to find out than running the expression.
	guard []string
}

// maxReGuard is the most literals a regular expression's guard checks.
const maxReGuard = 8

func (m *reMatcher) match(c *ctx, i int32) bool {
	f := &c.ev.Fields[i]
	if !f.hasText() {
		return false
	}
	if m.guard != nil {
		v := c.folded(i)
		found := false
		for _, l := range m.guard {
			if strings.Contains(v, l) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return m.re.MatchString(f.Text)
}

func (m *reMatcher) String() string { return "re " + strconv.Quote(m.re.String()) }

// cidrMatcher matches IP addresses inside any of its networks.
type cidrMatcher struct {
	nets []netip.Prefix
	raw  string
}

func (m *cidrMatcher) match(c *ctx, i int32) bool {
	f := &c.ev.Fields[i]
	if f.Kind != KindString {
		return false
	}
	a, err := netip.ParseAddr(f.Text)
	if err != nil {
		return false
	}
	a = a.Unmap().WithZone("")
	for _, n := range m.nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

func (m *cidrMatcher) String() string { return "cidr " + m.raw }

// refMatcher compares a value with the values of another field of the
// same event (fieldref), with eq, contains, startswith or endswith.
type refMatcher struct {
	target int32 // field id
	name   string
	op     ir.Op
	cased  bool
}

func (m *refMatcher) match(c *ctx, i int32) bool {
	f := &c.ev.Fields[i]
	if !f.hasText() {
		return false
	}
	v := f.Text
	if !m.cased {
		v = c.folded(i)
	}
	for j := c.first(m.target); j >= 0; j = c.next[j] {
		t := &c.ev.Fields[j]
		if !t.hasText() {
			continue
		}
		w := t.Text
		if !m.cased {
			w = c.folded(j)
		}
		var ok bool
		switch m.op {
		case ir.OpContains:
			ok = strings.Contains(v, w)
		case ir.OpStartsWith:
			ok = strings.HasPrefix(v, w)
		case ir.OpEndsWith:
			ok = strings.HasSuffix(v, w)
		default:
			ok = v == w
		}
		if ok {
			return true
		}
	}
	return false
}

func (m *refMatcher) String() string { return "fieldref " + m.op.String() + " " + m.name }

// timeMatcher extracts a time part from a timestamp and compares it.
type timeMatcher struct {
	part ir.TimePart
	op   ir.Op // OpEqual or a numeric comparison
	v    float64
}

func (m *timeMatcher) match(c *ctx, i int32) bool {
	t, ok := parseTime(&c.ev.Fields[i])
	if !ok {
		return false
	}
	return compareNum(m.op, float64(timePart(t, m.part)), m.v)
}

func (m *timeMatcher) String() string {
	return m.part.String() + " " + m.op.String() + " " + formatNum(m.v)
}
