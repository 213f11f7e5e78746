package catalog

import (
	"sort"
	"strings"

	"github.com/sigconv/sigconv/ir"
)

// Indicator is one row of the "Indicators" table: a field, the kind of
// comparison and one value.
type Indicator struct {
	Field string `json:"field"` // field name, "" for a keyword search
	// Kind is eq, contains, starts_with, ends_with, wildcard (a pattern
	// with inner wildcards), re, cidr, exists, lt, lte, gt, gte, fieldref,
	// prefixed "not_" with neq, or keyword for a plain keyword value. An eq value of the form *x*, x* or *x is
	// folded into contains, starts_with or ends_with x, as backends do, so
	// that equivalent spellings count as the same indicator.
	Kind string `json:"kind"`
	// Encodings lists value encodings applied before matching (base64,
	// base64offset, utf16le, utf16be, utf16, windash), joined by "|", or "".
	Encodings string `json:"encodings,omitempty"`
	// Value is the literal value; for kind wildcard, and for a contains,
	// starts_with or ends_with value with inner wildcards, it is in Sigma
	// syntax (* and ? live, \ escapes).
	Value string `json:"value"`
	// Corpus is how many other rules of the rule set use the same field,
	// kind, encodings and value (compared case-insensitively unless the
	// cased modifier or a regular expression makes case matter).
	Corpus int `json:"corpus"`

	key string // corpus key
}

// indicators lists r's indicators in source order, each once.
func indicators(r *ir.Rule) []Indicator {
	out := []Indicator{}
	seen := map[string]bool{}
	ir.WalkValues(r.Detection, func(it *ir.Item, v ir.Value) bool {
		in := indicator(it, v)
		if !seen[in.key] {
			seen[in.key] = true
			out = append(out, in)
		}
		return true
	})
	return out
}

// indicatorKeys returns the distinct corpus keys of r, sorted.
func indicatorKeys(r *ir.Rule) []string {
	var keys []string
	for _, in := range indicators(r) {
		keys = append(keys, in.key)
	}
	sort.Strings(keys)
	return keys
}

var kindNames = map[ir.Op]string{
	ir.OpEqual: "eq", ir.OpContains: "contains", ir.OpStartsWith: "starts_with",
	ir.OpEndsWith: "ends_with", ir.OpRegex: "re", ir.OpCIDR: "cidr", ir.OpExists: "exists",
	ir.OpLT: "lt", ir.OpLTE: "lte", ir.OpGT: "gt", ir.OpGTE: "gte",
}

func indicator(it *ir.Item, v ir.Value) Indicator {
	in := Indicator{Field: it.Field, Kind: kindNames[it.Match.Op], Value: valueText(v)}
	if s, ok := v.(*ir.String); ok && it.Match.Op != ir.OpRegex {
		in.Value = s.Sigma()
		if s.IsPlain() {
			in.Value = s.Literal()
		}
		if it.Match.Op == ir.OpEqual {
			in.Kind, in.Value = foldWildcards(s)
			// A keyword is matched anywhere in the event, so "x" and
			// "*x*" are the same keyword.
			if it.IsKeyword() && (in.Kind == "eq" || in.Kind == "contains") {
				in.Kind = "keyword"
			}
		}
	}
	if it.Match.FieldRef {
		in.Kind = "fieldref"
	}
	if it.Match.Negate {
		in.Kind = "not_" + in.Kind
	}
	var enc []string
	for _, e := range it.Match.Encodings {
		enc = append(enc, e.String())
	}
	in.Encodings = strings.Join(enc, "|")
	norm := in.Value
	if !it.Match.Cased && it.Match.Op != ir.OpRegex {
		norm = strings.ToLower(norm)
	}
	in.key = in.Field + "\x00" + in.Kind + "\x00" + in.Encodings + "\x00" + norm
	return in
}

// foldWildcards classifies an eq string: *x* is contains x, x* starts_with
// x, *x ends_with x (x without wildcards), a plain string eq, and any
// other pattern wildcard with the pattern in Sigma syntax.
func foldWildcards(s *ir.String) (kind, value string) {
	parts := s.Parts
	lead := len(parts) > 0 && parts[0].Kind == ir.PartWildMany
	trail := len(parts) > 1 && parts[len(parts)-1].Kind == ir.PartWildMany
	mid := parts
	if lead {
		mid = mid[1:]
	}
	if trail {
		mid = mid[:len(mid)-1]
	}
	plain := len(mid) > 0
	for _, p := range mid {
		if p.Kind != ir.PartLit {
			plain = false
		}
	}
	lit := (&ir.String{Parts: mid}).Literal()
	switch {
	case !lead && !trail && plain:
		return "eq", lit
	case plain && lead && trail:
		return "contains", lit
	case plain && trail:
		return "starts_with", lit
	case plain && lead:
		return "ends_with", lit
	case len(parts) == 0:
		return "eq", ""
	}
	return "wildcard", s.Sigma()
}
