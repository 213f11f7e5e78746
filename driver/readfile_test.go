package driver

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestReadFiles reads files of sizes around the one-read buffer with both
// readers and compares them with os.ReadFile; missing files give errors.
func TestReadFiles(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 1, 4095, 16 << 10, 16<<10 + 1, 40000, 1 << 20} {
		name := filepath.Join(dir, "f.yml")
		want := bytes.Repeat([]byte("x: 1\n"), size/5+1)[:size]
		if err := os.WriteFile(name, want, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, read := range []func(string) ([]byte, error){readOSFile, readRegularFile} {
			got, err := read(name)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("size %d: got %d bytes, %v; want %d bytes", size, len(got), err, size)
			}
		}
	}
	for _, read := range []func(string) ([]byte, error){readOSFile, readRegularFile} {
		if _, err := read(filepath.Join(dir, "missing.yml")); err == nil {
			t.Error("a missing file read without error")
		}
	}
}
