package cli

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sigconv/sigconv/eval"
	"github.com/sigconv/sigconv/eval/events"
	"github.com/sigconv/sigconv/ir"
)

// refMatchLine is what appendMatchLine must write: the match line through
// encoding/json, as the command printed it before the hand-written
// encoder.
func refMatchLine(m eval.Match, rec events.Record) string {
	type matchOutput struct {
		RuleID    string         `json:"rule_id"`
		RuleTitle string         `json:"rule_title"`
		Level     string         `json:"level"`
		File      string         `json:"file"`
		Event     int            `json:"event"`
		Fields    map[string]any `json:"fields"`
	}
	fields := map[string]any{}
	for _, f := range m.Fields {
		var v any
		switch f.Kind {
		case eval.KindString:
			v = f.Text
		case eval.KindNumber:
			v = json.Number(f.Text)
		case eval.KindBool:
			v = f.Text == "true"
		case eval.KindObject:
			v = map[string]any{}
		case eval.KindArray:
			v = []any{}
		}
		if prev, ok := fields[f.Key]; ok {
			if list, ok := prev.([]any); ok {
				fields[f.Key] = append(list, v)
			} else {
				fields[f.Key] = []any{prev, v}
			}
			continue
		}
		fields[f.Key] = v
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(matchOutput{m.Rule.ID, m.Rule.Title, m.Rule.Level, rec.File, rec.Index, fields}); err != nil {
		return err.Error()
	}
	return b.String()
}

func TestAppendMatchLine(t *testing.T) {
	rule := &ir.Rule{Meta: ir.Meta{ID: "id-\"1\"", Title: "T <&> \u2028 \x01 \t\xff é", Level: "high"}}
	str := func(k, v string) eval.Field { return eval.Field{Key: k, Kind: eval.KindString, Text: v} }
	tests := []struct {
		name   string
		fields []eval.Field
	}{
		{"none", nil},
		{"sorted keys", []eval.Field{str("b", "2"), str("a", "1"), str("C", "3")}},
		{"repeated key keeps event order", []eval.Field{str("k", "z"), str("a", "x"), str("k", "y"), str("k", "a")}},
		{"kinds", []eval.Field{
			{Key: "n", Kind: eval.KindNumber, Text: "-1.5e+10"},
			{Key: "t", Kind: eval.KindBool, Text: "true"},
			{Key: "f", Kind: eval.KindBool, Text: "false"},
			{Key: "z", Kind: eval.KindNull},
			{Key: "o", Kind: eval.KindObject},
			{Key: "a", Kind: eval.KindArray},
			{Key: "a", Kind: eval.KindNumber, Text: "0"},
		}},
		{"array elements", []eval.Field{{Key: "a", Kind: eval.KindArray}, str("a", "1"), str("a", "2"), str("b", "x"), {Key: "b", Kind: eval.KindArray}, str("b", "y")}},
		{"empty array", []eval.Field{{Key: "a", Kind: eval.KindArray}}},
		{"escapes", []eval.Field{str("k\"\\", "C:\\Windows\\x \"q\" \n\r\b\f\x1f \u2029 \xc3 <b>&")}},
		{"many", func() []eval.Field {
			var fs []eval.Field
			for i := 0; i < 40; i++ {
				fs = append(fs, str(string(rune('a'+i%7)), string(rune('A'+i))))
			}
			return fs
		}()},
	}
	rec := events.Record{File: "dir/ev \"1\".json", Index: 42}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := eval.Match{Rule: rule, Fields: tt.fields}
			got := string(appendMatchLine(nil, m, rec))
			if diff := cmp.Diff(refMatchLine(m, rec), got); diff != "" {
				t.Errorf("(-encoding/json +appendMatchLine):\n%s", diff)
			}
		})
	}
}

func TestValidJSONNumber(t *testing.T) {
	for _, s := range []string{"0", "-0", "1", "12", "1.5", "-1.5e10", "1E+3", "1e-3", "0.0", "", "-", "01", "1.", ".5", "-.5", "1e", "1e+", "+1", "1x", "0x1", "--1"} {
		var v any
		want := json.Unmarshal([]byte(s), &v) == nil
		if got := validJSONNumber(s); got != want {
			t.Errorf("validJSONNumber(%q) = %v, want %v", s, got, want)
		}
	}
}
