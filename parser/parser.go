package parser

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser/internal/fastyaml"
)

// Limits applied to every file. They keep hostile input from exhausting
// memory or the stack; real Sigma rules stay far below them.
const (
	// MaxFileSize is the largest file ParseFile accepts, in bytes.
	MaxFileSize = 4 << 20
	// MaxDepth bounds the nesting of YAML collections the parser walks.
	MaxDepth = 64
	// maxNodes bounds how many YAML nodes one file may expand into when
	// aliases are followed (a guard against "billion laughs" documents).
	maxNodes = 1 << 20
)

// ParseFile parses one Sigma file, which may hold several YAML documents,
// into IR documents in file order. name is used in positions only. A file
// with errors may still yield the documents that parsed; errors are sorted
// by position.
func ParseFile(name string, src []byte) (docs []ir.Document, errs ir.ErrorList) {
	return parseFile(name, src, false)
}

// parseFile is ParseFile; yamlV3Only skips the fast YAML front end
// (fastyaml) so that tests can compare both paths.
func parseFile(name string, src []byte, yamlV3Only bool) (docs []ir.Document, errs ir.ErrorList) {
	p := &fileParser{file: name, src: src, budget: maxNodes, yamlV3Only: yamlV3Only}
	defer func() {
		if r := recover(); r != nil {
			// The stack goes into Err so that the message stays one line.
			p.errs = append(p.errs, &ir.Error{Pos: ir.Pos{File: name, Line: 1, Col: 1}, Code: ir.CodeInternal,
				Msg: fmt.Sprintf("internal error: %v", r), Err: errors.New(string(debug.Stack()))})
			docs, errs = p.docs, p.errs
		}
	}()
	p.parseFile()
	p.errs.Sort()
	return p.docs, p.errs
}

// fileParser holds the state of parsing one file.
type fileParser struct {
	file       string
	src        []byte
	lineStarts []int // byte offset of each line, computed lazily
	errs       ir.ErrorList
	docs       []ir.Document
	budget     int        // YAML nodes left to visit (alias expansion guard)
	via        *yaml.Node // outermost alias being followed, or nil
	yamlV3Only bool       // decode with yaml.v3 even when fastyaml could
}

// pos converts a node's position.
func (p *fileParser) pos(n *yaml.Node) ir.Pos {
	return ir.Pos{File: p.file, Line: n.Line, Col: n.Column}
}

func (p *fileParser) errorf(n *yaml.Node, code, format string, args ...any) {
	p.errs.Add(p.pos(n), code, format, args...)
}

// checkInput rejects input the YAML decoder should never see.
func (p *fileParser) checkInput() bool {
	start := ir.Pos{File: p.file, Line: 1, Col: 1}
	if len(p.src) > MaxFileSize {
		p.errs.Add(start, ir.CodeLimit, "file is %d bytes, larger than the limit of %d bytes", len(p.src), MaxFileSize)
		return false
	}
	if i := bytes.IndexByte(p.src, 0); i >= 0 {
		p.errs.Add(p.offsetPos(i), ir.CodeYAML, "binary file: NUL byte")
		return false
	}
	if !utf8.Valid(p.src) {
		i := 0
		for i < len(p.src) {
			r, size := utf8.DecodeRune(p.src[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		p.errs.Add(p.offsetPos(i), ir.CodeYAML, "file is not valid UTF-8")
		return false
	}
	return true
}

// offsetPos converts a byte offset into a position (column in runes).
func (p *fileParser) offsetPos(off int) ir.Pos {
	line, col := 1, 1
	lineStart := 0
	for i := 0; i < off && i < len(p.src); i++ {
		if p.src[i] == '\n' {
			line++
			lineStart = i + 1
		}
	}
	col = 1 + utf8.RuneCount(p.src[lineStart:min(off, len(p.src))])
	return ir.Pos{File: p.file, Line: line, Col: col}
}

func (p *fileParser) parseFile() {
	if !p.checkInput() {
		return
	}
	p.documents(p.decode())
	if len(p.docs) == 0 && len(p.errs) == 0 {
		p.errs.Add(ir.Pos{File: p.file, Line: 1, Col: 1}, ir.CodeSchema, "file contains no Sigma document")
	}
}

// decode decodes every YAML document of the file: with fastyaml when it
// handles the file (the trees are the ones yaml.v3 builds), otherwise with
// yaml.v3, whose error for the first bad document is reported.
func (p *fileParser) decode() []*yaml.Node {
	if !p.yamlV3Only {
		if nodes, ok := fastyaml.Parse(p.src); ok {
			return nodes
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(p.src))
	var nodes []*yaml.Node
	for {
		n := new(yaml.Node)
		err := dec.Decode(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			p.yamlError(err)
			break
		}
		nodes = append(nodes, n)
	}
	return nodes
}

// yamlError converts a yaml.v3 error, which carries only "line N", into a
// positioned error at column 1 of that line (or, for a tab in the
// indentation, at the tab).
func (p *fileParser) yamlError(err error) {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.IndexByte(rest, ':'); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				line = n
				msg = strings.TrimSpace(rest[i+1:])
			}
		}
	}
	if tab := p.tabIndent(line); tab.IsValid() {
		p.errs.Add(tab, ir.CodeYAML, "tab character in indentation (YAML allows only spaces)")
		return
	}
	if strings.HasPrefix(msg, "exceeded max depth") {
		p.errs.Add(ir.Pos{File: p.file, Line: max(line, 1), Col: 1}, ir.CodeLimit, "invalid YAML: %s", msg)
		return
	}
	p.errs.Add(ir.Pos{File: p.file, Line: max(line, 1), Col: 1}, ir.CodeYAML, "invalid YAML: %s", msg)
}

// tabIndent finds a tab in the leading whitespace of the given line, or of
// any line when line is 0 or the line has none (yaml.v3 sometimes reports
// the line after the offending one).
func (p *fileParser) tabIndent(line int) ir.Pos {
	find := func(want int) ir.Pos {
		ln := 1
		for i := 0; i < len(p.src); {
			end := bytes.IndexByte(p.src[i:], '\n')
			if end < 0 {
				end = len(p.src)
			} else {
				end += i
			}
			if want == 0 || ln == want {
				for j := i; j < end; j++ {
					if p.src[j] == '\t' {
						return ir.Pos{File: p.file, Line: ln, Col: j - i + 1}
					}
					if p.src[j] != ' ' {
						break
					}
				}
				if want != 0 {
					return ir.Pos{}
				}
			}
			ln++
			i = end + 1
		}
		return ir.Pos{}
	}
	if line > 0 {
		if pos := find(line); pos.IsValid() {
			return pos
		}
		if pos := find(line - 1); pos.IsValid() {
			return pos
		}
	}
	return find(0)
}

// lineText returns the text of a 1-based line without its newline.
func (p *fileParser) lineText(line int) string {
	if p.lineStarts == nil {
		p.lineStarts = make([]int, 1, bytes.Count(p.src, []byte{'\n'})+1)
		for i := 0; ; {
			j := bytes.IndexByte(p.src[i:], '\n')
			if j < 0 {
				break
			}
			i += j + 1
			p.lineStarts = append(p.lineStarts, i)
		}
	}
	if line < 1 || line > len(p.lineStarts) {
		return ""
	}
	start := p.lineStarts[line-1]
	end := len(p.src)
	if line < len(p.lineStarts) {
		end = p.lineStarts[line] - 1
	}
	return strings.TrimSuffix(string(p.src[start:end]), "\r")
}

// documents dispatches each YAML document by kind and applies the rule
// collection actions.
func (p *fileParser) documents(nodes []*yaml.Node) {
	var global *yaml.Node // merged global document, or nil
	globalDoc := -1
	var prev *yaml.Node // previous rule document (merged), for repeat
	collection := false
	for _, n := range nodes {
		if root := docRoot(n); root != nil && root.Kind == yaml.MappingNode && lookup(root, "action") != nil {
			collection = true
			break
		}
	}
	for i, n := range nodes {
		root := docRoot(n)
		if root == nil {
			continue // empty document, e.g. a trailing "---"
		}
		if !p.checkDuplicates(root, 0) {
			continue // nesting or alias expansion over the limits
		}
		if root.Kind != yaml.MappingNode {
			p.errorf(root, ir.CodeSchema, "a Sigma document must be a mapping, found %s", kindName(root))
			continue
		}
		action := ""
		if a := lookup(root, "action"); a != nil {
			if a.Kind != yaml.ScalarNode {
				p.errorf(a, ir.CodeSchema, "action must be global, reset or repeat")
				continue
			}
			action = a.Value
		}
		switch action {
		case "global":
			body := without(root, "action")
			if global == nil {
				global = body
			} else {
				global = mergeMaps(global, body)
			}
			globalDoc = i
			continue
		case "reset":
			global, globalDoc = nil, -1
			continue
		case "repeat":
			if prev == nil {
				p.errorf(lookup(root, "action"), ir.CodeSchema, "action repeat needs a preceding rule in the collection")
				continue
			}
			merged := mergeMaps(prev, without(root, "action"))
			merged.Line, merged.Column = root.Line, root.Column // the rule starts at the repeat document
			root = merged
		case "":
			if global != nil {
				// The global document is the base; the rule's own keys
				// win (sigmac's deep update of the global by the rule).
				root = mergeMaps(global, root)
			}
		default:
			p.errorf(lookup(root, "action"), ir.CodeSchema, "unknown action %q (want global, reset or repeat)", action)
			continue
		}
		doc := p.document(root, i)
		if doc == nil {
			continue
		}
		if r, ok := doc.(*ir.Rule); ok {
			prev = root
			if collection {
				r.Collection = &ir.CollectionInfo{GlobalDoc: globalDoc, Action: action}
			}
		}
		p.docs = append(p.docs, doc)
	}
}

// document parses one mapping into a rule, correlation or filter.
func (p *fileParser) document(root *yaml.Node, index int) ir.Document {
	switch {
	case lookup(root, "correlation") != nil:
		return p.correlation(root, index)
	case lookup(root, "filter") != nil && lookup(root, "detection") == nil:
		return p.filter(root, index)
	}
	return p.rule(root, index)
}

// docRoot returns the content of a document node, or nil when empty.
func docRoot(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil
		}
		n = n.Content[0]
	}
	if n.Kind == 0 {
		return nil
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	return n
}

// kindName names a node kind for messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return "null"
		}
		return fmt.Sprintf("the scalar %q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "an empty document"
}
