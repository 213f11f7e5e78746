package catalog

import (
	"strconv"
	"strings"

	"github.com/sigconv/sigconv/eval/winevt"
	"github.com/sigconv/sigconv/ir"
)

// WindowsEvents is the EventSource backed by the evaluator's Windows event
// tables (package eval/winevt), so that the catalog and the evaluator agree
// on which events a logsource reads.
//
// For a windows rule with a category, the rows are the event types of that
// category (registry_event gives Sysmon 12, 13 and 14). For a service
// rule, the rows are the EventID values the detection tests, titled from
// the table when the event is known; a service rule without EventID tests
// gets one "any event" row naming the channel. Other products have no
// rows.
func WindowsEvents() EventSource {
	sources := map[string]winevt.Source{}
	for _, s := range winevt.Sources() {
		sources[s.Service] = s
	}
	return &windowsEvents{sources: sources, events: winevt.Events()}
}

type windowsEvents struct {
	sources map[string]winevt.Source
	events  []winevt.EventType
}

func (w *windowsEvents) label(service string) string {
	if s, ok := w.sources[service]; ok {
		return s.Label
	}
	return service
}

// Events implements EventSource.
func (w *windowsEvents) Events(r *ir.Rule) []Event {
	ls := r.LogSource
	if !strings.EqualFold(ls.Product, "windows") {
		return nil
	}
	var out []Event
	if ls.Category != "" {
		for _, e := range w.events {
			for _, c := range e.Categories {
				if c == ls.Category && (ls.Service == "" || ls.Service == e.Service) {
					out = append(out, Event{Provider: w.label(e.Service), Event: "Event ID " + strconv.Itoa(e.EventID), Title: e.Name})
					break
				}
			}
		}
		return out
	}
	if ls.Service == "" {
		return nil
	}
	src, known := w.sources[ls.Service]
	ids := eventIDs(r.Detection)
	if len(ids) == 0 {
		title := "any event of the service"
		if known {
			title = "any event in " + strings.Join(src.Channels, ", ")
		}
		return []Event{{Provider: w.label(ls.Service), Event: "any", Title: title}}
	}
	for _, id := range ids {
		title := "—"
		for _, e := range w.events {
			if e.Service == ls.Service && e.EventID == id {
				title = e.Name
				break
			}
		}
		out = append(out, Event{Provider: w.label(ls.Service), Event: "Event ID " + strconv.Itoa(id), Title: title})
	}
	return out
}

// eventIDs lists the distinct integer values tested on the EventID field
// with plain equality, in source order.
func eventIDs(d *ir.Detection) []int {
	var out []int
	seen := map[int]bool{}
	ir.WalkValues(d, func(it *ir.Item, v ir.Value) bool {
		if it.Field != "EventID" || it.Match.Op != ir.OpEqual || it.Match.Negate {
			return true
		}
		var id int
		switch v := v.(type) {
		case *ir.Number:
			if !v.IsInt {
				return true
			}
			id = int(v.Int)
		case *ir.String:
			n, err := strconv.Atoi(v.Raw)
			if err != nil {
				return true
			}
			id = n
		default:
			return true
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
		return true
	})
	return out
}
