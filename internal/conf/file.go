package conf

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// MaxFileBytes bounds a configuration file.
const MaxFileBytes = 1 << 20

// ReadFile reads a configuration file. Only a regular file is read: a FIFO,
// a device or a directory is refused at once instead of blocking the
// caller (a daemon reloading on SIGHUP must stay able to stop).
func ReadFile(path string) ([]byte, error) {
	// O_NONBLOCK: opening a FIFO without a writer returns at once; reading
	// a regular file is not affected.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%s)", path, fileKind(st.Mode()))
	}
	if st.Size() > MaxFileBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, MaxFileBytes)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, MaxFileBytes)
	}
	return b, nil
}

// fileKind says what a file that is not a regular file is, in words: a
// mode's type alone prints as "d---------".
func fileKind(mode fs.FileMode) string {
	switch t := mode.Type(); {
	case t&fs.ModeDir != 0:
		return "it is a directory"
	case t&fs.ModeNamedPipe != 0:
		return "it is a named pipe"
	case t&fs.ModeSocket != 0:
		return "it is a socket"
	case t&fs.ModeDevice != 0:
		return "it is a device"
	}
	return "mode " + mode.String()
}
