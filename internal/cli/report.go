package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/driver"
	"github.com/sigconv/sigconv/ir"
)

// reporter prints per-rule problems and the run summary to standard error,
// as text lines or (with --json) as NDJSON records; see docs/cli.md.
type reporter struct {
	w    io.Writer
	json bool
	enc  *json.Encoder
	noun string // "converted" or "ok"
}

func newReporter(w io.Writer, asJSON bool) *reporter {
	r := &reporter{w: w, json: asJSON, noun: "converted"}
	if asJSON {
		r.enc = json.NewEncoder(w)
		r.enc.SetEscapeHTML(false)
	}
	return r
}

// result reports one document: its errors, refusal and warnings.
func (rp *reporter) result(r *driver.Result) {
	if rp.json {
		rp.enc.Encode(jsonResult(r))
		return
	}
	switch r.Status {
	case driver.StatusFailed:
		for _, e := range r.Errors {
			pos := e.Pos
			if !pos.IsValid() && pos.File == "" {
				pos = r.Pos
			}
			fmt.Fprintf(rp.w, "%s: error: %s [%s]\n", pos, e.Msg, e.Code)
		}
	case driver.StatusRefused:
		fmt.Fprintf(rp.w, "%s: refused: %s\n", r.RefusalPos(), r.RefusalMessage())
	}
	if r.Output != nil {
		for _, w := range r.Output.Warnings {
			fmt.Fprintf(rp.w, "%s: warning: %s [%s]\n", warningPos(r, w), w.Msg, w.ID)
		}
	}
}

func warningPos(r *driver.Result, w backends.Warning) ir.Pos {
	if !w.Pos.IsValid() {
		return r.Pos
	}
	if w.Pos.File == "" {
		w.Pos.File = r.File
	}
	return w.Pos
}

// summary prints the counts. The text form appears only for runs over more
// than one document, where it adds information.
func (rp *reporter) summary(s *driver.Summary) {
	if rp.json {
		rp.enc.Encode(jsonSummary(s))
		return
	}
	if s.Read <= 1 {
		return
	}
	fmt.Fprintf(rp.w, "sigconv: %d rules read: %d %s, %d refused, %d failed (%s)\n",
		s.Read, s.Converted, rp.noun, s.Refused, s.Failed, s.Elapsed.Round(time.Millisecond))
	if len(s.Reasons) > 0 {
		fmt.Fprintln(rp.w, "refusals by reason:")
		for _, rc := range s.Reasons {
			fmt.Fprintf(rp.w, "%7d  %s\n", rc.Count, rc.Reason)
		}
	}
}

// The NDJSON records; their schema is documented in docs/cli.md.

type jsonPos struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

type jsonError struct {
	jsonPos
	Code    string `json:"code"`
	Message string `json:"message"`
}

type jsonRefusal struct {
	jsonPos
	Backend string `json:"backend,omitempty"`
	What    string `json:"what,omitempty"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

type jsonWarning struct {
	jsonPos
	ID          string `json:"id"`
	Message     string `json:"message"`
	Approximate bool   `json:"approximate"`
}

type jsonResultRecord struct {
	Type string `json:"type"` // "result"
	jsonPos
	Doc      int           `json:"doc"`
	Kind     string        `json:"kind"`
	ID       string        `json:"id,omitempty"`
	Title    string        `json:"title,omitempty"`
	Status   string        `json:"status"`
	Hidden   bool          `json:"hidden,omitempty"`
	Errors   []jsonError   `json:"errors,omitempty"`
	Refusal  *jsonRefusal  `json:"refusal,omitempty"`
	Warnings []jsonWarning `json:"warnings,omitempty"`
}

type jsonReason struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

type jsonSummaryRecord struct {
	Type      string       `json:"type"` // "summary"
	Read      int          `json:"read"`
	Converted int          `json:"converted"`
	Refused   int          `json:"refused"`
	Failed    int          `json:"failed"`
	Filters   int          `json:"filters"`
	Refusals  []jsonReason `json:"refusals"`
	ElapsedMS int64        `json:"elapsed_ms"`
}

func toJSONPos(p ir.Pos) jsonPos { return jsonPos{File: p.File, Line: p.Line, Col: p.Col} }

func jsonResult(r *driver.Result) jsonResultRecord {
	rec := jsonResultRecord{
		Type: "result", jsonPos: toJSONPos(r.Pos), Doc: r.Doc, Kind: r.Kind.String(),
		ID: r.ID, Title: r.Title, Status: r.Status.String(), Hidden: r.Hidden,
	}
	for _, e := range r.Errors {
		rec.Errors = append(rec.Errors, jsonError{jsonPos: toJSONPos(e.Pos), Code: e.Code, Message: e.Msg})
	}
	if r.Refusal != nil {
		ref := &jsonRefusal{jsonPos: toJSONPos(r.RefusalPos()), Reason: r.Reason(), Message: r.RefusalMessage()}
		var ue *backends.UnsupportedError
		if errors.As(r.Refusal, &ue) {
			ref.Backend, ref.What, ref.Reason = ue.Backend, ue.What, ue.Reason
		}
		rec.Refusal = ref
	}
	if r.Output != nil {
		for _, w := range r.Output.Warnings {
			rec.Warnings = append(rec.Warnings, jsonWarning{jsonPos: toJSONPos(warningPos(r, w)), ID: w.ID, Message: w.Msg, Approximate: w.Approximate})
		}
	}
	return rec
}

func jsonSummary(s *driver.Summary) jsonSummaryRecord {
	rec := jsonSummaryRecord{
		Type: "summary", Read: s.Read, Converted: s.Converted, Refused: s.Refused, Failed: s.Failed,
		Filters: s.Filters, Refusals: []jsonReason{}, ElapsedMS: s.Elapsed.Milliseconds(),
	}
	for _, rc := range s.Reasons {
		rec.Refusals = append(rec.Refusals, jsonReason{Reason: rc.Reason, Count: rc.Count})
	}
	return rec
}
