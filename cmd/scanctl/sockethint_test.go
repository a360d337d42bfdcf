package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/scannerd/scannerd/api/client"
)

// TestSocketRefusalNamesTheGroup: a socket that refuses the user's
// connection is reported with the group it admits and what to do, read
// from the socket, or from its directory when that hides the socket.
func TestSocketRefusalNamesTheGroup(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "scannerd.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	g, err := user.LookupGroupId(strconv.Itoa(os.Getgid()))
	if err != nil {
		t.Skipf("this process's group has no name: %v", err)
	}
	// The client's error when connect(2) says EACCES, as it does for a user
	// outside the socket's group.
	refused := func(path string) error {
		op := &net.OpError{Op: "dial", Net: "unix", Addr: &net.UnixAddr{Name: path, Net: "unix"},
			Err: os.NewSyscallError("connect", syscall.EACCES)}
		return fmt.Errorf("%w at %s: %w", client.ErrUnreachable, path, op)
	}
	for _, path := range []string{sock, filepath.Join(dir, "hidden.sock")} {
		var stderr bytes.Buffer
		m := &Main{Stderr: &stderr}
		if code := m.fail("status", refused(path)); code != exitRefused {
			t.Errorf("%s: exit %d, want %d", path, code, exitRefused)
		}
		want := "the socket admits the group " + g.Name + ": sudo usermod -aG " + g.Name + " $USER"
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("%s: %q does not say %q", path, stderr.String(), want)
		}
	}
}
