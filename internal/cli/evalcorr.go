package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/sigconv/sigconv/eval"
	"github.com/sigconv/sigconv/eval/correlate"
	"github.com/sigconv/sigconv/eval/events"
	"github.com/sigconv/sigconv/ir"
)

// This file holds eval's correlation and filter support: the flags, the
// set-up, and the in-order feeding of matches to correlate.Engine by the
// single output writer. See docs/correlation.md.

func addEvalCorrFlags(f *pflag.FlagSet, o *evalOptions) {
	f.StringArrayVar(&o.filters, "filter", nil, "Sigma meta filter file or directory to apply (repeatable); filters among the rules apply too")
	f.StringArrayVar(&o.timeField, "timestamp-field", nil, "event field holding the event time for correlations (repeatable, tried in order; default: @timestamp, timestamp, TimeCreated_SystemTime, UtcTime, …)")
}

// corrState is eval's correlation engine and its counters. A nil
// *corrState means no correlation: every method is then a no-op that
// leaves eval's output unchanged.
type corrState struct {
	engine   *correlate.Engine
	hits     int // reported hits
	internal int // hits of correlations only used by other correlations
}

// corrEvent is one event that matched a rule some correlation refers to,
// kept (a copy) until the writer feeds it to the engine in input order.
type corrEvent struct {
	off int // length of the batch's output after the event's match lines
	rec events.Record
	ev  *eval.Event
	ms  []eval.Match
}

// setupCorrelations applies the meta filters (from --filter and among
// the rules) to the rules and builds the correlation engine when there
// are correlation rules. It returns the rules to compile.
func setupCorrelations(o *evalOptions, rules []*ir.Rule, others []ir.Document, report func(error)) ([]*ir.Rule, *corrState) {
	var filters []*ir.Filter
	var corrs []*ir.Correlation
	if len(o.filters) > 0 {
		frules, fdocs, errs := loadRules(o.filters)
		for _, err := range errs {
			report(err)
		}
		for _, r := range frules {
			report(fmt.Errorf("%s: a --filter file may hold only filter documents, found rule %q", r.Pos, r.Title))
		}
		for _, d := range fdocs {
			if f, ok := d.(*ir.Filter); ok {
				filters = append(filters, f)
			} else {
				report(fmt.Errorf("%s: a --filter file may hold only filter documents", d.Metadata().Pos))
			}
		}
	}
	for _, d := range others {
		switch d := d.(type) {
		case *ir.Filter:
			filters = append(filters, d)
		case *ir.Correlation:
			corrs = append(corrs, d)
		}
	}
	if len(filters) > 0 {
		out := make([]*ir.Rule, len(rules))
		for i, r := range rules {
			out[i] = ir.ApplyFilters(r, filters)
		}
		rules = out
	}
	if len(corrs) == 0 {
		return rules, nil
	}
	engine, errs := correlate.New(rules, corrs, correlate.Options{TimestampFields: o.timeField})
	for _, err := range errs {
		report(fmt.Errorf("%v [%s]", err, err.Code))
	}
	return rules, &corrState{engine: engine}
}

// reported reports whether a base-rule match is printed: not when every
// correlation referring to the rule has generate: false.
func (cs *corrState) reported(m eval.Match) bool {
	return cs == nil || cs.engine.ReportedRule(m.Rule)
}

// keep records an event for the writer when one of its matches feeds a
// correlation. Called by a worker; the event is copied since the worker
// reuses it.
func (cs *corrState) keep(b *evalBatch, rec events.Record, ev *eval.Event, ms []eval.Match) {
	if cs == nil || !slices.ContainsFunc(ms, func(m eval.Match) bool { return cs.engine.Consumes(m.Rule) }) {
		return
	}
	// The event and its matches' values point into the batch's text,
	// which is reused once the batch is written: keep copies.
	ms = slices.Clone(ms)
	for i := range ms {
		fs := slices.Clone(ms[i].Fields)
		for j := range fs {
			fs[j].Key, fs[j].Text = strings.Clone(fs[j].Key), strings.Clone(fs[j].Text)
		}
		ms[i].Fields = fs
	}
	b.corr = append(b.corr, corrEvent{off: b.out.Len(), rec: rec, ev: ev.Clone(), ms: ms})
}

// write prints a batch's match lines with the correlation hits each of
// its events completed right after that event's matches.
func (cs *corrState) write(w *bufio.Writer, b *evalBatch) error {
	data := b.out.Bytes()
	if cs == nil {
		_, err := w.Write(data)
		return err
	}
	prev := 0
	for _, ce := range b.corr {
		if _, err := w.Write(data[prev:ce.off]); err != nil {
			return err
		}
		prev = ce.off
		ref := correlate.EventRef{File: ce.rec.File, Index: ce.rec.Index}
		if err := cs.print(w, cs.engine.Add(ce.ev, ref, ce.ms)); err != nil {
			return err
		}
	}
	_, err := w.Write(data[prev:])
	return err
}

// flush prints the hits of the windows still open at the end of input.
func (cs *corrState) flush(w *bufio.Writer) error {
	if cs == nil {
		return nil
	}
	return cs.print(w, cs.engine.Flush())
}

// hitOutput is one NDJSON correlation hit line.
type hitOutput struct {
	CorrelationID    string            `json:"correlation_id"`
	CorrelationTitle string            `json:"correlation_title"`
	Level            string            `json:"level"`
	Type             string            `json:"type"`
	Group            map[string]string `json:"group"`
	WindowStart      string            `json:"window_start"`
	WindowEnd        string            `json:"window_end"`
	Value            float64           `json:"value"`
	Events           []hitEvent        `json:"events"`
}

// hitEvent locates one contributing event.
type hitEvent struct {
	File  string `json:"file"`
	Event int    `json:"event"`
}

func (cs *corrState) print(w io.Writer, hits []correlate.Hit) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, h := range hits {
		if !h.Reported {
			cs.internal++
			continue
		}
		cs.hits++
		if err := enc.Encode(hitLine(h)); err != nil {
			return err
		}
	}
	return nil
}

func hitLine(h correlate.Hit) hitOutput {
	c := h.Correlation
	out := hitOutput{
		CorrelationID: c.ID, CorrelationTitle: c.Title, Level: c.Level, Type: string(c.Type),
		Group:       map[string]string{},
		WindowStart: h.Start.Format(time.RFC3339Nano), WindowEnd: h.End.Format(time.RFC3339Nano),
		Value: h.Value, Events: []hitEvent{},
	}
	if c.Name != "" && c.ID == "" {
		out.CorrelationID = c.Name
	}
	for _, g := range h.Group {
		out.Group[g.Field] = g.Value
	}
	for _, r := range h.Events {
		out.Events = append(out.Events, hitEvent{File: r.File, Event: r.Index})
	}
	return out
}

// summary prints the correlation counters to standard error.
func (cs *corrState) summary(w io.Writer) {
	if cs == nil {
		return
	}
	st := cs.engine.Stats()
	fmt.Fprintf(w, "eval: %d correlations, %d hits (%d more of correlations used only by others); %d matches without a time, %d late, %d without a group-by value\n",
		cs.engine.Correlations(), cs.hits, cs.internal, st.NoTime, st.Late, st.NoGroup)
}
