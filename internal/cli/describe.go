package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sigconv/sigconv/catalog"
	"github.com/sigconv/sigconv/catalog/attack"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
)

// describeOptions are the flags of describe.
type describeOptions struct {
	corpus string
	format string
}

func newDescribeCmd(e *env) *cobra.Command {
	o := &describeOptions{}
	cmd := &cobra.Command{
		Use:   "describe RULE [--corpus DIR] [-f markdown|json|html]",
		Short: "Describe a rule as a catalog page",
		Long: `Print a catalog page for each rule of the file RULE (a multi-rule
file gives several pages: a JSON array, one HTML document, Markdown pages
separated by ---): title and
description, MITRE ATT&CK coverage, event coverage, the rule body, the
condition as stages with each selection's predicates, and the indicators.
With --corpus, each indicator shows how many other rules under DIR use the
same field, kind and value. See docs/catalog.md.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDescribe(e, o, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.corpus, "corpus", "", "rule set DIR to count indicator use in")
	f.StringVarP(&o.format, "format", "f", "markdown", "page format: markdown, json or html")
	return cmd
}

func runDescribe(e *env, o *describeOptions, path string) error {
	render, err := pageRenderer(o.format)
	if err != nil {
		return usageErr(err)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return &exitError{code: ExitFailed, err: err}
	}
	docs, errs := parser.ParseFile(path, src)
	if errs.Err() != nil {
		for _, pe := range errs {
			fmt.Fprintln(e.stderr, pe.Error())
		}
		return failed()
	}
	var rules []*ir.Rule
	for _, d := range docs {
		if r, ok := d.(*ir.Rule); ok {
			rules = append(rules, r)
		}
	}
	if len(rules) == 0 {
		return &exitError{code: ExitFailed, err: fmt.Errorf("%s: no detection rule to describe", path)}
	}
	m, err := attack.Load()
	if err != nil {
		return &exitError{code: ExitFailed, err: err}
	}
	opt := catalog.Options{Attack: m, Events: catalog.WindowsEvents(), File: filepath.ToSlash(path)}
	if o.corpus != "" {
		set, err := catalog.LoadRuleSet(o.corpus, parser.ParseFile)
		if err != nil {
			return &exitError{code: ExitFailed, err: err}
		}
		for _, fe := range set.Errors {
			fmt.Fprintf(e.stderr, "sigconv: corpus: %s: skipped: %s\n", fe.Rel, firstLine(fe.Err.Error()))
		}
		opt.Corpus = catalog.NewCorpus(filepath.ToSlash(o.corpus), set.Rules())
		if rel, err := filepath.Rel(o.corpus, path); err == nil && !strings.HasPrefix(rel, "..") {
			opt.File = filepath.ToSlash(rel)
		}
	}
	pages := make([]*catalog.Page, len(rules))
	for i, r := range rules {
		pages[i] = catalog.Build(r, src, opt)
	}
	var b bytes.Buffer
	if err := render(&b, pages...); err != nil {
		return &exitError{code: ExitFailed, err: err}
	}
	if _, err := e.stdout.Write(b.Bytes()); err != nil {
		return &exitError{code: ExitFailed, err: err}
	}
	return nil
}

// pageRenderer returns the catalog renderer for a -f value.
func pageRenderer(format string) (func(io.Writer, ...*catalog.Page) error, error) {
	switch format {
	case "markdown", "md":
		return catalog.RenderMarkdown, nil
	case "json":
		return catalog.RenderJSON, nil
	case "html":
		return catalog.RenderHTML, nil
	}
	return nil, fmt.Errorf("unknown page format %q (formats: markdown, json, html)", format)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}
