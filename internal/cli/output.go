package cli

import (
	"bufio"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/driver"
)

// sink is where converted text goes: standard output, one file (-o FILE) or
// one file per rule under a directory (-o DIR). Every file is written to a
// temporary name and renamed into place when complete, so an interrupted
// or failed run never leaves a half-written file.
type sink struct {
	format backends.Format

	// stdout and -o FILE: documents separated by a blank line.
	w     *bufio.Writer
	first bool     // no document written yet
	tmp   *os.File // -o FILE: the temporary file being written, or nil
	dest  string   // -o FILE: the final name

	// -o DIR.
	dir     string
	written map[string]string // output path → input file that produced it
}

// newSink prepares the destination named by -o (""= standard output).
func newSink(e *env, output string, f backends.Format) (*sink, error) {
	s := &sink{format: f, first: true}
	if output == "" {
		s.w = bufio.NewWriterSize(e.stdout, 1<<16)
		return s, nil
	}
	if strings.HasSuffix(output, "/") || strings.HasSuffix(output, string(filepath.Separator)) || isDir(output) {
		if err := os.MkdirAll(output, 0o755); err != nil {
			return nil, err
		}
		s.dir, s.written = output, map[string]string{}
		return s, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(output), "."+filepath.Base(output)+".tmp*")
	if err != nil {
		return nil, err
	}
	s.tmp, s.dest, s.w = tmp, output, bufio.NewWriterSize(tmp, 1<<16)
	return s, nil
}

func isDir(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}

// add writes one converted document.
func (s *sink) add(r *driver.Result) error {
	if s.dir == "" {
		return s.text(r.Text)
	}
	rel := outputPath(r, s.format.Ext)
	if prev, dup := s.written[rel]; dup {
		return fmt.Errorf("output %s was already written for %s", filepath.Join(s.dir, rel), prev)
	}
	s.written[rel] = r.File
	return writeAtomic(filepath.Join(s.dir, filepath.FromSlash(rel)), []byte(r.Text+"\n"))
}

// text appends one document to the stream.
func (s *sink) text(t string) error {
	if !s.first {
		if err := s.w.WriteByte('\n'); err != nil {
			return err
		}
	}
	s.first = false
	if _, err := s.w.WriteString(t); err != nil {
		return err
	}
	return s.w.WriteByte('\n')
}

// bundle writes the single file of a bundled format.
func (s *sink) bundle(data []byte) error {
	if s.dir != "" {
		return writeAtomic(filepath.Join(s.dir, s.format.Name+s.format.Ext), data)
	}
	_, err := s.w.Write(data)
	return err
}

// close flushes the stream and moves -o FILE into place.
func (s *sink) close() error {
	if s.w == nil {
		return nil
	}
	if err := s.w.Flush(); err != nil {
		s.abort()
		return err
	}
	if s.tmp == nil {
		return nil
	}
	if err := s.tmp.Close(); err != nil {
		os.Remove(s.tmp.Name())
		return err
	}
	if err := os.Chmod(s.tmp.Name(), 0o644); err != nil {
		os.Remove(s.tmp.Name())
		return err
	}
	if err := os.Rename(s.tmp.Name(), s.dest); err != nil {
		os.Remove(s.tmp.Name())
		return err
	}
	return nil
}

// abort discards a partly written -o FILE.
func (s *sink) abort() {
	if s.tmp != nil {
		s.tmp.Close()
		os.Remove(s.tmp.Name())
		s.tmp = nil
		s.w = nil
	}
}

// outputPath is the slash-separated path, under -o DIR, of a document's
// output: the input's path relative to its argument with the format's
// extension, plus ".N" (the document index) when the file holds more than
// one rule or correlation.
func outputPath(r *driver.Result, ext string) string {
	rel := strings.TrimSuffix(r.Rel, path.Ext(r.Rel))
	if r.Docs > 1 || r.Kind == driver.KindFilter {
		rel += "." + strconv.Itoa(r.Doc)
	}
	return rel + ext
}

// writeAtomic writes data to name through a temporary file in the same
// directory and a rename.
func writeAtomic(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
