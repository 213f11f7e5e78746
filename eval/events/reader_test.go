package events

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type rec struct {
	Index, Line int
	Data        string
}

func collect(t *testing.T, in []byte) ([]rec, error) {
	t.Helper()
	var out []rec
	err := Read("in", bytes.NewReader(in), func(r Record) error {
		out = append(out, rec{r.Index, r.Line, string(r.Data)})
		return nil
	})
	return out, err
}

func TestRead(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []rec
	}{
		{"ndjson", "{\"a\":1}\n\n{\"b\":2}\n", []rec{{0, 1, `{"a":1}`}, {1, 3, `{"b":2}`}}},
		{"ndjson malformed line does not swallow the next", "{\"a\":1}\n{\"b\":\n{\"c\":3}\n", []rec{{0, 1, `{"a":1}`}, {1, 2, `{"b":`}, {2, 3, `{"c":3}`}}},
		{"pretty", "{\n \"a\": \"}\"\n}\n{\n \"b\": [1,\n2]\n}", []rec{{0, 1, "{\n \"a\": \"}\"\n}"}, {1, 4, "{\n \"b\": [1,\n2]\n}"}}},
		{"array", "[\n {\"a\":1},\n {\"b\":2}\n]\n", []rec{{0, 2, `{"a":1}`}, {1, 3, `{"b":2}`}}},
		{"no trailing newline", `{"a":1}`, []rec{{0, 1, `{"a":1}`}}},
		{"crlf", "{\"a\":1}\r\n{\"b\":2}\r\n", []rec{{0, 1, `{"a":1}`}, {1, 2, `{"b":2}`}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := collect(t, []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestReadGzip(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(strings.Repeat("{\"a\":1}\n", 3)))
	zw.Close()
	got, err := collect(t, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[2].Line != 3 {
		t.Errorf("got %v", got)
	}
}

func TestReadBrokenArray(t *testing.T) {
	_, err := collect(t, []byte("[\n{\"a\":1},\n{\"b\" 2}\n]"))
	if err == nil || !strings.HasPrefix(err.Error(), "in:3:") {
		t.Errorf("err = %v, want in:3: ...", err)
	}
}
