package attack

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"strings"
)

//go:embed data/tactics.tsv
var tacticsTSV []byte

//go:embed data/techniques.tsv
var techniquesTSV []byte

//go:embed data/README.md
var notice string

// Version names the embedded ATT&CK release.
const Version = "Enterprise ATT&CK v18.1"

// Notice returns the README shipped with the data, including MITRE's
// copyright notice, which must accompany any copy of the data.
func Notice() string { return notice }

// Tactic is one ATT&CK tactic.
type Tactic struct {
	ID        string // e.g. TA0011
	ShortName string // e.g. command-and-control, as used in attack.* tags
	Name      string // MITRE's name, e.g. "Command and Control"
	Order     int    // 0-based position in the Enterprise matrix
}

// DisplayName is the catalog's name for the tactic: MITRE's name with the
// word "and" between two words written as "&" ("Command and Control"
// becomes "Command & Control"), the way detection catalogs print it.
func (t Tactic) DisplayName() string {
	return strings.ReplaceAll(t.Name, " and ", " & ")
}

// Technique is one ATT&CK technique or sub-technique.
type Technique struct {
	ID         string   // e.g. T1567 or T1567.001
	Name       string   // e.g. "Exfiltration to Code Repository"
	ParentName string   // the parent technique's name for a sub-technique, else ""
	Tactics    []string // tactic shortnames, in matrix order
}

// IsSub reports whether t is a sub-technique.
func (t Technique) IsSub() bool { return t.ParentName != "" }

// DisplayName is "T1572 Protocol Tunneling" for a technique and
// "T1567.001 Exfiltration Over Web Service: Exfiltration to Code
// Repository" for a sub-technique (parent: sub-technique).
func (t Technique) DisplayName() string {
	if t.ParentName != "" {
		return t.ID + " " + t.ParentName + ": " + t.Name
	}
	return t.ID + " " + t.Name
}

// matrixOrder is the column order of the Enterprise matrix, which differs
// from the order of tactic IDs (Reconnaissance, TA0043, comes first).
var matrixOrder = [...]string{
	"reconnaissance", "resource-development", "initial-access", "execution",
	"persistence", "privilege-escalation", "defense-evasion", "credential-access",
	"discovery", "lateral-movement", "collection", "command-and-control",
	"exfiltration", "impact",
}

// Matrix holds the parsed tactics and techniques.
type Matrix struct {
	tactics    []Tactic       // in matrix order
	byShort    map[string]int // shortname → index into tactics
	techniques []Technique    // sorted by ID
	byID       map[string]int // upper-case ID → index into techniques
}

// Load parses the embedded data. Callers keep the result; it is immutable.
func Load() (*Matrix, error) {
	m := &Matrix{byShort: map[string]int{}, byID: map[string]int{}}
	order := map[string]int{}
	for i, s := range matrixOrder {
		order[s] = i
	}
	rows, err := readTSV("tactics.tsv", tacticsTSV, 3)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		o, ok := order[r[1]]
		if !ok {
			o = len(matrixOrder) + len(m.tactics)
		}
		m.tactics = append(m.tactics, Tactic{ID: r[0], ShortName: r[1], Name: r[2], Order: o})
	}
	// Sort tactics into matrix order (insertion sort: 14 rows).
	for i := 1; i < len(m.tactics); i++ {
		for j := i; j > 0 && m.tactics[j].Order < m.tactics[j-1].Order; j-- {
			m.tactics[j], m.tactics[j-1] = m.tactics[j-1], m.tactics[j]
		}
	}
	for i, t := range m.tactics {
		m.byShort[t.ShortName] = i
	}
	rows, err = readTSV("techniques.tsv", techniquesTSV, 4)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		var tactics []string
		if r[3] != "" {
			tactics = strings.Split(r[3], ",")
		}
		m.byID[r[0]] = len(m.techniques)
		m.techniques = append(m.techniques, Technique{ID: r[0], Name: r[1], ParentName: r[2], Tactics: tactics})
	}
	return m, nil
}

// MustLoad is Load for callers that treat a broken embedded file as a
// programming error.
func MustLoad() *Matrix {
	m, err := Load()
	if err != nil {
		panic(err)
	}
	return m
}

// readTSV splits a tab-separated file with one header row into rows of
// exactly n fields.
func readTSV(name string, data []byte, n int) ([][]string, error) {
	var rows [][]string
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		if line == 1 || sc.Text() == "" {
			continue
		}
		f := strings.Split(sc.Text(), "\t")
		if len(f) != n {
			return nil, fmt.Errorf("attack: %s:%d: want %d fields, got %d", name, line, n, len(f))
		}
		rows = append(rows, f)
	}
	return rows, sc.Err()
}

// Tactics returns every tactic in matrix order. The slice must not be
// modified.
func (m *Matrix) Tactics() []Tactic { return m.tactics }

// Techniques returns every technique and sub-technique sorted by ID. The
// slice must not be modified.
func (m *Matrix) Techniques() []Technique { return m.techniques }

// Tactic looks a tactic up by its shortname ("command-and-control"); an
// underscore spelling ("command_and_control") is accepted too.
func (m *Matrix) Tactic(short string) (Tactic, bool) {
	i, ok := m.byShort[strings.ReplaceAll(strings.ToLower(short), "_", "-")]
	if !ok {
		return Tactic{}, false
	}
	return m.tactics[i], true
}

// Technique looks a technique up by ID, in any letter case ("t1572").
func (m *Matrix) Technique(id string) (Technique, bool) {
	i, ok := m.byID[strings.ToUpper(id)]
	if !ok {
		return Technique{}, false
	}
	return m.techniques[i], true
}
