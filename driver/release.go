package driver

import (
	"context"

	"github.com/sigconv/sigconv/ir"
)

// Options.ReleaseRules: rules are converted while the files are parsed,
// and each converted rule's IR is replaced by a stub holding the metadata
// that correlation references and result positions need. A rule that a
// correlation refers to is parsed again from the kept file contents before
// the correlations are converted. The collector then never marks the IR
// of the whole input, which is most of the live heap of a plain run.

// parseAndConvert is phase one with ReleaseRules: the --filter files (the
// first nFilter inputs) are parsed first, because their filters apply to
// every rule; then every other file is parsed and its rules converted.
// When an input other than a --filter file holds meta filter documents,
// which apply to rules of every file, the early results are dropped and the
// rules parsed again, so that phase two converts them as without
// ReleaseRules.
func (d *Driver) parseAndConvert(ctx context.Context, workers int, inputs []input, nFilter int) ([]*parsedFile, error) {
	files, err := d.parseAll(ctx, workers, inputs[:nFilter])
	if err != nil {
		return nil, err
	}
	_, filters := d.plan(files)
	files = append(files, make([]*parsedFile, len(inputs)-nFilter)...)
	rest := inputs[nFilter:]
	err = ordered(len(rest), max(workers, 8), func(i int) *parsedFile {
		pf := &parsedFile{in: rest[i]}
		src, err := d.read(pf.in)
		if err != nil {
			pf.errs, pf.whole = ioError(pf.in, err), true
			return pf
		}
		d.parseSource(pf, src)
		pf.src = src
		d.convertEarly(pf, filters)
		return pf
	}, func(i int, pf *parsedFile) error {
		files[nFilter+i] = pf
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	for _, pf := range files[nFilter:] {
		if pf.filters {
			d.reparseAll(files[nFilter:])
			break
		}
	}
	return files, nil
}

// convertEarly converts the rules of a parsed file that phase two would
// convert with the given filters, records their results and replaces them
// by stubs. A file holding filter documents is left alone (see
// parseAndConvert).
func (d *Driver) convertEarly(pf *parsedFile, filters []*ir.Filter) {
	if pf.whole {
		return
	}
	units, own := d.fileUnits(pf, nil, nil)
	if len(own) > 0 {
		pf.filters = true
		return
	}
	combined := d.Combined()
	for _, u := range units {
		r, ok := u.doc.(*ir.Rule)
		if !ok || pf.failed(u.n) {
			continue
		}
		res := d.convert(u, filters, nil)
		if res.Output != nil && !combined {
			res.Output.Rule = nil // the rule's IR is what is being released
		}
		if pf.early == nil {
			pf.early = make([]*Result, len(pf.docs))
		}
		pf.early[u.n] = res
		pf.docs[u.n] = stub(r)
	}
}

// stub returns the part of r that phase two needs from a converted rule:
// what correlation references resolve by and the document's position.
func stub(r *ir.Rule) *ir.Rule {
	m := &r.Meta
	return &ir.Rule{Meta: ir.Meta{Pos: m.Pos, File: m.File, Doc: m.Doc, Title: m.Title, ID: m.ID, Name: m.Name}}
}

// reparseAll undoes convertEarly: the files are parsed again from their
// kept contents and their early results dropped.
func (d *Driver) reparseAll(files []*parsedFile) {
	for _, pf := range files {
		if pf.early != nil {
			d.parseSource(pf, pf.src)
			pf.early = nil
		}
		pf.src = nil
	}
}

// restore puts the full rules back in place of the stubs that correlations
// refer to, parsing their files again, so that correlations are converted
// from the complete rules. The stubs stay in the files' documents, where
// phase two takes their early results.
func (idx *index) restore(d *Driver, files []*parsedFile) {
	type place struct {
		pf *parsedFile
		n  int
	}
	stubs := map[ir.Document]place{}
	for _, pf := range files {
		for n, r := range pf.early {
			if r != nil {
				stubs[pf.docs[n]] = place{pf, n}
			}
		}
	}
	reparsed := map[*parsedFile][]ir.Document{}
	for _, pf := range files {
		if pf.whole || pf.in.filter {
			continue
		}
		for n, doc := range pf.docs {
			c, ok := doc.(*ir.Correlation)
			if !ok || pf.failed(n) {
				continue
			}
			for _, ref := range c.Rules {
				at, isStub := stubs[idx.byRef[ref.Ref]]
				if !isStub {
					continue
				}
				docs, done := reparsed[at.pf]
				if !done {
					again := &parsedFile{in: at.pf.in}
					d.parseSource(again, at.pf.src)
					docs = again.docs
					reparsed[at.pf] = docs
				}
				idx.byRef[ref.Ref] = docs[at.n]
			}
		}
	}
	// A rule is indexed under its id and its name: both keys must lead to
	// the full rule.
	for key, doc := range idx.byRef {
		if at, isStub := stubs[doc]; isStub {
			if docs, done := reparsed[at.pf]; done {
				idx.byRef[key] = docs[at.n]
			}
		}
	}
	for _, pf := range files {
		pf.src = nil
	}
}
