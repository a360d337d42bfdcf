// Package pgtest runs a real PostgreSQL server for tests: initdb into a
// temporary directory as an unprivileged user (initdb refuses root), the
// server listening on a Unix socket in that directory only, and a fresh
// database per test. One server serves a whole test binary: the package's
// TestMain calls Main, which stops the server after the tests.
//
// The shared server runs with fsync off: tests kill processes, not
// machines, and a killed process loses nothing that reached the operating
// system. Benchmarks start a durable one of their own.
package pgtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.uber.org/goleak"
)

// superuser is the role initdb makes; databases are made by it.
const superuser = "pgtest"

// startTimeout bounds initdb and every start of the server.
const startTimeout = 2 * time.Minute

// The servers of the test binary, each started by the first test that asks:
// one for tests, one durable for benchmarks. Package state, because one
// server per binary is the point: Main stops them.
var (
	sharedMu sync.Mutex
	shared   = map[Options]*sharedServer{}
)

type sharedServer struct {
	s   *Server
	err error
}

// Main runs the tests, stops the servers tests started, and fails when a
// goroutine outlives the tests (goleak). Use it as
// os.Exit(pgtest.Main(m)) in TestMain.
func Main(m *testing.M) int {
	code := m.Run()
	sharedMu.Lock()
	for _, sh := range shared {
		if sh.s != nil {
			sh.s.Close()
		}
	}
	sharedMu.Unlock()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: goroutines left after the tests: %v\n", err)
			code = 1
		}
	}
	return code
}

// Shared returns the test binary's server, starting it on first use. It
// skips the test when PostgreSQL is not installed or -short is set, and
// fails it when the server does not start.
func Shared(t testing.TB) *Server { return sharedWith(t, Options{}) }

// SharedDurable is Shared for benchmarks: a server of its own with fsync
// on, so that commits cost what they cost in production.
func SharedDurable(t testing.TB) *Server { return sharedWith(t, Options{Durable: true}) }

func sharedWith(t testing.TB, o Options) *Server {
	t.Helper()
	if testing.Short() {
		t.Skip("PostgreSQL tests are skipped with -short")
	}
	sharedMu.Lock()
	defer sharedMu.Unlock()
	sh := shared[o]
	if sh == nil {
		if _, err := binDir(); err != nil {
			t.Skip(err)
		}
		sh = &sharedServer{}
		sh.s, sh.err = Start(o)
		shared[o] = sh
	}
	if sh.err != nil {
		t.Fatalf("start PostgreSQL: %v", sh.err)
	}
	return sh.s
}

// Database makes a new, empty database on the shared server and returns
// its URL.
func Database(t testing.TB) string {
	t.Helper()
	return Shared(t).Database(t)
}

// Options adjust a server.
type Options struct {
	// Durable keeps fsync on, for benchmarks: commits wait for the disk as
	// they would in production.
	Durable bool
}

// Server is a running PostgreSQL server in a temporary directory.
type Server struct {
	dir  string // data directory and socket directory
	bin  string
	cred *syscall.Credential // nil: run as ourselves
	opts Options

	mu    sync.Mutex
	cmd   *exec.Cmd
	done  chan struct{} // closed when cmd has exited
	dbSeq atomic.Int64
}

// binDir finds the directory of Debian's PostgreSQL binaries, the newest
// version installed.
func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("PostgreSQL is not installed (Debian: apt-get install postgresql; make test installs it)")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// Start initializes a new cluster in a temporary directory and starts it.
// As root it runs PostgreSQL as the "postgres" user (or "nobody").
func Start(o Options) (*Server, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, bin: bin, opts: o}
	if os.Geteuid() == 0 {
		cred, err := unprivileged()
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		s.cred = cred
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	initdb := s.command(ctx, "initdb", "-D", s.dataDir(), "-U", superuser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	if err := s.Restart(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// unprivileged returns the credentials to run PostgreSQL with as root.
func unprivileged() (*syscall.Credential, error) {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")
}

func (s *Server) dataDir() string { return filepath.Join(s.dir, "data") }

func (s *Server) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(s.bin, name), args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	return cmd
}

// Restart starts the server, or starts it again after Crash. It returns
// once the server accepts connections.
func (s *Server) Restart() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("pgtest: server is running")
	}
	args := []string{"-D", s.dataDir(), "-k", s.dir, "-c", "listen_addresses=",
		"-c", "max_connections=300", "-c", "shared_buffers=64MB", "-c", "unix_socket_permissions=0777",
		"-c", "log_min_error_statement=panic"}
	if !s.opts.Durable {
		args = append(args, "-c", "fsync=off", "-c", "full_page_writes=off")
	}
	cmd := s.command(context.Background(), "postgres", args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	done := make(chan struct{})
	ready := make(chan struct{})
	var tail strings.Builder // written until ready or done, read after
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "ready to accept connections") {
				close(ready)
				break
			}
			if tail.Len() < 4096 {
				tail.WriteString(sc.Text() + "\n")
			}
		}
		io.Copy(io.Discard, stderr)
		cmd.Wait()
		close(done)
	}()
	select {
	case <-ready:
	case <-done:
		return fmt.Errorf("postgres exited while starting: %s", tail.String())
	case <-time.After(startTimeout):
		cmd.Process.Kill()
		<-done
		return fmt.Errorf("postgres did not start within %v: %s", startTimeout, tail.String())
	}
	s.cmd, s.done = cmd, done
	return nil
}

// Crash stops the server the hard way (SIGQUIT: immediate shutdown, crash
// recovery at the next start), as a killed server would leave its files.
func (s *Server) Crash() { s.stop(syscall.SIGQUIT) }

// Close stops the server and removes its directory.
func (s *Server) Close() {
	s.stop(syscall.SIGINT)
	os.RemoveAll(s.dir)
}

func (s *Server) stop(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(sig)
	select {
	case <-s.done:
	case <-time.After(startTimeout):
		s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

func (s *Server) url(db string) string {
	q := url.Values{"host": {s.dir}, "user": {superuser}, "sslmode": {"disable"}}
	return "postgres:///" + db + "?" + q.Encode()
}

// Database makes a new, empty database and returns its URL.
func (s *Server) Database(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("t%d_%d", os.Getpid(), s.dbSeq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.url("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	return s.url(name)
}

// CPU returns the processor time the server's processes have used so far
// (the postmaster and its children: backends, writers), read from /proc.
// Benchmarks count it beside their own, since PostgreSQL does the store's
// work in other processes.
func (s *Server) CPU() time.Duration {
	s.mu.Lock()
	cmd := s.cmd
	s.mu.Unlock()
	if cmd == nil {
		return 0
	}
	root := cmd.Process.Pid
	var ticks int64
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range procs {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid … utime(14) stime(15): comm may hold spaces.
		rest := string(data)
		if i := strings.LastIndexByte(rest, ')'); i >= 0 {
			rest = rest[i+1:]
		}
		f := strings.Fields(rest)
		if len(f) < 13 {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		ppid, _ := strconv.Atoi(f[1])
		if pid != root && ppid != root {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + st
	}
	return time.Duration(ticks) * time.Second / 100 // USER_HZ is 100 on Linux
}

// CPUMeter measures the processor time of this process and of a
// PostgreSQL server, if any: the machine's work per operation, whatever
// else runs on it (a busy machine changes wall time, not this).
type CPUMeter struct {
	pg             *Server // nil: this process alone
	start, pgStart time.Duration
}

// NewCPUMeter returns a meter of this process and of pg (nil: none),
// started now.
func NewCPUMeter(pg *Server) *CPUMeter {
	m := &CPUMeter{pg: pg}
	m.Reset()
	return m
}

func (m *CPUMeter) now() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	t := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	if m.pg != nil {
		t += m.pg.CPU()
	}
	return t
}

// Reset starts the measurement again.
func (m *CPUMeter) Reset() {
	m.start = m.now()
	if m.pg != nil {
		m.pgStart = m.pg.CPU()
	}
}

// Report adds the CPU per operation since Reset (b.N operations), the
// server's part of it, and the operations per second two cores could do
// at that cost.
func (m *CPUMeter) Report(b *testing.B, unit string) {
	per := (m.now() - m.start) / time.Duration(b.N)
	b.ReportMetric(float64(per.Microseconds()), "cpu-µs/"+unit)
	if m.pg != nil {
		b.ReportMetric(float64(((m.pg.CPU() - m.pgStart) / time.Duration(b.N)).Microseconds()), "pg-cpu-µs/"+unit)
	}
	if per > 0 {
		b.ReportMetric(2*float64(time.Second)/float64(per), unit+"s/s@2cores")
	}
}
