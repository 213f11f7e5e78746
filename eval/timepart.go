package eval

import (
	"time"

	"github.com/sigconv/sigconv/ir"
)

// timeLayouts are the timestamp formats accepted by time-part modifiers:
// RFC 3339 (with or without fraction and zone) and the space-separated form
// Sysmon writes in UtcTime ("2024-05-27 10:11:12.123"). Times without a
// zone are taken as UTC.
var timeLayouts = [...]string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

// parseTime reads a timestamp from a string (see timeLayouts) or a number
// of seconds (or milliseconds, when larger than 1e11) since the Unix epoch.
func parseTime(f *Field) (time.Time, bool) {
	switch f.Kind {
	case KindNumber:
		if f.Num > 1e11 {
			return time.UnixMilli(int64(f.Num)).UTC(), true
		}
		return time.Unix(int64(f.Num), 0).UTC(), true
	case KindString:
		for _, l := range timeLayouts {
			if t, err := time.Parse(l, f.Text); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// timePart extracts a part in the time's own zone (no conversion, as the
// specification asks).
func timePart(t time.Time, p ir.TimePart) int {
	switch p {
	case ir.TimeMinute:
		return t.Minute()
	case ir.TimeHour:
		return t.Hour()
	case ir.TimeDay:
		return t.Day()
	case ir.TimeWeek:
		_, w := t.ISOWeek()
		return w
	case ir.TimeMonth:
		return int(t.Month())
	case ir.TimeYear:
		return t.Year()
	}
	return 0
}
