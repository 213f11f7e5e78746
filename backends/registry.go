package backends

import (
	"fmt"
	"sort"
)

// Registry maps target names to backends. Build one explicitly (see
// package registry for the default set); there is no global registry.
type Registry struct {
	byName map[string]Backend
	// aliases maps extra -t names (e.g. "spl") to canonical names.
	aliases map[string]string
}

// NewRegistry returns a registry holding the given backends.
func NewRegistry(bs ...Backend) *Registry {
	r := &Registry{byName: map[string]Backend{}, aliases: map[string]string{}}
	for _, b := range bs {
		r.Add(b)
	}
	return r
}

// Add registers b under its name; it panics on a duplicate name, which is a
// programming error.
func (r *Registry) Add(b Backend) {
	if _, dup := r.byName[b.Name()]; dup {
		panic("backends: duplicate backend " + b.Name())
	}
	r.byName[b.Name()] = b
}

// Alias makes alias another name for the backend called name.
func (r *Registry) Alias(alias, name string) { r.aliases[alias] = name }

// Lookup returns the backend for a -t name or alias.
func (r *Registry) Lookup(name string) (Backend, error) {
	if canon, ok := r.aliases[name]; ok {
		name = canon
	}
	if b, ok := r.byName[name]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("unknown target %q (known: %v)", name, r.Names())
}

// Names returns the registered target names, sorted.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.byName))
	for n := range r.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Backends returns the registered backends sorted by name.
func (r *Registry) Backends() []Backend {
	out := make([]Backend, 0, len(r.byName))
	for _, n := range r.Names() {
		out = append(out, r.byName[n])
	}
	return out
}

// FindFormat returns the named format of b; "" selects the default.
func FindFormat(b Backend, name string) (Format, error) {
	fs := b.Formats()
	if name == "" && len(fs) > 0 {
		return fs[0], nil
	}
	for _, f := range fs {
		if f.Name == name {
			return f, nil
		}
	}
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return Format{}, fmt.Errorf("target %s has no format %q (formats: %v)", b.Name(), name, names)
}
