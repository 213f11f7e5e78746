package driver

import (
	"errors"
	"fmt"
	"path"
	"runtime/debug"
	"strings"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/pipeline"
)

// convert turns one unit into its Result. A panic anywhere below is
// recovered and reported as an internal error naming the file, so that one
// bad rule never takes the run down.
func (d *Driver) convert(u unit, filters []*ir.Filter, idx *index) (res *Result) {
	res = &Result{File: u.file.in.path, Rel: u.file.in.rel, Doc: -1, Docs: u.docs, Kind: KindFile,
		Pos: ir.Pos{File: u.file.in.path}}
	if u.doc == nil {
		res.Status, res.Errors = StatusFailed, u.file.errs
		if p := firstPos(u.file.errs); p.IsValid() && p.File == res.File {
			res.Pos = ir.Pos{File: res.File, Line: 1, Col: 1}
		}
		return res
	}
	m := u.doc.Metadata()
	res.Doc, res.Pos, res.ID, res.Title = u.n, m.Pos, m.ID, m.Title
	if res.Pos.File == "" {
		res.Pos.File = res.File
	}
	defer func() {
		if p := recover(); p != nil {
			res.Status, res.Output, res.Text, res.Refusal = StatusFailed, nil, "", nil
			res.Errors = ir.ErrorList{{Pos: res.Pos, Code: ir.CodeInternal,
				Msg: fmt.Sprintf("internal error in %s: %v", res.File, p),
				Err: fmt.Errorf("panic: %v\n%s", p, debug.Stack())}}
		}
	}()
	if errs := u.file.docErrs[u.n]; len(errs) > 0 {
		res.Kind = docKind(u.doc)
		res.Status, res.Errors = StatusFailed, errs
		return res
	}
	switch doc := u.doc.(type) {
	case *ir.Rule:
		res.Kind = KindRule
		if u.file.in.filter {
			res.fail(ir.Errorf(res.Pos, ir.CodeFilter, "%s is given with --filter but holds a rule, not a filter", res.File))
			return res
		}
		d.convertRule(res, doc, filters)
	case *ir.Correlation:
		res.Kind = KindCorrelation
		if u.file.in.filter {
			res.fail(ir.Errorf(res.Pos, ir.CodeFilter, "%s is given with --filter but holds a correlation, not a filter", res.File))
			return res
		}
		d.convertCorrelation(res, doc, filters, idx)
	case *ir.Filter:
		res.Kind = KindFilter
		res.Text = dump(doc)
	}
	return res
}

func docKind(doc ir.Document) Kind {
	switch doc.(type) {
	case *ir.Correlation:
		return KindCorrelation
	case *ir.Filter:
		return KindFilter
	}
	return KindRule
}

// fail marks r failed with the given errors.
func (r *Result) fail(errs ...error) {
	r.Status, r.Output, r.Text = StatusFailed, nil, ""
	for _, err := range errs {
		r.Errors.Append(r.Pos, err)
	}
}

// refuse marks r refused.
func (r *Result) refuse(err error) {
	r.Status, r.Output, r.Text, r.Refusal = StatusRefused, nil, "", err
}

// settle classifies an error from a pipeline or backend: refusals wrap
// backends.ErrUnsupported (or pipeline.ErrRefused: rule_failure and
// friends), everything else is a failure.
func (r *Result) settle(err error) {
	if errors.Is(err, backends.ErrUnsupported) || errors.Is(err, pipeline.ErrRefused) {
		r.refuse(err)
		return
	}
	r.fail(err)
}

func (d *Driver) convertRule(res *Result, rule *ir.Rule, filters []*ir.Filter) {
	if d.opts.Target == "" && len(d.opts.Pipelines) == 0 {
		return // check-only: parsing succeeded
	}
	rule, err := applyFilters(rule, filters)
	if err != nil {
		res.settle(err)
		return
	}
	processed, err := d.chain.Apply(rule)
	if err != nil {
		res.settle(pipelineError(res.Pos, err))
		return
	}
	if len(d.chain.Pipelines()) > 0 {
		res.Unmapped = pipeline.Unmapped(processed)
	}
	switch {
	case d.opts.Target == IRTarget:
		res.Text = dump(processed.Rule)
		return
	case d.backend == nil:
		return
	}
	out, err := d.backend.Convert(&backends.Input{
		Processed: processed,
		Format:    d.format.Name,
		Config:    d.opts.Config,
		Options:   backends.Options{Table: d.opts.Table},
	})
	if err == nil {
		err = postprocess(processed, out)
	}
	if err != nil {
		res.settle(err)
		return
	}
	res.setOutput(out)
}

// setOutput records a backend output; Text drops trailing newlines because
// the writer separates documents itself.
func (r *Result) setOutput(out *backends.Output) {
	r.Output = out
	text := out.Text
	if text == "" {
		text = out.Query
	}
	r.Text = strings.TrimRight(text, "\n")
}

// pipelineError gives a pipeline error a position and the pipeline-error
// code unless it already has them.
func pipelineError(pos ir.Pos, err error) error {
	var ie *ir.Error
	var il ir.ErrorList
	if errors.Is(err, backends.ErrUnsupported) || errors.As(err, &ie) || errors.As(err, &il) {
		return err
	}
	return &ir.Error{Pos: pos, Code: ir.CodePipeline, Msg: err.Error(), Err: err}
}

// dump renders a document as its IR JSON, without a trailing newline.
func dump(doc ir.Document) string {
	return strings.TrimRight(string(ir.DumpJSON(doc)), "\n")
}

func firstPos(errs ir.ErrorList) ir.Pos {
	if len(errs) == 0 {
		return ir.Pos{}
	}
	return errs[0].Pos
}

// loadChain builds the pipeline chain from -p values (or the backend's
// defaults). A value that looks like a path (it has a directory separator
// or an extension) is loaded from that file, through Options.FS when set;
// anything else is a built-in pipeline name.
func (d *Driver) loadChain(names []string) (*pipeline.Chain, error) {
	var ps []*pipeline.Pipeline
	for _, n := range names {
		var p *pipeline.Pipeline
		var err error
		if strings.ContainsAny(n, `/\`) || path.Ext(n) != "" {
			var src []byte
			if src, err = d.readFile(n); err == nil {
				p, err = pipeline.Load(n, src)
			}
		} else {
			p, err = pipeline.Builtin(n)
		}
		if err != nil && d.opts.Pipelines == nil && d.backend != nil && !pipeline.IsBuiltin(n) {
			// A backend's default pipeline that is not built in yet
			// (backends and their pipelines are written separately):
			// convert without it, and say so.
			d.notes = append(d.notes, fmt.Sprintf("target %s: default pipeline %s is not available; converting without it", d.backend.Name(), n))
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("pipeline %s: %w", n, err)
		}
		ps = append(ps, p)
	}
	return pipeline.NewChain(ps...), nil
}

// postprocess applies the pipelines' query postprocessing steps to out's
// query. A format whose text embeds the query (out.Text) cannot be
// postprocessed after the fact, so such a rule is refused rather than
// printed without its postprocessing.
func postprocess(res *pipeline.Result, out *backends.Output) error {
	if len(res.Postprocess) == 0 {
		return nil
	}
	if out.Text != "" && out.Text != out.Query {
		return fmt.Errorf("query postprocessing (%s) with an output format that embeds the query: %w", res.Postprocess[0].Type, backends.ErrUnsupported)
	}
	q, err := pipeline.ApplyPostprocessing(out.Query, res)
	if err != nil {
		return &ir.Error{Pos: res.Rule.Pos, Code: ir.CodePipeline, Msg: err.Error(), Err: err}
	}
	out.Query, out.Text = q, ""
	return nil
}
