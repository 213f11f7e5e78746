package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/sigconv/sigconv/catalog"
	"github.com/sigconv/sigconv/catalog/attack"
	"github.com/sigconv/sigconv/driver"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
)

// catalogOptions are the flags of catalog.
type catalogOptions struct {
	output    string
	title     string
	noQueries bool
	targets   []string
}

func newCatalogCmd(e *env) *cobra.Command {
	o := &catalogOptions{}
	cmd := &cobra.Command{
		Use:   "catalog DIR -o SITE",
		Short: "Write a static catalog site for a rule set",
		Long: `Write a static HTML catalog of the rules under DIR into SITE: an index
page that filters client-side by title, tactic, technique, level and log
source (the filter is kept in the URL fragment, e.g. index.html#q=devtunnels),
and one page per rule like 'sigconv describe' prints, plus the rule
converted for every target. Plain HTML and JavaScript, no external assets,
no server. See docs/catalog.md.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCatalog(e, o, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.output, "output", "o", "", "directory to write the site into (created if missing)")
	f.StringVar(&o.title, "title", "", "site title (default \"Sigma rule catalog\")")
	f.BoolVar(&o.noQueries, "no-queries", false, "leave the converted queries out of rule pages")
	f.StringArrayVarP(&o.targets, "target", "t", nil, "target whose queries to show (repeatable; default: every target)")
	return cmd
}

func runCatalog(e *env, o *catalogOptions, dir string) error {
	if o.output == "" {
		return usagef("catalog needs an output directory: -o SITE")
	}
	names := o.targets
	if names == nil {
		names = e.registry.Names()
	}
	for _, n := range names {
		if _, err := e.registry.Lookup(n); err != nil {
			return usageErr(err)
		}
	}
	start := time.Now()
	set, err := catalog.LoadRuleSet(dir, parser.ParseFile)
	if err != nil {
		return &exitError{code: ExitFailed, err: err}
	}
	m, err := attack.Load()
	if err != nil {
		return &exitError{code: ExitFailed, err: err}
	}
	opt := catalog.SiteOptions{Title: o.title, Attack: m, Events: catalog.WindowsEvents()}
	if !o.noQueries {
		q, err := convertAll(e, dir, names)
		if err != nil {
			return &exitError{code: ExitFailed, err: err}
		}
		opt.Converter = q
	}
	stats, err := catalog.WriteSite(set, o.output, opt)
	if err != nil {
		return &exitError{code: ExitFailed, err: err}
	}
	for _, fe := range set.Errors {
		fmt.Fprintf(e.stderr, "sigconv: %s: skipped: %s\n", fe.Rel, firstLine(fe.Err.Error()))
	}
	fmt.Fprintf(e.stderr, "sigconv: catalog: %s in %s, written to %s\n", stats, time.Since(start).Round(time.Millisecond), o.output)
	return nil
}

// queryKey identifies a rule document by file and document index.
type queryKey struct {
	file string
	doc  int
}

// queryTable holds every target's result per rule document; it implements
// catalog.Converter and is read-only once built.
type queryTable map[queryKey][]catalog.Query

// Convert implements catalog.Converter.
func (q queryTable) Convert(r *ir.Rule) []catalog.Query {
	return q[queryKey{filepath.Clean(r.File), r.Doc}]
}

// convertAll runs the conversion driver over dir once per target (each
// with its default format and pipelines), in the order given, and collects
// the results.
func convertAll(e *env, dir string, names []string) (queryTable, error) {
	q := queryTable{}
	for _, name := range names {
		d, err := driver.New(driver.Options{Registry: e.registry, Target: name})
		if err != nil {
			return nil, err
		}
		format := d.Format().Name
		_, err = d.Run(context.Background(), []string{dir}, func(r *driver.Result) error {
			if r.Kind != driver.KindRule {
				return nil
			}
			cq := catalog.Query{Target: name, Format: format, Status: r.Status.String()}
			switch r.Status {
			case driver.StatusOK:
				cq.Text = r.Text
				if r.Output != nil && r.Output.Query != "" {
					cq.Text = r.Output.Query
				}
			case driver.StatusRefused:
				cq.Reason = r.RefusalMessage()
			case driver.StatusFailed:
				cq.Reason = firstLine(r.Errors.Error())
			}
			k := queryKey{filepath.Clean(r.File), r.Doc}
			q[k] = append(q[k], cq)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return q, nil
}
