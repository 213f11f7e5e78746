package events

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Record is one JSON value of an input.
type Record struct {
	File  string // input name ("-" for stdin)
	Index int    // 0-based index of the record in its file
	Line  int    // 1-based line where the record starts
	Data  []byte // the JSON text; valid only during the callback
}

// Error is a problem at a position of an input that stops reading it (a
// broken JSON array, an I/O error).
type Error struct {
	File string // input name
	Line int    // 1-based line, or 0
	Err  error  // cause
}

// Error formats the problem as file:line: cause.
func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ReadFile reads the named file ("-" means stdin) and calls fn for every
// record. See Read.
func ReadFile(name string, stdin io.Reader, fn func(Record) error) error {
	if name == "-" {
		return Read(name, stdin, fn)
	}
	f, err := os.Open(name)
	if err != nil {
		return &Error{File: name, Err: err}
	}
	defer f.Close()
	return Read(name, f, fn)
}

// Read splits r into records and calls fn for each, in order; an error from
// fn stops reading and is returned. gzip input is decompressed. The layout
// is detected from the first value: a '[' starts a JSON array; a first
// value that ends on its own line means NDJSON (every non-blank line is a
// record, so a malformed line cannot swallow the next); otherwise values are
// split by bracket depth (concatenated pretty-printed JSON).
func Read(name string, r io.Reader, fn func(Record) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return &Error{File: name, Err: err}
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 1<<16)
	}
	s := &splitter{name: name, br: br, fn: fn}
	return s.run()
}

type splitter struct {
	name  string
	br    *bufio.Reader
	fn    func(Record) error
	line  int // lines consumed so far
	index int
}

func (s *splitter) readLine() ([]byte, error) {
	l, err := s.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		buf := append([]byte(nil), l...)
		for err == bufio.ErrBufferFull {
			l, err = s.br.ReadSlice('\n')
			buf = append(buf, l...)
		}
		l = buf
	}
	if len(l) > 0 {
		s.line++
		if err == io.EOF {
			err = nil
		}
	}
	return l, err
}

func (s *splitter) emit(line int, data []byte) error {
	rec := Record{File: s.name, Index: s.index, Line: line, Data: data}
	s.index++
	return s.fn(rec)
}

func (s *splitter) run() error {
	var acc []byte
	var sc depthScanner
	start := 0
	ndjson := false
	decided := false
	for {
		l, err := s.readLine()
		if err != nil && err != io.EOF {
			return &Error{File: s.name, Line: s.line, Err: err}
		}
		if len(l) == 0 && err == io.EOF {
			break
		}
		trimmed := bytes.TrimSpace(l)
		if len(acc) == 0 {
			if len(trimmed) == 0 {
				continue
			}
			if !decided && trimmed[0] == '[' {
				return s.array(l)
			}
			start = s.line
		}
		if ndjson {
			if err := s.emit(s.line, trimmed); err != nil {
				return err
			}
			continue
		}
		acc = append(acc, l...)
		if sc.feed(l) {
			if !decided {
				decided, ndjson = true, start == s.line
			}
			if err := s.emit(start, bytes.TrimSpace(acc)); err != nil {
				return err
			}
			acc = acc[:0]
			sc = depthScanner{}
		}
	}
	if len(bytes.TrimSpace(acc)) > 0 {
		// An unterminated last value: hand it over so that its decoding
		// error is reported with its line.
		return s.emit(start, bytes.TrimSpace(acc))
	}
	return nil
}

// array reads a whole JSON array whose first line is first.
func (s *splitter) array(first []byte) error {
	startLine := s.line
	rest, err := io.ReadAll(s.br)
	if err != nil {
		return &Error{File: s.name, Line: s.line, Err: err}
	}
	data := append(append([]byte(nil), first...), rest...)
	dec := json.NewDecoder(bytes.NewReader(data))
	lineAt := func(off int64) int { return startLine + bytes.Count(data[:off], []byte{'\n'}) }
	if _, err := dec.Token(); err != nil {
		return &Error{File: s.name, Line: startLine, Err: err}
	}
	for dec.More() {
		var raw json.RawMessage
		off := dec.InputOffset()
		if err := dec.Decode(&raw); err != nil {
			// Re-decode the element on its own to learn where it breaks.
			at := off + int64(len(data[off:])-len(bytes.TrimLeft(data[off:], ", \t\r\n")))
			var v any
			var se *json.SyntaxError
			if e2 := json.NewDecoder(bytes.NewReader(data[at:])).Decode(&v); errors.As(e2, &se) {
				at += se.Offset - 1
			}
			return &Error{File: s.name, Line: lineAt(at), Err: err}
		}
		// The element starts after the separator and blanks.
		elemStart := off + int64(bytes.Index(data[off:], bytes.TrimSpace(raw)[:1]))
		if err := s.emit(lineAt(elemStart), raw); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return &Error{File: s.name, Line: lineAt(dec.InputOffset()), Err: err}
	}
	return nil
}

// depthScanner follows brackets and strings across lines to find where a
// top-level JSON value ends.
type depthScanner struct {
	depth   int
	inStr   bool
	esc     bool
	started bool
}

// feed consumes a line and reports whether a top-level value ended in it.
func (d *depthScanner) feed(l []byte) bool {
	for _, c := range l {
		switch {
		case d.inStr:
			switch {
			case d.esc:
				d.esc = false
			case c == '\\':
				d.esc = true
			case c == '"':
				d.inStr = false
			}
		case c == '"':
			d.inStr = true
			d.started = true
		case c == '{' || c == '[':
			d.depth++
			d.started = true
		case c == '}' || c == ']':
			d.depth--
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		default:
			d.started = true
		}
	}
	// A scalar or a closed container ends the value at the end of line.
	return d.started && d.depth <= 0 && !d.inStr
}
