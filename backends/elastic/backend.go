package elastic

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/backends/internal/lower"
	"github.com/sigconv/sigconv/catalog/attack"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/pipeline"
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
	lang   Language
	attack func() *attack.Matrix // ATT&CK tables, loaded on first use
	// dslBufs holds *[]byte buffers the DSL is written into before it is
	// copied into the query string: most rules then allocate only that
	// string instead of a growing buffer each.
	dslBufs sync.Pool
}

func newBackend(l Language) *Backend {
	return &Backend{lang: l, attack: sync.OnceValue(attack.MustLoad)}
}

// NewLucene returns the Lucene query_string backend (target "lucene").
func NewLucene() *Backend { return newBackend(Lucene) }

// NewDSL returns the Query DSL backend (target "dsl").
func NewDSL() *Backend { return newBackend(DSL) }

// NewESQL returns the ES|QL backend (target "esql").
func NewESQL() *Backend { return newBackend(ESQL) }

// NewEQL returns the EQL backend (target "eql").
func NewEQL() *Backend { return newBackend(EQL) }

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
		{Name: "kibana_ndjson", Description: "Kibana Security detection rules import file (NDJSON, one rule per line)", Ext: ".ndjson", Bundled: true},
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
	res := in.Processed
	r := res.Rule
	cfg, err := parseConfig(in.Config)
	if err != nil {
		return nil, err
	}
	e, err := lower.Rule(r, b.Name())
	if err != nil {
		return nil, err
	}
	e = negatePresence(e)
	e = adjustPreds(e, res.Table)
	c := &conv{backend: b.Name(), tbl: res.Table, cfg: cfg}
	index := cfg.indexes(res)
	kibana := in.Format == "kibana_ndjson"
	var query string
	var dslQuery any
	switch b.lang {
	case Lucene:
		var sb strings.Builder
		sb.Grow(512) // most queries fit with one regrowth at most
		if err := (&lucene{c}).expr(&sb, e, ""); err != nil {
			return nil, err
		}
		query = sb.String()
	case DSL:
		q, err := (&dsl{c}).expr(e)
		if err != nil {
			return nil, err
		}
		dslQuery = q
		buf, _ := b.dslBufs.Get().(*[]byte)
		if buf == nil {
			buf = new([]byte)
		}
		js, err := appendIndented((*buf)[:0], obj{{"query", q}}, 0)
		if err != nil {
			return nil, err
		}
		query = string(js)
		*buf = js
		b.dslBufs.Put(buf)
	case ESQL:
		var sb strings.Builder
		sb.Grow(1024) // about a query's length: no regrowth for most rules
		sb.WriteString("FROM ")
		sb.WriteString(esqlIndexes(index))
		if kibana {
			// Kibana deduplicates alerts of non-aggregating ES|QL rules
			// by these metadata fields.
			sb.WriteString(" METADATA _id, _version, _index")
		}
		sb.WriteString(" | WHERE ")
		q := &esql{conv: c}
		if err := q.expr(&sb, e, ""); err != nil {
			return nil, err
		}
		q.multiValueWarning(r.Pos)
		query = sb.String()
	case EQL:
		var sb strings.Builder
		sb.Grow(512) // most queries fit with one regrowth at most
		sb.WriteString(eqlCategory(r.LogSource.Category))
		sb.WriteString(" where ")
		if err := (&eql{c}).expr(&sb, e, ""); err != nil {
			return nil, err
		}
		query = sb.String()
	}
	out := &backends.Output{Rule: r, Query: query, Warnings: c.warnings}
	if kibana {
		text, err := b.kibanaRule(r, cfg, index, query, dslQuery)
		if err != nil {
			return nil, err
		}
		out.Text = text
	}
	return out, nil
}

// Bundle joins kibana_ndjson rules into one import file, one rule per
// line; the default formats are one query per rule.
func (b *Backend) Bundle(format string, cfg backends.Config, outs []*backends.Output) ([]byte, error) {
	var sb strings.Builder
	for _, o := range outs {
		if o == nil {
			continue
		}
		t := o.Text
		if t == "" {
			t = o.Query
		}
		sb.WriteString(t)
		sb.WriteByte('\n')
	}
	return []byte(sb.String()), nil
}

// negatePresence rewrites NOT(null) as exists and NOT(exists) as null,
// which every Elastic language prints more directly. Subtrees it does not
// change are returned as they are.
func negatePresence(e lower.Expr) lower.Expr {
	switch e := e.(type) {
	case *lower.And:
		if ts, changed := mapTerms(e.Terms, negatePresence); changed {
			return &lower.And{Terms: ts}
		}
	case *lower.Or:
		if ts, changed := mapTerms(e.Terms, negatePresence); changed {
			return &lower.Or{Terms: ts}
		}
	case *lower.Not:
		if p, ok := e.X.(*lower.Pred); ok && (p.Kind == lower.Null || p.Kind == lower.Exists) {
			q := *p
			q.Kind = lower.Exists
			if p.Kind == lower.Exists {
				q.Kind = lower.Null
			}
			return &q
		}
		if x := negatePresence(e.X); x != e.X {
			return &lower.Not{X: x}
		}
	}
	return e
}

// mapTerms applies f to every term; it returns a new slice when f changed
// a term, else terms itself and false.
func mapTerms(terms []lower.Expr, f func(lower.Expr) lower.Expr) ([]lower.Expr, bool) {
	var out []lower.Expr
	for i, t := range terms {
		nt := f(t)
		if out == nil {
			if nt == t {
				continue
			}
			out = make([]lower.Expr, len(terms))
			copy(out, terms[:i])
		}
		out[i] = nt
	}
	if out == nil {
		return terms, false
	}
	return out, true
}

// adjustPreds rewrites predicates whose meaning depends on the field type
// or on the encoding, the way the evaluator (the reference) reads them:
// base64 and base64offset variants are compared case-sensitively (base64
// text is case-significant); a boolean field compared with the string
// "true" / "false" becomes a boolean test; a boolean value compared with a
// string field becomes the case-insensitive string "true" / "false".
// Subtrees it does not change are returned as they are.
func adjustPreds(e lower.Expr, tbl *pipeline.Table) lower.Expr {
	switch e := e.(type) {
	case *lower.And:
		if ts, changed := mapTerms(e.Terms, func(t lower.Expr) lower.Expr { return adjustPreds(t, tbl) }); changed {
			return &lower.And{Terms: ts}
		}
	case *lower.Or:
		if ts, changed := mapTerms(e.Terms, func(t lower.Expr) lower.Expr { return adjustPreds(t, tbl) }); changed {
			return &lower.Or{Terms: ts}
		}
	case *lower.Not:
		if x := adjustPreds(e.X, tbl); x != e.X {
			return &lower.Not{X: x}
		}
	case *lower.Pred:
		if e.IsKeyword() {
			return e
		}
		switch e.Kind {
		case lower.Match:
			cased := !e.Cased && base64Encoded(e.Item)
			typ := typeOf(tbl, e.Field)
			if typ != typeBool && typ != typeNumber && !cased {
				return e // the common case: nothing to adjust
			}
			q := *e
			q.Cased = q.Cased || cased
			if shape, lit := q.Shape(); typ == typeBool && shape == lower.ShapeExact {
				switch strings.ToLower(lit) {
				case "true", "false":
					q.Kind, q.Bool, q.Pattern = lower.Bool, strings.ToLower(lit) == "true", nil
				}
			} else if typ == typeNumber && shape == lower.ShapeExact {
				// '445' on a numeric field is the number 445.
				if n := parseNumber(q.Pos, lit); n != nil {
					q.Kind, q.Num, q.Pattern = lower.Number, n, nil
				}
			}
			return &q
		case lower.Bool:
			if typeOf(tbl, e.Field) != typeBool {
				q := *e
				q.Kind = lower.Match
				q.Pattern = []ir.StrPart{{Kind: ir.PartLit, Text: strconv.FormatBool(e.Bool)}}
				return &q
			}
		}
	}
	return e
}

// parseNumber returns lit as a Sigma number, or nil when it is not a
// plain decimal number.
func parseNumber(pos ir.Pos, lit string) *ir.Number {
	if i, err := strconv.ParseInt(lit, 10, 64); err == nil {
		return &ir.Number{Pos: pos, Raw: lit, IsInt: true, Int: i, Float: float64(i)}
	}
	if f, err := strconv.ParseFloat(lit, 64); err == nil && strings.Trim(lit, "0123456789.-") == "" {
		return &ir.Number{Pos: pos, Raw: lit, Float: f}
	}
	return nil
}

// base64Encoded reports whether the item's values went through base64 or
// base64offset.
func base64Encoded(it *ir.Item) bool {
	if it == nil {
		return false
	}
	for _, enc := range it.Match.Encodings {
		if enc == ir.EncBase64 || enc == ir.EncBase64Offset {
			return true
		}
	}
	return false
}

var indexPatternRe = regexp.MustCompile(`^[A-Za-z0-9_.*\-:]+$`)

// esqlIndexes writes index patterns for FROM, quoting unusual names.
func esqlIndexes(idx []string) string {
	parts := make([]string, len(idx))
	for i, s := range idx {
		if indexPatternRe.MatchString(s) && !strings.HasPrefix(s, "-") {
			parts[i] = s
		} else {
			parts[i] = esqlString(s)
		}
	}
	return strings.Join(parts, ", ")
}

var (
	_ backends.Backend = (*Backend)(nil)
	_ backends.Bundler = (*Backend)(nil)
)
