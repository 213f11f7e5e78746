package spl

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/sigconv/sigconv/verify/interp"
)

// Interpreter reads SPL queries. The zero value is ready to use.
type Interpreter struct{}

// New returns an SPL interpreter.
func New() *Interpreter { return &Interpreter{} }

// Name returns "splunk".
func (*Interpreter) Name() string { return "splunk" }

// stage is one command of a query.
type stage interface {
	apply(ev event) bool // false drops the event; eval stages change ev
}

type searchStage struct{ n sNode }
type whereStage struct{ e expr }
type evalStage struct {
	names []string
	exprs []expr
}

func (s searchStage) apply(ev event) bool { return s.n.match(ev) }
func (s whereStage) apply(ev event) bool  { return s.e.eval(ev).truth() }
func (s evalStage) apply(ev event) bool {
	for i, n := range s.names {
		v := s.exprs[i].eval(ev)
		if v.null {
			delete(ev, n)
		} else {
			ev[n] = v.texts()
		}
	}
	return true
}

// Program is a parsed query.
type Program struct {
	stages []stage
	text   []string // each command's text, for fragments
}

// Parse parses a query: an implicit search followed by search, where, eval, fields and table
// commands. Comment lines (starting with #, as sigconv writes warnings) and ``` comments are
// skipped.
func (*Interpreter) Parse(query string) (interp.Program, error) {
	var lines []string
	for _, l := range strings.Split(query, "\n") {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "#") || (strings.HasPrefix(t, "```") && strings.HasSuffix(t, "```")) {
			continue
		}
		lines = append(lines, l)
	}
	prog := &Program{}
	text := strings.TrimSpace(strings.Join(lines, "\n"))
	if strings.HasPrefix(text, "|") {
		text = strings.TrimSpace(text[1:]) // a generating command such as | tstats
	}
	for i, cmd := range splitPipes(text) {
		cmd = strings.TrimSpace(cmd)
		name, rest := cmd, ""
		if j := strings.IndexAny(cmd, " \t\n"); j >= 0 {
			name, rest = cmd[:j], cmd[j+1:]
		}
		var st stage
		var err error
		switch {
		case name == "tstats" && i == 0:
			// | tstats ... from datamodel=X where <search terms> by ...: an event
			// counts when it satisfies the where clause's search terms.
			where, perr := tstatsWhere(rest)
			if perr != nil {
				err = perr
				break
			}
			n, perr := parseSearch(where, false)
			st, err = searchStage{n}, perr
		case i == 0 && name != "search":
			n, perr := parseSearch(cmd, true)
			st, err = searchStage{n}, perr
		case name == "search":
			n, perr := parseSearch(rest, i == 0)
			st, err = searchStage{n}, perr
		case name == "where":
			e, perr := parseExpr(rest)
			st, err = whereStage{e}, perr
		case name == "eval":
			st, err = parseEval(rest)
		case name == "fields" || name == "table":
			continue
		default:
			return nil, fmt.Errorf("command %d: unsupported command %q", i+1, name)
		}
		if err != nil {
			return nil, fmt.Errorf("command %d (%s): %w", i+1, name, err)
		}
		prog.stages = append(prog.stages, st)
		prog.text = append(prog.text, cmd)
	}
	return prog, nil
}

// parseEval parses "name=expr, name=expr".
func parseEval(src string) (stage, error) {
	var st evalStage
	for _, part := range splitTop(src) {
		eq := strings.Index(part, "=")
		if eq < 0 {
			return nil, fmt.Errorf("eval: expected name=expression in %q", part)
		}
		e, err := parseExpr(part[eq+1:])
		if err != nil {
			return nil, err
		}
		st.names = append(st.names, strings.Trim(strings.TrimSpace(part[:eq]), "'"))
		st.exprs = append(st.exprs, e)
	}
	return st, nil
}

// splitTop splits at commas outside parentheses and quotes.
func splitTop(s string) []string {
	var out []string
	depth, start, quote := 0, 0, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// Match runs the event through every command.
func (p *Program) Match(ev interp.Event) (bool, error) {
	e := toEvent(ev)
	for _, st := range p.stages {
		if !st.apply(e) {
			return false, nil
		}
	}
	return true, nil
}

// Fragment names the first command that dropped the event, or "" when none did.
func (p *Program) Fragment(ev interp.Event) string {
	e := toEvent(ev)
	for i, st := range p.stages {
		if !st.apply(e) {
			return p.text[i]
		}
	}
	return ""
}

// toEvent renders an event's values as Splunk strings.
func toEvent(ev interp.Event) event {
	out := make(event, len(ev)+1)
	keys := make([]string, 0, len(ev))
	for k, v := range ev {
		if vals := texts(v); len(vals) > 0 {
			out[k] = vals
			keys = append(keys, k)
		}
	}
	if _, ok := out["_raw"]; !ok {
		// The raw text of an event given as fields: its values, one per line.
		sort.Strings(keys)
		var raw []string
		for _, k := range keys {
			raw = append(raw, out[k]...)
		}
		out["_raw"] = []string{strings.Join(raw, "\n")}
	}
	return out
}

func texts(v any) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		return []string{v}
	case float64:
		return []string{strconv.FormatFloat(v, 'f', -1, 64)}
	case int:
		return []string{strconv.Itoa(v)}
	case bool:
		return []string{strconv.FormatBool(v)}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, texts(e)...)
		}
		return out
	}
	return []string{fmt.Sprint(v)}
}

// Represents reports whether Splunk can hold the event: it has no JSON null field values (a
// Splunk field is either absent or has string values), so events with nulls are skipped.
func (*Interpreter) Represents(ev interp.Event) bool {
	for _, v := range ev {
		if v == nil {
			return false
		}
		if arr, ok := v.([]any); ok {
			for _, e := range arr {
				if e == nil {
					return false
				}
			}
		}
	}
	return true
}

// tstatsWhere returns the search terms of a tstats command's where clause: the text between
// the top-level words "where" and "by" (or the end).
func tstatsWhere(args string) (string, error) {
	words := topLevelWords(args)
	start, end := -1, len(args)
	for _, w := range words {
		switch {
		case start < 0 && strings.EqualFold(w.text, "where"):
			start = w.end
		case start >= 0 && strings.EqualFold(w.text, "by"):
			end = w.start
		}
		if end < len(args) {
			break
		}
	}
	if start < 0 {
		return "", fmt.Errorf("tstats without a where clause")
	}
	return args[start:end], nil
}

type word struct {
	text       string
	start, end int
}

// topLevelWords splits s into whitespace-separated words outside quotes and parentheses.
func topLevelWords(s string) []word {
	var out []word
	depth, quote, start := 0, byte(0), -1
	flush := func(i int) {
		if start >= 0 {
			out = append(out, word{s[start:i], start, i})
			start = -1
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
			continue
		case c == '"':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ' ' || c == '\t' || c == '\n':
			flush(i)
			continue
		}
		if start < 0 && depth >= 0 {
			start = i
		}
		if depth > 0 || c == '(' {
			start = -2 // inside parentheses: not a keyword
		}
	}
	flush(len(s))
	return out
}
