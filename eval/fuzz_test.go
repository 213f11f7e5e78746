package eval

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sigconv/sigconv/eval/events"
	"github.com/sigconv/sigconv/ir"
)

// FuzzDecodeEvent checks that the event decoder never panics and accepts
// every valid JSON object (encoding/json is the oracle).
func FuzzDecodeEvent(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `{"a":{"b":[1,"x",null,true]}}`, `{"e":"\u00e9\ud83d\ude00\n"}`, sprintf(sysmon3, "true", "x")} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := DecodeEvent(data, FlattenAuto)
		trimmed := bytes.TrimSpace(data)
		if json.Valid(data) && len(trimmed) > 0 && trimmed[0] == '{' && err != nil {
			t.Fatalf("valid JSON object rejected: %v", err)
		}
		if err == nil && ev == nil {
			t.Fatal("nil event without error")
		}
	})
}

// FuzzRead checks that the stream splitter never panics and that every
// record it returns is non-empty.
func FuzzRead(f *testing.F) {
	for _, s := range []string{"{\"a\":1}\n{\"b\":2}\n", "[{\"a\":1},{\"b\":2}]", "{\n\"a\": \"}\"\n}\n{}", "x\n{"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = events.Read("f", bytes.NewReader(data), func(r events.Record) error {
			if len(r.Data) == 0 {
				t.Fatal("empty record")
			}
			_, _ = DecodeEvent(r.Data, FlattenAuto)
			return nil
		})
	})
}

// FuzzPattern compares compiled wildcard patterns with a regular
// expression oracle on folded text.
func FuzzPattern(f *testing.F) {
	f.Add(`*\temp\?.exe*`, `C:\TEMP\a.exe x`, uint8(0))
	f.Add(`a*b?c`, `aXXbYc`, uint8(1))
	f.Add(`ſ*K`, `S..k`, uint8(2))
	f.Fuzz(func(t *testing.T, pat, value string, opSel uint8) {
		if len(pat) > 64 || len(value) > 256 {
			return
		}
		var parts []ir.StrPart
		var re strings.Builder
		re.WriteString(`(?s)^`)
		ops := []ir.Op{ir.OpEqual, ir.OpContains, ir.OpStartsWith, ir.OpEndsWith}
		op := ops[int(opSel)%len(ops)]
		if op == ir.OpContains || op == ir.OpEndsWith {
			re.WriteString(".*")
		}
		for _, r := range pat {
			switch r {
			case '*':
				parts = append(parts, ir.StrPart{Kind: ir.PartWildMany})
				re.WriteString(".*")
			case '?':
				parts = append(parts, ir.StrPart{Kind: ir.PartWildOne})
				re.WriteString(".")
			default:
				parts = append(parts, ir.StrPart{Kind: ir.PartLit, Text: string(r)})
				re.WriteString(regexp.QuoteMeta(fold(string(r))))
			}
		}
		if op == ir.OpContains || op == ir.OpStartsWith {
			re.WriteString(".*")
		}
		re.WriteString("$")
		oracle, err := regexp.Compile(re.String())
		if err != nil || !utf8.ValidString(pat) || !utf8.ValidString(value) {
			return
		}
		p := compilePattern(parts, op, false)
		if got, want := p.match(fold(value)), oracle.MatchString(fold(value)); got != want {
			t.Fatalf("pattern %q %v on %q: got %v, oracle %v", pat, op, value, got, want)
		}
	})
}
