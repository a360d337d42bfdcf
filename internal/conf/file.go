package conf

import (
	"fmt"
	"io"
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
		return nil, fmt.Errorf("%s is not a regular file (%v)", path, st.Mode().Type())
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
