package kql

import (
	"encoding/json"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// value is a Kusto scalar: null, string, number, bool or dynamic (a decoded JSON tree).
type value struct {
	kind byte // 'n' null, 's' string, 'f' number, 'b' bool, 'd' dynamic
	s    string
	f    float64
	b    bool
	d    any
}

var null = value{kind: 'n'}

func str(s string) value   { return value{kind: 's', s: s} }
func num(f float64) value  { return value{kind: 'f', f: f} }
func boolean(b bool) value { return value{kind: 'b', b: b} }

// fromEvent converts an event value.
func fromEvent(v any) value {
	switch v := v.(type) {
	case nil:
		return null
	case string:
		return str(v)
	case float64:
		return num(v)
	case int:
		return num(float64(v))
	case bool:
		return boolean(v)
	}
	return value{kind: 'd', d: v}
}

// text is the value in string operations: null is the empty string.
func (v value) text() string {
	switch v.kind {
	case 's':
		return v.s
	case 'f':
		return strconv.FormatFloat(v.f, 'f', -1, 64)
	case 'b':
		return strconv.FormatBool(v.b)
	case 'd':
		b, _ := json.Marshal(v.d)
		return string(b)
	}
	return ""
}

// number reads the value as a number.
func (v value) number() (float64, bool) {
	switch v.kind {
	case 'f':
		return v.f, true
	case 's':
		f, err := strconv.ParseFloat(v.s, 64)
		return f, err == nil && strings.TrimSpace(v.s) == v.s
	}
	return 0, false
}

func (v value) truth() bool { return v.kind == 'b' && v.b }

type row map[string]value

type expr interface {
	eval(r row) value
}

type (
	eCol  struct{ name string }
	eAny  struct{} // *: any column
	eLit  struct{ v value }
	eProp struct {
		x    expr
		name string
	}
	eBin struct {
		op   string
		l, r expr
		re   *regexp.Regexp // matches regex with a literal pattern
	}
	eIn struct {
		op   string // in, in~, !in, !in~
		x    expr
		list []expr
	}
	eCall struct {
		name string
		args []expr
	}
)

func (e eCol) eval(r row) value {
	if v, ok := r[e.name]; ok {
		return v
	}
	return null
}

func (eAny) eval(row) value   { return null }
func (e eLit) eval(row) value { return e.v }

func (e eProp) eval(r row) value {
	v := e.x.eval(r)
	m, ok := v.d.(map[string]any)
	if v.kind != 'd' || !ok {
		return null
	}
	return fromEvent(m[e.name])
}

func (e *eBin) eval(r row) value {
	switch e.op {
	case "and", "or":
		// Kleene logic: a null operand decides nothing.
		decide := e.op == "or"
		l, rv := e.l.eval(r), e.r.eval(r)
		if (l.kind == 'b' && l.b == decide) || (rv.kind == 'b' && rv.b == decide) {
			return boolean(decide)
		}
		if l.kind != 'b' || rv.kind != 'b' {
			return null
		}
		return boolean(!decide)
	}
	if _, ok := e.l.(eAny); ok {
		// * OP value: true when any column satisfies it.
		rv := e.r.eval(r)
		for _, v := range r {
			if e.apply(v, rv).truth() {
				return boolean(true)
			}
		}
		return boolean(false)
	}
	return e.apply(e.l.eval(r), e.r.eval(r))
}

func (e *eBin) apply(l, rv value) value {
	neg := strings.HasPrefix(e.op, "!") && e.op != "!=" && e.op != "!~"
	op := strings.TrimPrefix(e.op, "!")
	if e.op == "!=" || e.op == "!~" {
		op = e.op
	}
	var res bool
	switch op {
	case "==", "!=", "<", "<=", ">", ">=":
		if l.kind == 'n' || rv.kind == 'n' {
			if l.kind != 's' && rv.kind != 's' {
				// == and != with one null operand are false and true; two nulls
				// and ordering comparisons give null.
				if l.kind == rv.kind || (op != "==" && op != "!=") {
					return null
				}
				return boolean(op == "!=")
			}
			// a string column's null is the empty string
			if l.kind == 'n' {
				l = str("")
			} else {
				rv = str("")
			}
		}
		a, ok1 := l.number()
		b, ok2 := rv.number()
		var c int
		if ok1 && ok2 && (l.kind != 's' || rv.kind != 's') {
			c = cmpFloat(a, b)
		} else {
			c = strings.Compare(l.text(), rv.text())
		}
		switch op {
		case "==":
			res = c == 0
		case "!=":
			res = c != 0
		case "<":
			res = c < 0
		case "<=":
			res = c <= 0
		case ">":
			res = c > 0
		case ">=":
			res = c >= 0
		}
		return boolean(res)
	case "=~":
		res = strings.EqualFold(l.text(), rv.text())
	case "!~":
		res = !strings.EqualFold(l.text(), rv.text())
	case "contains":
		res = strings.Contains(strings.ToLower(l.text()), strings.ToLower(rv.text()))
	case "contains_cs":
		res = strings.Contains(l.text(), rv.text())
	case "startswith":
		res = strings.HasPrefix(strings.ToLower(l.text()), strings.ToLower(rv.text()))
	case "startswith_cs":
		res = strings.HasPrefix(l.text(), rv.text())
	case "endswith":
		res = strings.HasSuffix(strings.ToLower(l.text()), strings.ToLower(rv.text()))
	case "endswith_cs":
		res = strings.HasSuffix(l.text(), rv.text())
	case "has":
		res = hasTerm(strings.ToLower(l.text()), strings.ToLower(rv.text()))
	case "has_cs":
		res = hasTerm(l.text(), rv.text())
	case "matches regex":
		re := e.re
		if re == nil {
			var err error
			if re, err = regexp.Compile(rv.text()); err != nil {
				return null
			}
		}
		res = re.MatchString(l.text())
	default:
		return null
	}
	if neg {
		res = !res
	}
	return boolean(res)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// hasTerm reports whether needle occurs in hay with term boundaries where the needle starts
// or ends with an alphanumeric character.
func hasTerm(hay, needle string) bool {
	if needle == "" {
		return true
	}
	for i := 0; i+len(needle) <= len(hay); i++ {
		if hay[i:i+len(needle)] != needle {
			continue
		}
		if isAlnum(needle[0]) && i > 0 && isAlnum(hay[i-1]) {
			continue
		}
		end := i + len(needle)
		if isAlnum(needle[len(needle)-1]) && end < len(hay) && isAlnum(hay[end]) {
			continue
		}
		return true
	}
	return false
}

func isAlnum(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func (e *eIn) eval(r row) value {
	x := e.x.eval(r)
	fold := strings.HasSuffix(e.op, "~")
	found := false
	for _, le := range e.list {
		v := le.eval(r)
		if v.kind == 'f' || x.kind == 'f' {
			a, ok1 := x.number()
			b, ok2 := v.number()
			if ok1 && ok2 && a == b {
				found = true
				break
			}
			continue
		}
		if (fold && strings.EqualFold(x.text(), v.text())) || (!fold && x.text() == v.text()) {
			found = true
			break
		}
	}
	if x.kind == 'n' && (e.op == "!in" || e.op == "!in~") {
		// a null number is in no list and not-in no list; a string null is ""
		if len(e.list) > 0 && e.list[0].eval(r).kind == 'f' {
			return boolean(false)
		}
	}
	if strings.HasPrefix(e.op, "!") {
		return boolean(!found)
	}
	return boolean(found)
}

func (e *eCall) eval(r row) value {
	arg := func(i int) value {
		if i < len(e.args) {
			return e.args[i].eval(r)
		}
		return null
	}
	switch e.name {
	case "not":
		v := arg(0)
		if v.kind != 'b' {
			return null
		}
		return boolean(!v.b)
	case "isempty":
		v := arg(0)
		return boolean(v.kind == 'n' || (v.kind == 's' && v.s == ""))
	case "isnotempty":
		v := arg(0)
		return boolean(!(v.kind == 'n' || (v.kind == 's' && v.s == "")))
	case "isnull":
		return boolean(arg(0).kind == 'n')
	case "isnotnull":
		return boolean(arg(0).kind != 'n')
	case "tostring":
		v := arg(0)
		if v.kind == 'n' {
			return str("")
		}
		if v.kind == 'd' {
			if s, ok := v.d.(string); ok {
				return str(s)
			}
		}
		return str(v.text())
	case "tolong", "toint", "toreal", "todouble":
		v := arg(0)
		if f, ok := v.number(); ok {
			if e.name != "toreal" && e.name != "todouble" {
				f = float64(int64(f))
			}
			return num(f)
		}
		return null
	case "tolower":
		return str(strings.ToLower(arg(0).text()))
	case "toupper":
		return str(strings.ToUpper(arg(0).text()))
	case "strcat":
		var b strings.Builder
		for i := range e.args {
			b.WriteString(arg(i).text())
		}
		return str(b.String())
	case "iff", "iif":
		if arg(0).truth() {
			return arg(1)
		}
		return arg(2)
	case "replace_regex":
		re, err := regexp.Compile(arg(1).text())
		if err != nil {
			return null
		}
		return str(re.ReplaceAllString(arg(0).text(), kustoRewrite(arg(2).text())))
	case "parse_json", "todynamic":
		v := arg(0)
		if v.kind != 's' {
			return v
		}
		var d any
		if err := json.Unmarshal([]byte(v.s), &d); err != nil {
			return str(v.s)
		}
		return fromEvent(d)
	case "tohex":
		// tohex(value[, minlength]): lower-case hexadecimal, two's complement for negatives.
		f, ok := arg(0).number()
		if !ok {
			return null
		}
		h := strconv.FormatUint(uint64(int64(f)), 16)
		if w, ok := arg(1).number(); ok {
			for len(h) < int(w) {
				h = "0" + h
			}
		}
		return str(h)
	case "datetime_part":
		t, ok := parseTime(arg(1).text())
		if !ok {
			return null
		}
		switch strings.ToLower(arg(0).text()) {
		case "year":
			return num(float64(t.Year()))
		case "month":
			return num(float64(t.Month()))
		case "day":
			return num(float64(t.Day()))
		case "hour":
			return num(float64(t.Hour()))
		case "minute":
			return num(float64(t.Minute()))
		case "week_of_year":
			_, w := t.ISOWeek()
			return num(float64(w))
		}
		return null
	case "ipv4_is_in_range", "ipv6_is_in_range":
		ip, rng := arg(0), arg(1)
		if ip.kind == 'n' || rng.kind == 'n' {
			return null
		}
		a, err := netip.ParseAddr(ip.text())
		if err != nil {
			return null
		}
		var p netip.Prefix
		if strings.Contains(rng.text(), "/") {
			p, err = netip.ParsePrefix(rng.text())
		} else {
			var b netip.Addr
			b, err = netip.ParseAddr(rng.text())
			p = netip.PrefixFrom(b, b.BitLen())
		}
		if err != nil {
			return null
		}
		if e.name == "ipv4_is_in_range" && (!a.Is4() || !p.Addr().Is4()) {
			return null
		}
		return boolean(p.Contains(a.Unmap()) || p.Contains(a))
	}
	return null
}

// kustoRewrite turns Kusto's \1 group references into Go's ${1}.
func kustoRewrite(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
			b.WriteString("${" + string(s[i+1]) + "}")
			i++
			continue
		}
		if s[i] == '$' {
			b.WriteString("$$")
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

var funcs = map[string]bool{"not": true, "isempty": true, "isnotempty": true, "isnull": true, "isnotnull": true,
	"tostring": true, "tolong": true, "toint": true, "toreal": true, "todouble": true, "tolower": true,
	"toupper": true, "strcat": true, "iff": true, "iif": true, "replace_regex": true, "parse_json": true,
	"todynamic": true, "tohex": true, "datetime_part": true, "ipv4_is_in_range": true, "ipv6_is_in_range": true}

// parseTime reads a datetime column value: RFC 3339 or "2006-01-02 15:04:05[.fff]".
func parseTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
