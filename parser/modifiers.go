package parser

import (
	"fmt"

	"github.com/sigconv/sigconv/ir"
)

// modClass groups modifiers that follow the same combination rules.
type modClass uint16

const (
	clsStrOp    modClass = 1 << iota // contains, startswith, endswith
	clsRe                            // re
	clsCIDR                          // cidr
	clsExists                        // exists
	clsNum                           // lt, lte, gt, gte
	clsEnc                           // base64, base64offset, utf16le/wide, utf16be, utf16
	clsWindash                       // windash
	clsExpand                        // expand
	clsFieldRef                      // fieldref
	clsCased                         // cased
	clsAll                           // all
	clsNeq                           // neq
	clsFlag                          // re flags i, m, s
	clsTime                          // minute, hour, day, week, month, year
)

// compatible returns, for a class, the classes it may be combined with. The
// relation is symmetric; docs/parser.md shows it as a table.
func compatible(c modClass) modClass {
	switch c {
	case clsStrOp:
		return clsEnc | clsWindash | clsExpand | clsFieldRef | clsCased | clsAll | clsNeq
	case clsRe:
		return clsFlag | clsAll | clsNeq
	case clsCIDR:
		return clsAll | clsNeq
	case clsExists:
		return 0
	case clsNum:
		return clsAll | clsTime
	case clsEnc:
		return clsStrOp | clsEnc | clsWindash | clsCased | clsAll | clsNeq
	case clsWindash:
		return clsStrOp | clsEnc | clsExpand | clsCased | clsAll | clsNeq
	case clsExpand:
		return clsStrOp | clsWindash | clsCased | clsAll | clsNeq
	case clsFieldRef:
		return clsStrOp | clsCased | clsAll | clsNeq
	case clsCased:
		return clsStrOp | clsEnc | clsWindash | clsExpand | clsFieldRef | clsAll | clsNeq
	case clsAll:
		return ^(clsExists | clsAll)
	case clsNeq:
		return ^(clsNum | clsExists | clsNeq)
	case clsFlag:
		return clsRe | clsFlag | clsAll | clsNeq
	case clsTime:
		return clsNum | clsAll | clsNeq
	}
	return 0
}

// needsField are the classes that make no sense on a keyword item.
const needsField = clsExists | clsFieldRef | clsNum | clsTime | clsCIDR

// modInfo describes one modifier name.
type modInfo struct {
	canon string // canonical name (wide → utf16le, ignorecase → i, …)
	class modClass
	op    ir.Op
	enc   ir.Encoding
	time  ir.TimePart
}

// lookupModifier returns the description of a modifier name.
func lookupModifier(name string) (modInfo, bool) {
	switch name {
	case "contains":
		return modInfo{canon: name, class: clsStrOp, op: ir.OpContains}, true
	case "startswith":
		return modInfo{canon: name, class: clsStrOp, op: ir.OpStartsWith}, true
	case "endswith":
		return modInfo{canon: name, class: clsStrOp, op: ir.OpEndsWith}, true
	case "re":
		return modInfo{canon: name, class: clsRe, op: ir.OpRegex}, true
	case "cidr":
		return modInfo{canon: name, class: clsCIDR, op: ir.OpCIDR}, true
	case "exists":
		return modInfo{canon: name, class: clsExists, op: ir.OpExists}, true
	case "lt":
		return modInfo{canon: name, class: clsNum, op: ir.OpLT}, true
	case "lte":
		return modInfo{canon: name, class: clsNum, op: ir.OpLTE}, true
	case "gt":
		return modInfo{canon: name, class: clsNum, op: ir.OpGT}, true
	case "gte":
		return modInfo{canon: name, class: clsNum, op: ir.OpGTE}, true
	case "base64":
		return modInfo{canon: name, class: clsEnc, enc: ir.EncBase64}, true
	case "base64offset":
		return modInfo{canon: name, class: clsEnc, enc: ir.EncBase64Offset}, true
	case "utf16le", "wide":
		return modInfo{canon: "utf16le", class: clsEnc, enc: ir.EncUTF16LE}, true
	case "utf16be":
		return modInfo{canon: name, class: clsEnc, enc: ir.EncUTF16BE}, true
	case "utf16":
		return modInfo{canon: name, class: clsEnc, enc: ir.EncUTF16}, true
	case "windash":
		return modInfo{canon: name, class: clsWindash, enc: ir.EncWindash}, true
	case "expand":
		return modInfo{canon: name, class: clsExpand}, true
	case "fieldref":
		return modInfo{canon: name, class: clsFieldRef}, true
	case "cased":
		return modInfo{canon: name, class: clsCased}, true
	case "all":
		return modInfo{canon: name, class: clsAll}, true
	case "neq":
		return modInfo{canon: name, class: clsNeq}, true
	case "i", "ignorecase":
		return modInfo{canon: "i", class: clsFlag}, true
	case "m", "multiline":
		return modInfo{canon: "m", class: clsFlag}, true
	case "s", "dotall":
		return modInfo{canon: "s", class: clsFlag}, true
	case "minute":
		return modInfo{canon: name, class: clsTime, time: ir.TimeMinute}, true
	case "hour":
		return modInfo{canon: name, class: clsTime, time: ir.TimeHour}, true
	case "day":
		return modInfo{canon: name, class: clsTime, time: ir.TimeDay}, true
	case "week":
		return modInfo{canon: name, class: clsTime, time: ir.TimeWeek}, true
	case "month":
		return modInfo{canon: name, class: clsTime, time: ir.TimeMonth}, true
	case "year":
		return modInfo{canon: name, class: clsTime, time: ir.TimeYear}, true
	}
	return modInfo{}, false
}

// resolveModifiers validates the modifier chain of it and resolves it into
// a Match. Problems are added to errs; ok is false when there were any.
func resolveModifiers(it *ir.Item, errs *ir.ErrorList) (m ir.Match, ok bool) {
	if len(it.Modifiers) == 0 {
		return m, true
	}
	infos := make([]modInfo, len(it.Modifiers))
	before := len(*errs)
	strOp := -1 // index of contains/startswith/endswith, or -1
	for i, mod := range it.Modifiers {
		info, known := lookupModifier(mod.Name)
		if !known {
			if mod.Name == "" {
				errs.Add(mod.Pos, ir.CodeUnknownModifier, "empty modifier name in %q", itemKey(it))
			} else {
				errs.Add(mod.Pos, ir.CodeUnknownModifier, "unknown modifier %q", mod.Name)
			}
			continue
		}
		infos[i] = info
		if it.Field == "" && info.class&needsField != 0 {
			errs.Add(mod.Pos, ir.CodeInvalidModifier, "modifier %q needs a field name; it cannot be used on keywords", mod.Name)
			continue
		}
		conflict := false
		for j := 0; j < i; j++ {
			prev := infos[j]
			if prev.canon == "" {
				continue
			}
			if prev.canon == info.canon {
				errs.Add(mod.Pos, ir.CodeInvalidModifier, "duplicate modifier %q", mod.Name)
				conflict = true
				break
			}
			if compatible(info.class)&prev.class == 0 {
				errs.Add(mod.Pos, ir.CodeInvalidModifier, "modifier %q cannot be combined with %q", mod.Name, it.Modifiers[j].Name)
				conflict = true
				break
			}
		}
		if conflict {
			continue
		}
		if info.class == clsEnc && strOp >= 0 {
			errs.Add(mod.Pos, ir.CodeInvalidModifier,
				"modifier %q after %q would encode the wildcards %q adds; write %q before it",
				mod.Name, it.Modifiers[strOp].Name, it.Modifiers[strOp].Name, mod.Name)
			continue
		}
		switch info.class {
		case clsStrOp:
			strOp = i
			m.Op = info.op
		case clsRe, clsCIDR, clsExists, clsNum:
			m.Op = info.op
		case clsEnc, clsWindash:
			m.Encodings = append(m.Encodings, info.enc)
		case clsExpand:
			m.Expand = true
		case clsFieldRef:
			m.FieldRef = true
		case clsCased:
			m.Cased = true
		case clsAll:
			m.All = true
		case clsNeq:
			m.Negate = true
		case clsTime:
			m.TimePart = info.time
		case clsFlag:
			switch info.canon {
			case "i":
				m.Regex.IgnoreCase = true
			case "m":
				m.Regex.Multiline = true
			case "s":
				m.Regex.DotAll = true
			}
		}
	}
	if len(*errs) == before && (m.Regex != ir.RegexFlags{}) && m.Op != ir.OpRegex {
		for _, mod := range it.Modifiers {
			if info, _ := lookupModifier(mod.Name); info.class == clsFlag {
				errs.Add(mod.Pos, ir.CodeInvalidModifier, "modifier %q is a regular expression flag and needs re", mod.Name)
				break
			}
		}
	}
	return m, len(*errs) == before
}

// itemKey renders the key of an item as written.
func itemKey(it *ir.Item) string {
	s := it.Field
	for _, m := range it.Modifiers {
		s += "|" + m.Name
	}
	return s
}

// opName names the operation that needs a value type, for messages.
func opName(it *ir.Item) string {
	for i := len(it.Modifiers) - 1; i >= 0; i-- {
		if info, ok := lookupModifier(it.Modifiers[i].Name); ok && info.class&(clsAll|clsNeq|clsFlag) == 0 {
			return fmt.Sprintf("modifier %q", it.Modifiers[i].Name)
		}
	}
	return "the value"
}

// checkValueCount applies the rules on the number of values.
func checkValueCount(it *ir.Item, errs *ir.ErrorList) {
	if it.Match.All && len(it.Values) == 1 {
		for _, mod := range it.Modifiers {
			if mod.Name == "all" {
				errs.Add(mod.Pos, ir.CodeInvalidModifier, "modifier \"all\" needs a list of two or more values")
				return
			}
		}
	}
	if it.Match.Op == ir.OpExists && len(it.Values) > 1 {
		errs.Add(it.Pos, ir.CodeInvalidValue, "modifier \"exists\" takes a single true or false")
	}
}
