package catalog

import (
	"encoding/json"
	"io"
)

// RenderJSON writes the pages as indented JSON (HTML characters not
// escaped), ending with a newline: one page as an object, several (a
// multi-rule file) as an array.
func RenderJSON(w io.Writer, pages ...*Page) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if len(pages) == 1 {
		return enc.Encode(pages[0])
	}
	return enc.Encode(pages)
}
