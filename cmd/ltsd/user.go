package main

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// ErrWrongUser is returned when root runs a command on files another user
// owns: what root created there (a new store, keys) that user could not
// open, and the packaged service runs as the ltsd user.
var ErrWrongUser = errors.New("run ltsd as the owner of its files")

// checkUser refuses, when running as root, a path that exists and belongs
// to another user, or whose directory does.
func checkUser(path string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	for _, p := range []string{path, filepath.Dir(path)} {
		st, err := os.Stat(p)
		if err != nil {
			continue
		}
		sys, ok := st.Sys().(*syscall.Stat_t)
		if !ok || sys.Uid == 0 {
			continue
		}
		name := strconv.Itoa(int(sys.Uid))
		if u, err := user.LookupId(name); err == nil {
			name = u.Username
		}
		return fmt.Errorf("%w: %s belongs to user %s, and files root made there that user could not open: run the command as %s (sudo -u %s ltsd …)",
			ErrWrongUser, p, name, name, name)
	}
	return nil
}
