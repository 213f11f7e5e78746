package cli

import (
	"os"
	"runtime/debug"
)

// Garbage collector settings for batch conversion, measured on the SigmaHQ
// corpus (docs/benchmarks.md). convert releases each rule's IR once it is
// converted (driver.Options.ReleaseRules), so its live heap stays small
// (the file bytes and the converted texts, which the collector does not
// scan); check keeps every parsed rule. GOGC=200 was as fast as 400 and
// 800 for convert and peaks 10-17 MiB lower (the fresh pages a bigger heap
// touches cost system time); the 80 MiB soft limit holds the peak under
// the 100 MiB goal when the live heap is large (check, big outputs).
const (
	batchGCPercent   = 200
	batchMemoryLimit = 80 << 20
)

// tuneBatchGC applies the batch settings to this process, unless the user
// chose their own with the GOGC or GOMEMLIMIT environment variables. Only
// the short batch commands (convert, check) call it: long-running ones such
// as eval keep the runtime's defaults, since their live heap grows with the
// input and a fixed limit could make the collector run continuously.
func tuneBatchGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(batchGCPercent)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(batchMemoryLimit)
	}
}
