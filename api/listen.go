package api

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/coreos/go-systemd/v22/activation"
)

// SystemdListener returns the socket systemd passed to the process (socket
// activation, sd_listen_fds(3)), or nil when there is none. With several, it
// takes the one whose FileDescriptorName= is name. Call it at most once:
// it clears the LISTEN_* variables so child processes do not inherit them.
func SystemdListener(name string) (net.Listener, error) {
	byName, err := activation.ListenersWithNames()
	if err != nil {
		return nil, fmt.Errorf("systemd socket activation: %w", err)
	}
	var all []net.Listener
	var picked net.Listener
	for n, lns := range byName {
		for _, ln := range lns {
			if ln == nil {
				continue // not a stream socket
			}
			all = append(all, ln)
			if n == name && picked == nil {
				picked = ln
			}
		}
	}
	if picked == nil && len(all) == 1 {
		picked = all[0]
	}
	for _, ln := range all {
		if ln != picked {
			ln.Close()
		}
	}
	if picked == nil && len(all) > 0 {
		return nil, fmt.Errorf("systemd socket activation: %d sockets passed and none is named %q", len(all), name)
	}
	if picked != nil {
		if _, ok := picked.(*net.UnixListener); !ok {
			picked.Close()
			return nil, fmt.Errorf("systemd socket activation: socket %q is not a Unix stream socket", name)
		}
	}
	return picked, nil
}

// ownedSocket is a socket file the server created and removes on Close,
// unless something else has replaced it by then.
type ownedSocket struct {
	path string
	info fs.FileInfo
}

// listenUnix creates the socket at cfg.Socket with its mode and group.
// It binds under a temporary name and renames it into place once its
// permissions are set, so the path never exists with looser ones. An
// existing socket is removed only when nothing answers on it; a path that
// is not a socket is never touched.
func listenUnix(cfg Config, note func(msg string, args ...any)) (*net.UnixListener, *ownedSocket, error) {
	path := cfg.Socket
	mode, err := cfg.socketMode()
	if err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, fmt.Errorf("socket directory: %w", err)
	}
	if err := removeStale(path); err != nil {
		return nil, nil, err
	}
	gid := -1
	if cfg.SocketGroup != NoGroup {
		if g, err := user.LookupGroup(cfg.SocketGroup); err != nil {
			note("socket group not found; the socket keeps the daemon's group", "group", cfg.SocketGroup)
		} else if id, err := strconv.Atoi(g.Gid); err == nil {
			gid = id
		}
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	os.Remove(tmp) // a leftover of this pid is ours
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return nil, nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	ln.SetUnlinkOnClose(false)
	fail := func(err error) (*net.UnixListener, *ownedSocket, error) {
		ln.Close()
		os.Remove(tmp)
		return nil, nil, err
	}
	if err := os.Chmod(tmp, fs.FileMode(mode)); err != nil {
		return fail(fmt.Errorf("socket mode: %w", err))
	}
	if gid >= 0 {
		if err := os.Lchown(tmp, -1, gid); err != nil {
			return fail(fmt.Errorf("socket group %s: %w", cfg.SocketGroup, err))
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return fail(fmt.Errorf("socket path: %w", err))
	}
	info, err := os.Lstat(path)
	if err != nil {
		return fail(fmt.Errorf("socket path: %w", err))
	}
	return ln, &ownedSocket{path: path, info: info}, nil
}

// removeStale clears the way for a new socket at path.
func removeStale(path string) error {
	info, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("socket path: %w", err)
	}
	if info.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("%w: %s (%v)", ErrNotSocket, path, info.Mode().Type())
	}
	c, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		c.Close()
		return fmt.Errorf("%w: %s", ErrSocketInUse, path)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) && !errors.Is(err, fs.ErrNotExist) {
		// EACCES and the like: we cannot tell whether it is alive.
		return fmt.Errorf("probe socket %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove stale socket: %w", err)
	}
	return nil
}

// remove deletes the socket file if it is still the one created.
func (o *ownedSocket) remove() {
	if o == nil {
		return
	}
	if info, err := os.Lstat(o.path); err == nil && os.SameFile(info, o.info) {
		os.Remove(o.path)
	}
}
