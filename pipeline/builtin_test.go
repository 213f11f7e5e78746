package pipeline

import "testing"

func TestBuiltinsLoad(t *testing.T) {
	infos := Builtins()
	if len(infos) == 0 {
		t.Fatal("no built-in pipelines")
	}
	for _, in := range infos {
		if _, err := Builtin(in.Name); err != nil {
			t.Errorf("built-in %s: %v", in.Name, err)
		}
		if in.Description == "" {
			t.Errorf("built-in %s has no description", in.Name)
		}
	}
}
