package elastic

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sigconv/sigconv/backends/internal/lower"

	"github.com/sigconv/sigconv/pipeline"
)

// fieldType is what the printers need to know about a field's mapping.
type fieldType int

const (
	typeUnknown fieldType = iota // keyword, wildcard, text or unmapped: compared as strings
	typeIP                       // ip: CIDR terms work, strings must be addresses
	typeNumber                   // long, integer, float...: compared as numbers
	typeBool                     // boolean
)

// ecsSuffixTypes gives the mapping type of ECS fields by their last name
// component, for the families whose type is fixed across ECS field sets
// (https://www.elastic.co/guide/en/ecs/current/ecs-field-reference.html):
// *.ip is ip; *.port, *.pid, *.bytes, *.packets are long.
var ecsSuffixTypes = map[string]fieldType{
	"ip":       typeIP,
	"port":     typeNumber,
	"pid":      typeNumber,
	"ppid":     typeNumber,
	"bytes":    typeNumber,
	"packets":  typeNumber,
	"sequence": typeNumber,
}

// ecsFieldTypes lists individual ECS fields whose type matters for
// comparisons and that the suffix rule does not cover.
var ecsFieldTypes = map[string]fieldType{
	"related.ip":                 typeIP,
	"process.thread.id":          typeNumber,
	"process.exit_code":          typeNumber,
	"process.args_count":         typeNumber,
	"network.iana_number":        typeUnknown, // keyword in ECS
	"file.size":                  typeNumber,
	"event.severity":             typeNumber,
	"event.risk_score":           typeNumber,
	"file.code_signature.signed": typeBool,
	"file.code_signature.valid":  typeBool,
	"winlog.event_id":            typeUnknown, // keyword in Winlogbeat
}

// typeOf returns the mapping type of field: from the pipeline's table
// schema when it names the column, else from ECS knowledge.
func typeOf(tbl *pipeline.Table, field string) fieldType {
	if c := tbl.Column(field); c != nil {
		switch c.Type {
		case "int", "long", "real":
			return typeNumber
		case "bool":
			return typeBool
		case "ip":
			return typeIP
		}
		return typeUnknown
	}
	if t, ok := ecsFieldTypes[field]; ok {
		return t
	}
	last := field
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		last = field[i+1:]
	}
	if i := strings.LastIndexByte(field, '.'); i < 0 {
		return typeUnknown // raw (unmapped) names are strings
	}
	return ecsSuffixTypes[last]
}

// hasCase reports whether s contains a character with another case
// variant, i.e. whether case-insensitive and case-sensitive comparison of
// s can differ.
func hasCase(s string) bool {
	for _, r := range s {
		if _, n := foldSet(r); n > 1 {
			return true
		}
	}
	return false
}

// foldSet returns r with its lower, upper and title case forms, in
// ascending order without duplicates: the first n runes of set. This
// per-character case mapping is what Elasticsearch's case_insensitive
// option, TO_LOWER and EQL's ":" use, so every Elastic language gets the
// same meaning of "case-insensitive". It is called for every character of
// every case-insensitive value, so it does not allocate.
func foldSet(r rune) (set [4]rune, n int) {
	if r < utf8.RuneSelf {
		switch {
		case 'a' <= r && r <= 'z':
			return [4]rune{r - 'a' + 'A', r}, 2
		case 'A' <= r && r <= 'Z':
			return [4]rune{r, r - 'A' + 'a'}, 2
		}
		return [4]rune{r}, 1
	}
	set[0], n = r, 1
	for _, f := range [3]rune{unicode.ToLower(r), unicode.ToUpper(r), unicode.ToTitle(r)} {
		dup := false
		for _, x := range set[:n] {
			dup = dup || x == f
		}
		if !dup {
			set[n] = f
			n++
		}
	}
	for i := 1; i < n; i++ {
		for j := i; j > 0 && set[j] < set[j-1]; j-- {
			set[j], set[j-1] = set[j-1], set[j]
		}
	}
	return set, n
}

// ipValue returns the address of a string predicate on an ip field. An ip
// field holds only addresses: a term must be one (Elasticsearch rejects
// anything else), and wildcards and regexps do not apply to ip fields.
func ipValue(p *lower.Pred) (string, error) {
	shape, lit := p.Shape()
	if shape != lower.ShapeExact {
		return "", fmt.Errorf("%s is an ip field: wildcard patterns (%s) do not apply to it (use cidr)", p.Field, lower.PatternString(p.Pattern))
	}
	addr, err := netip.ParseAddr(lit)
	if err != nil {
		return "", fmt.Errorf("%s is an ip field and %q is not an IP address", p.Field, lit)
	}
	return addr.String(), nil
}

// boolMismatch is the refusal text for a string pattern (other than true
// or false, which become boolean tests) on a boolean field: Elasticsearch
// cannot parse it as a boolean, and stores "" as false.
func boolMismatch(p *lower.Pred) error {
	return fmt.Errorf("%s is a boolean field and %s is neither true nor false", p.Field, lower.PatternString(p.Pattern))
}

// numberMismatch is the refusal text for a string pattern on a numeric
// field: wildcard and regexp queries do not apply to numbers.
func numberMismatch(p *lower.Pred) error {
	return fmt.Errorf("%s is a numeric field and %s is not a number", p.Field, lower.PatternString(p.Pattern))
}
