package splunk

import (
	"strings"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/backends/internal/lower"
	"github.com/sigconv/sigconv/pipeline"
)

// dataModel prints the rule as a tstats search over the CIM data model the
// pipeline chose (set_state data_model, or the table): tstats' where clause
// takes search terms only, so every predicate must be one the search
// command states exactly; the fields must be the data model's own.
func (e *emitter) dataModel(res *pipeline.Result, x lower.Expr) (string, error) {
	dm := ""
	if v := stateStrings(res.State[pipeline.StateDataModel]); len(v) == 1 {
		dm = v[0]
	} else if res.Table != nil {
		dm = res.Table.Name
	}
	if dm == "" {
		return "", backends.Unsupported(e.pos, Name, "data_model format", "no data model is known for the rule's log source (apply the splunk_cim pipeline, which maps Windows process_creation, registry_*, file_event, network_connection and dns_query)")
	}
	if !isPlainSearchField(dm) {
		return "", backends.Unsupported(e.pos, Name, "data_model format", "data model name %q is not a plain dotted name", dm)
	}
	var fields []string
	seen := map[string]bool{}
	var bad error
	walkPreds(x, func(p *lower.Pred) {
		if bad != nil {
			return
		}
		pos := p.Pos
		if !pos.IsValid() {
			pos = e.pos
		}
		if p.IsKeyword() {
			bad = backends.Unsupported(pos, Name, "keyword search", "tstats reads data-model fields only, not the raw event")
			return
		}
		if res.Table != nil && len(res.Table.Columns) > 0 && res.Table.Column(p.Field) == nil {
			bad = backends.Unsupported(pos, Name, "field "+p.Field, "the field has no counterpart in data model %s", dm)
			return
		}
		if !searchablePred(p) || p.Kind == lower.CIDR {
			bad = backends.Unsupported(pos, Name, p.Kind.String()+" on "+p.Field, "tstats' where clause takes search terms only, which cannot state this predicate exactly (%s)", whyNotSearchable(p))
			return
		}
		if !seen[p.Field] {
			seen[p.Field] = true
			fields = append(fields, p.Field)
		}
	})
	if bad != nil {
		return "", bad
	}
	for _, f := range res.Rule.Fields {
		if !seen[f] && (res.Table == nil || res.Table.Column(f) != nil) {
			seen[f] = true
			fields = append(fields, f)
		}
	}
	by := make([]string, len(fields))
	for i, f := range fields {
		by[i] = searchField(f)
	}
	q := "| tstats summariesonly=false allow_old_summaries=true count min(_time) as firstTime max(_time) as lastTime from datamodel=" + dm +
		" where " + e.search(x, parentNone)
	if len(by) > 0 {
		q += " by " + strings.Join(by, " ")
	}
	return q, nil
}

// whyNotSearchable explains why a predicate needs eval.
func whyNotSearchable(p *lower.Pred) string {
	switch p.Kind {
	case lower.Match:
		if p.Cased {
			return "case-sensitive match"
		}
		return "a '?' wildcard, a literal '*', control characters, an empty value or '*' alone"
	case lower.CIDR:
		return "CIDR match"
	}
	return p.Kind.String() + " needs eval"
}

func walkPreds(x lower.Expr, f func(*lower.Pred)) {
	switch x := x.(type) {
	case *lower.And:
		for _, t := range x.Terms {
			walkPreds(t, f)
		}
	case *lower.Or:
		for _, t := range x.Terms {
			walkPreds(t, f)
		}
	case *lower.Not:
		walkPreds(x.X, f)
	case *lower.Pred:
		f(x)
	}
}
