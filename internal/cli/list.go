package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sigconv/sigconv/driver"
	"github.com/sigconv/sigconv/pipeline"
)

func newListCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:       "list targets|formats|pipelines|modifiers",
		Short:     "List targets, output formats, built-in pipelines or modifiers",
		ValidArgs: []string{"targets", "formats", "pipelines", "modifiers"},
		Args:      cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			switch args[0] {
			case "targets":
				listTargets(e, tw)
			case "formats":
				listFormats(e, tw)
			case "pipelines":
				if err := listPipelines(tw); err != nil {
					return &exitError{code: ExitFailed, err: err}
				}
			case "modifiers":
				listModifiers(tw)
			default:
				return usagef("list: unknown topic %q (targets, formats, pipelines or modifiers)", args[0])
			}
			return tw.Flush()
		},
	}
	return cmd
}

func listTargets(e *env, w io.Writer) {
	fmt.Fprintln(w, "TARGET\tDEFAULT PIPELINES\tDESCRIPTION")
	for _, b := range e.registry.Backends() {
		fmt.Fprintf(w, "%s\t%s\t%s\n", b.Name(), joinOr(b.DefaultPipelines(), "-"), b.Description())
	}
	fmt.Fprintf(w, "%s\t-\tdebugging aid: the parsed rule as JSON (sigconv's intermediate representation)\n", driver.IRTarget)
}

func listFormats(e *env, w io.Writer) {
	fmt.Fprintln(w, "TARGET\tFORMAT\tEXTENSION\tOUTPUT\tDESCRIPTION")
	for _, b := range e.registry.Backends() {
		for i, f := range b.Formats() {
			kind := "per rule"
			if f.Bundled {
				kind = "one file"
			}
			desc := f.Description
			if i == 0 {
				desc += " (default)"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", b.Name(), f.Name, f.Ext, kind, desc)
		}
	}
	fmt.Fprintf(w, "%s\tdefault\t.json\tper rule\tJSON dump of each document (default)\n", driver.IRTarget)
}

func joinOr(ss []string, none string) string {
	if len(ss) == 0 {
		return none
	}
	out := ss[0]
	for _, s := range ss[1:] {
		out += ", " + s
	}
	return out
}

// modifiers are the Sigma value modifiers of specification v2.1 (appendix
// "Sigma Modifiers"), in the order the appendix lists them.
var modifiers = [...]struct{ name, kind, desc string }{
	{"all", "generic", "the values are AND-ed instead of OR-ed (needs more than one value)"},
	{"startswith", "generic", "the value is expected at the beginning of the field"},
	{"endswith", "generic", "the value is expected at the end of the field"},
	{"contains", "generic", "the value is expected anywhere in the field"},
	{"exists", "generic", "true: the field is present; false: it is absent (value or null does not matter)"},
	{"cased", "generic", "compare case-sensitively (Sigma compares case-insensitively by default)"},
	{"neq", "generic", "the field differs from every value"},
	{"windash", "string", "each of - / – — ― in the value also matches the others"},
	{"re", "string", "the value is a regular expression (PCRE subset), case-sensitive"},
	{"i", "re flag", "with re: case-insensitive matching"},
	{"m", "re flag", "with re: ^ and $ match at line boundaries"},
	{"s", "re flag", "with re: . also matches a newline"},
	{"base64", "encoding", "match the Base64 encoding of the value"},
	{"base64offset", "encoding", "match the value inside Base64 text at any of the three byte offsets"},
	{"utf16le", "encoding", "encode the value as UTF-16 little endian (before base64)"},
	{"wide", "encoding", "alias of utf16le"},
	{"utf16be", "encoding", "encode the value as UTF-16 big endian"},
	{"utf16", "encoding", "encode the value as UTF-16 with a byte order mark"},
	{"lt", "numeric", "the field is less than the value"},
	{"lte", "numeric", "the field is less than or equal to the value"},
	{"gt", "numeric", "the field is greater than the value"},
	{"gte", "numeric", "the field is greater than or equal to the value"},
	{"minute", "time", "compare the minute (0-59) of the field's date"},
	{"hour", "time", "compare the hour (0-23) of the field's date"},
	{"day", "time", "compare the day of the month (1-31) of the field's date"},
	{"week", "time", "compare the week of the year (1-52) of the field's date"},
	{"month", "time", "compare the month (1-12) of the field's date"},
	{"year", "time", "compare the year of the field's date"},
	{"cidr", "ip", "the field is an IP address inside the IPv4 or IPv6 network"},
	{"expand", "specific", "%name% placeholders in the value are replaced by pipelines"},
	{"fieldref", "specific", "the value names another field whose value is compared"},
}

func listModifiers(w io.Writer) {
	fmt.Fprintln(w, "MODIFIER\tKIND\tDESCRIPTION")
	for _, m := range modifiers {
		fmt.Fprintf(w, "%s\t%s\t%s\n", m.name, m.kind, m.desc)
	}
}

// listPipelines lists the built-in processing pipelines with priority and
// description.
func listPipelines(w io.Writer) error {
	fmt.Fprintln(w, "PIPELINE\tPRIORITY\tDESCRIPTION")
	for _, in := range pipeline.Builtins() {
		fmt.Fprintf(w, "%s\t%d\t%s\n", in.Name, in.Priority, in.Description)
	}
	return nil
}
