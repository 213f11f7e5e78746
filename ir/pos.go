package ir

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a source file. Line and Col are 1-based; the zero
// Pos means "unknown".
type Pos struct {
	File string // file name as given by the user, or "" for unknown
	Line int    // 1-based line, or 0
	Col  int    // 1-based column, or 0
}

// IsValid reports whether the position has a line.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String formats the position as file:line:col, omitting unknown parts.
func (p Pos) String() string {
	s := p.File
	if p.Line > 0 {
		if s != "" {
			s += ":"
		}
		s += fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	if s == "" {
		s = "-"
	}
	return s
}

// Less orders positions by file, line and column.
func (p Pos) Less(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Error codes are stable kebab-case identifiers for classes of problems.
// Tools and configs may match on them; their text never changes.
const (
	CodeYAML              = "yaml-syntax"
	CodeSchema            = "invalid-rule"
	CodeUnknownModifier   = "unknown-modifier"
	CodeInvalidModifier   = "invalid-modifier-combination"
	CodeInvalidValue      = "invalid-value"
	CodeInvalidRegex      = "invalid-regex"
	CodeCondition         = "invalid-condition"
	CodeUndefinedIdent    = "undefined-identifier"
	CodeNoMatch           = "pattern-matches-nothing"
	CodeLimit             = "resource-limit"
	CodeUnsupported       = "unsupported"
	CodeInternal          = "internal-error"
	CodeIO                = "io-error"
	CodeCorrelation       = "invalid-correlation"
	CodeFilter            = "invalid-filter"
	CodePipeline          = "pipeline-error"
	CodeUnknownReference  = "unknown-rule-reference"
	CodeUnmappedField     = "unmapped-field"
	CodeUnmappedLogsource = "unmapped-logsource"
)

// Error is one positioned problem.
type Error struct {
	Pos  Pos    // where the problem is
	Code string // stable identifier, one of the Code* constants
	Msg  string // human-readable, lower case, no trailing period
	Err  error  // underlying cause, or nil
}

// Errorf builds an *Error with a formatted message.
func Errorf(pos Pos, code, format string, args ...any) *Error {
	return &Error{Pos: pos, Code: code, Msg: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrorList is a list of positioned errors. The zero value is ready to use.
type ErrorList []*Error

// Add appends an error.
func (l *ErrorList) Add(pos Pos, code, format string, args ...any) {
	*l = append(*l, Errorf(pos, code, format, args...))
}

// Append appends errors of any kind; *Error and ErrorList keep their
// positions, other errors get pos.
func (l *ErrorList) Append(pos Pos, err error) {
	if err == nil {
		return
	}
	var list ErrorList
	var one *Error
	switch {
	case errors.As(err, &list):
		*l = append(*l, list...)
	case errors.As(err, &one):
		*l = append(*l, one)
	default:
		*l = append(*l, &Error{Pos: pos, Code: CodeInternal, Msg: err.Error(), Err: err})
	}
}

// Len returns the number of errors.
func (l ErrorList) Len() int { return len(l) }

// Sort orders the list by position, then by message.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].Pos != l[j].Pos {
			return l[i].Pos.Less(l[j].Pos)
		}
		return l[i].Msg < l[j].Msg
	})
}

// Err returns the list as an error, or nil when it is empty (avoiding the
// typed-nil error trap).
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}
