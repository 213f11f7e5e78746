package driver

import (
	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/ir"
)

// index finds rules and correlations of all inputs by id or name, for
// correlation references. Only documents without errors are indexed; when
// two documents share an id or name the first in input order wins.
type index struct {
	byRef map[string]ir.Document
}

func newIndex(files []*parsedFile) *index {
	idx := &index{byRef: map[string]ir.Document{}}
	for _, pf := range files {
		if pf.whole || pf.in.filter {
			continue
		}
		for n, doc := range pf.docs {
			if _, ok := doc.(*ir.Filter); ok || pf.failed(n) {
				continue
			}
			m := doc.Metadata()
			for _, key := range []string{m.ID, m.Name} {
				if _, dup := idx.byRef[key]; key != "" && !dup {
					idx.byRef[key] = doc
				}
			}
		}
	}
	return idx
}

// hidden returns the rules that are output only as part of the
// correlations referring to them: per the specification, a rule referred to
// by a correlation is not converted on its own unless a referring
// correlation says generate: true. Only correlations without errors whose
// references all resolve count.
func (idx *index) hidden(files []*parsedFile) map[ir.Document]bool {
	hide := map[ir.Document]bool{}
	show := map[ir.Document]bool{}
	for _, pf := range files {
		if pf.whole || pf.in.filter {
			continue
		}
		for n, doc := range pf.docs {
			c, ok := doc.(*ir.Correlation)
			if !ok || pf.failed(n) || !idx.resolves(c) {
				continue
			}
			for _, ref := range c.Rules {
				if r, ok := idx.byRef[ref.Ref].(*ir.Rule); ok {
					if c.Generate {
						show[r] = true
					} else {
						hide[r] = true
					}
				}
			}
		}
	}
	for r := range show {
		delete(hide, r)
	}
	return hide
}

// resolves reports whether every reference of c names a document.
func (idx *index) resolves(c *ir.Correlation) bool {
	for _, ref := range c.Rules {
		if idx.byRef[ref.Ref] == nil {
			return false
		}
	}
	return true
}

// applyFilters applies the Sigma meta filters (documents given with
// --filter or found among the inputs) that target rule; see
// ir.ApplyFilters. It is the one place where filters meet rules.
func applyFilters(rule *ir.Rule, filters []*ir.Filter) (*ir.Rule, error) {
	return ir.ApplyFilters(rule, filters), nil
}

// convertCorrelation converts a correlation rule through the backend's
// CorrelationConverter, resolving its rule references across all inputs.
func (d *Driver) convertCorrelation(res *Result, c *ir.Correlation, filters []*ir.Filter, idx *index) {
	if d.opts.Target == IRTarget {
		res.Text = dump(c)
		return
	}
	if d.backend == nil && len(d.opts.Pipelines) == 0 {
		// check-only: the references must still resolve.
		var errs ir.ErrorList
		d.checkRefs(c, idx, map[*ir.Correlation]bool{}, &errs)
		if len(errs) > 0 {
			res.Status, res.Errors = StatusFailed, errs
		}
		return
	}
	cc, ok := d.backend.(backends.CorrelationConverter)
	if d.backend != nil && !ok {
		res.refuse(backends.Unsupported(c.TypePos, d.backend.Name(), "correlation rule",
			"correlation rules not supported by %s", d.backend.Name()))
		return
	}
	in, err := d.correlationInput(c, filters, idx, map[*ir.Correlation]bool{})
	if err != nil {
		res.settle(err)
		return
	}
	if d.backend == nil {
		return
	}
	out, err := cc.ConvertCorrelation(in)
	if err != nil {
		res.settle(err)
		return
	}
	res.setOutput(out)
}

// checkRefs reports references that resolve to nothing and reference cycles.
func (d *Driver) checkRefs(c *ir.Correlation, idx *index, seen map[*ir.Correlation]bool, errs *ir.ErrorList) {
	seen[c] = true
	defer delete(seen, c)
	for _, ref := range c.Rules {
		switch doc := idx.byRef[ref.Ref].(type) {
		case nil:
			errs.Add(ref.Pos, ir.CodeUnknownReference, "correlation refers to %q, which is no rule or correlation among the inputs", ref.Ref)
		case *ir.Correlation:
			if seen[doc] {
				errs.Add(ref.Pos, ir.CodeCorrelation, "correlation %q refers to itself through %q", c.Title, ref.Ref)
				continue
			}
			d.checkRefs(doc, idx, seen, errs)
		}
	}
}

// correlationInput resolves c's references into processed rules and
// chained correlations, and puts c itself through the pipelines.
func (d *Driver) correlationInput(c *ir.Correlation, filters []*ir.Filter, idx *index, seen map[*ir.Correlation]bool) (*backends.CorrelationInput, error) {
	var errs ir.ErrorList
	d.checkRefs(c, idx, seen, &errs)
	if len(errs) > 0 {
		return nil, errs
	}
	seen[c] = true
	defer delete(seen, c)
	pc, err := d.chain.ApplyCorrelation(c, leafRules(c, idx, map[*ir.Correlation]bool{})...)
	if err != nil {
		return nil, pipelineError(c.Pos, err)
	}
	in := &backends.CorrelationInput{
		Correlation: pc.Correlation,
		Format:      d.format.Name,
		Config:      d.opts.Config,
		Options:     backends.Options{Table: d.opts.Table},
	}
	for _, ref := range c.Rules {
		switch doc := idx.byRef[ref.Ref].(type) {
		case *ir.Rule:
			rule, err := applyFilters(doc, filters)
			if err != nil {
				return nil, err
			}
			p, err := d.chain.Apply(rule)
			if err != nil {
				return nil, pipelineError(ref.Pos, err)
			}
			in.Rules = append(in.Rules, p)
		case *ir.Correlation:
			sub, err := d.correlationInput(doc, filters, idx, seen)
			if err != nil {
				return nil, err
			}
			in.Chained = append(in.Chained, sub)
		}
	}
	return in, nil
}

// leafRules are the detection rules c refers to, directly or through the
// correlations it refers to (their events are the ones c's fields name):
// the pipelines' logsource conditions test them, so a correlation of
// correlations gets its fields mapped like the rules beneath it.
func leafRules(c *ir.Correlation, idx *index, seen map[*ir.Correlation]bool) []*ir.Rule {
	seen[c] = true
	var refs []*ir.Rule
	for _, ref := range c.Rules {
		switch doc := idx.byRef[ref.Ref].(type) {
		case *ir.Rule:
			refs = append(refs, doc)
		case *ir.Correlation:
			if !seen[doc] {
				refs = append(refs, leafRules(doc, idx, seen)...)
			}
		}
	}
	return refs
}
