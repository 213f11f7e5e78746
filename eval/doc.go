// Package eval is sigconv's built-in Sigma evaluator: it compiles rules
// (ir.Rule, after pipelines if any) into matchers once and matches JSON
// events against them many times. It is the reference for what a rule
// means; backends are checked against it.
//
// # API
//
// Compile (or Options.Compile, to supply placeholder values) returns an
// *Engine; a rule that cannot be compiled is reported in an ir.ErrorList
// with its position and the others still run. Engine.Match(ev) returns the
// matching rules in Compile order. Events come from DecodeEvent (a fast
// JSON object decoder writing flattened fields directly), a Decoder (the
// same for a stream: keys interned and numbered, escaped text in an arena,
// DecodeString without copying the input) or NewEvent (an already decoded
// map). An Engine is immutable and safe for concurrent use; all per-call
// state, including the folded copies of values, lives in pooled scratch
// space, so matching an event allocates nothing besides the returned
// matches (two allocations when there are any).
//
// # Semantics
//
// The Sigma specification v2.1 is followed; where it is silent the choice
// is written here.
//
//   - Field lookup: a literal key first, then the dotted path into nested
//     objects ("a.b" finds {"a.b":1} and, when that is absent,
//     {"a":{"b":1}}). Field names are case-sensitive. A field holding an
//     array matches when any element matches; for "all" each value may be
//     matched by a different element.
//   - Strings compare case-insensitively by default, with Unicode simple
//     case folding (the relation strings.EqualFold uses, so "K" (Kelvin
//     sign) equals "k" and "ſ" equals "s"); cased compares bytes. Patterns
//     are folded at compile time, event values once per event.
//   - Wildcards: * is any run of characters, ? exactly one character (one
//     rune; invalid UTF-8 bytes count as one character each). Escapes were
//     resolved by the parser. contains / startswith / endswith add the
//     implied *.
//   - re is an unanchored search with Go's RE2 syntax (the specification's
//     PCRE subset is contained in it), case-sensitive unless the i
//     sub-modifier is given; m and s map to RE2's m and s flags. The regex
//     runs on the raw value (numbers as written).
//   - Encodings (base64, base64offset, utf16le/wide, utf16be, utf16,
//     windash) are applied to the rule value at compile time with
//     ir.Encode; every variant is an alternative. Values produced by base64
//     or base64offset are compared case-sensitively, because base64 text is
//     case-significant (a case-insensitive match would find other bytes).
//   - null matches a missing field or a JSON null; ” matches only an empty
//     string; exists: true is true when the key is present, whatever its
//     value (also null), as the specification says.
//   - Numbers: a rule number equals an event number of the same value or a
//     string whose numeric value is the same (EventID: 4688 matches 4688 and
//     "4688"); a rule string compares with the text of an event number as
//     written ('4688' matches 4688). Booleans likewise match "true"/"false"
//     strings. lt/lte/gt/gte compare numerically and never match
//     non-numeric values.
//   - neq: the field must be present and not null, and no value may match
//     (for an array: no element). A missing field does not match neq,
//     mirroring how SIEMs evaluate field != value.
//   - fieldref: the field is compared with the values of the named field of
//     the same event (eq, contains, startswith or endswith; case-insensitive
//     unless cased); a missing referenced field does not match, with or
//     without neq (a comparison with a missing value is unknown).
//   - Time parts (minute, hour, day, week (ISO), month, year) are read from
//     RFC 3339 timestamps, "2006-01-02 15:04:05.000" (Sysmon UtcTime) or
//     epoch seconds / milliseconds, in the timestamp's own zone (no
//     conversion, as the specification warns), then compared numerically.
//   - expand: placeholders take their values from Options.Vars (CLI
//     --vars); every combination is an alternative; values are in Sigma
//     value syntax. A placeholder without values makes the rule fail to
//     compile (it is not guessed as '*').
//   - Keywords (values without a field) are a case-insensitive substring
//     search over every string, number and boolean value of the event.
//   - Conditions: and, or, not, parentheses, "1 of"/"any of"/"all of" with
//     patterns and "them" (searches starting with "_" excluded), resolved
//     at compile time by ir.Detection.Match. A quantifier that selects no
//     search is a compile error.
//
// # Windows events and routing
//
// EVTX records rendered as JSON ({"Event":{"System":…,"EventData":…}})
// are flattened (FlattenWindows, see eval/winevt) so that EventID,
// Channel, Provider_Name, Computer and every EventData and UserData value
// are top-level. Routing: a Windows event's logsource is inferred from its
// Channel (service), Provider_Name and EventID (category, winevt tables),
// and only rules whose logsource is compatible are tried; a rule field
// (product, service, category) that the event does not determine excludes
// nothing. Security event 4688 is NOT given category process_creation:
// SigmaHQ process_creation rules use Sysmon field names (Image,
// ParentImage, IntegrityLevel, …) that 4688 records do not carry, so
// routing them there would only produce silent non-matches; pySigma's
// windows pipeline likewise maps process_creation to Sysmon event 1.
// Events that are not Windows events are tried against every rule.
//
// # Pre-filter
//
// To keep the per-event cost from growing with the rule count, every rule
// gets, when possible, an anchor: atoms on literal values (equality,
// integer equality, a rare 4-byte window of a substring that a pattern,
// a keyword or a regular expression requires, or the rarest byte of a
// shorter required literal when that byte is rare: non-ASCII, '^', '~',
// '`', other punctuation) of which at least one must hold for the rule
// to match. Per event, the values of indexed fields are
// looked up once; only the rules whose atoms hit, plus the route's rules
// without an anchor, are evaluated. See index.go; TestCorpusPrefilterAgrees
// checks that the pre-filter never loses a match.
//
// Evaluation itself is short-circuit: long OR lists of plain literals on
// one field are merged into a literal set scanned in one pass, the items
// of a group are tested cheapest first (AND has no side effects), and a
// regular expression only runs on values whose folded text contains one
// of the literals every match must contain.
package eval
