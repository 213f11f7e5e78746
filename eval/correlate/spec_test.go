package correlate

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
)

const specDir = "../../../shared/sigma-specification/specification"

// specFragments are YAML blocks of the specification (by file and line of
// the block's first YAML line) that show a part of a correlation, not a
// whole document: "rules" is expected not to parse; "untitled" blocks
// show the correlation section without the mandatory title and must
// parse once one is added.
var specFragments = map[string]string{
	"sigma-correlation-rules-specification.md:257": "rules",    // the rules attribute alone
	"sigma-correlation-rules-specification.md:461": "untitled", // temporal
	"sigma-correlation-rules-specification.md:487": "untitled", // temporal_ordered
}

// TestSpecExamples parses every YAML block of the specification that holds
// a correlation or a filter, and checks that the complete ones parse
// cleanly and that their references resolve among the block's documents
// (or are the spec's placeholders for rules it does not show).
func TestSpecExamples(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(specDir, "*.md"))
	if len(files) == 0 {
		t.Skip("sigma-specification not found next to the repository")
	}
	block := regexp.MustCompile("(?s)```ya?ml\n(.*?)```")
	corrs, filters := 0, 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range block.FindAllSubmatchIndex(src, -1) {
			text := string(src[m[2]:m[3]])
			if !strings.Contains(text, "correlation:") && !strings.Contains(text, "\nfilter:") {
				continue
			}
			line := strings.Count(string(src[:m[2]]), "\n") + 1
			where := filepath.Base(f) + ":" + itoa(line)
			// Blank lines in front keep error positions those of the .md.
			pad := strings.Repeat("\n", line-1)
			kind := specFragments[where]
			if kind == "untitled" {
				pad = strings.Repeat("\n", line-2) + "title: added by the test\n"
			}
			docs, errs := parser.ParseFile(filepath.Base(f), []byte(pad+text))
			if kind == "rules" {
				if len(errs) == 0 {
					t.Errorf("%s: fragment parses now; drop it from specFragments", where)
				}
				continue
			}
			if len(errs) > 0 {
				t.Errorf("%s: %v", where, errs)
				continue
			}
			for _, d := range docs {
				switch d.(type) {
				case *ir.Correlation:
					corrs++
				case *ir.Filter:
					filters++
				}
			}
		}
	}
	t.Logf("%d correlation and %d filter documents of the specification parse", corrs, filters)
	if corrs < 9 || filters < 1 {
		t.Errorf("found %d correlations and %d filters, want at least 9 and 1", corrs, filters)
	}
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	for {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(b[n:])
		}
	}
}
