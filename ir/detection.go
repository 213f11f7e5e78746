package ir

// Detection is the detection section of a rule or filter.
type Detection struct {
	Pos        Pos       // position of the detection mapping
	Searches   []*Search // search identifiers in source order
	Conditions []Cond    // condition (a list means OR of its entries)
	// ConditionText holds each condition as written, parallel to Conditions.
	ConditionText []string
	// Timeframe is the deprecated detection.timeframe, kept verbatim, or "".
	Timeframe string
}

// Search finds the search identifier with the given name, or nil.
func (d *Detection) Search(name string) *Search {
	for _, s := range d.Searches {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Match returns the searches selected by a quantifier pattern, in source
// order. "them" (Pattern "") selects every search whose name does not start
// with "_". Otherwise '*' in the pattern matches any run of characters.
func (d *Detection) Match(pattern string, them bool) []*Search {
	var out []*Search
	for _, s := range d.Searches {
		if them {
			if len(s.Name) > 0 && s.Name[0] == '_' {
				continue
			}
		} else if !GlobMatch(pattern, s.Name) {
			continue
		}
		out = append(out, s)
	}
	return out
}

// GlobMatch reports whether name matches pattern, where '*' in pattern matches
// any (possibly empty) run of characters and everything else is literal.
func GlobMatch(pattern, name string) bool {
	// Iterative matcher with single backtrack point; linear in practice.
	p, n := 0, 0
	star, mark := -1, 0
	for n < len(name) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, n
			p++
		case p < len(pattern) && pattern[p] == name[n]:
			p++
			n++
		case star >= 0:
			p = star + 1
			mark++
			n = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// SearchKind tells how a search identifier was written.
type SearchKind int

const (
	// SearchMap is a mapping of field items (AND).
	SearchMap SearchKind = iota
	// SearchList is a list of mappings and/or plain values (OR).
	SearchList
)

// Search is one named search identifier. Its meaning is the OR of its
// Groups; a group is the AND of its items. A mapping gives one group; a list
// of mappings gives one group per mapping; a run of plain values in a list
// gives one group holding a single keyword item with those values.
type Search struct {
	Pos    Pos        // position of the name
	Name   string     // search identifier
	Kind   SearchKind // how it was written
	Groups []*Group   // alternatives, OR-ed
}

// Group is a conjunction of items (one YAML mapping).
type Group struct {
	Pos   Pos     // position of the mapping or value run
	Items []*Item // AND-ed, in source order
}

// Item is one field (or keyword) test: `Field|mod|mod: values`.
type Item struct {
	Pos       Pos        // position of the key (or first keyword value)
	Field     string     // field name; "" for a keyword (unbound) item
	Modifiers []Modifier // modifier chain as written
	Match     Match      // the resolved meaning of the modifier chain
	Values    []Value    // one or more values; OR-ed unless Match.All
}

// IsKeyword reports whether the item searches the whole event.
func (it *Item) IsKeyword() bool { return it.Field == "" }

// Modifier is one modifier of a chain as written.
type Modifier struct {
	Pos  Pos    // position of the modifier name
	Name string // e.g. contains, base64offset, re, i
}

// Op is the comparison an item performs.
type Op int

// The operators. OpEqual is the default; values with wildcards still use
// OpEqual and carry their wildcards as String parts.
const (
	OpEqual      Op = iota // field equals value (wildcards allowed)
	OpContains             // contains
	OpStartsWith           // startswith
	OpEndsWith             // endswith
	OpRegex                // re
	OpCIDR                 // cidr
	OpExists               // exists: value is a Bool
	OpLT                   // lt
	OpLTE                  // lte
	OpGT                   // gt
	OpGTE                  // gte
)

var opNames = [...]string{"eq", "contains", "startswith", "endswith", "re", "cidr", "exists", "lt", "lte", "gt", "gte"}

func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return "op?"
}

// IsNumeric reports whether the operator is a numeric comparison.
func (o Op) IsNumeric() bool { return o >= OpLT && o <= OpGTE }

// Encoding is a value transformation modifier, applied in chain order.
type Encoding int

// The encodings.
const (
	EncBase64       Encoding = iota // base64
	EncBase64Offset                 // base64offset: three shifted variants
	EncUTF16LE                      // utf16le / wide
	EncUTF16BE                      // utf16be
	EncUTF16                        // utf16: BOM FF FE + little endian
	EncWindash                      // windash: - / – — ― permutations
)

var encNames = [...]string{"base64", "base64offset", "utf16le", "utf16be", "utf16", "windash"}

func (e Encoding) String() string {
	if int(e) < len(encNames) {
		return encNames[e]
	}
	return "enc?"
}

// TimePart is a time-part modifier (minute, hour, …) or TimeNone.
type TimePart int

// The time parts.
const (
	TimeNone TimePart = iota
	TimeMinute
	TimeHour
	TimeDay
	TimeWeek
	TimeMonth
	TimeYear
)

var timeNames = [...]string{"", "minute", "hour", "day", "week", "month", "year"}

func (t TimePart) String() string {
	if int(t) < len(timeNames) {
		return timeNames[t]
	}
	return "time?"
}

// RegexFlags are the re sub-modifiers.
type RegexFlags struct {
	IgnoreCase bool // i
	Multiline  bool // m: ^ and $ match at line boundaries
	DotAll     bool // s: . matches newline
}

// Match is the resolved meaning of a modifier chain.
type Match struct {
	Op        Op         // comparison
	All       bool       // all: values are AND-ed instead of OR-ed
	Cased     bool       // cased: case-sensitive comparison
	Negate    bool       // neq: the field differs from every value
	Expand    bool       // expand: %placeholders% in values are live
	FieldRef  bool       // fieldref: values name other fields of the event
	Encodings []Encoding // value transformations in chain order
	Regex     RegexFlags // re sub-modifiers (Op == OpRegex)
	TimePart  TimePart   // time part extracted from the field before comparing
}
