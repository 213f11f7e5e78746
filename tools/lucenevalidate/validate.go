package lucenevalidate

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

//go:embed LuceneValidate.java
var javaSource []byte

// JarDir is where Debian's liblucene8-java installs its jars.
const JarDir = "/usr/share/java"

// Failure is one query the parser rejected.
type Failure struct {
	Index int    // index of the query in the input
	Query string // the query
	Msg   string // the parser's message
}

// ErrUnavailable is returned when java, javac or the Lucene jars are
// missing.
var ErrUnavailable = errors.New("lucene validator unavailable")

// classpath returns the jars the validator needs.
func classpath() (string, error) {
	var jars []string
	for _, name := range []string{"lucene-core", "lucene-queryparser", "lucene-queries", "lucene-sandbox"} {
		matches, _ := filepath.Glob(filepath.Join(JarDir, name+"-[0-9]*.jar"))
		if len(matches) == 0 {
			if name == "lucene-core" || name == "lucene-queryparser" {
				return "", fmt.Errorf("%w: %s jar not found in %s (apt-get install liblucene8-java)", ErrUnavailable, name, JarDir)
			}
			continue
		}
		jars = append(jars, matches[len(matches)-1])
	}
	return strings.Join(jars, string(os.PathListSeparator)), nil
}

// Validate parses every query with Lucene's classic QueryParser and returns
// the failures. It returns ErrUnavailable (wrapped) when the tool chain is
// missing.
func Validate(queries []string) ([]Failure, error) {
	for _, tool := range []string{"java", "javac"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("%w: %s not found (apt-get install default-jdk-headless)", ErrUnavailable, tool)
		}
	}
	cp, err := classpath()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "lucenevalidate")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "LuceneValidate.java")
	if err := os.WriteFile(src, javaSource, 0o644); err != nil {
		return nil, err
	}
	if out, err := exec.Command("javac", "-cp", cp, "-d", dir, src).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("javac: %v: %s", err, out)
	}
	var in bytes.Buffer
	for i, q := range queries {
		if strings.ContainsRune(q, 0) {
			return nil, fmt.Errorf("query %d contains a NUL byte", i)
		}
		in.WriteString(q)
		in.WriteByte(0)
	}
	cmd := exec.Command("java", "-cp", cp+string(os.PathListSeparator)+dir, "LuceneValidate")
	cmd.Stdin = &in
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var fails []Failure
	sawSummary := false
	for _, line := range strings.Split(stdout.String(), "\n") {
		switch {
		case strings.HasPrefix(line, "FAIL "):
			rest := strings.TrimPrefix(line, "FAIL ")
			idx, msg, _ := strings.Cut(rest, " ")
			i, err := strconv.Atoi(idx)
			if err != nil || i < 0 || i >= len(queries) {
				return nil, fmt.Errorf("validator: bad output line %q", line)
			}
			fails = append(fails, Failure{Index: i, Query: queries[i], Msg: msg})
		case strings.HasPrefix(line, "OK "):
			sawSummary = true
		}
	}
	if !sawSummary {
		return nil, fmt.Errorf("validator did not finish: %v: %s", runErr, stderr.String())
	}
	return fails, nil
}
