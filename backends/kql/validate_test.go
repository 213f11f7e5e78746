package kql

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/sigconv/sigconv/pipeline"
)

// validatorDir holds tools/kqlvalidate (node script + npm package).
const validatorDir = "../../tools/kqlvalidate"

// schemaJSON exports the tables of the KQL built-in pipelines as the JSON
// the validator reads: table → [[column, type], ...]. The virtual columns a
// pipeline computes with kql_extend are not tables' columns and are left
// out, so the validator checks that every query defines what it uses.
func schemaJSON(t *testing.T) []byte {
	t.Helper()
	tables := map[string]*pipeline.Table{}
	for _, name := range builtinPipelines {
		p, err := pipeline.Builtin(name)
		if err != nil {
			continue
		}
		for _, tb := range p.Tables {
			tables[tb.Name] = tb
		}
	}
	return tablesJSON(t, tables)
}

func tablesJSON(t *testing.T, tables map[string]*pipeline.Table) []byte {
	t.Helper()
	schema := map[string][][2]string{}
	for name, tb := range tables {
		cols := make([][2]string, 0, len(tb.Columns))
		for _, c := range tb.Columns {
			cols = append(cols, [2]string{c.Name, c.Type})
		}
		schema[name] = cols
	}
	b, err := json.Marshal(schema)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// validator returns the command running tools/kqlvalidate, or skips the
// test when node or the npm package is missing.
func validator(t *testing.T, schemaPath string) *exec.Cmd {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found")
	}
	if _, err := os.Stat(filepath.Join(validatorDir, "node_modules", "@kusto", "language-service-next")); err != nil {
		t.Skip("tools/kqlvalidate: run npm ci there to install @kusto/language-service-next")
	}
	return exec.Command(node, filepath.Join(validatorDir, "validate.js"), schemaPath)
}

// validate runs the validator over name → query and returns its report.
// The queries are split over several node processes (one per CPU, at most
// 8): parsing is CPU-bound and the corpus has thousands of queries.
func validate(t *testing.T, queries map[string]string) (string, bool) {
	t.Helper()
	return validateSchema(t, queries, schemaJSON(t))
}

// validateWith validates against the given tables only.
func validateWith(t *testing.T, queries map[string]string, tables map[string]*pipeline.Table) (string, bool) {
	t.Helper()
	return validateSchema(t, queries, tablesJSON(t, tables))
}

func validateSchema(t *testing.T, queries map[string]string, schema []byte) (string, bool) {
	t.Helper()
	dir := t.TempDir()
	sp := filepath.Join(dir, "schema.json")
	if err := os.WriteFile(sp, schema, 0o644); err != nil {
		t.Fatal(err)
	}
	validator(t, sp) // skips when node or the package is missing
	names := make([]string, 0, len(queries))
	for n := range queries {
		names = append(names, n)
	}
	sort.Strings(names)
	workers := min(runtime.NumCPU(), 8, max(1, len(names)/50))
	type result struct {
		out     string
		ok      bool
		checked int
		err     error
	}
	results := make([]result, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var in bytes.Buffer
			n := 0
			for i := w; i < len(names); i += workers {
				line, _ := json.Marshal(map[string]string{"name": names[i], "query": queries[names[i]]})
				in.Write(line)
				in.WriteByte('\n')
				n++
			}
			cmd := validator(t, sp)
			cmd.Stdin = &in
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
				results[w].err = err
				return
			}
			if cmd.ProcessState.ExitCode() > 1 {
				results[w].err = fmt.Errorf("validator failed: %s", errb.String())
				return
			}
			results[w] = result{out: out.String(), ok: cmd.ProcessState.ExitCode() == 0, checked: n}
		}(w)
	}
	wg.Wait()
	var report strings.Builder
	ok := true
	for _, r := range results {
		if r.err != nil {
			t.Fatal(r.err)
		}
		report.WriteString(r.out)
		ok = ok && r.ok
	}
	bad := strings.Count(report.String(), "\n")
	fmt.Fprintf(&report, "checked %d queries with Kusto.Language, %d error lines", len(names), bad)
	return report.String(), ok
}

// TestSchemaExport writes the validator schema to $SIGCONV_KQL_SCHEMA, for
// .ci/run (go test -run TestSchemaExport with the variable set).
func TestSchemaExport(t *testing.T) {
	path := os.Getenv("SIGCONV_KQL_SCHEMA")
	if path == "" {
		t.Skip("SIGCONV_KQL_SCHEMA not set")
	}
	if err := os.WriteFile(path, schemaJSON(t), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestValidateCorpus checks every query converted from the corpus with the
// real Kusto parser and semantic analyser.
// It takes minutes, so it runs only with SIGCONV_KQL_VALIDATE=1 (.ci/run
// sets it).
func TestValidateCorpus(t *testing.T) {
	if os.Getenv("SIGCONV_KQL_VALIDATE") == "" {
		t.Skip("set SIGCONV_KQL_VALIDATE=1 to check the corpus queries with Kusto.Language")
	}
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus not found: %v", err)
	}
	all := map[string]string{}
	for _, pipe := range builtinPipelines {
		if _, err := pipeline.Builtin(pipe); err != nil {
			continue
		}
		for k, q := range convertCorpus(t, corpusDir, pipe).converted {
			all[pipe+":"+k] = q
		}
	}
	report, ok := validate(t, all)
	t.Log(lastLine(report))
	if !ok {
		t.Errorf("Kusto.Language errors:\n%s", report)
	}
}

func lastLine(s string) string {
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// TestValidateEmitCases checks the queries of TestEmit with Kusto.Language
// against the test table's schema.
func TestValidateEmitCases(t *testing.T) {
	if testing.Short() {
		t.Skip("short: starts node")
	}
	queries := map[string]string{}
	for _, tc := range emitCases {
		q, err := Query(parseRule(t, tc.detection), testTable, nil)
		if err != nil {
			t.Fatal(err)
		}
		queries[tc.name] = q
	}
	report, ok := validateWith(t, queries, map[string]*pipeline.Table{testTable.Name: testTable})
	if !ok {
		t.Errorf("Kusto.Language errors:\n%s", report)
	}
}

// goldenDir holds the golden cases; their want/kql.default files are
// validated (queries only: refusal and error lines are skipped).
const goldenDir = "../../testdata/golden"

var (
	// diagLine is a warning, refusal or error line of a golden file.
	diagLine = regexp.MustCompile(`(?m)^\S+:\d+:\d+: .*$`)
	// tableRef is the table a query (or a let statement) starts from.
	tableRef = regexp.MustCompile(`(?m)^(?:let \w+ = )?(\w+)\n\|`)
	// letName is a name a let statement defines (a correlation's
	// sub-query), which a query may start from like a table.
	letName = regexp.MustCompile(`(?m)^let (\w+) = `)
)

// TestValidateGolden checks every query of the golden kql.default files
// whose table a built-in pipeline declares (queries on tables given with
// --table have no schema to check against).
func TestValidateGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("short: starts node")
	}
	files, err := filepath.Glob(filepath.Join(goldenDir, "*", "want", "kql.default"))
	if err != nil || len(files) == 0 {
		t.Skipf("no golden kql files: %v", err)
	}
	var schema map[string]json.RawMessage
	if err := json.Unmarshal(schemaJSON(t), &schema); err != nil {
		t.Fatal(err)
	}
	queries := map[string]string{}
	skipped := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, chunk := range strings.Split(strings.TrimSpace(string(src)), "\n\n") {
			chunk = strings.TrimSpace(diagLine.ReplaceAllString(chunk, ""))
			tables := tableRef.FindAllStringSubmatch(chunk, -1)
			if len(tables) == 0 {
				continue // a refusal or an error
			}
			lets := map[string]bool{}
			for _, m := range letName.FindAllStringSubmatch(chunk, -1) {
				lets[m[1]] = true
			}
			unknown := false
			for _, m := range tables {
				if _, known := schema[m[1]]; !known && !lets[m[1]] {
					unknown = true
				}
			}
			if unknown {
				skipped++
				continue
			}
			queries[fmt.Sprintf("%s#%d", filepath.Base(filepath.Dir(filepath.Dir(f))), i)] = chunk
		}
	}
	report, ok := validate(t, queries)
	t.Logf("%s (%d queries on tables without a schema skipped)", lastLine(report), skipped)
	if !ok {
		t.Errorf("Kusto.Language errors:\n%s", report)
	}
}
