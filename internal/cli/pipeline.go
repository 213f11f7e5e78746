package cli

import (
	"fmt"
	"os"

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
	cmd.AddCommand(newPipelineExplainCmd(e), newPipelineListCmd(e))
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
			if len(names) == 0 {
				return usagef("pipeline explain needs at least one -p PIPELINE")
			}
			var ps []*pipeline.Pipeline
			for _, n := range names {
				p, err := pipeline.Resolve(n)
				if err != nil {
					return usageErr(err)
				}
				ps = append(ps, p)
			}
			chain := pipeline.NewChain(ps...)
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
					r, ok := d.(*ir.Rule)
					if !ok || r.Detection == nil {
						continue
					}
					fmt.Fprintln(e.stdout)
					if err := chain.Explain(e.stdout, r, all); err != nil {
						return &exitError{code: ExitFailed, err: err}
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
