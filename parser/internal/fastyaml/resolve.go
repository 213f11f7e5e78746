package fastyaml

import (
	"strconv"
	"strings"
	"time"
)

// resolveTag returns the tag yaml.v3 (gopkg.in/yaml.v3 v3.0.1, resolve.go)
// gives a plain scalar: the first character selects which forms are tried
// (sign or digit: timestamp, integer, float; '.': float; one of
// "yYnNtTfFoO~": only the fixed words below), and everything else is a
// string.
func resolveTag(v string) string {
	if v == "" {
		return tagNull
	}
	c := v[0]
	switch {
	case c == '+' || c == '-' || (c >= '0' && c <= '9') || c == '.':
	case strings.IndexByte("yYnNtTfFoO~", c) >= 0:
	case c == '<':
		if v == "<<" {
			return tagMerge
		}
		return tagStr
	default:
		return tagStr
	}
	switch v {
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return tagBool
	case "~", "null", "Null", "NULL":
		return tagNull
	case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return tagFloat
	}
	switch {
	case c == '.':
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return tagFloat
		}
	case c == '+' || c == '-' || (c >= '0' && c <= '9'):
		return resolveNumber(v)
	}
	return tagStr
}

// resolveNumber resolves a scalar starting with a sign or a digit.
func resolveNumber(v string) string {
	if isTimestamp(v) {
		return tagTimestamp
	}
	plain := strings.ReplaceAll(v, "_", "")
	if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return tagInt
	}
	if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return tagInt
	}
	if isYAMLFloat(plain) {
		if _, err := strconv.ParseFloat(plain, 64); err == nil {
			return tagFloat
		}
	}
	var digits string
	base := 0
	switch {
	case strings.HasPrefix(plain, "0b"):
		digits, base = plain[2:], 2
	case strings.HasPrefix(plain, "-0b"):
		digits, base = "-"+plain[3:], -2
	case strings.HasPrefix(plain, "0o"):
		digits, base = plain[2:], 8
	case strings.HasPrefix(plain, "-0o"):
		digits, base = "-"+plain[3:], -8
	}
	switch base {
	case 2, 8:
		if _, err := strconv.ParseInt(digits, base, 64); err == nil {
			return tagInt
		}
		if _, err := strconv.ParseUint(digits, base, 64); err == nil {
			return tagInt
		}
	case -2, -8:
		if _, err := strconv.ParseInt(digits, -base, 64); err == nil {
			return tagInt
		}
	}
	return tagStr
}

// isYAMLFloat matches yaml.v3's float syntax
// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? without a regexp.
func isYAMLFloat(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	} else {
		if digits() == 0 {
			return false
		}
		if i < len(s) && s[i] == '.' {
			i++
			digits()
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// isTimestamp reports whether yaml.v3 resolves v as a timestamp: four
// digits, a '-', and one of its layouts.
func isTimestamp(v string) bool {
	if len(v) < 5 || v[4] != '-' {
		return false
	}
	for i := range 4 {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	// The layouts yaml.v3 tries, in its order, each with the literal
	// character between date and time (0: none). A layout cannot match a
	// value without its separator; skipping it saves time.Parse's error.
	for _, f := range [...]struct {
		layout string
		sep    byte
	}{
		{"2006-1-2T15:4:5.999999999Z07:00", 'T'},
		{"2006-1-2t15:4:5.999999999Z07:00", 't'},
		{"2006-1-2 15:4:5.999999999", ' '},
		{"2006-1-2", 0},
	} {
		if f.sep != 0 && strings.IndexByte(v, f.sep) < 0 {
			continue
		}
		if _, err := time.Parse(f.layout, v); err == nil {
			return true
		}
	}
	return false
}
