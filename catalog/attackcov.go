package catalog

import (
	"sort"
	"strings"

	"github.com/sigconv/sigconv/catalog/attack"
)

// TacticRow is one row of the "MITRE ATT&CK coverage" table.
type TacticRow struct {
	ID         string         `json:"id"`         // tactic ID (TA0011), or "" when not in the ATT&CK data
	ShortName  string         `json:"shortname"`  // tag form, e.g. command-and-control
	Name       string         `json:"name"`       // display name, e.g. "Command & Control"
	Tagged     bool           `json:"tagged"`     // whether the rule tags the tactic itself
	Known      bool           `json:"known"`      // whether the tactic is in the embedded ATT&CK data
	Techniques []TechniqueRef `json:"techniques"` // techniques listed under the tactic
}

// TechniqueRef is one technique in a TacticRow.
type TechniqueRef struct {
	ID    string `json:"id"`    // e.g. T1567.001
	Name  string `json:"name"`  // display name, e.g. "T1572 Protocol Tunneling"
	Known bool   `json:"known"` // whether the technique is in the embedded ATT&CK data
}

// unknownTactic is the shortname of the row that collects technique tags
// the ATT&CK data does not know (so their tactics are unknown too).
const unknownTactic = "unknown"

// attackCoverage builds the ATT&CK table from a rule's tags.
//
// Rows are the tactics the rule tags, in tag order. Each technique tag is
// listed under every tactic of the technique (per techniques.tsv) that the
// rule also tags. A technique none of whose tactics the rule tags is
// listed under all of its own tactics from the data, in rows appended in
// matrix order with Tagged false, so that no tagged technique is lost. A
// technique ID missing from the data goes to a final "Unknown" row.
// Tactic tags missing from the data (e.g. attack.stealth, newer than the
// embedded release) keep a row named from the tag with Known false.
func attackCoverage(m *attack.Matrix, tags []string) []TacticRow {
	rows := []TacticRow{}
	index := map[string]int{} // shortname → row
	var techniques []string
	for _, tag := range tags {
		name, ok := strings.CutPrefix(strings.ToLower(tag), "attack.")
		if !ok || name == "" {
			continue
		}
		if isTechniqueID(name) {
			techniques = append(techniques, strings.ToUpper(name))
			continue
		}
		if isGroupOrSoftware(name) {
			continue
		}
		short := strings.ReplaceAll(name, "_", "-")
		if _, dup := index[short]; dup {
			continue
		}
		row := TacticRow{ShortName: short, Name: titleFromShort(short), Tagged: true}
		if m != nil {
			if t, ok := m.Tactic(short); ok {
				row.ID, row.Name, row.Known = t.ID, t.DisplayName(), true
			}
		}
		index[short] = len(rows)
		rows = append(rows, row)
	}
	var extra []TacticRow // rows for techniques' untagged tactics
	extraIndex := map[string]int{}
	seen := map[string]bool{}
	for _, id := range techniques {
		if seen[id] {
			continue
		}
		seen[id] = true
		var t attack.Technique
		known := false
		if m != nil {
			t, known = m.Technique(id)
		}
		if !known {
			ref := TechniqueRef{ID: id, Name: id}
			i, ok := extraIndex[unknownTactic]
			if !ok {
				i = len(extra)
				extraIndex[unknownTactic] = i
				extra = append(extra, TacticRow{ShortName: unknownTactic, Name: "Unknown tactic"})
			}
			extra[i].Techniques = append(extra[i].Techniques, ref)
			continue
		}
		ref := TechniqueRef{ID: t.ID, Name: t.DisplayName(), Known: true}
		placed := false
		for _, ta := range t.Tactics {
			if i, ok := index[ta]; ok {
				rows[i].Techniques = append(rows[i].Techniques, ref)
				placed = true
			}
		}
		if placed {
			continue
		}
		for _, ta := range t.Tactics {
			i, ok := extraIndex[ta]
			if !ok {
				i = len(extra)
				extraIndex[ta] = i
				row := TacticRow{ShortName: ta, Name: titleFromShort(ta)}
				if tt, ok := m.Tactic(ta); ok {
					row.ID, row.Name, row.Known = tt.ID, tt.DisplayName(), true
				}
				extra = append(extra, row)
			}
			extra[i].Techniques = append(extra[i].Techniques, ref)
		}
	}
	sort.SliceStable(extra, func(i, j int) bool { return rowOrder(m, extra[i]) < rowOrder(m, extra[j]) })
	rows = append(rows, extra...)
	for i := range rows {
		if rows[i].Techniques == nil {
			rows[i].Techniques = []TechniqueRef{}
		}
	}
	return rows
}

// rowOrder sorts appended rows in matrix order, the unknown row last.
func rowOrder(m *attack.Matrix, r TacticRow) int {
	if m != nil {
		if t, ok := m.Tactic(r.ShortName); ok {
			return t.Order
		}
	}
	return 1 << 20
}

// isTechniqueID reports whether s looks like t1234 or t1234.001.
func isTechniqueID(s string) bool {
	if len(s) < 5 || s[0] != 't' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return true
}

// isGroupOrSoftware reports whether s is an ATT&CK group (g0001) or
// software (s0001) reference, which the coverage table does not show.
func isGroupOrSoftware(s string) bool {
	if len(s) < 2 || (s[0] != 'g' && s[0] != 's') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// titleFromShort names a tactic missing from the data after its tag:
// "defense-impairment" becomes "Defense Impairment", "and" becomes "&".
func titleFromShort(short string) string {
	words := strings.Split(short, "-")
	for i, w := range words {
		switch {
		case w == "and":
			words[i] = "&"
		case w != "":
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}
