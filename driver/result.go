package driver

import (
	"errors"
	"sort"
	"time"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
)

// Status is the outcome of one document.
type Status int

// The outcomes.
const (
	StatusOK      Status = iota // converted (or, in check mode, valid)
	StatusRefused               // the target cannot express the rule exactly
	StatusFailed                // parse, pipeline or internal error
)

var statusNames = [...]string{"converted", "refused", "failed"}

func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "status?"
}

// Kind tells what a Result is about.
type Kind int

// The kinds.
const (
	KindRule        Kind = iota // a detection rule
	KindCorrelation             // a correlation rule
	KindFilter                  // a meta filter (reported with -t ir, or when it has errors)
	KindFile                    // a whole file that could not be read or parsed
)

var kindNames = [...]string{"rule", "correlation", "filter", "file"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind?"
}

// Result is the outcome of one document (or of a whole file that could not
// be parsed).
type Result struct {
	File   string // input path as given (or found under a directory); "-" for stdin
	Rel    string // File relative to the command-line argument it was found under (for -o DIR)
	Doc    int    // 0-based document index in File; -1 for KindFile
	Docs   int    // number of rule and correlation documents in File
	Pos    ir.Pos // start of the document, or of the file
	Kind   Kind   // what the result is about
	ID     string // rule id, or ""
	Title  string // rule title, or ""
	Status Status // outcome

	// Output is the backend's output when Status is StatusOK and a backend
	// ran; nil otherwise.
	Output *backends.Output
	// Text is what to print for the document: the format's text, or the IR
	// dump with -t ir; "" when there is nothing to print.
	Text string
	// Refusal is the backend's refusal (wrapping backends.ErrUnsupported)
	// when Status is StatusRefused.
	Refusal error
	// Errors are the positioned problems when Status is StatusFailed.
	Errors ir.ErrorList
	// Hidden is true for a converted rule that correlations refer to
	// without generate: true: it is output only as part of them, so it has
	// no Output or Text of its own. A refusal or failure is still reported.
	Hidden bool
	// Unmapped lists the rule's fields that the pipelines left unmapped
	// (pipeline.Unmapped), when pipelines ran; check reports them.
	Unmapped []string
}

// Reason returns a short, position-free description of a refusal, used to
// group refusals in the summary.
func (r *Result) Reason() string {
	if r.Refusal == nil {
		return ""
	}
	var ue *backends.UnsupportedError
	if errors.As(r.Refusal, &ue) {
		return ue.What + ": " + ue.Reason
	}
	var ie *ir.Error
	if errors.As(r.Refusal, &ie) {
		return ie.Msg
	}
	return r.Refusal.Error()
}

// RefusalPos returns where the refusal points at: the construct's position
// when the backend gave one, else the document's.
func (r *Result) RefusalPos() ir.Pos {
	var ue *backends.UnsupportedError
	if errors.As(r.Refusal, &ue) && ue.Pos.IsValid() {
		p := ue.Pos
		if p.File == "" {
			p.File = r.Pos.File
		}
		return p
	}
	return r.Pos
}

// RefusalMessage returns the refusal text without its position.
func (r *Result) RefusalMessage() string {
	var ue *backends.UnsupportedError
	if errors.As(r.Refusal, &ue) {
		return ue.Backend + ": " + ue.What + " cannot be converted: " + ue.Reason
	}
	return r.Reason()
}

// Summary counts the outcomes of a run.
type Summary struct {
	Read      int           // rule and correlation documents read (plus unparsable files)
	Converted int           // StatusOK
	Refused   int           // StatusRefused
	Failed    int           // StatusFailed
	Filters   int           // meta filter documents found
	Reasons   []ReasonCount // refusal reasons, most frequent first
	Elapsed   time.Duration // wall time of the run
}

// ReasonCount is one refusal reason and how many documents it refused.
type ReasonCount struct {
	Reason string // see Result.Reason
	Count  int    // number of documents
}

// add counts one result.
func (s *Summary) add(r *Result, reasons map[string]int) {
	if r.Kind == KindFilter && r.Status != StatusFailed {
		return // filters are not rules; only a broken one counts
	}
	s.Read++
	switch r.Status {
	case StatusOK:
		s.Converted++
	case StatusRefused:
		s.Refused++
		reasons[r.Reason()]++
	case StatusFailed:
		s.Failed++
	}
}

// sortReasons fills s.Reasons from the counts, most frequent first, then
// alphabetically, so that summaries are deterministic.
func (s *Summary) sortReasons(reasons map[string]int) {
	s.Reasons = s.Reasons[:0]
	for k, v := range reasons {
		s.Reasons = append(s.Reasons, ReasonCount{Reason: k, Count: v})
	}
	sort.Slice(s.Reasons, func(i, j int) bool {
		a, b := s.Reasons[i], s.Reasons[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Reason < b.Reason
	})
}
