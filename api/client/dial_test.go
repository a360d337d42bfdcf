package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// listenTiny listens on a Unix socket with the shortest listen queue the
// kernel allows.
func listenTiny(t *testing.T, path string) net.Listener {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	ln, err := net.FileListener(f)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// A flood of connections by one client fills the daemon's listen queue,
// and connect(2) on a full Unix socket queue fails at once with EAGAIN:
// 3 of 20 `scanctl status` failed so. The client waits its turn instead.
func TestDialWaitsForAFullListenQueue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.sock")
	ln := listenTiny(t, path)
	// Fill the queue until a connection is refused with EAGAIN.
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for {
		c, err := net.Dial("unix", path)
		if errors.Is(err, syscall.EAGAIN) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
		if len(held) > 1000 {
			t.Skip("the kernel queues more connections than expected")
		}
	}
	c := New(path)
	defer c.Close()
	retrying := make(chan struct{}, 1)
	sleep := c.pause
	c.pause = func(ctx context.Context, attempt int) bool {
		select {
		case retrying <- struct{}{}:
		default:
		}
		return sleep(ctx, attempt)
	}
	done := make(chan error, 1)
	go func() { done <- c.Health(context.Background()) }()
	select {
	case <-retrying:
	case err := <-done:
		t.Fatalf("Health with the listen queue full: %v, want it to wait", err)
	}
	// The daemon catches up: its queue drains and the client gets in.
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	}))
	if err := <-done; err != nil {
		t.Errorf("Health once the queue drained: %v", err)
	}
}
