package parser

import (
	"strings"

	"github.com/sigconv/sigconv/ir"
)

// ParseString splits a Sigma string value into parts: '*' and '?' are
// wildcards; a backslash escapes '*', '?' and itself and is literal before
// anything else (so `C:\` and `C:\\` both mean C:\). With expand set,
// %name% is a placeholder and `\%` a literal percent sign. An empty value
// has no parts.
func ParseString(raw string, expand bool) []ir.StrPart {
	special := "*?\\"
	if expand {
		special = "*?\\%"
	}
	if !strings.ContainsAny(raw, special) {
		if raw == "" {
			return nil
		}
		return []ir.StrPart{{Kind: ir.PartLit, Text: raw}}
	}
	parts := make([]ir.StrPart, 0, 4)
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, ir.StrPart{Kind: ir.PartLit, Text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch c {
		case '\\':
			if i+1 < len(raw) {
				next := raw[i+1]
				if next == '*' || next == '?' || next == '\\' || (expand && next == '%') {
					lit.WriteByte(next)
					i++
					continue
				}
			}
			lit.WriteByte('\\')
		case '*':
			flush()
			parts = append(parts, ir.StrPart{Kind: ir.PartWildMany})
		case '?':
			flush()
			parts = append(parts, ir.StrPart{Kind: ir.PartWildOne})
		case '%':
			if !expand {
				lit.WriteByte(c)
				continue
			}
			end := strings.IndexByte(raw[i+1:], '%')
			if end <= 0 || strings.ContainsAny(raw[i+1:i+1+end], "*?\\") {
				lit.WriteByte(c) // no name between the percent signs
				continue
			}
			flush()
			parts = append(parts, ir.StrPart{Kind: ir.PartPlaceholder, Text: raw[i+1 : i+1+end]})
			i += end + 1
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return parts
}
