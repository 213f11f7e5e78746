package pipeline

import (
	"embed"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"
)

// builtinFS holds the built-in pipelines, one YAML file per pipeline; the
// file name without .yml is the pipeline's name for -p.
//
//go:embed builtin/*.yml
var builtinFS embed.FS

// Info names and describes one built-in pipeline.
type Info struct {
	Name        string // name for -p, the embedded file name without .yml
	Description string // the file's description: key
	Priority    int    // the file's priority
}

// Builtin loads the built-in pipeline of the given name.
func Builtin(name string) (*Pipeline, error) {
	src, err := builtinFS.ReadFile("builtin/" + name + ".yml")
	if err != nil {
		return nil, fmt.Errorf("unknown pipeline %q (built-in pipelines: %s)", name, strings.Join(builtinNames(), ", "))
	}
	return Load("builtin/"+name+".yml", src)
}

// IsBuiltin reports whether name is a built-in pipeline, without loading
// it.
func IsBuiltin(name string) bool {
	_, err := builtinFS.ReadFile("builtin/" + name + ".yml")
	return err == nil && name != "" && !strings.ContainsAny(name, `/\`)
}

func builtinNames() []string {
	ents, _ := builtinFS.ReadDir("builtin")
	var names []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".yml") {
			names = append(names, strings.TrimSuffix(e.Name(), ".yml"))
		}
	}
	sort.Strings(names)
	return names
}

// Builtins lists every built-in pipeline, sorted by name. A built-in file
// that fails to load is listed with its error as description, so that a
// broken file is visible rather than hidden.
func Builtins() []Info {
	var out []Info
	for _, n := range builtinNames() {
		p, err := Builtin(n)
		if err != nil {
			out = append(out, Info{Name: n, Description: "(does not load: " + err.Error() + ")"})
			continue
		}
		out = append(out, Info{Name: n, Description: p.Description, Priority: p.Priority})
	}
	return out
}

// Resolve loads a pipeline given to -p: a built-in name, or else the path
// of a YAML file. A name that is neither is an error listing the
// built-ins.
func Resolve(nameOrPath string) (*Pipeline, error) {
	if path.Ext(nameOrPath) == "" && IsBuiltin(nameOrPath) {
		return Builtin(nameOrPath)
	}
	src, err := os.ReadFile(nameOrPath)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("pipeline %q is neither a built-in pipeline (%s) nor a file", nameOrPath, strings.Join(builtinNames(), ", "))
		}
		return nil, err
	}
	return Load(nameOrPath, src)
}
