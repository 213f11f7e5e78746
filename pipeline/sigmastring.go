package pipeline

import (
	"strings"

	"github.com/sigconv/sigconv/ir"
)

// parseSigmaString splits Sigma value syntax into parts: '*' and '?' are
// wildcards unless escaped with a backslash, "\\" is one backslash, any
// other backslash is literal. With placeholders, %name% becomes a
// placeholder part (the expand modifier's syntax).
func parseSigmaString(pos ir.Pos, raw string, placeholders bool) *ir.String {
	v := &ir.String{Pos: pos, Raw: raw}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			v.Parts = append(v.Parts, ir.StrPart{Kind: ir.PartLit, Text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '\\' && i+1 < len(raw) && (raw[i+1] == '*' || raw[i+1] == '?' || raw[i+1] == '\\'):
			lit.WriteByte(raw[i+1])
			i++
		case c == '*':
			flush()
			v.Parts = append(v.Parts, ir.StrPart{Kind: ir.PartWildMany})
		case c == '?':
			flush()
			v.Parts = append(v.Parts, ir.StrPart{Kind: ir.PartWildOne})
		case c == '%' && placeholders:
			end := strings.IndexByte(raw[i+1:], '%')
			if end <= 0 {
				lit.WriteByte(c)
				continue
			}
			flush()
			v.Parts = append(v.Parts, ir.StrPart{Kind: ir.PartPlaceholder, Text: raw[i+1 : i+1+end]})
			i += end + 1
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return v
}

// withParts returns a String with the given parts and a Raw rebuilt from
// them.
func withParts(pos ir.Pos, parts []ir.StrPart) *ir.String {
	v := &ir.String{Pos: pos, Parts: mergeLits(parts)}
	v.Raw = v.Sigma()
	return v
}

// mergeLits joins adjacent literal parts and drops empty ones.
func mergeLits(parts []ir.StrPart) []ir.StrPart {
	var out []ir.StrPart
	for _, p := range parts {
		if p.Kind == ir.PartLit {
			if p.Text == "" {
				continue
			}
			if n := len(out); n > 0 && out[n-1].Kind == ir.PartLit {
				out[n-1].Text += p.Text
				continue
			}
		}
		out = append(out, p)
	}
	return out
}
