package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
	"github.com/sigconv/sigconv/pipeline"
)

// newPipelineCmd builds `sigconv pipeline`, tools for processing pipelines.
func newPipelineCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pipeline",
		Short: "Inspect processing pipelines",
	}
	cmd.AddCommand(newPipelineExplainCmd(e), newPipelineListCmd(e), newPipelineUnmappedCmd(e), newPipelineValidateCmd(e))
	return cmd
}

func newPipelineListCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the built-in pipelines with priority and description",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, in := range pipeline.Builtins() {
				fmt.Fprintf(e.stdout, "%-16s %3d  %s\n", in.Name, in.Priority, in.Description)
			}
			return nil
		},
	}
}

func newPipelineExplainCmd(e *env) *cobra.Command {
	var names []string
	var all bool
	cmd := &cobra.Command{
		Use:   "explain -p PIPELINE [-p PIPELINE]... RULE.yml...",
		Short: "Show which pipeline items apply to each rule, what they change and which fields stay unmapped",
		Long: `explain loads the pipelines (built-in names or YAML files), prints them in
application order (by priority, then as given), and for each rule of the
given files lists every item that applied with what it changed (field
renames with the detection item's file:line:col, added conditions, values,
state), the resulting log source, state and table, and each field of the
rule: mapped (by which items), found in the table, dropped or UNMAPPED.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			chain, err := resolveChain(names)
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, "pipelines, in application order:")
			for i, p := range chain.Pipelines() {
				fmt.Fprintf(e.stdout, "  %d. %s (priority %d, %s, %d items)\n", i+1, p.Name, p.Priority, p.File, len(p.Items()))
			}
			bad := false
			for _, path := range args {
				src, err := os.ReadFile(path)
				if err != nil {
					fmt.Fprintf(e.stderr, "sigconv: %v\n", err)
					bad = true
					continue
				}
				docs, errs := parser.ParseFile(path, src)
				for _, er := range errs {
					fmt.Fprintf(e.stderr, "%s\n", er)
					bad = true
				}
				for _, d := range docs {
					switch d := d.(type) {
					case *ir.Rule:
						if d.Detection == nil {
							continue
						}
						fmt.Fprintln(e.stdout)
						if err := chain.Explain(e.stdout, d, all); err != nil {
							return &exitError{code: ExitFailed, err: err}
						}
					case *ir.Correlation:
						fmt.Fprintln(e.stdout)
						if err := chain.ExplainCorrelation(e.stdout, d, referenced(d, docs)...); err != nil {
							return &exitError{code: ExitFailed, err: err}
						}
					}
				}
			}
			if bad {
				return failed()
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVarP(&names, "pipeline", "p", nil, "processing pipeline: built-in name or YAML file (repeatable)")
	cmd.Flags().BoolVar(&all, "all", false, "also list the items that did not apply, with their conditions")
	return cmd
}

func newPipelineUnmappedCmd(e *env) *cobra.Command {
	var names []string
	cmd := &cobra.Command{
		Use:   "unmapped -p PIPELINE [-p PIPELINE]... PATH...",
		Short: "List, per rule, the fields the pipelines leave unmapped",
		Long: `unmapped applies the pipelines to every rule under the given files and
directories and prints one line per rule with unmapped fields:
file:line:col: title: field, field, ... A field is mapped when a field name
transformation touched it, a transformation removed it, or the table the
pipelines chose has a column of that name. A summary with the most
frequent unmapped fields goes to standard error.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			chain, err := resolveChain(names)
			if err != nil {
				return err
			}
			files, err := ruleFiles(args)
			if err != nil {
				return usageErr(err)
			}
			counts := map[string]int{}
			rules, withUnmapped := 0, 0
			bad := false
			for _, path := range files {
				src, err := os.ReadFile(path)
				if err != nil {
					fmt.Fprintf(e.stderr, "sigconv: %v\n", err)
					bad = true
					continue
				}
				docs, errs := parser.ParseFile(path, src)
				for _, er := range errs {
					fmt.Fprintf(e.stderr, "%s\n", er)
					bad = true
				}
				for _, d := range docs {
					r, ok := d.(*ir.Rule)
					if !ok || r.Detection == nil {
						continue
					}
					rules++
					res, err := chain.Apply(r)
					if err != nil {
						fmt.Fprintf(e.stdout, "%s: %s: refused by the pipelines: %v\n", r.Pos, r.Title, err)
						continue
					}
					un := pipeline.Unmapped(res)
					if len(un) == 0 {
						continue
					}
					withUnmapped++
					for _, f := range un {
						counts[f]++
					}
					fmt.Fprintf(e.stdout, "%s: %s: %s\n", r.Pos, r.Title, strings.Join(un, ", "))
				}
			}
			fmt.Fprintf(e.stderr, "%d rules, %d with unmapped fields", rules, withUnmapped)
			if top := topCounts(counts, 10); top != "" {
				fmt.Fprintf(e.stderr, "; most frequent: %s", top)
			}
			fmt.Fprintln(e.stderr)
			if bad {
				return failed()
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVarP(&names, "pipeline", "p", nil, "processing pipeline: built-in name or YAML file (repeatable)")
	return cmd
}

// resolveChain loads -p values into a chain.
func resolveChain(names []string) (*pipeline.Chain, error) {
	if len(names) == 0 {
		return nil, usagef("give at least one -p PIPELINE")
	}
	var ps []*pipeline.Pipeline
	for _, n := range names {
		p, err := pipeline.Resolve(n)
		if err != nil {
			return nil, usageErr(err)
		}
		ps = append(ps, p)
	}
	return pipeline.NewChain(ps...), nil
}

// ruleFiles expands directories into their .yml/.yaml files, sorted.
func ruleFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		info, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml")) {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

// topCounts renders the n most frequent keys as "key (count), ...".
func topCounts(m map[string]int, n int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	if len(keys) > n {
		keys = keys[:n]
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s (%d)", k, m[k])
	}
	return strings.Join(parts, ", ")
}

// referenced returns the rules of docs that the correlation refers to by
// name or id (rules in other files are not resolved by explain).
func referenced(c *ir.Correlation, docs []ir.Document) []*ir.Rule {
	var out []*ir.Rule
	for _, ref := range c.Rules {
		for _, d := range docs {
			if r, ok := d.(*ir.Rule); ok && (r.Name == ref.Ref || r.ID == ref.Ref) {
				out = append(out, r)
			}
		}
	}
	return out
}

func newPipelineValidateCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "validate PIPELINE...",
		Short: "Load pipeline files (or built-in names) and report every problem with file:line:col",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			bad := false
			for _, a := range args {
				p, err := pipeline.Resolve(a)
				if err != nil {
					fmt.Fprintln(e.stdout, err)
					bad = true
					continue
				}
				fmt.Fprintf(e.stdout, "%s: ok: %s, priority %d, %d transformations\n", p.File, p.Name, p.Priority, len(p.Items()))
			}
			if bad {
				return failed()
			}
			return nil
		},
	}
}
