package fastyaml

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// fragments are line pieces a Sigma-like YAML file is made of, including
// awkward ones (block scalar headers, quotes left open, flow collections,
// comments, markers).
var fragments = []string{
	"a:", "b: 1", "- x", "- ", "-", "- k: v", "- - y", "c: |", "d: >-", "e: |+2", "f: >2", "  text", "more text",
	"'q': v", "\"dq\": 'v'", "g: 'it''s", "h: \"a\\tb", "  continued'", "  end\"", "i: [1, 'a', {b: c}]", "j: {x: [y]}",
	"# comment", "k: v # trailing", "---", "...", "--- # doc", "", "   ", "l: 2020-01-02", "m: 0x1F", "n: ~", "o: <<",
	"p: a: b", "- |", "- >", "q: \"\\u00e9\\x41\\\\\"", "r: 'multi", "  line'", "s: -dash", "t: :colon", "u: é ü", "v:  x  y ",
	"# tab\there", "#\t", "k: v #\tx", "\t# c", "w: \"\\", "x: [a,", "y: {a: }", "z: [a b]", "aa: 'x' #c", "bb: \"x\"#c", "cc: x #", "? k", ": v", "dd: &a 1", "ee: *a",
}

// TestRandomFragments checks the differential property on many files
// assembled from fragments at random indentations, which reach
// combinations byte-level fuzzing finds slowly.
func TestRandomFragments(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 30000
	if testing.Short() {
		n = 3000
	}
	handled := 0
	for range n {
		var b strings.Builder
		for range 1 + r.IntN(12) {
			b.WriteString(strings.Repeat(" ", []int{0, 0, 0, 1, 2, 2, 4, 4, 6, 8}[r.IntN(10)]))
			b.WriteString(fragments[r.IntN(len(fragments))])
			if r.IntN(20) > 0 {
				b.WriteByte('\n')
			}
		}
		if differ(t, b.String(), []byte(b.String())) {
			handled++
		}
		if t.Failed() {
			return
		}
	}
	t.Logf("%d of %d random files handled by the fast path", handled, n)
}

// treeGen writes random, mostly valid block YAML: nested mappings and
// sequences with random indentation steps, scalars in every style
// (multi-line, escapes, block scalars with indicators), comments and
// empty lines in random places.
type treeGen struct {
	r *rand.Rand
	b strings.Builder
}

var words = []string{"a", "b c", "x:y", "1", "-1", "0x1F", "1e3", "true", "~", "null", "2020-01-02", "é", "a#b", "it's", "q\"d", "", " ", "<<", "-x", ":x", "a - b", "...", "---"}

func (g *treeGen) word() string { return words[g.r.IntN(len(words))] }

func (g *treeGen) junk() {
	switch g.r.IntN(12) {
	case 0:
		g.b.WriteString("\n")
	case 1:
		g.b.WriteString(strings.Repeat(" ", g.r.IntN(6)) + []string{"# c\n", "#\tc\n", "# c\t\n"}[g.r.IntN(3)])
	case 2:
		g.b.WriteString(strings.Repeat(" ", g.r.IntN(9)) + "\n")
	}
}

// scalar writes a scalar value that starts on the current line and whose
// continuation lines are indented by ind.
func (g *treeGen) scalar(ind int) {
	pad := strings.Repeat(" ", ind)
	switch g.r.IntN(8) {
	case 0, 1:
		g.b.WriteString(g.word())
		if g.r.IntN(4) == 0 {
			g.b.WriteString("\n" + pad + g.word())
		}
	case 2:
		g.b.WriteString("'" + strings.ReplaceAll(g.word(), "'", "''"))
		if g.r.IntN(3) == 0 {
			g.b.WriteString("\n" + strings.Repeat("\n", g.r.IntN(2)) + pad + " " + []string{g.word(), "#\tz"}[g.r.IntN(2)] + " ")
		}
		g.b.WriteString("'")
	case 3:
		g.b.WriteString("\"" + []string{"\\t", "\\x41", "\\u00e9", "\\\\", "\\\"", "a\\\n" + pad + "  b", "\\N", "x\n" + pad + "y"}[g.r.IntN(8)] + "\"")
	case 4, 5:
		g.b.WriteString([]string{"|", ">", "|-", ">+", "|2", ">-1", "|+"}[g.r.IntN(7)])
		if g.r.IntN(3) == 0 {
			g.b.WriteString(" # h")
		}
		extra := g.r.IntN(3)
		for range 1 + g.r.IntN(4) {
			g.b.WriteString("\n")
			if g.r.IntN(5) == 0 {
				continue // empty line
			}
			g.b.WriteString(pad + strings.Repeat(" ", 2+extra*g.r.IntN(2)) + g.word())
		}
		if g.r.IntN(3) == 0 {
			g.b.WriteString("\n")
		}
	case 6:
		g.b.WriteString("[" + g.word() + ", '" + g.word() + "']")
	case 7:
		g.b.WriteString("{k: " + g.word() + "}")
	}
	if g.r.IntN(5) == 0 {
		g.b.WriteString(" # t")
	}
	g.b.WriteString("\n")
}

// node writes a collection or scalar whose lines start at column ind.
func (g *treeGen) node(ind, depth int) {
	pad := strings.Repeat(" ", ind)
	kind := g.r.IntN(3)
	if depth > 3 {
		kind = 2
	}
	switch kind {
	case 0: // mapping
		for i := range 1 + g.r.IntN(3) {
			g.junk()
			if i > 0 || g.r.IntN(3) > 0 {
				g.b.WriteString(pad)
			}
			g.b.WriteString([]string{"k", "'q k'", "\"d\"", "1", "k2"}[g.r.IntN(5)] + ":")
			g.value(ind, depth)
		}
	case 1: // sequence
		for i := range 1 + g.r.IntN(3) {
			g.junk()
			if i > 0 || g.r.IntN(3) > 0 {
				g.b.WriteString(pad)
			}
			g.b.WriteString("-")
			if g.r.IntN(2) == 0 {
				g.b.WriteString(" ")
				g.node(ind+2, depth+1) // compact
			} else {
				g.value(ind, depth)
			}
		}
	default:
		g.b.WriteString(pad)
		g.scalar(ind)
	}
}

// value writes what follows "key:" or "-" of a collection at column ind.
func (g *treeGen) value(ind, depth int) {
	switch g.r.IntN(5) {
	case 0:
		g.b.WriteString("\n") // null, or a nested node below
		if g.r.IntN(2) == 0 {
			g.node(ind+1+g.r.IntN(4), depth+1)
		}
	case 1:
		g.b.WriteString("\n")
		g.node(ind, depth+1) // indentless sequence, or a sibling
	default:
		g.b.WriteString(" ")
		g.scalar(ind + 1 + g.r.IntN(3))
	}
}

// TestRandomTrees checks the differential property on random block YAML.
func TestRandomTrees(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	handled := 0
	for range n {
		g := &treeGen{r: r}
		if r.IntN(4) == 0 {
			g.b.WriteString("---\n")
		}
		g.node(0, 0)
		if r.IntN(4) == 0 {
			g.b.WriteString("---\n")
			g.node(0, 0)
		}
		src := g.b.String()
		if differ(t, src, []byte(src)) {
			handled++
		}
		if t.Failed() {
			return
		}
	}
	t.Logf("%d of %d random trees handled by the fast path", handled, n)
}
