package eval

import (
	"fmt"
	"strings"

	"github.com/sigconv/sigconv/eval/winevt"
)

// Flatten selects how decoded events are reshaped before matching.
type Flatten int

// The flatten modes.
const (
	// FlattenAuto flattens events that look like EVTX rendered as JSON
	// (a top-level "Event" object holding "System").
	FlattenAuto Flatten = iota
	// FlattenNone keeps events as they are.
	FlattenNone
	// FlattenWinEvt always applies the Windows flattening.
	FlattenWinEvt
)

// ParseFlatten parses "auto", "none" or "winevt".
func ParseFlatten(s string) (Flatten, error) {
	switch s {
	case "", "auto":
		return FlattenAuto, nil
	case "none":
		return FlattenNone, nil
	case "winevt":
		return FlattenWinEvt, nil
	}
	return 0, fmt.Errorf("unknown flatten mode %q (want auto, none or winevt)", s)
}

// isWinEvt reports whether the event is EVTX rendered as JSON.
func isWinEvt(ev *Event) bool {
	if len(ev.Fields) == 0 || ev.Fields[0].Key != "Event" || ev.Fields[0].Kind != KindObject {
		return false
	}
	for i := 1; i < len(ev.Fields); i++ {
		if strings.HasPrefix(ev.Fields[i].Key, "Event.System") {
			return true
		}
	}
	return false
}

// FlattenWindows rewrites the keys of an EVTX-as-JSON event in place with
// winevt.FlattenKey, so that EventID, Channel, Provider_Name, Computer and
// every EventData and UserData value are top-level fields, and drops the
// values that carry no data (container objects, XML namespaces). Fields
// outside the "Event" object are kept as they are.
func FlattenWindows(ev *Event) {
	flattenWindows(ev, nil, nil)
	ev.kids = nil
}

// flattenWindows flattens ev. ents, when not nil, holds the Decoder's key
// cache entry of each field (or nil), which remembers the flattened name;
// it is compacted along with the fields and returned.
func flattenWindows(ev *Event, ents []*keyEntry, keys *keyCache) []*keyEntry {
	out := ev.Fields[:0]
	// Output never gets ahead of input, so ents is compacted in place.
	keep := func(f Field, e *keyEntry) {
		if ents != nil {
			ents[len(out)] = e
		}
		out = append(out, f)
	}
	// Renderers in the xmltodict style write EventData as a list of
	// {"@Name": "Image", "#text": "C:\..."} objects: pair them up.
	pending := ""
	flush := func() {
		if pending != "" {
			keep(Field{Key: pending, Kind: KindString}, nil)
			pending = ""
		}
	}
	for i, f := range ev.Fields {
		var ent *keyEntry
		if ents != nil {
			ent = ents[i]
		}
		var class winClass
		if ent != nil {
			if ent.winClass == winUnknown {
				ent.winClass = classifyWinKey(f.Key)
			}
			class = ent.winClass
		} else {
			class = classifyWinKey(f.Key)
		}
		if class == winOutside {
			keep(f, ent)
			continue
		}
		if f.Kind == KindObject {
			continue
		}
		switch class {
		case winDataName:
			flush()
			pending = f.Text
			continue
		case winDataText:
			if pending != "" {
				f.Key, f.Nested = pending, false
				keep(f, nil)
				pending = ""
				continue
			}
		case winDataList:
			if f.Kind == KindArray {
				continue
			}
		}
		if ent != nil {
			if ent = keys.flattened(ent); ent == nil {
				continue
			}
			f.Key = ent.key
		} else {
			name, ok := winevt.FlattenKey(f.Key)
			if !ok {
				continue
			}
			f.Key = name
		}
		f.Nested = false
		keep(f, ent)
	}
	flush()
	ev.Fields = out
	if ents != nil {
		ents = ents[:len(out)]
	}
	return ents
}

// winClass is what flattening does with a key; a Decoder's key cache
// remembers it per key.
type winClass uint8

const (
	winUnknown  winClass = iota // not classified yet
	winOutside                  // outside the "Event" object: kept as it is
	winEvent                    // flattened with winevt.FlattenKey
	winDataName                 // the name of an xmltodict-style EventData item
	winDataText                 // the value of such an item
	winDataList                 // the list of such items
)

func classifyWinKey(key string) winClass {
	switch key {
	case "Event.EventData.Data.@Name", "Event.EventData.Data.#attributes.Name", "Event.EventData.Data.Name":
		return winDataName
	case "Event.EventData.Data.#text", "Event.EventData.Data.value", "Event.EventData.Data.Value":
		return winDataText
	case "Event.EventData.Data":
		return winDataList
	}
	if key != "Event" && !strings.HasPrefix(key, "Event.") {
		return winOutside
	}
	return winEvent
}
