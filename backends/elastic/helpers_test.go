package elastic

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
	"github.com/sigconv/sigconv/pipeline"
)

// parseRule parses a one-document rule written in YAML.
func parseRule(t *testing.T, src string) *ir.Rule {
	t.Helper()
	docs, errs := parser.ParseFile("test.yml", []byte(src))
	if err := errs.Err(); err != nil {
		t.Fatalf("parse: %v", err)
	}
	r, ok := docs[0].(*ir.Rule)
	if !ok {
		t.Fatalf("document is %T, want *ir.Rule", docs[0])
	}
	return r
}

// convert converts a rule (no pipeline) with backend b and format.
func convert(t *testing.T, b *Backend, src, format string, cfg backends.Config) (*backends.Output, error) {
	t.Helper()
	r := parseRule(t, src)
	return b.Convert(&backends.Input{Processed: &pipeline.Result{Rule: r}, Format: format, Config: cfg})
}

// detection wraps a detection body (YAML, indented by four spaces) into a
// rule.
func detection(body string) string {
	return "title: t\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n" + body
}

// compactJSON removes the indentation of a JSON text.
func compactJSON(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
