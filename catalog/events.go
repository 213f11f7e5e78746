package catalog

import "github.com/sigconv/sigconv/ir"

// Event is one row of the "Event coverage" table: an event a rule reads.
type Event struct {
	Provider string `json:"provider"` // e.g. Sysmon, or Security
	Event    string `json:"event"`    // e.g. "Event ID 3"
	Title    string `json:"title"`    // e.g. "Network connection"
}

// EventSource maps a rule to the events it reads, from its logsource (and,
// where the mapping needs it, its detection). The evaluator's Windows event
// mapping implements it; see the CLI's wiring.
type EventSource interface {
	Events(r *ir.Rule) []Event
}

// EventFunc adapts a function to EventSource.
type EventFunc func(r *ir.Rule) []Event

// Events calls f.
func (f EventFunc) Events(r *ir.Rule) []Event { return f(r) }
