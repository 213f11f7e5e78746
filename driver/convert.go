package driver

import (
	"errors"
	"fmt"
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
// backends.ErrUnsupported, everything else is a failure.
func (r *Result) settle(err error) {
	if errors.Is(err, backends.ErrUnsupported) {
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

// chain is what the driver needs from the processing pipelines.
type chain interface {
	Apply(r *ir.Rule) (*pipeline.Result, error)
}

// loadChain builds the pipeline chain from -p values (or the backend's
// defaults): a value naming an existing file is loaded from it, anything
// else is a built-in pipeline name.
//
// Until package pipeline provides Load, Builtin and NewChain, the chain is
// the identity (identityChain); switching over is the marked line below.
func (d *Driver) loadChain(names []string) (chain, error) {
	for _, n := range names {
		if _, err := d.stat(n); err == nil {
			return nil, fmt.Errorf("pipeline %s: pipeline files are not supported yet", n)
		}
	}
	if len(d.opts.Pipelines) > 0 {
		return nil, fmt.Errorf("pipeline %s: processing pipelines are not supported yet", names[0])
	}
	return identityChain{}, nil // switch: return pipeline.NewChain(loaded...), nil
}

// identityChain applies no pipeline: it wraps the rule in a Result.
type identityChain struct{}

func (identityChain) Apply(r *ir.Rule) (*pipeline.Result, error) {
	return &pipeline.Result{Rule: r, State: map[string]any{}}, nil
}

// postprocess applies the pipelines' query postprocessing steps to out.
// Hook: package pipeline will provide the step implementations; until then
// a rule that needs postprocessing is refused rather than printed without
// it.
func postprocess(res *pipeline.Result, out *backends.Output) error {
	if len(res.Postprocess) == 0 {
		return nil
	}
	return fmt.Errorf("query postprocessing (%s) is not supported yet: %w", res.Postprocess[0].Type, backends.ErrUnsupported)
}
