//go:build unix

package driver

import (
	"io/fs"
	"syscall"
)

// readOSFile reads a whole file with plain system calls: open, fstat, read
// until end of file, close. os.ReadFile also registers every file with the
// network poller and queries and sets its blocking mode, which doubles the
// system calls per file; over the SigmaHQ corpus (3,141 small files) those
// calls were about a tenth of the whole run's CPU time. A regular file is
// done once its size is read, without a last read to see the end (four
// calls per file instead of five). Errors are *fs.PathError values with
// the operations os.ReadFile reports.
func readOSFile(name string) ([]byte, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer syscall.Close(fd)
	size := 0
	var st syscall.Stat_t
	if syscall.Fstat(fd, &st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFREG && st.Size > 0 && st.Size < 1<<30 {
		size = int(st.Size)
	}
	// One byte more than the size, so that a file read whole is known to
	// be at its end after one read; at least 512 bytes for files whose
	// size is unknown (like os.ReadFile).
	data := make([]byte, 0, max(size+1, 512))
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := syscall.Read(fd, data[len(data):cap(data)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		if n <= 0 {
			return data, nil
		}
		data = data[:len(data)+n]
		if size > 0 && len(data) == size {
			return data, nil // the whole regular file
		}
	}
}

// readRegularFile reads a file that the directory walk reported as a
// regular file: open, read, close. A read of a regular file returns fewer
// bytes than asked only at its end, so no size is asked first (fstat) and
// no last read sees the end: three system calls per file instead of four.
// Small files, nearly all rules, are read in one call into a stack buffer
// and copied out at their size.
func readRegularFile(name string) ([]byte, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer syscall.Close(fd)
	var small [16 << 10]byte
	buf := small[:]
	n := 0
	for {
		m, err := syscall.Read(fd, buf[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		n += m
		if m == 0 || n < len(buf) {
			return append([]byte(nil), buf[:n]...), nil
		}
		buf = append(buf, make([]byte, len(buf))...)
	}
}
