package correlate

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sigconv/sigconv/eval"
)

// DefaultTimestampFields returns the event fields tried, in order, for the
// event time when no timestamp field is configured: ECS and generic JSON,
// Windows events after winevt flattening (System.TimeCreated's SystemTime
// attribute) and unflattened, Sysmon's UtcTime, NXLog's EventTime, Azure's
// TimeGenerated and Splunk's _time.
func DefaultTimestampFields() []string {
	return []string{
		"@timestamp",
		"timestamp",
		"TimeCreated_SystemTime",
		"TimeCreated",
		"Event.System.TimeCreated.#attributes.SystemTime",
		"System.TimeCreated.SystemTime",
		"UtcTime",
		"EventTime",
		"TimeGenerated",
		"Timestamp",
		"_time",
		"time",
	}
}

// timeLayouts are the textual time formats accepted, tried in order. A
// layout without a zone is read as UTC.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006/01/02 15:04:05.999999999",
	time.RFC1123Z,
	time.RFC1123,
}

// eventTime returns the time of ev from the first field of fields that
// holds a parsable time.
func eventTime(ev *eval.Event, fields []string) (time.Time, bool) {
	for _, name := range fields {
		f := ev.Value(name)
		if f == nil {
			continue
		}
		if t, ok := ParseTime(*f); ok {
			return t, true
		}
	}
	return time.Time{}, false
}

// ParseTime reads an event value as a time: RFC 3339 (with or without
// fraction and zone), "2006-01-02 15:04:05.000" (UTC when no zone is
// given), or a number of seconds since the Unix epoch (milliseconds when
// the number is above 1e11, i.e. after the year 5138 in seconds).
func ParseTime(f eval.Field) (time.Time, bool) {
	switch f.Kind {
	case eval.KindNumber:
		return epoch(f.Num)
	case eval.KindString:
	default:
		return time.Time{}, false
	}
	s := strings.TrimSpace(f.Text)
	if s == "" {
		return time.Time{}, false
	}
	if s[0] >= '0' && s[0] <= '9' && !strings.ContainsAny(s, "-/:") {
		if n, err := strconv.ParseFloat(s, 64); err == nil {
			return epoch(n)
		}
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func epoch(n float64) (time.Time, bool) {
	if math.IsNaN(n) || math.IsInf(n, 0) || n < 0 {
		return time.Time{}, false
	}
	if n > 1e11 {
		ms := math.Round(n * 1000) // microseconds, keeping the text's precision
		return time.UnixMicro(int64(ms)).UTC(), true
	}
	sec, frac := math.Modf(n)
	return time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC(), true
}
