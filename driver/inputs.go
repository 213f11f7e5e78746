package driver

import (
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sigconv/sigconv/ir"
)

// StdinName is the path that means standard input, and the file name that
// positions in rules read from standard input carry.
const StdinName = "-"

// input is one file to read.
type input struct {
	path   string // as given or found under a directory
	rel    string // path relative to the argument it was found under
	filter bool   // given with --filter: may hold only filter documents
	err    error  // the argument could not be walked, or nil
	// regular is true when the directory walk reported a regular file,
	// which is then read without asking its size (see readOSFile).
	regular bool
}

// collect expands the command-line paths into files: a directory is walked
// recursively for *.yml and *.yaml files in lexical order, skipping
// directories whose names start with "." (such as .git and .github, whose
// YAML files are not rules) and NAME.tests.yml test-event files; a file is
// taken as is whatever its extension;
// "-" is standard input. A path that cannot be read becomes an input
// carrying the error, so that it is reported in order with the others.
func (d *Driver) collect(paths []string, filter bool) []input {
	var out []input
	for _, p := range paths {
		if p == StdinName {
			out = append(out, input{path: StdinName, rel: "stdin.yml", filter: filter})
			continue
		}
		info, err := d.stat(p)
		if err != nil {
			out = append(out, input{path: p, rel: d.base(p), filter: filter, err: err})
			continue
		}
		if !info.IsDir() {
			out = append(out, input{path: p, rel: d.base(p), filter: filter})
			continue
		}
		var found []input
		err = d.walk(p, func(file string, de fs.DirEntry) error {
			if de.IsDir() {
				if file != p && strings.HasPrefix(de.Name(), ".") {
					return fs.SkipDir
				}
				return nil
			}
			if ext := strings.ToLower(path.Ext(de.Name())); ext != ".yml" && ext != ".yaml" || isTestsFile(de.Name()) {
				return nil
			}
			found = append(found, input{path: file, rel: d.rel(p, file), filter: filter, regular: de.Type().IsRegular()})
			return nil
		})
		if err != nil {
			found = append(found, input{path: p, rel: d.base(p), filter: filter, err: err})
		}
		sort.SliceStable(found, func(i, j int) bool { return found[i].path < found[j].path })
		out = append(out, found...)
	}
	return out
}

// isTestsFile reports whether name is a rule's test-event file
// (NAME.tests.yml, read by sigconv test), which is not a rule.
func isTestsFile(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".tests.yml") || strings.HasSuffix(n, ".tests.yaml")
}

// read returns the contents of an input.
func (d *Driver) read(in input) ([]byte, error) {
	if in.err != nil {
		return nil, in.err
	}
	if in.path == StdinName {
		if d.opts.Stdin == nil {
			return nil, nil
		}
		return io.ReadAll(d.opts.Stdin)
	}
	if in.regular && d.opts.FS == nil {
		return readRegularFile(in.path)
	}
	return d.readFile(in.path)
}

// The file-system helpers use Options.FS when set (slash-separated paths)
// and the operating system otherwise.

func (d *Driver) readFile(name string) ([]byte, error) {
	if d.opts.FS != nil {
		return fs.ReadFile(d.opts.FS, name)
	}
	return readOSFile(name)
}

func (d *Driver) stat(name string) (fs.FileInfo, error) {
	if d.opts.FS != nil {
		return fs.Stat(d.opts.FS, path.Clean(name))
	}
	return os.Stat(name)
}

func (d *Driver) walk(root string, fn func(string, fs.DirEntry) error) error {
	visit := func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return fn(p, de)
	}
	if d.opts.FS != nil {
		return fs.WalkDir(d.opts.FS, path.Clean(root), visit)
	}
	return filepath.WalkDir(root, visit)
}

func (d *Driver) base(p string) string {
	if d.opts.FS != nil {
		return path.Base(p)
	}
	return filepath.ToSlash(filepath.Base(p))
}

func (d *Driver) rel(root, file string) string {
	if d.opts.FS != nil {
		return strings.TrimPrefix(file, path.Clean(root)+"/")
	}
	r, err := filepath.Rel(root, file)
	if err != nil {
		return filepath.ToSlash(filepath.Base(file))
	}
	return filepath.ToSlash(r)
}

// ioError turns a read error into the failed result of a whole file.
func ioError(in input, err error) ir.ErrorList {
	return ir.ErrorList{{Pos: ir.Pos{File: in.path}, Code: ir.CodeIO, Msg: ioMessage(err), Err: err}}
}

// ioMessage strips the path that *fs.PathError repeats, since the position
// already names the file.
func ioMessage(err error) string {
	var pe *fs.PathError
	if e, ok := err.(*fs.PathError); ok {
		pe = e
		return "cannot " + pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}
