package winevt

import "strings"

// FlattenKey maps the dotted path of a value in an EVTX-as-JSON record
// ({"Event": {"System": {...}, "EventData": {...}}}) to the field name Sigma
// rules use, following the specification's Windows conventions:
//
//   - System values: the element path with "#attributes" and "#text"
//     dropped, joined by '_' (Event.System.Provider.#attributes.Name →
//     Provider_Name, Event.System.EventID.#text → EventID,
//     Event.System.TimeCreated.#attributes.SystemTime → TimeCreated_SystemTime);
//   - EventData values: the data name (Event.EventData.Image → Image);
//   - UserData values: the path below the UserData wrapper element
//     (Event.UserData.LogFileCleared.SubjectUserName → SubjectUserName);
//   - RenderingInfo values: RenderingInfo_<name>.
//
// ok is false for paths that carry no event data (the Event element's own
// attributes, XML namespaces, containers that are fully described by their
// members).
func FlattenKey(path string) (name string, ok bool) {
	rest, found := strings.CutPrefix(path, "Event.")
	if !found {
		return "", false
	}
	section, rest, _ := strings.Cut(rest, ".")
	switch section {
	case "System":
		return join(rest, false)
	case "EventData":
		return join(rest, true)
	case "UserData":
		_, below, found := strings.Cut(rest, ".")
		if !found {
			return "", false
		}
		return join(below, true)
	case "RenderingInfo":
		n, ok := join(rest, false)
		if !ok {
			return "", false
		}
		return "RenderingInfo_" + n, true
	}
	return "", false
}

// join drops "#attributes" and "#text" segments and joins the others with
// '_'. With dataOnly, attribute paths (XML namespaces and the like) are
// dropped.
func join(path string, dataOnly bool) (string, bool) {
	if path == "" {
		return "", false
	}
	if !strings.Contains(path, "#") {
		return strings.ReplaceAll(path, ".", "_"), true
	}
	var segs []string
	for _, s := range strings.Split(path, ".") {
		switch s {
		case "#text":
			continue
		case "#attributes":
			if dataOnly {
				return "", false
			}
			continue
		}
		segs = append(segs, s)
	}
	if len(segs) == 0 {
		return "", false
	}
	return strings.Join(segs, "_"), true
}
