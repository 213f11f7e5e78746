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

// ecsSuffixType gives the mapping type of ECS fields by their last name
// component, for the families whose type is fixed across ECS field sets
// (https://www.elastic.co/guide/en/ecs/current/ecs-field-reference.html):
// *.ip is ip; *.port, *.pid, *.bytes, *.packets are long. It and
// ecsFieldType are switches rather than maps: they run several times for
// every predicate, and most names are decided by their length alone.
func ecsSuffixType(last string) fieldType {
	switch last {
	case "ip":
		return typeIP
	case "port", "pid", "ppid", "bytes", "packets", "sequence":
		return typeNumber
	}
	return typeUnknown
}

// ecsFieldType gives individual ECS fields whose type matters for
// comparisons and that the suffix rule does not cover.
func ecsFieldType(field string) (fieldType, bool) {
	switch field {
	case "related.ip":
		return typeIP, true
	case "process.thread.id", "process.exit_code", "process.args_count", "file.size", "event.severity", "event.risk_score":
		return typeNumber, true
	case "file.code_signature.signed", "file.code_signature.valid":
		return typeBool, true
	case "network.iana_number", // keyword in ECS
		"winlog.event_id": // keyword in Winlogbeat
		return typeUnknown, true
	}
	return typeUnknown, false
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
	if t, ok := ecsFieldType(field); ok {
		return t
	}
	i := strings.LastIndexByte(field, '.')
	if i < 0 {
		return typeUnknown // raw (unmapped) names are strings
	}
	return ecsSuffixType(field[i+1:])
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
