package driver

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"strings"
	"time"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
	"github.com/sigconv/sigconv/pipeline"
)

// IRTarget is the pseudo-target that prints each document's intermediate
// representation (ir.DumpJSON) instead of a query; a debugging aid.
const IRTarget = "ir"

// Options configure a Driver. The zero value of each field is a sensible
// default except Registry, which is needed for any real target.
type Options struct {
	// Registry holds the backends; may be nil when Target is IRTarget or "".
	Registry *backends.Registry
	// Target is the -t name or alias, IRTarget, or "" to only parse and
	// validate (sigconv check without -t).
	Target string
	// Format is the -f format name; "" selects the backend's default.
	Format string
	// Pipelines are -p values in order: built-in pipeline names or
	// pipeline files. Nil selects the backend's DefaultPipelines.
	Pipelines []string
	// Config is the decoded --config file, or nil.
	Config backends.Config
	// Table is --table, passed to backends in backends.Options.
	Table string
	// Filters are --filter files holding meta filter documents.
	Filters []string
	// Workers bounds parallelism; 0 means runtime.GOMAXPROCS(0).
	Workers int
	// FS, when set, is where paths are read from (slash-separated, relative
	// to FS); nil means the operating system's file system.
	FS fs.FS
	// Stdin is read for the path "-"; nil reads nothing.
	Stdin io.Reader
	// ReleaseRules converts each rule as soon as its file is parsed and
	// then keeps only what correlations may need (the file's bytes, to
	// parse a referenced rule again), instead of keeping every parsed
	// rule until all files are read. Result.Output.Rule is then nil for
	// formats that are not Combined. The results and their order are the
	// same; memory and the garbage collector's work are lower. Runs whose
	// inputs hold meta filter documents (not given with --filter) fall
	// back to converting after all files are read.
	ReleaseRules bool
}

// Driver converts Sigma files with one configuration. It is safe to call
// Run more than once, but not concurrently.
type Driver struct {
	opts    Options
	backend backends.Backend // nil for IRTarget and check-only runs
	format  backends.Format  // chosen format; Name "default" for IRTarget
	chain   *pipeline.Chain  // processing pipelines
	notes   []string         // setup notes for the user, see Notes
}

// Notes returns setup notes the user should see (on stderr), such as a
// default pipeline that is missing.
func (d *Driver) Notes() []string { return d.notes }

// New validates opts and prepares a Driver: it looks up the target and the
// format and loads the pipelines. Its errors are setup problems that the
// CLI reports as usage errors.
func New(opts Options) (*Driver, error) {
	d := &Driver{opts: opts}
	switch opts.Target {
	case "":
		if opts.Format != "" {
			return nil, fmt.Errorf("-f %s needs a target (-t)", opts.Format)
		}
	case IRTarget:
		if opts.Format != "" && opts.Format != "default" {
			return nil, fmt.Errorf("target ir has no format %q (formats: [default])", opts.Format)
		}
		d.format = backends.Format{Name: "default", Description: "JSON dump of the IR", Ext: ".json"}
	default:
		if opts.Registry == nil {
			return nil, fmt.Errorf("unknown target %q", opts.Target)
		}
		b, err := opts.Registry.Lookup(opts.Target)
		if err != nil {
			return nil, err
		}
		f, err := backends.FindFormat(b, opts.Format)
		if err != nil {
			return nil, err
		}
		d.backend, d.format = b, f
	}
	names := opts.Pipelines
	if names == nil && d.backend != nil {
		names = d.backend.DefaultPipelines()
	}
	c, err := d.loadChain(names)
	if err != nil {
		return nil, err
	}
	d.chain = c
	if d.format.Bundled && len(c.Finalizers()) > 0 {
		return nil, fmt.Errorf("format %s combines rules itself and cannot be used with pipeline finalizers", d.format.Name)
	}
	return d, nil
}

// Backend returns the target backend, or nil for IRTarget and check-only
// drivers.
func (d *Driver) Backend() backends.Backend { return d.backend }

// Format returns the chosen output format.
func (d *Driver) Format() backends.Format { return d.format }

// Combined reports whether the run's outputs are combined into one file
// once every rule is converted (Combine) instead of written per rule: the
// format is bundled, or a pipeline has finalizers.
func (d *Driver) Combined() bool {
	return d.backend != nil && (d.format.Bundled || len(d.chain.Finalizers()) > 0)
}

// Combine combines the outputs of a Combined run into one file: the
// backend's Bundler for a bundled format, else the pipelines' finalizers.
// outs are the converted documents' outputs in input order.
func (d *Driver) Combine(outs []*backends.Output) ([]byte, error) {
	if d.format.Bundled {
		bd, ok := d.backend.(backends.Bundler)
		if !ok {
			return nil, fmt.Errorf("target %s does not bundle format %s", d.backend.Name(), d.format.Name)
		}
		return bd.Bundle(d.format.Name, d.opts.Config, outs)
	}
	queries := make([]string, len(outs))
	for i, o := range outs {
		queries[i] = o.Query
	}
	s, err := pipeline.Finalize(queries, d.chain.Finalizers())
	if err != nil {
		return nil, err
	}
	return []byte(strings.TrimRight(s, "\n") + "\n"), nil
}

// parsedFile is the outcome of phase one for one input.
type parsedFile struct {
	in   input
	docs []ir.Document
	errs ir.ErrorList
	// whole is true when errs make the whole file fail; otherwise each
	// error belongs to the document in docErrs.
	whole   bool
	docErrs []ir.ErrorList // parallel to docs

	// With Options.ReleaseRules: the file's contents, early results
	// (parallel to docs; nil for documents converted in phase two), and
	// whether the file holds meta filter documents.
	src     []byte
	early   []*Result
	filters bool
}

// failed reports whether document n cannot be used.
func (pf *parsedFile) failed(n int) bool {
	return pf.whole || len(pf.docErrs[n]) > 0
}

// attribute assigns each parse error to the document it lies in (the last
// document starting at or before it), so that the other documents of the
// file are still converted. The whole file fails when an error lies outside
// every document, when the file could not be split into documents, and for
// rule collections, whose documents are merged from each other.
func (pf *parsedFile) attribute() {
	pf.docErrs = make([]ir.ErrorList, len(pf.docs))
	if len(pf.errs) == 0 {
		return
	}
	if len(pf.docs) == 0 {
		pf.whole = true
		return
	}
	for _, doc := range pf.docs {
		if r, ok := doc.(*ir.Rule); ok && r.Collection != nil {
			pf.whole = true
			return
		}
	}
	for _, e := range pf.errs {
		owner := -1
		for n, doc := range pf.docs {
			p := doc.Metadata().Pos
			if p.IsValid() && (p.Line < e.Pos.Line || (p.Line == e.Pos.Line && p.Col <= e.Pos.Col)) {
				owner = n
			}
		}
		if owner < 0 || (e.Pos.File != "" && e.Pos.File != pf.in.path) {
			pf.whole = true
			return
		}
		pf.docErrs[owner] = append(pf.docErrs[owner], e)
	}
}

// Run converts the files and directories in paths and calls emit with one
// Result per document, in input order (files in argument order, directory
// contents sorted, documents in file order). emit is called from Run's own
// goroutine; when it returns an error Run stops and returns that error.
// Problems with the rules are Results, never Run errors.
func (d *Driver) Run(ctx context.Context, paths []string, emit func(*Result) error) (*Summary, error) {
	start := time.Now()
	workers := d.opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}

	// Phase one: read and parse every file, filters included (with
	// ReleaseRules, also convert the rules).
	filterInputs := d.collect(d.opts.Filters, true)
	inputs := append(filterInputs, d.collect(paths, false)...)
	var files []*parsedFile
	var err error
	if d.opts.ReleaseRules {
		files, err = d.parseAndConvert(ctx, workers, inputs, len(filterInputs))
	} else {
		files, err = d.parseAll(ctx, workers, inputs)
	}
	if err != nil {
		return nil, err
	}

	// Phase two: convert every document not converted yet.
	units, filters := d.plan(files)
	idx := newIndex(files)
	// Rules behind correlations are hidden only when the target can
	// convert the correlations; otherwise they are output on their own
	// and the correlations are refused.
	var hidden map[ir.Document]bool
	if _, ok := d.backend.(backends.CorrelationConverter); ok {
		hidden = idx.hidden(files)
	}
	if d.opts.ReleaseRules {
		idx.restore(d, files)
	}
	sum := &Summary{Filters: len(filters)}
	reasons := map[string]int{}
	err = ordered(len(units), workers, func(i int) *Result {
		u := units[i]
		r := u.early()
		if r == nil {
			r = d.convert(u, filters, idx)
		}
		if u.doc != nil && hidden[u.doc] && r.Status == StatusOK && d.opts.Target != IRTarget {
			// Converted (so that problems show) but not output.
			r.Hidden, r.Output, r.Text = true, nil, ""
		}
		return r
	}, func(i int, r *Result) error {
		sum.add(r, reasons)
		if err := ctx.Err(); err != nil {
			return err
		}
		return emit(r)
	})
	sum.sortReasons(reasons)
	sum.Elapsed = time.Since(start)
	return sum, err
}

// parseAll reads and parses every input.
func (d *Driver) parseAll(ctx context.Context, workers int, inputs []input) ([]*parsedFile, error) {
	files := make([]*parsedFile, len(inputs))
	// Reading files is mostly waiting for the disk: read with more
	// goroutines than there are CPUs.
	err := ordered(len(inputs), max(workers, 8), func(i int) *parsedFile {
		return d.parse(inputs[i])
	}, func(i int, pf *parsedFile) error {
		files[i] = pf
		return ctx.Err()
	})
	return files, err
}

// parse reads and parses one input.
func (d *Driver) parse(in input) *parsedFile {
	pf := &parsedFile{in: in}
	src, err := d.read(in)
	if err != nil {
		pf.errs, pf.whole = ioError(in, err), true
		return pf
	}
	d.parseSource(pf, src)
	return pf
}

// parseSource parses src into pf.
func (d *Driver) parseSource(pf *parsedFile, src []byte) {
	pf.docs, pf.errs = parser.ParseFile(pf.in.path, src)
	pf.errs.Sort()
	pf.attribute()
}

// unit is one document (or one unparsable file) to convert.
type unit struct {
	file *parsedFile
	doc  ir.Document // nil for a failed file
	n    int         // index of doc in file.docs
	docs int         // rule and correlation documents in the file
}

// early returns the unit's result when it was converted in phase one.
func (u unit) early() *Result {
	if u.doc == nil || u.file.early == nil {
		return nil
	}
	return u.file.early[u.n]
}

// plan lists the units of phase two in input order and gathers the meta
// filters. A file whose errors cannot be pinned on single documents is one
// failed unit (see parsedFile.attribute); otherwise a document with errors
// is a failed unit and the others are converted.
func (d *Driver) plan(files []*parsedFile) ([]unit, []*ir.Filter) {
	var units []unit
	var filters []*ir.Filter
	for _, pf := range files {
		units, filters = d.fileUnits(pf, units, filters)
	}
	return units, filters
}

// fileUnits appends the units and the meta filters of one file.
func (d *Driver) fileUnits(pf *parsedFile, units []unit, filters []*ir.Filter) ([]unit, []*ir.Filter) {
	if pf.whole {
		return append(units, unit{file: pf}), filters
	}
	docs := 0
	for _, doc := range pf.docs {
		if _, ok := doc.(*ir.Filter); !ok {
			docs++
		}
	}
	for n, doc := range pf.docs {
		f, isFilter := doc.(*ir.Filter)
		if isFilter && !pf.failed(n) {
			filters = append(filters, f)
		}
		// Filters are reported only as IR dumps; a rule in a
		// --filter file is reported as a failure by convert.
		if !isFilter || d.opts.Target == IRTarget || pf.failed(n) {
			units = append(units, unit{file: pf, doc: doc, n: n, docs: docs})
		}
	}
	return units, filters
}
