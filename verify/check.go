package verify

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/sigconv/sigconv/eval"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/verify/interp"
)

// Disagreement is one event on which the interpreter and the evaluator differ.
type Disagreement struct {
	Event    interp.Event `json:"event"`           // the event
	Eval     bool         `json:"eval"`            // the evaluator's verdict (the reference)
	Query    bool         `json:"query"`           // the interpreter's verdict on the emitted query
	Err      string       `json:"error,omitempty"` // the interpreter's error on this event, if any
	Searches string       `json:"searches"`        // the evaluator's per-search verdicts with their lines, e.g. "selection@9:5=true filter@12:5=false"
	Fragment string       `json:"fragment"`        // the query, or the part of it that decided, when the interpreter can tell
}

// Outcome is the result of checking one query against one rule.
type Outcome struct {
	Events        int            // events tried
	Agreements    int            // events on which both verdicts are equal
	Matches       int            // events the evaluator matched
	Skipped       int            // events the target cannot represent
	Disagreements []Disagreement // the others, in event order
}

// Fragmenter is implemented by Programs that can name the part of the query that decided an
// event's verdict; verify then shows that part instead of the whole query.
type Fragmenter interface {
	Fragment(ev interp.Event) string
}

// Representer is implemented by Interpreters whose target cannot hold every event (for
// example, Splunk has no null field values); Check skips the events they cannot represent.
type Representer interface {
	Represents(ev interp.Event) bool
}

// Normalizer is implemented by Programs that know how their target stores an event (for
// example, every row of a Kusto table has every column, and a string column has no null):
// Check then runs both the evaluator and the program on the normalized event, so that the two
// judge the same data.
type Normalizer interface {
	Normalize(ev interp.Event) interp.Event
}

// Check parses query with in and compares, on every event, its verdict with the evaluator's
// verdict for rule (the rule after pipelines, so that field names are the query's). The error
// is a rule that does not compile or a query the interpreter cannot parse.
func Check(rule *ir.Rule, query string, in interp.Interpreter, events []interp.Event) (*Outcome, error) {
	eng, err := eval.Compile(rule)
	if err != nil {
		return nil, fmt.Errorf("evaluator: %w", err)
	}
	prog, err := in.Parse(query)
	if err != nil {
		return nil, fmt.Errorf("%s interpreter: %w", in.Name(), err)
	}
	route := eng.AllRules()
	out := &Outcome{}
	rep, _ := in.(Representer)
	norm, _ := prog.(Normalizer)
	seen := map[string]bool{}
	for _, ev := range events {
		if norm != nil {
			// Normalizing can make different events equal: judge each once.
			ev = norm.Normalize(ev)
			key, err := json.Marshal(map[string]any(ev))
			if err == nil && seen[string(key)] {
				continue
			}
			seen[string(key)] = true
		}
		if rep != nil && !rep.Represents(ev) {
			out.Skipped++
			continue
		}
		out.Events++
		eev := eval.NewEvent(map[string]any(ev))
		want := len(eng.MatchRoute(eev, route)) > 0
		got, merr := prog.Match(ev)
		if want {
			out.Matches++
		}
		if merr == nil && got == want {
			out.Agreements++
			continue
		}
		d := Disagreement{Event: ev, Eval: want, Query: got, Searches: searches(eng, eev, route), Fragment: query}
		if merr != nil {
			d.Err = merr.Error()
		}
		if f, ok := prog.(Fragmenter); ok {
			if frag := f.Fragment(ev); frag != "" {
				d.Fragment = frag
			}
		}
		out.Disagreements = append(out.Disagreements, d)
	}
	return out, nil
}

// searches renders the evaluator's per-search verdicts for one event.
func searches(eng *eval.Engine, ev *eval.Event, route *eval.Route) string {
	ex, _, _ := eng.Explain(ev, route)
	var parts []string
	for _, e := range ex {
		for _, s := range e.Searches {
			where := ""
			if e.Rule != nil && e.Rule.Detection != nil {
				if def := e.Rule.Detection.Search(s.Name); def != nil && def.Pos.Line > 0 {
					where = fmt.Sprintf("@%d:%d", def.Pos.Line, def.Pos.Col)
				}
			}
			parts = append(parts, fmt.Sprintf("%s%s=%v", s.Name, where, s.Matched))
		}
	}
	return strings.Join(parts, " ")
}

// FormatEvent renders an event as one line of JSON-like text with sorted keys.
func FormatEvent(ev interp.Event) string {
	keys := make([]string, 0, len(ev))
	for k := range ev {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q: %s", k, formatValue(ev[k]))
	}
	b.WriteByte('}')
	return b.String()
}

func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("%q", v)
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = formatValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}
