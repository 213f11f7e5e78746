package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Report is the fidelity report written by --report: every rule × target and the summaries.
type Report struct {
	Summaries []*Summary    `json:"summaries"` // one per target
	Rules     []*RuleReport `json:"rules"`     // one per document and target, in input order per target
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes a human-readable account of one rule report when it has something to say
// (disagreements, an unreadable query, a failure); showMax bounds the events shown.
func (r *RuleReport) WriteText(w io.Writer, showMax int) {
	switch {
	case r.Fidelity == FidelityFailed:
		fmt.Fprintf(w, "%s: %s: failed: %s\n", r.Pos, r.Target, r.Reason)
		return
	case r.Unverified:
		fmt.Fprintf(w, "%s: %s: unverified%s: %s\n", r.Pos, r.Target, covered(r), r.Reason)
		return
	case len(r.Disagreements) == 0:
		if r.Fidelity == FidelityApproximate {
			fmt.Fprintf(w, "%s: %s: approximate: %s\n", r.Pos, r.Target, strings.Join(r.Warnings, ", "))
		}
		return
	}
	fmt.Fprintf(w, "%s: %s: %d of %d events disagree%s (%s)\n", r.Pos, r.Target, len(r.Disagreements), r.Events, covered(r), r.Title)
	for i, d := range r.Disagreements {
		if i == showMax {
			fmt.Fprintf(w, "    ... %d more\n", len(r.Disagreements)-showMax)
			break
		}
		fmt.Fprintf(w, "    event: %s\n", FormatEvent(d.Event))
		fmt.Fprintf(w, "      evaluator: %v (%s); query: %v", d.Eval, d.Searches, d.Query)
		if d.Err != "" {
			fmt.Fprintf(w, " (error: %s)", d.Err)
		}
		fmt.Fprintf(w, "\n      fragment: %s\n", oneLine(d.Fragment, 300))
	}
}

func covered(r *RuleReport) string {
	if r.Covered() {
		return " [covered by approximation: " + strings.Join(r.Warnings, ", ") + "]"
	}
	return ""
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}

// String renders the summary as one line.
func (s *Summary) String() string {
	return fmt.Sprintf("%s: %d rules: %d exact, %d approximate, %d refused, %d failed, %d skipped; %d checked on events, %d unverified; %d events: %d agree, %d disagree (%d not covered by an approximation); %d failing rules (%s)",
		s.Target, s.Rules, s.Exact, s.Approximate, s.Refused, s.Failed, s.Skipped, s.Checked, s.Unverified,
		s.Events, s.Agreements, s.Disagreements, s.Uncovered, s.FailingRules, s.Elapsed.Round(1e6))
}
