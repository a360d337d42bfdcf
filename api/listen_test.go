package api_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/client"
)

func newServer(t *testing.T, socket string) *api.Server {
	t.Helper()
	srv, err := api.NewServer(api.Config{Socket: socket, SocketGroup: api.NoGroup, AdminGroup: api.NoGroup},
		newDaemon(t), nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func TestSocketFile(t *testing.T) {
	t.Run("created with its mode and removed on close", func(t *testing.T) {
		sock := filepath.Join(t.TempDir(), "run", "scannerd.sock")
		srv := newServer(t, sock)
		if err := srv.Listen(nil); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Lstat(sock)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != 0o660 {
			t.Errorf("socket mode %v, want a socket with 0660", fi.Mode())
		}
		srv.Close()
		if _, err := os.Lstat(sock); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("socket left after Close: %v", err)
		}
		if err := srv.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	})
	t.Run("stale socket replaced", func(t *testing.T) {
		sock := filepath.Join(t.TempDir(), "scannerd.sock")
		ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
		if err != nil {
			t.Fatal(err)
		}
		ln.SetUnlinkOnClose(false)
		ln.Close() // a crashed daemon's socket: the file stays, nobody answers
		srv := newServer(t, sock)
		if err := srv.Listen(nil); err != nil {
			t.Fatalf("stale socket not replaced: %v", err)
		}
		go srv.Serve(context.Background())
		if err := client.New(sock).Health(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("live socket kept", func(t *testing.T) {
		sock := filepath.Join(t.TempDir(), "scannerd.sock")
		first := newServer(t, sock)
		if err := first.Listen(nil); err != nil {
			t.Fatal(err)
		}
		second := newServer(t, sock)
		if err := second.Listen(nil); !errors.Is(err, api.ErrSocketInUse) {
			t.Fatalf("second server on a live socket: %v", err)
		}
		second.Close()
		if _, err := os.Lstat(sock); err != nil {
			t.Errorf("the refused server removed the live socket: %v", err)
		}
	})
	t.Run("not a socket never removed", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "scannerd.sock")
		if err := os.WriteFile(path, []byte("precious"), 0o600); err != nil {
			t.Fatal(err)
		}
		srv := newServer(t, path)
		if err := srv.Listen(nil); !errors.Is(err, api.ErrNotSocket) {
			t.Fatalf("Listen over a regular file: %v", err)
		}
		if b, err := os.ReadFile(path); err != nil || string(b) != "precious" {
			t.Errorf("file touched: %q %v", b, err)
		}
	})
	t.Run("given listener", func(t *testing.T) {
		sock := filepath.Join(t.TempDir(), "activated.sock")
		ln, err := net.Listen("unix", sock)
		if err != nil {
			t.Fatal(err)
		}
		srv := newServer(t, filepath.Join(t.TempDir(), "unused.sock"))
		if err := srv.Listen(ln); err != nil {
			t.Fatal(err)
		}
		go srv.Serve(context.Background())
		if err := client.New(sock).Health(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// The activation helper is this test binary started the way systemd
// starts a socket-activated service: the listening socket as fd 3 and
// LISTEN_FDS set. It serves one health request and exits.
const activationHelperEnv = "SCANNERD_API_ACTIVATION_HELPER"

func activationHelper() int {
	// systemd sets LISTEN_PID to the service's pid after forking; the
	// helper does that step itself.
	os.Setenv("LISTEN_PID", strconv.Itoa(os.Getpid()))
	ln, err := api.SystemdListener("scannerd.socket")
	if err != nil || ln == nil {
		os.Stdout.WriteString("no listener: " + errString(err))
		return 1
	}
	if os.Getenv("LISTEN_FDS") != "" {
		os.Stdout.WriteString("LISTEN_FDS left in the environment")
		return 1
	}
	srv, err := api.NewServer(api.Config{Socket: "/nonexistent/unused.sock", SocketGroup: api.NoGroup, AdminGroup: api.NoGroup},
		&daemon{}, nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err == nil {
		err = srv.Listen(ln)
	}
	if err != nil {
		os.Stdout.WriteString(err.Error())
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		io.ReadAll(os.Stdin) // the test closes stdin to stop the helper
		cancel()
	}()
	os.Stdout.WriteString("serving\n")
	if err := srv.Serve(ctx); err != nil {
		return 1
	}
	return 0
}

func errString(err error) string {
	if err == nil {
		return "none passed"
	}
	return err.Error()
}

func TestSystemdSocketActivation(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "scannerd.sock")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f, err := ln.File()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = []string{activationHelperEnv + "=1", "LISTEN_FDS=1", "LISTEN_FDNAMES=scannerd.socket"}
	cmd.ExtraFiles = []*os.File{f} // fd 3
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line := make([]byte, 8)
	if _, err := io.ReadFull(stdout, line); err != nil || string(line) != "serving\n" {
		rest, _ := io.ReadAll(stdout)
		cmd.Wait()
		t.Fatalf("helper: %q%s %v", line, rest, err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close() // only the helper's copy listens now
	err = client.New(sock).Health(context.Background())
	stdin.Close()
	if werr := cmd.Wait(); werr != nil {
		t.Errorf("helper exit: %v", werr)
	}
	if err != nil {
		t.Fatalf("health over the activated socket: %v", err)
	}
}

// A Close as Serve starts (a daemon stopped as it comes up) returns
// once Serve's goroutines are done, and Serve returns: the goroutines
// Close waits for are counted before Close can wait (under -race, an
// Add from zero after Close began to wait is a race the detector names).
func TestCloseAsServeStarts(t *testing.T) {
	for i := range 40 {
		srv := newServer(t, filepath.Join(t.TempDir(), "s"+strconv.Itoa(i)+".sock"))
		if err := srv.Listen(nil); err != nil {
			t.Fatal(err)
		}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(context.Background()) }()
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
		if err := <-served; err != nil && !errors.Is(err, api.ErrServerClosed) {
			t.Fatalf("Serve after Close: %v", err)
		}
	}
}
