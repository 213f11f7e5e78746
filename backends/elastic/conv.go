package elastic

import (
	"fmt"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/backends/internal/lower"
	"github.com/sigconv/sigconv/pipeline"
)

// conv is the state shared by the printers while converting one rule.
type conv struct {
	backend  string
	tbl      *pipeline.Table
	cfg      config
	warnings []backends.Warning
	seen     map[string]bool // warning dedup key: id + message
}

// common refuses what no Elastic language expresses exactly, whatever the
// predicate kind.
func (c *conv) common(p *lower.Pred) error {
	if p.IsKeyword() {
		return c.unsupported(p, "keyword search", "Elasticsearch has no exact search for a value anywhere in the event (an unfielded query searches analysed tokens of the default fields, not substrings of every value)")
	}
	if p.TimePart != 0 {
		return c.unsupported(p, p.TimePart.String()+" modifier", "extracting a time part from a field is not supported by this backend")
	}
	return nil
}

func (c *conv) unsupported(p *lower.Pred, what, reason string, args ...any) error {
	return backends.Unsupported(p.Pos, c.backend, what, reason, args...)
}

func (c *conv) warn(p *lower.Pred, id, msg string, args ...any) {
	m := fmt.Sprintf(msg, args...)
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	if c.seen[id+"\x00"+m] {
		return
	}
	c.seen[id+"\x00"+m] = true
	c.warnings = append(c.warnings, backends.Warning{Pos: p.Pos, ID: id, Msg: m, Approximate: true})
}
