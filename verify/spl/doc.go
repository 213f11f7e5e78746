// Package spl interprets the subset of Splunk SPL that sigconv emits for detection rules, for
// sigconv verify. It is written from the Splunk documentation (Search Manual: search command
// primer, quotes and escaping, wildcards; Search Reference: where, eval, search; evaluation
// functions match, like, cidrmatch, lower, upper, isnull, isnotnull, tonumber, len, if, case,
// coalesce, null), independently of backends/splunk.
//
// Semantics implemented:
//   - A query is commands separated by | (outside quotes). The first is an implicit search;
//     later ones may be search, where, eval, fields and table. A query may instead start with
//     | tstats ... where <search terms> by ...: an event counts when it satisfies the where
//     clause (data-model searches). Anything else (stats, streamstats, ...) is not supported:
//     such queries are correlations, which verify does not check on single events.
//   - search: terms joined by implicit AND, OR, NOT and parentheses (NOT binds tightest, then
//     OR, then AND: the search command evaluates OR before AND). field=value compares case-insensitively with * as the only wildcard
//     (backslash cannot escape it); in quoted values \\ is a backslash and \" a quote. Field
//     names are case-sensitive. field!=value needs the field to be present, while NOT
//     field=value also matches events without it. field IN (v, ...) is an OR of field=v.
//     <, <=, >, >= compare numerically. A multi-valued field matches when any value does.
//     A bare term matches _raw when the event has one, else any field value; a term with a
//     leading and trailing * matches anywhere, other terms match whole segments (text bounded
//     by non-alphanumeric breakers).
//   - The leading index=, source=, sourcetype= and eventtype= terms of the first search (and
//     their IN forms) select the data set, not events: they are ignored, because verify compares
//     a rule's detection logic, whose logsource is already implied by the events given.
//   - where / eval: expressions with OR, AND, NOT, comparisons (= and == alike, !=, <, <=, >,
//     >=), + - * / and . concatenation. String comparison is case-sensitive; two operands that
//     are both numbers (literals or field values that parse as numbers) compare numerically.
//     A missing field is null; a comparison with null is false (and NOT false is true). For a
//     multi-valued field a comparison, match or like is true when any value satisfies it.
//     match uses Go's RE2 engine for Splunk's PCRE (sigconv emits the shared subset) and is an
//     unanchored search; like is case-sensitive with % and _.
//   - Event values: strings as they are, numbers as their shortest decimal text, booleans as
//     true / false, JSON null as a missing field, arrays as multi-valued fields.
package spl
