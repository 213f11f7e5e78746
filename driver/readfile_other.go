//go:build !unix

package driver

import "os"

// readOSFile reads a whole file; see readfile_unix.go for the Unix version.
func readOSFile(name string) ([]byte, error) { return os.ReadFile(name) }

// readRegularFile reads a file the directory walk reported as regular.
func readRegularFile(name string) ([]byte, error) { return os.ReadFile(name) }
