package catalog

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// RenderMarkdown writes the pages as Markdown, separated by a rule (---)
// when there are several.
func RenderMarkdown(w io.Writer, pages ...*Page) error {
	for i, p := range pages {
		if i > 0 {
			if _, err := io.WriteString(w, "\n---\n\n"); err != nil {
				return err
			}
		}
		if err := renderMarkdown(w, p); err != nil {
			return err
		}
	}
	return nil
}

func renderMarkdown(w io.Writer, p *Page) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", oneLine(p.Title))
	if p.Description != "" {
		b.WriteString(p.Description + "\n\n")
	}
	for _, f := range p.facts() {
		fmt.Fprintf(&b, "- **%s:** %s\n", f.name, mdEscape(f.value))
	}
	for _, r := range p.Related {
		fmt.Fprintf(&b, "- **Related (%s):** `%s`", mdEscape(r.Type), r.ID)
		if r.Title != "" {
			fmt.Fprintf(&b, " %s", mdEscape(r.Title))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n## MITRE ATT&CK coverage\n\n")
	if len(p.Attack) == 0 {
		b.WriteString("The rule has no attack.* tactic or technique tags.\n")
	} else {
		b.WriteString("| Tactic | Techniques |\n| --- | --- |\n")
		for _, r := range p.Attack {
			var ts []string
			for _, t := range r.Techniques {
				ts = append(ts, mdEscape(t.Name))
			}
			fmt.Fprintf(&b, "| %s | %s |\n", mdEscape(r.label()), orDash(strings.Join(ts, "<br>")))
		}
	}
	b.WriteString("\n## Event coverage\n\n")
	if len(p.Events) == 0 {
		b.WriteString("No event mapping is known for this logsource (" + mdEscape(orDash(p.LogSource.String())) + ").\n")
	} else {
		b.WriteString("| Provider | Event | Title |\n| --- | --- | --- |\n")
		for _, e := range p.Events {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", mdEscape(e.Provider), mdEscape(e.Event), mdEscape(e.Title))
		}
	}
	b.WriteString("\n## Rule\n\n")
	fence := "```"
	for strings.Contains(p.Body, fence) {
		fence += "`"
	}
	body := p.Body
	if !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	fmt.Fprintf(&b, "%syaml\n%s%s\n", fence, body, fence)
	b.WriteString("\n## Stages and Predicates\n\n")
	if len(p.Stages) == 0 {
		b.WriteString("The rule has no condition.\n")
	} else {
		b.WriteString("| Stage | Action | Condition | Searches |\n| --- | --- | --- | --- |\n")
		for _, s := range p.Stages {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", s.label(), s.Action, mdCode(s.Expr), mdEscape(strings.Join(s.Searches, ", ")))
		}
	}
	for _, s := range p.Selections {
		fmt.Fprintf(&b, "\n### %s\n\n%s\n\n", mdEscape(s.Name), s.summary())
		multi := len(s.Groups) > 1
		if multi {
			b.WriteString("| Alternative | Field | Operator | Values |\n| --- | --- | --- | --- |\n")
		} else {
			b.WriteString("| Field | Operator | Values |\n| --- | --- | --- |\n")
		}
		for gi, g := range s.Groups {
			for _, pr := range g.Predicates {
				if multi {
					fmt.Fprintf(&b, "| %d ", gi+1)
				}
				fmt.Fprintf(&b, "| %s | %s | %s |\n", mdEscape(fieldLabel(pr.Field)), mdEscape(pr.operatorLabel()), pr.valuesMarkdown())
			}
		}
	}
	b.WriteString("\n## Indicators\n\n")
	if len(p.Indicators) == 0 {
		b.WriteString("The rule has no indicators.\n")
	} else {
		if p.Corpus != nil {
			fmt.Fprintf(&b, "Corpus: the number of other rules among the %d rules of `%s` using the same field, kind and value.\n\n", p.Corpus.Rules, p.Corpus.Name)
			b.WriteString("| Field | Kind | Value | Corpus |\n| --- | --- | --- | --- |\n")
		} else {
			b.WriteString("| Field | Kind | Value |\n| --- | --- | --- |\n")
		}
		for _, in := range p.Indicators {
			fmt.Fprintf(&b, "| %s | %s | %s |", mdEscape(fieldLabel(in.Field)), mdEscape(in.kindLabel()), mdCode(in.Value))
			if p.Corpus != nil {
				fmt.Fprintf(&b, " %d |", in.Corpus)
			}
			b.WriteString("\n")
		}
	}
	if len(p.Queries) > 0 {
		b.WriteString("\n## Queries\n")
		for _, q := range p.Queries {
			fmt.Fprintf(&b, "\n### %s (%s)\n\n", q.Target, q.Format)
			if q.Status != "converted" {
				fmt.Fprintf(&b, "%s: %s\n", q.Status, mdEscape(q.Reason))
				continue
			}
			fmt.Fprintf(&b, "```\n%s\n```\n", strings.TrimRight(q.Text, "\n"))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fact is one line of the page's summary list.
type fact struct{ name, value string }

// facts lists the rule's summary attributes that are set.
func (p *Page) facts() []fact {
	var fs []fact
	add := func(n, v string) {
		if v != "" {
			fs = append(fs, fact{n, v})
		}
	}
	add("ID", p.ID)
	add("Status", p.Status)
	add("Level", p.Level)
	add("Log source", p.LogSource.String())
	add("Author", p.Author)
	add("Date", p.Date)
	add("Modified", p.Modified)
	add("File", p.File)
	return fs
}

// label is the tactic cell: the display name, with a note when the rule
// does not tag the tactic itself or the tactic is unknown.
func (r TacticRow) label() string {
	switch {
	case r.ShortName == unknownTactic:
		return r.Name + " (technique not in ATT&CK data)"
	case !r.Known:
		return r.Name + " (not in ATT&CK data)"
	case !r.Tagged:
		return r.Name + " (from technique, tactic not tagged)"
	}
	return r.Name
}

// label is "1" for a single condition and "2.1" (alternative.step) for a
// condition list.
func (s Stage) label() string {
	if s.Alternative > 1 {
		return strconv.Itoa(s.Alternative) + "." + strconv.Itoa(s.Step)
	}
	return strconv.Itoa(s.Step)
}

// summary describes how a selection combines its predicates.
func (s Selection) summary() string {
	used := ""
	if !s.Used {
		used = " Not referred to by the condition."
	}
	if len(s.Groups) > 1 {
		return fmt.Sprintf("Matches when any of its %d alternatives matches; the predicates of an alternative must all hold.%s", len(s.Groups), used)
	}
	if len(s.Groups) == 1 && len(s.Groups[0].Predicates) == 1 {
		return "Matches when its predicate holds." + used
	}
	return "Matches when all of its predicates hold." + used
}

func fieldLabel(f string) string {
	if f == "" {
		return "(keyword)"
	}
	return f
}

// operatorLabel is the operator, followed by the other modifiers of the
// chain (encodings, all, cased…) in parentheses: "contains (base64offset)".
func (p Predicate) operatorLabel() string {
	var extra []string
	for _, m := range p.Modifiers {
		if m != p.Operator && "not "+m != p.Operator {
			extra = append(extra, m)
		}
	}
	if len(extra) == 0 {
		return p.Operator
	}
	return p.Operator + " (" + strings.Join(extra, ", ") + ")"
}

func (p Predicate) valuesMarkdown() string {
	vs := make([]string, len(p.Values))
	for i, v := range p.Values {
		vs[i] = mdCode(v)
	}
	s := strings.Join(vs, "<br>")
	if p.Quantifier == "all" && len(vs) > 1 {
		s = "all of: " + s
	}
	return s
}

func (in Indicator) kindLabel() string {
	if in.Encodings != "" {
		return in.Kind + " (" + in.Encodings + ")"
	}
	return in.Kind
}

// mdEscape makes s safe inside a Markdown table cell.
func mdEscape(s string) string {
	r := strings.NewReplacer("|", `\|`, "\r\n", "<br>", "\n", "<br>", "\r", "<br>", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}

// mdCode writes s as a code span safe inside a table cell.
func mdCode(s string) string {
	if s == "" {
		return `""`
	}
	s = strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	tick := "`"
	for strings.Contains(s, tick) {
		tick += "`"
	}
	pad := ""
	// CommonMark strips one space from each end of a code span that
	// starts and ends with one; pad so that edge spaces survive.
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		pad = " "
	}
	return tick + pad + s + pad + tick
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
