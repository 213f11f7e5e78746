package fastyaml

import (
	"bytes"
	"encoding/binary"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Tags yaml.v3 gives to the nodes this package builds.
const (
	tagNull      = "!!null"
	tagBool      = "!!bool"
	tagStr       = "!!str"
	tagInt       = "!!int"
	tagFloat     = "!!float"
	tagTimestamp = "!!timestamp"
	tagMerge     = "!!merge"
	tagSeq       = "!!seq"
	tagMap       = "!!map"
)

// maxDepth bounds the nesting this package follows; deeper input goes to
// yaml.v3, which has its own limit (10,000) and error message.
const maxDepth = 1000

// fallback is the panic value that abandons the fast path.
type fallback struct{}

// Parse decodes src into one DocumentNode per YAML document, equal to what
// repeated yaml.v3 Decoder.Decode calls produce (comments excepted). ok is
// false when src uses anything outside the supported subset or is not
// valid YAML; the caller must then decode src with yaml.v3.
func Parse(src []byte) (docs []*yaml.Node, ok bool) {
	ascii, clean := checkText(src)
	if !clean {
		return nil, false
	}
	p := &parser{s: string(src), line: 1, ascii: ascii}
	// Sigma rules hold 1.5 to 1.9 nodes per line (median 1.74): the first
	// slab is sized for the median and a slab that runs out is followed by
	// one sized for the lines left, which keeps both the number of
	// allocations and the unused tails low.
	p.lines = bytes.Count(src, []byte{'\n'}) + 1
	p.nodes = make([]yaml.Node, 0, p.lines*7/4+4)
	p.ptrs = make([]*yaml.Node, 0, p.lines*7/4+4)
	defer func() {
		if r := recover(); r != nil {
			if _, is := r.(fallback); !is {
				panic(r)
			}
			docs, ok = nil, false
		}
	}()
	return p.stream(), true
}

// checkText reports whether src holds only characters this package handles
// the way yaml.v3 does (no tab outside comment lines, no carriage return,
// other control character, DEL, C1 control, NEL, line or paragraph
// separator, byte order mark or non-character), and whether it is all
// ASCII (columns are then byte offsets).
func checkText(src []byte) (ascii, ok bool) {
	ascii = true
	for i := 0; i < len(src); {
		// Eight printable ASCII bytes at a time: no high bit, no byte
		// below 0x20 (line breaks take the slow path), no DEL.
		if i+8 <= len(src) {
			w := binary.LittleEndian.Uint64(src[i:])
			const ones, highs = 0x0101010101010101, 0x8080808080808080
			below := (w - 0x20*ones) & ^w & highs
			del := w ^ 0x7f*ones
			if (w&highs)|below|((del-ones) & ^del & highs) == 0 {
				i += 8
				continue
			}
		}
		c := src[i]
		if c < utf8.RuneSelf {
			if c == '\t' && inCommentLine(src, i) {
				i++
				continue
			}
			if (c < ' ' && c != '\n') || c == 0x7f {
				return false, false
			}
			i++
			continue
		}
		ascii = false
		r, n := utf8.DecodeRune(src[i:])
		if (r == utf8.RuneError && n <= 1) || r < 0xa0 || r == 0x2028 || r == 0x2029 || r == 0xfeff || r == 0xfffe || r == 0xffff {
			return false, false
		}
		i += n
	}
	return ascii, true
}

// inCommentLine reports whether offset i lies in a line that is only a
// comment (spaces, then '#'). Such a line is skipped whole, ends a plain
// scalar, and is content in a block scalar (read verbatim, as yaml.v3 does,
// since its indentation holds no tab); inside a multi-line quoted scalar,
// where yaml.v3 would fold the tab as a blank, quotedSlow declines tabs.
func inCommentLine(src []byte, i int) bool {
	j := bytes.LastIndexByte(src[:i], '\n') + 1
	for j < i && src[j] == ' ' {
		j++
	}
	return j < i && src[j] == '#'
}

// parser holds the state of decoding one file.
type parser struct {
	s     string // the source
	i     int    // current offset
	line  int    // 1-based line of i
	ls    int    // offset where that line starts
	ascii bool   // s is all ASCII
	depth int    // nesting of collections being parsed
	lines int    // number of lines in s

	nodes []yaml.Node  // slab the nodes are taken from
	kids  []*yaml.Node // children of the collections being parsed
	ptrs  []*yaml.Node // slab the Content slices are taken from
	buf   []byte       // scratch for values that need unescaping or folding
}

func (p *parser) fail() { panic(fallback{}) }

// col returns the 0-based column (in characters) of offset off, which must
// lie on the current line.
func (p *parser) col(off int) int {
	if p.ascii {
		return off - p.ls
	}
	return utf8.RuneCountInString(p.s[p.ls:off])
}

// newNode takes a node from the slab, positioned at offset off of the
// current line.
func (p *parser) newNode(kind yaml.Kind, tag string, off int) *yaml.Node {
	if len(p.nodes) == cap(p.nodes) {
		p.nodes = make([]yaml.Node, 0, 2*(p.lines-p.line)+16)
	}
	p.nodes = p.nodes[:len(p.nodes)+1]
	n := &p.nodes[len(p.nodes)-1]
	n.Kind, n.Tag, n.Line, n.Column = kind, tag, p.line, p.col(off)+1
	return n
}

// null returns an empty null scalar at the given 1-based position.
func (p *parser) null(line, col int) *yaml.Node {
	n := p.newNode(yaml.ScalarNode, tagNull, p.i)
	n.Line, n.Column = line, col
	return n
}

// finish moves the children collected since mark into n.Content.
func (p *parser) finish(n *yaml.Node, mark int) {
	k := p.kids[mark:]
	if len(k) == 0 {
		return
	}
	if len(p.ptrs)+len(k) > cap(p.ptrs) {
		p.ptrs = make([]*yaml.Node, 0, max(2*(p.lines-p.line)+16, len(k)))
	}
	start := len(p.ptrs)
	p.ptrs = append(p.ptrs, k...)
	n.Content = p.ptrs[start:len(p.ptrs):len(p.ptrs)]
	p.kids = p.kids[:mark]
}

// blankAt reports whether offset i is a space, a line break or the end.
func (p *parser) blankAt(i int) bool {
	return i >= len(p.s) || p.s[i] == ' ' || p.s[i] == '\n'
}

func (p *parser) skipSpaces() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

// nextToken skips spaces, line breaks and comments up to the next content
// character and reports whether there is one. Callers only call it where a
// '#' starts a comment.
func (p *parser) nextToken() bool {
	s := p.s
	for p.i < len(s) {
		switch s[p.i] {
		case ' ':
			p.i++
		case '\n':
			p.i++
			p.line++
			p.ls = p.i
		case '#':
			if j := strings.IndexByte(s[p.i:], '\n'); j >= 0 {
				p.i += j
			} else {
				p.i = len(s)
			}
		default:
			return true
		}
	}
	return false
}

// endOfValue checks that only spaces and a comment follow a complete value
// on its line.
func (p *parser) endOfValue() {
	p.skipSpaces()
	if p.i >= len(p.s) || p.s[p.i] == '\n' || (p.s[p.i] == '#' && p.s[p.i-1] == ' ') {
		return
	}
	p.fail()
}

// atMarker reports whether a document marker ("---" for c == '-', "..."
// for c == '.') starts at the current offset.
func (p *parser) atMarker(c byte) bool {
	i, s := p.i, p.s
	return i == p.ls && i+3 <= len(s) && s[i] == c && s[i+1] == c && s[i+2] == c && p.blankAt(i+3)
}

func (p *parser) atDocMarker() bool { return p.atMarker('-') || p.atMarker('.') }

// eofLine is the line yaml.v3 gives the end of the stream.
func (p *parser) eofLine() int {
	n := p.lines
	if len(p.s) > 0 && p.s[len(p.s)-1] != '\n' {
		n++
	}
	return n
}

// stream parses every document.
func (p *parser) stream() []*yaml.Node {
	var docs []*yaml.Node
	for p.nextToken() {
		if p.atMarker('.') {
			p.fail()
		}
		doc := p.newNode(yaml.DocumentNode, "", p.i)
		if p.atMarker('-') {
			p.i += 3
			p.endOfValue()
		}
		var root *yaml.Node
		switch {
		case !p.nextToken():
			root = p.null(p.eofLine(), 1)
		case p.atDocMarker():
			root = p.null(p.line, 1)
		default:
			root = p.node(-1)
			if p.nextToken() && !p.atDocMarker() {
				p.fail()
			}
		}
		p.kids = append(p.kids, root)
		p.finish(doc, len(p.kids)-1)
		docs = append(docs, doc)
		if p.atMarker('.') {
			p.i += 3
			p.endOfValue()
			if p.nextToken() && !p.atMarker('-') {
				p.fail()
			}
		}
	}
	return docs
}

// node parses the node starting at the current offset, a content character
// on the current line, inside a block collection indented ctx columns (-1
// at the top level).
func (p *parser) node(ctx int) *yaml.Node {
	c := p.col(p.i)
	if c <= ctx {
		p.fail()
	}
	switch p.s[p.i] {
	case '-':
		if p.blankAt(p.i + 1) {
			return p.sequence(c, false)
		}
	case '[', '{':
		n := p.flow()
		p.endOfValue()
		return n
	case '|', '>':
		return p.blockScalar(ctx)
	case '\'', '"':
		start, line, ls := p.i, p.line, p.ls
		val := p.quoted()
		p.skipSpaces()
		if p.i < len(p.s) && p.s[p.i] == ':' && p.blankAt(p.i+1) {
			if p.line != line {
				p.fail()
			}
			p.i = start
			return p.mapping(c)
		}
		end, endLine, endLs := p.i, p.line, p.ls
		p.i, p.line, p.ls = start, line, ls
		n := p.quotedNode(val)
		p.i, p.line, p.ls = end, endLine, endLs
		p.endOfValue()
		return n
	}
	if !p.plainStart() {
		p.fail()
	}
	start := p.i
	end, stop := p.plainLine()
	if stop == ':' {
		p.i = start
		return p.mapping(c)
	}
	return p.plainRest(ctx, start, end, stop)
}

// mapping parses a block mapping whose keys are at column c.
func (p *parser) mapping(c int) *yaml.Node {
	p.enter()
	m := p.newNode(yaml.MappingNode, tagMap, p.i)
	mark := len(p.kids)
	for {
		k := p.key()
		p.kids = append(p.kids, k)
		p.kids = append(p.kids, p.value(c))
		if !p.nextToken() || p.atDocMarker() {
			break
		}
		col := p.col(p.i)
		if col < c {
			break
		}
		if col > c || (p.s[p.i] == '-' && p.blankAt(p.i+1)) {
			p.fail()
		}
	}
	p.finish(m, mark)
	p.depth--
	return m
}

func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.fail()
	}
}

// key parses a single-line mapping key and its ':'.
func (p *parser) key() *yaml.Node {
	start := p.i
	var k *yaml.Node
	switch p.s[p.i] {
	case '\'', '"':
		line := p.line
		val := p.quoted()
		if p.line != line {
			p.fail()
		}
		end := p.i
		p.i = start
		k = p.quotedNode(val)
		p.i = end
		p.skipSpaces()
	default:
		if !p.plainStart() {
			p.fail()
		}
		end, stop := p.plainLine()
		if stop != ':' {
			p.fail()
		}
		k = p.newNode(yaml.ScalarNode, "", start)
		k.Value = p.s[start:end]
		k.Tag = resolveTag(k.Value)
	}
	// yaml.v3 gives up on simple keys longer than 1024 characters.
	if p.i-start > 1000 || p.i >= len(p.s) || p.s[p.i] != ':' || !p.blankAt(p.i+1) {
		p.fail()
	}
	p.i++
	return k
}

// value parses the value of a mapping entry whose ':' was just consumed; c
// is the column of the mapping's keys.
func (p *parser) value(c int) *yaml.Node {
	colon := p.i - 1
	p.skipSpaces()
	if p.i < len(p.s) && p.s[p.i] != '\n' && p.s[p.i] != '#' {
		switch p.s[p.i] {
		case '-':
			if p.blankAt(p.i + 1) {
				p.fail() // a sequence entry on the key's line
			}
		case '|', '>':
			return p.blockScalar(c)
		case '[', '{':
			n := p.flow()
			p.endOfValue()
			return n
		case '\'', '"':
			start, line, ls := p.i, p.line, p.ls
			val := p.quoted()
			end, endLine, endLs := p.i, p.line, p.ls
			p.i, p.line, p.ls = start, line, ls
			n := p.quotedNode(val)
			p.i, p.line, p.ls = end, endLine, endLs
			p.endOfValue()
			return n
		}
		if !p.plainStart() {
			p.fail()
		}
		start := p.i
		end, stop := p.plainLine()
		if stop == ':' {
			p.fail() // a mapping on the key's line
		}
		return p.plainRest(c, start, end, stop)
	}
	line, col := p.line, p.col(colon)+2
	if p.nextToken() && !p.atDocMarker() {
		n := p.col(p.i)
		if n > c {
			return p.node(c)
		}
		if n == c && p.s[p.i] == '-' && p.blankAt(p.i+1) {
			return p.sequence(c, true)
		}
	}
	return p.null(line, col)
}

// sequence parses a block sequence whose '-' are at column c. An indentless
// sequence (entries at the column of its parent's keys) ends at the first
// line at column c that is not an entry.
func (p *parser) sequence(c int, indentless bool) *yaml.Node {
	p.enter()
	n := p.newNode(yaml.SequenceNode, tagSeq, p.i)
	mark := len(p.kids)
	for {
		dash := p.i
		p.i++
		p.skipSpaces()
		if p.i < len(p.s) && p.s[p.i] != '\n' && p.s[p.i] != '#' {
			p.kids = append(p.kids, p.node(c))
		} else {
			line, col := p.line, p.col(dash)+2
			if p.nextToken() && !p.atDocMarker() && p.col(p.i) > c {
				p.kids = append(p.kids, p.node(c))
			} else {
				p.kids = append(p.kids, p.null(line, col))
			}
		}
		if !p.nextToken() || p.atDocMarker() {
			break
		}
		col := p.col(p.i)
		if col < c {
			break
		}
		if col > c {
			p.fail()
		}
		if p.s[p.i] != '-' || !p.blankAt(p.i+1) {
			if !indentless {
				p.fail()
			}
			break
		}
	}
	p.finish(n, mark)
	p.depth--
	return n
}
