package elastic

import (
	"testing"

	"github.com/sigconv/sigconv/backends"
	"github.com/sigconv/sigconv/pipeline"
)

// BenchmarkConvert converts one typical process_creation rule with each
// language.
func BenchmarkConvert(b *testing.B) {
	src := detection("    sel:\n        Image|endswith: ['\\cmd.exe', '\\powershell.exe']\n        CommandLine|contains|all: [' -enc ', 'http']\n    filter:\n        ParentImage|startswith: 'C:\\Program Files\\'\n    condition: sel and not filter\n")
	t := &testing.T{}
	r := parseRule(t, src)
	p, err := pipeline.Builtin("ecs_windows")
	if err != nil {
		b.Fatal(err)
	}
	res, err := pipeline.NewChain(p).Apply(r)
	if err != nil {
		b.Fatal(err)
	}
	for _, be := range []*Backend{NewLucene(), NewDSL(), NewESQL(), NewEQL()} {
		b.Run(be.Name(), func(b *testing.B) {
			in := &backends.Input{Processed: res, Format: "default"}
			for i := 0; i < b.N; i++ {
				if _, err := be.Convert(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
