package elastic

import (
	"github.com/sigconv/sigconv/backends"
)

// Language identifies one Elastic query language.
type Language int

// The languages.
const (
	Lucene Language = iota // Lucene query_string syntax
	DSL                    // Elasticsearch Query DSL (JSON)
	ESQL                   // ES|QL
	EQL                    // Event Query Language
)

var langNames = [...]string{"lucene", "dsl", "esql", "eql"}

func (l Language) String() string { return langNames[l] }

// Backend converts rules into one Elastic query language. Build it with
// NewLucene, NewDSL, NewESQL or NewEQL.
type Backend struct {
	lang Language
}

// NewLucene returns the Lucene query_string backend (target "lucene").
func NewLucene() *Backend { return &Backend{lang: Lucene} }

// NewDSL returns the Query DSL backend (target "dsl").
func NewDSL() *Backend { return &Backend{lang: DSL} }

// NewESQL returns the ES|QL backend (target "esql").
func NewESQL() *Backend { return &Backend{lang: ESQL} }

// NewEQL returns the EQL backend (target "eql").
func NewEQL() *Backend { return &Backend{lang: EQL} }

// Name returns the target name.
func (b *Backend) Name() string { return b.lang.String() }

// Description returns a one-line summary.
func (b *Backend) Description() string {
	switch b.lang {
	case DSL:
		return "Elasticsearch Query DSL (JSON bool query, case_insensitive term-level queries)"
	case ESQL:
		return "Elasticsearch ES|QL (FROM index | WHERE ...)"
	case EQL:
		return "Elastic Event Query Language (category where ...)"
	}
	return "Elasticsearch Lucene query_string syntax"
}

// Formats lists the output formats; the first is the default.
func (b *Backend) Formats() []backends.Format {
	def := backends.Format{Name: "default", Description: "plain " + b.lang.String() + " query", Ext: b.ext()}
	if b.lang == DSL {
		def.Description = "Query DSL JSON query object"
	}
	return []backends.Format{
		def,
		{Name: "kibana_ndjson", Description: "Kibana Security detection rule (import file, one JSON object per line)", Ext: ".ndjson"},
	}
}

func (b *Backend) ext() string {
	switch b.lang {
	case DSL:
		return ".json"
	case ESQL:
		return ".esql"
	case EQL:
		return ".eql"
	}
	return ".lucene"
}

// DefaultPipelines names the pipelines applied when the user gives none.
func (b *Backend) DefaultPipelines() []string { return []string{"ecs_windows"} }

// Convert converts one processed rule.
func (b *Backend) Convert(in *backends.Input) (*backends.Output, error) {
	r := in.Processed.Rule
	return nil, backends.Unsupported(r.Pos, b.Name(), "rule", "the %s backend is not implemented yet", b.Name())
}
