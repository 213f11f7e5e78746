package es

import "testing"

// FuzzCompileRegexp checks that any Lucene RegExp either compiles or is rejected, without
// panicking, and that a compiled one can run.
func FuzzCompileRegexp(f *testing.F) {
	for _, s := range []string{`.*[Cc][Mm][Dd]\.exe`, `"a.b"@#`, `[^\]a-z]{2,}|x?`, `(a|)+`, `\d\W`, `a{1000}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		re, err := CompileRegexp(s, true)
		if err == nil {
			re.MatchString(s)
		}
		CompileWildcard(s, true, true).MatchString(s)
	})
}
