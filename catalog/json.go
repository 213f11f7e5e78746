package catalog

import (
	"encoding/json"
	"io"
)

// RenderJSON writes p as indented JSON (HTML characters not escaped),
// ending with a newline.
func RenderJSON(w io.Writer, p *Page) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}
