package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/internal/syncbuf"
	"github.com/scannerd/scannerd/licensing/lts/ltstest"
	"github.com/scannerd/scannerd/packaging"
	"github.com/scannerd/scannerd/scanner"
)

// TestMain fails the package's tests if a goroutine outlives them: every
// daemon a test starts must stop completely.
// With SCANNERD_TEST_MAIN set, the test binary is scannerd itself, for
// tests of what the process prints and exits with.
func TestMain(m *testing.M) {
	if os.Getenv("SCANNERD_TEST_MAIN") != "" {
		main()
		os.Exit(0)
	}
	os.Setenv("OPENCV_LOG_LEVEL", "ERROR")
	goleak.VerifyTestMain(m)
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
func startMain(t *testing.T, config string) (*Main, *syncbuf.Buffer, *syncbuf.Buffer) {
	t.Helper()
	return startMainWith(t, config, func(*Main) {})
}

// startMainWith is startMain with setup applied to the daemon before its
// flags are read (a test's license gate, say).
func startMainWith(t *testing.T, config string, setup func(*Main)) (*Main, *syncbuf.Buffer, *syncbuf.Buffer) {
	t.Helper()
	out, logs := &syncbuf.Buffer{}, &syncbuf.Buffer{}
	m := NewMain()
	setup(m)
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

type testLTS struct {
	*ltstest.LTS
	code string
}

// startLTS runs a real License Tracking Server with a trial license and
// returns it with the [license] table that points a daemon at it.
func startLTS(t testing.TB) (*testLTS, string) {
	t.Helper()
	l, code, license := ltstest.StartTrial(t)
	return &testLTS{l, code}, license
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
	clock := ltstest.NewClock(time.Unix(1_800_000_000, 0)) // moves only when told
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
	m.Stdout, m.Stderr = &syncbuf.Buffer{}, &syncbuf.Buffer{}
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
	clock.Advance(time.Second)
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

// TestConfigErrors: a config that -check-config passes is one the daemon
// can run with; every refusal names the key and its line.
func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"[engine]\nworkers = 2\nqueue = 4\nspeed = 9\n", `test.toml:4: unknown key "engine.speed"`},
		{"[[source]]\nname = \"a\"\nurl = \"camera:x\"\n", "test.toml:3: key source[1].url: invalid source: \"camera:x\": want camera:N"},
		{"[[source]]\nname = \"a\"\nurl = \"demo\"\n[[source]]\nname = \"a\"\nurl = \"demo\"\n", `test.toml:5: key source[2].name: "a" is used by an earlier source`},
		{"[dedup]\nforget = \"soon\"\n", `test.toml:2: key dedup.forget: duration "soon"`},
		{"[log]\nlevel = \"loud\"\n", "test.toml:2: key log.level: "},
		// A bare number would be nanoseconds: refused, whatever the key.
		{"[api]\nwrite_timeout = 10\n", `test.toml:2: key api.write_timeout: want a duration with a unit, like "30s" or "15m", got the bare number 10`},
		{"[dedup]\nforget = 3\n", "test.toml:2: key dedup.forget: want a duration with a unit"},
		{"[license]\nreport_interval = 300\n", "test.toml:2: key license.report_interval: want a duration with a unit"},
		{"[engine]\nstuck_after = \"-10s\"\n", `test.toml:2: key engine.stuck_after: duration "-10s" must not be negative`},
		// Values out of range.
		{"[engine]\nqueue = 100000\n", "test.toml:2: key engine.queue: 100000 is outside 0 to 256"},
		{"[engine]\nworkers = -1\n", "test.toml:2: key engine.workers: -1 is outside 0 to 256"},
		{"[engine]\ngc_percent = -1\n", "test.toml:2: key engine.gc_percent: -1 is outside 0 to 1000"},
		{"[api]\nsubscriber_buffer = 1000000000000\n", "test.toml:2: key api.subscriber_buffer: 1000000000000 is outside 1 to 65536"},
		{"[api]\nmax_decodes = 100000000000\n", "test.toml:2: key api.max_decodes: 100000000000 is outside 1 to 64"},
		{"[api]\n\nwrite_timeout = \"1us\"\n", "test.toml:3: key api.write_timeout: 1µs is outside 100ms to 1h0m0s"},
		{"[[source]]\nname = \"cam\"\nurl = \"camera:0\"\nwidth = 100000\nheight = 480\n", "test.toml:4: key source[1].width: invalid source: 100000 is outside 0 to 16384"},
		{"[[source]]\nname = \"cam\"\nurl = \"camera:0\"\nwidth = 640\nheight = 480\nregion = [600, 0, 100, 100]\n", "test.toml:6: key source[1].region: invalid source: cam: region outside the frame: region [600, 0, 100, 100] is not inside the 640×480 frame"},
		{"[[source]]\nname = \"demo\"\nurl = \"demo\"\nregion = [0, 0, 2000, 100]\n", "test.toml:4: key source[1].region: invalid source: demo: region outside the frame"},
		// Lists: an array, or a comma-separated string; nothing else.
		{"[[source]]\nname = \"demo\"\nurl = \"demo\"\nsymbologies = [\"QR_CODE\", 5]\n", "test.toml:4: key source[1].symbologies: want a list of strings"},
		{"[[source]]\nname = \"demo\"\nurl = \"demo\"\nsymbologies = [\"QR_CODE\", \"KLINGON\"]\n", "test.toml:4: key source[1].symbologies: invalid source: demo: unknown symbology"},
		{"[[source]]\nname = \"demo\"\nurl = \"demo\"\nsymbologies = [\"QR_CODE\", \"\"]\n", `test.toml:4: key source[1].symbologies: invalid source: demo: unknown symbology: item 2 of ["QR_CODE", ""] is empty`},
		{"[[sink]]\nname = \"a\"\nsymbologies = [\"\"]\n[sink.serial]\ndevice = \"/dev/ttyS0\"\n", `item 1 of [""] is empty`},
		{"[[sink]]\nname = \"a\"\n[sink.webhook]\nurl = \"https://h/\"\nsecrt = \"x\"\n", `test.toml:5: unknown key "sink[1].webhook.secrt"`},
		{"[[sink]]\nname = \"a\"\nsources = [\"cam\"]\n[sink.webhook]\nurl = \"https://h/\"\n", `no [[source]] is named "cam"`},
		{"[[sink]]\nname = \"a\"\n[sink.serial]\ndevice = \"/dev/ttyS0\"\n[[sink]]\nname = \"a\"\n[sink.serial]\ndevice = \"/dev/ttyS1\"\n", "used twice"},
		{"[[sink]]\nname = \"a\"\nretry_max = \"1d\"\n[sink.mqtt]\nbroker = \"tcp://h:1883\"\n", "duration"},
		{"[[sink]]\nname = \"a\"\n[sink.mqtt]\nbroker = \"tcp://h:1883\"\ntopic = \"{{.Txt}}\"\n", "Txt"},
		{"[[sink]]\nname = \"a\"\nformat = \"template\"\ntemplate = \"{{\"\n[sink.webhook]\nurl = \"https://h/\"\n", "test.toml:4: key sink[1].template: at 1: unclosed action"},
		{"[[sink]]\nname = \"a\"\n[sink.mqtt]\nbroker = \"tcp://h:1883\"\ntopic = \"{{.Txt}}\"\n", "test.toml:5: key sink[1].mqtt.topic: at 1:2: executing"},
		// The key's line, not the table's: these named the [[sink]] or
		// [license] line.
		{"[[sink]]\nname = \"a\"\ntext = \"([0-9]\"\n[sink.serial]\ndevice = \"/dev/ttyS0\"\n", "test.toml:3: key sink[1].text: text: error parsing regexp"},
		{"[[sink]]\nname = \"a\"\n[sink.webhook]\n\nurl = \"ftp://h/\"\n", `test.toml:5: key sink[1].webhook.url: webhook url "ftp://h/": want https://host/path`},
		{"[[sink]]\nname = \"a\"\n[sink.mqtt]\nbroker = \"tcp://h:1883\"\nqos = 2\n", "test.toml:5: key sink[1].mqtt.qos: mqtt qos 2: want 0 or 1"},
		{"[license]\nlts_url = \"https://lts.example.com:8443\"\nhandshake_code = \"X\"\nlts_keys = [\"nope\"]\n", "test.toml:4: key license.lts_keys: license config: lts_keys: "},
		// Silently accepted before: refused with the key and its line.
		{"[[sink]]\nname = \"a\"\nqueue = 0\n[sink.serial]\ndevice = \"/dev/ttyS0\"\n", "test.toml:3: key sink[1].queue: 0: want 1 to 1000000"},
		{"[[source]]\nname = \"demo\"\nurl = \"demo\"\nloop = true\n", "test.toml:4: key source[1].loop: invalid source: demo: loop replays a file: source"},
		{"[[source]]\nname = \"in\"\nurl = \"dir:/srv/in\"\nafter_read = \"move:relative\"\n", `test.toml:4: key source[1].after_read: invalid source: in: "move:relative": DIR must be an absolute path`},
		// Looser than README said: durations have upper bounds, and a
		// drop directory's path is absolute as its move:DIR is.
		{"[[source]]\nname = \"cam\"\nurl = \"demo\"\nframe_budget = \"100h\"\n", "test.toml:4: key source[1].frame_budget: invalid source: cam: 100h0m0s is outside 0s to 10s"},
		{"[[source]]\nname = \"cam\"\nurl = \"demo\"\n\nrescan = \"48h\"\n", "test.toml:5: key source[1].rescan: invalid source: cam: 48h0m0s is outside 0s to 1h0m0s"},
		{"[[source]]\nname = \"in\"\nurl = \"dir:relative\"\n", `test.toml:3: key source[1].url: invalid source: in: "dir:relative": PATH must be an absolute path`},
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
	// symbologies as a TOML array and as a comma list mean the same.
	for _, list := range []string{`["QR_CODE", "EAN_13"]`, `"QR_CODE, EAN_13"`} {
		cfg, err := ParseConfig("test.toml", []byte("[[source]]\nname = \"demo\"\nurl = \"demo\"\nsymbologies = "+list+"\n"))
		if err != nil {
			t.Fatalf("symbologies = %s: %v", list, err)
		}
		opts, _ := cfg.Sources[0].Options()
		if want := scanner.NewSymbologySet(scanner.QRCode, scanner.EAN13); opts.Symbologies != want {
			t.Errorf("symbologies = %s: %v, want %v", list, opts.Symbologies, want)
		}
	}
	// A name after "-" is taken out, in either form; QR_CODE used to stay in.
	for _, list := range []string{`["all", "-QR_CODE"]`, `"all,-QR_CODE"`, `"all, ,-qr_code"`} {
		cfg, err := ParseConfig("test.toml", []byte("[[source]]\nname = \"demo\"\nurl = \"demo\"\nsymbologies = "+list+"\n"))
		if err != nil {
			t.Fatalf("symbologies = %s: %v", list, err)
		}
		opts, _ := cfg.Sources[0].Options()
		if want := scanner.AllSymbologies() &^ scanner.NewSymbologySet(scanner.QRCode); opts.Symbologies != want {
			t.Errorf("symbologies = %s: %v, want %v", list, opts.Symbologies, want)
		}
	}
	for _, list := range []string{`["all", "-KLINGON"]`, `"QR_CODE,-QR_CODE"`} {
		_, err := ParseConfig("test.toml", []byte("[[source]]\nname = \"demo\"\nurl = \"demo\"\nsymbologies = "+list+"\n"))
		if err == nil || !strings.Contains(err.Error(), "symbologies") {
			t.Errorf("symbologies = %s: %v, want it refused", list, err)
		}
	}
}

// TestConfigNotARegularFile: a FIFO (or a device) as the config is refused
// at once, at start, at -check-config and at reload, instead of blocking
// the signal handling that would stop the daemon.
func TestConfigNotARegularFile(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "scannerd.toml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, _, err := LoadConfig(fifo)
		done <- err
	}()
	if err := receive(t, done, "LoadConfig of a FIFO to return"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("LoadConfig(FIFO) = %v", err)
	}
	path := writeConfig(t, "[[source]]\nname = \"demo\"\nurl = \"demo\"\n")
	m := NewMain()
	m.Stdout, m.Stderr = &syncbuf.Buffer{}, &syncbuf.Buffer{}
	m.ParseFlags([]string{"-config", path})
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	os.Remove(path)
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() { done <- m.Reload() }()
	if err := receive(t, done, "a reload from a FIFO to return"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Reload from a FIFO = %v", err)
	}
	if len(m.d.sourceStatuses()) != 1 {
		t.Error("a refused reload changed the running configuration")
	}
}

// TestStartWarnsWhenDecoderMemoryStays: a build without runtime/secret
// (a plain go build or go install) says at start that the image decoders'
// buffers are not erased and how to build one that erases them; the
// Makefile's build says nothing of it.
func TestStartWarnsWhenDecoderMemoryStays(t *testing.T) {
	_, _, logs := startMain(t, "[[source]]\nname = \"demo\"\nurl = \"demo\"\n")
	warned := strings.Contains(logs.String(), "GOEXPERIMENT=runtimesecret")
	if warned == scanner.ErasesDecoderMemory {
		t.Errorf("build erases decoder memory: %v; warned at start: %v\n%s", scanner.ErasesDecoderMemory, warned, logs)
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

// TestBadCommandLine: a wrong command line is said once on stderr, with
// exit status 2 (the flag package's message used to be printed twice).
func TestBadCommandLine(t *testing.T) {
	for _, tc := range []struct{ arg, want string }{
		{"--bogus", "flag provided but not defined: -bogus"},
		{"extra", `unexpected argument "extra"`},
	} {
		cmd := exec.Command(os.Args[0], tc.arg)
		cmd.Env = append(os.Environ(), "SCANNERD_TEST_MAIN=1")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 || strings.Count(stderr.String(), tc.want) != 1 || stdout.Len() != 0 {
			t.Errorf("scannerd %s: %v, stdout %q, stderr %q; want exit 2 and %q once on stderr", tc.arg, err, stdout.String(), stderr.String(), tc.want)
		}
	}
}

// Help asked for goes to stdout and ends in flag.ErrHelp (exit status 0),
// as scanctl's and ltsd's does; the usage after a bad flag stays on
// stderr with the error.
func TestHelpOnStdout(t *testing.T) {
	for _, tc := range []struct {
		args []string
		help bool
	}{
		{[]string{"--help"}, true},
		{[]string{"-h"}, true},
		{[]string{"-nope"}, false},
	} {
		var out, errOut bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &errOut, Clock: time.Now}
		err := m.ParseFlags(tc.args)
		switch {
		case tc.help && (!errors.Is(err, flag.ErrHelp) || !strings.Contains(out.String(), "-config file") || errOut.Len() > 0):
			t.Errorf("%q: %v, stdout %q, stderr %q: want the usage on stdout only", tc.args, err, out.String(), errOut.String())
		case !tc.help && (err == nil || errors.Is(err, flag.ErrHelp) || out.Len() > 0 ||
			!strings.Contains(errOut.String(), "not defined: -nope") || !strings.Contains(errOut.String(), "-config file")):
			t.Errorf("%q: %v, stdout %q, stderr %q: want the error and the usage on stderr", tc.args, err, out.String(), errOut.String())
		}
	}
}
