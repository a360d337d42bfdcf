package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/packaging"
	"github.com/scannerd/scannerd/scanner"
)

func TestMain(m *testing.M) {
	os.Setenv("OPENCV_LOG_LEVEL", "ERROR")
	os.Exit(m.Run())
}

// syncBuffer is a bytes.Buffer safe for the daemon's writers and the
// test's reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// writeConfig writes a daemon config with its socket in a temporary
// directory (unless body sets one).
func writeConfig(t testing.TB, body string) string {
	t.Helper()
	dir := t.TempDir()
	if !strings.Contains(body, "[api]") {
		body = fmt.Sprintf("[api]\nsocket = %q\n", filepath.Join(dir, "scannerd.sock")) + body
	}
	path := filepath.Join(dir, "scannerd.toml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startMain runs the daemon in-process on a config file.
func startMain(t *testing.T, config string) (*Main, *syncBuffer, *syncBuffer) {
	t.Helper()
	out, logs := &syncBuffer{}, &syncBuffer{}
	m := NewMain()
	m.Stdout, m.Stderr = out, logs
	if err := m.ParseFlags([]string{"-config", writeConfig(t, config), "-ndjson"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, out, logs
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func readResults(t testing.TB, ndjson string) []api.Result {
	t.Helper()
	var out []api.Result
	sc := bufio.NewScanner(strings.NewReader(ndjson))
	for sc.Scan() {
		var r api.Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("bad NDJSON line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

// notifySocket listens where the daemon sends sd_notify datagrams.
func notifySocket(t *testing.T) <-chan string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("NOTIFY_SOCKET", path)
	ch := make(chan string, 1024)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				close(ch)
				return
			}
			ch <- string(buf[:n])
		}
	}()
	t.Cleanup(func() { conn.Close() })
	return ch
}

// expect waits for a notification containing want and returns it.
func expect(t *testing.T, ch <-chan string, want string) string {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case msg := <-ch:
			if strings.Contains(msg, want) {
				return msg
			}
		case <-timeout:
			t.Fatalf("no %q notification", want)
		}
	}
}

// holdGate blocks every worker while held: a stuck decoder. entered
// says a worker is blocked in it.
type holdGate struct {
	mu      sync.Mutex
	held    chan struct{}
	entered chan struct{}
}

func (g *holdGate) hold() {
	g.mu.Lock()
	g.held, g.entered = make(chan struct{}), make(chan struct{}, 1)
	g.mu.Unlock()
}

func (g *holdGate) release() {
	g.mu.Lock()
	close(g.held)
	g.held = nil
	g.mu.Unlock()
}

func (g *holdGate) Permit(time.Time, string) (scanner.SymbologySet, error) {
	g.mu.Lock()
	ch, entered := g.held, g.entered
	g.mu.Unlock()
	if ch != nil {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-ch
	}
	return scanner.AllSymbologies(), nil
}

// manualClock is a clock that moves only when told.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// receive waits for a value from ch, failing the test after a deadline.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// TestSystemdNotify runs the daemon against a real NOTIFY_SOCKET: READY
// with a status line, watchdog pings only while the pipeline progresses,
// RELOADING/READY around reloads, STOPPING at the end. The test drives
// the watchdog's ticks and the engine's clock, so nothing waits on time.
func TestSystemdNotify(t *testing.T) {
	ch := notifySocket(t)
	gate := &holdGate{}
	clock := &manualClock{now: time.Unix(1_800_000_000, 0)}
	ticks, pinged := make(chan time.Time), make(chan bool)
	config := `
[engine]
workers = 1
stuck_after = "300ms"
[[source]]
name = "cam"
url = "demo"
fps = 30
width = 640
height = 360
`
	path := writeConfig(t, config)
	m := NewMain()
	m.Stdout, m.Stderr = &syncBuffer{}, &syncBuffer{}
	m.Clock = clock.Now
	m.gate = gate
	m.watchdog = watchdogHooks{tick: ticks, pinged: func(ok bool) { pinged <- ok }}
	m.ParseFlags([]string{"-config", path})
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	tick := func() bool {
		t.Helper()
		select {
		case ticks <- clock.Now():
		case <-time.After(30 * time.Second):
			t.Fatal("the watchdog loop does not take ticks")
		}
		return receive(t, pinged, "the watchdog's decision")
	}
	ready := expect(t, ch, "READY=1")
	if !strings.Contains(ready, "STATUS=cam") {
		t.Errorf("READY without a status line: %q", ready)
	}
	if !tick() {
		t.Fatal("no watchdog ping from a healthy pipeline")
	}
	expect(t, ch, "WATCHDOG=1")

	// A worker stuck on one frame for longer than stuck_after: pings stop.
	gate.hold()
	receive(t, gate.entered, "a worker to block in the gate")
	clock.Add(time.Second)
	for i := 0; i < 3; i++ {
		if tick() {
			t.Fatal("watchdog pinged while a worker was stuck")
		}
	}
	// Every datagram the daemon sent before the marker arrives before it.
	m.d.notify.Status("marker")
	for msg := ""; !strings.Contains(msg, "STATUS=marker"); {
		msg = receive(t, ch, "the marker")
		if strings.Contains(msg, "WATCHDOG=1") {
			t.Fatal("watchdog pinged while a worker was stuck")
		}
	}
	gate.release()
	waitFor(t, "the worker to finish the frame it was stuck on", func() bool { return m.d.engine.Healthy() == nil })
	if !tick() {
		t.Fatal("no watchdog ping once the worker was released")
	}
	expect(t, ch, "WATCHDOG=1")

	// A reload: RELOADING, then READY again.
	os.WriteFile(path, []byte(strings.Replace(config, `fps = 30`, `fps = 20`, 1)), 0o600)
	if err := m.Reload(); err != nil {
		t.Fatal(err)
	}
	expect(t, ch, "RELOADING=1")
	expect(t, ch, "READY=1")
	if m.d.cfg.Load().Sources[0].FPS != 20 {
		t.Error("reload did not apply the new fps")
	}
	// A bad file is refused; the running configuration stays.
	os.WriteFile(path, []byte(strings.Replace(config, "workers = 1", "workrs = 1", 1)), 0o600)
	if err := m.Reload(); err == nil || !strings.Contains(err.Error(), "workrs") {
		t.Errorf("bad config reload: err = %v", err)
	}
	if m.d.cfg.Load().Sources[0].FPS != 20 || len(m.d.sourceStatuses()) != 1 {
		t.Error("a refused reload changed the running configuration")
	}
	m.Close()
	expect(t, ch, "STOPPING=1")
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"[engine]\nworkers = 2\nqueue = 4\nspeed = 9\n", `:4: unknown key "engine.speed"`},
		{"[[source]]\nname = \"a\"\nurl = \"camera:x\"\n", "camera:N"},
		{"[[source]]\nname = \"a\"\nurl = \"demo\"\n[[source]]\nname = \"a\"\nurl = \"demo\"\n", "used twice"},
		{"[dedup]\nforget = \"soon\"\n", "duration"},
		{"[log]\nlevel = \"loud\"\n", "log level"},
		{"[[sink]]\nname = \"a\"\n[sink.webhook]\nurl = \"https://h/\"\nsecrt = \"x\"\n", `unknown key "sink.webhook.secrt"`},
		{"[[sink]]\nname = \"a\"\nsources = [\"cam\"]\n[sink.webhook]\nurl = \"https://h/\"\n", `no [[source]] is named "cam"`},
		{"[[sink]]\nname = \"a\"\n[sink.serial]\ndevice = \"/dev/ttyS0\"\n[[sink]]\nname = \"a\"\n[sink.serial]\ndevice = \"/dev/ttyS1\"\n", "used twice"},
		{"[[sink]]\nname = \"a\"\nretry_max = \"1d\"\n[sink.mqtt]\nbroker = \"tcp://h:1883\"\n", "duration"},
		{"[[sink]]\nname = \"a\"\n[sink.mqtt]\nbroker = \"tcp://h:1883\"\ntopic = \"{{.Txt}}\"\n", "Txt"},
	} {
		_, err := ParseConfig("test.toml", []byte(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("config %q: err = %v, want it to mention %q", tc.body, err, tc.want)
		}
	}
	cfg, err := ParseConfig("default", packaging.DefaultScannerdConfig)
	if err != nil || len(cfg.Sources) != 1 || cfg.Sources[0].URL != "demo" {
		t.Errorf("the built-in default: %+v, %v", cfg, err)
	}
}

// FuzzParseConfig: any config file gives a config or an error, never a
// panic.
func FuzzParseConfig(f *testing.F) {
	f.Add(packaging.DefaultScannerdConfig)
	f.Add([]byte("[[source]]\nname = \"a\"\nurl = \"camera:0\"\n[source.properties]\nfocus = 30\n"))
	f.Add([]byte("[engine]\nworkers = -1\n[api]\nsocket_mode = \"999\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ParseConfig("fuzz.toml", data)
	})
}
