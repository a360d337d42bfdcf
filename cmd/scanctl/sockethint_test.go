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
	gid := os.Getgid()
	if gid == 0 {
		// Root's group gets other advice (see the test below): run as
		// root, give the socket and its directory the group nogroup.
		gid = 65534
		for _, p := range []string{sock, dir} {
			if err := os.Chown(p, -1, gid); err != nil {
				t.Skipf("chown: %v", err)
			}
		}
	}
	g, err := user.LookupGroupId(strconv.Itoa(gid))
	if err != nil {
		t.Skipf("the socket's group has no name: %v", err)
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

// TestSocketOfRootsGroupIsNotAdvisedToJoin: a socket left in root's group
// (the daemon found no scannerd group) must not lead to "usermod -aG
// root": the advice is sudo, or giving the socket a group (socket_group).
func TestSocketOfRootsGroupIsNotAdvisedToJoin(t *testing.T) {
	// A socket missing from / is reported with /'s group, root's.
	var st syscall.Stat_t
	if err := syscall.Stat("/", &st); err != nil || st.Gid != 0 {
		t.Skip("/ is not in root's group here")
	}
	path := "/scannerd-absent.sock"
	op := &net.OpError{Op: "dial", Net: "unix", Addr: &net.UnixAddr{Name: path, Net: "unix"},
		Err: os.NewSyscallError("connect", syscall.EACCES)}
	var stderr bytes.Buffer
	m := &Main{Stderr: &stderr}
	if code := m.fail("status", fmt.Errorf("%w at %s: %w", client.ErrUnreachable, path, op)); code != exitRefused {
		t.Errorf("exit %d, want %d", code, exitRefused)
	}
	got := stderr.String()
	if strings.Contains(got, "usermod") || !strings.Contains(got, "sudo") || !strings.Contains(got, "socket_group") {
		t.Errorf("%q: want sudo or socket_group, never usermod into root's group", got)
	}
}
