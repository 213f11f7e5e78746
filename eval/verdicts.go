package eval

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/sigconv/sigconv/eval/events"
	"github.com/sigconv/sigconv/ir"
)

// Verdicts compiles rules, matches every event of an events file's
// content (any layout events.Read accepts) and renders one line per event:
//
//	<index>: <rule id> <rule title>[; <rule id> <rule title>...]
//	<index>: no match
//	<index>: error: <file>:<line>: <problem>
//
// preceded by one "compile error:" line per rule that did not compile. It
// is the format of the golden files testdata/golden/<case>/want/eval; the
// output is deterministic. name is used in messages only.
func Verdicts(opts Options, rules []*ir.Rule, name string, data []byte) string {
	var b strings.Builder
	e, err := opts.Compile(rules...)
	var errs ir.ErrorList
	if errors.As(err, &errs) {
		for _, ce := range errs {
			fmt.Fprintf(&b, "compile error: %v [%s]\n", ce, ce.Code)
		}
	}
	rerr := events.Read(name, bytes.NewReader(data), func(rec events.Record) error {
		ev, err := DecodeEvent(rec.Data, FlattenAuto)
		if err != nil {
			line := rec.Line
			var se *SyntaxError
			if errors.As(err, &se) && se.Offset <= len(rec.Data) {
				line += bytes.Count(rec.Data[:se.Offset], []byte{'\n'})
			}
			fmt.Fprintf(&b, "%d: error: %s:%d: %v\n", rec.Index, rec.File, line, err)
			return nil
		}
		ms := e.Match(ev)
		if len(ms) == 0 {
			fmt.Fprintf(&b, "%d: no match\n", rec.Index)
			return nil
		}
		parts := make([]string, len(ms))
		for i, m := range ms {
			parts[i] = strings.TrimSpace(m.Rule.ID + " " + m.Rule.Title)
		}
		fmt.Fprintf(&b, "%d: %s\n", rec.Index, strings.Join(parts, "; "))
		return nil
	})
	if rerr != nil {
		fmt.Fprintf(&b, "read error: %v\n", rerr)
	}
	return b.String()
}
