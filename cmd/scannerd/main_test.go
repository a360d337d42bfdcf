package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/licensing/lts/ltstest"
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

type drawn struct {
	sym     scanner.Symbology
	text    string
	cx, cy  float64
	corners [4]scanner.Point
}

// writeCodesVideo writes an MJPG video through OpenCV in which each code
// shows for a run of frames, and returns what was drawn where.
func writeCodesVideo(t *testing.T, path string, scenes [][]drawn, framesPerScene int) [][]drawn {
	t.Helper()
	const w, h = 960, 540
	vw, err := gocv.VideoWriterFile(path, "MJPG", 25, w, h, true)
	if err != nil {
		t.Fatal(err)
	}
	defer vw.Close()
	bgr := gocv.NewMat()
	defer bgr.Close()
	for si, scene := range scenes {
		c := symbols.NewCanvas(w, h, 190)
		for i := range scene {
			d := &scene[i]
			s, err := symbols.Encode(d.sym, d.text)
			if err != nil {
				t.Fatal(err)
			}
			d.corners = c.Draw(s, symbols.Placement{CX: d.cx, CY: d.cy, Module: 4, Dark: 25, Light: 240})
		}
		scenes[si] = scene
		gray, _ := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC1, c.Pix)
		gocv.CvtColor(gray, &bgr, gocv.ColorGrayToBGR)
		gray.Close()
		for i := 0; i < framesPerScene; i++ {
			vw.Write(bgr)
		}
	}
	return scenes
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

// TestPipelineDeliversEachCodeOnce plays a video through real OpenCV and
// the whole pipeline: every code arrives exactly once, with its
// symbology, text and corners, although each shows in many frames.
func TestPipelineDeliversEachCodeOnce(t *testing.T) {
	video := filepath.Join(t.TempDir(), "codes.avi")
	scenes := writeCodesVideo(t, video, [][]drawn{
		{{sym: scanner.QRCode, text: "TICKET-0001", cx: 480, cy: 270}},
		{{sym: scanner.Code128, text: "PARCEL-0002", cx: 480, cy: 270}},
		{},
		{{sym: scanner.QRCode, text: "LEFT-0003", cx: 200, cy: 270}, {sym: scanner.EAN13, text: "5901234123457", cx: 680, cy: 270}},
		{{sym: scanner.DataMatrix, text: "DM-0004", cx: 480, cy: 270}},
	}, 8)
	lts, license := startLTS(t)
	m, out, _ := startMain(t, fmt.Sprintf(`
[dedup]
forget = "10s"
[[source]]
name = "replay"
url = "file:%s"
realtime = true
%s`, video, license))
	waitFor(t, "the file to end", func() bool {
		st := m.d.sourceStatuses()
		es := m.d.engine.Stats()
		return len(st) == 1 && st[0].State == "stopped" && es.Decoded+es.Dropped == st[0].Frames
	})
	// Report the usage now rather than at the next interval.
	if err := m.d.gate.lic.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.Close()
	got := readResults(t, out.String())
	want := map[string]drawn{}
	for _, scene := range scenes {
		for _, d := range scene {
			want[d.text] = d
		}
	}
	seen := map[string]int{}
	for _, r := range got {
		seen[r.Text]++
		d, ok := want[r.Text]
		if !ok {
			t.Errorf("unexpected result %+v", r)
			continue
		}
		if r.Symbology != d.sym.String() || r.Source != "replay" {
			t.Errorf("%q: symbology %s source %s, want %v replay", r.Text, r.Symbology, r.Source, d.sym)
		}
		var cx, cy float64
		for _, p := range r.Points {
			cx, cy = cx+p[0]/4, cy+p[1]/4
		}
		if math.Hypot(cx-d.cx, cy-d.cy) > 12 {
			t.Errorf("%q: centre (%.0f,%.0f), drawn at (%.0f,%.0f)", r.Text, cx, cy, d.cx, d.cy)
		}
		if d.sym.Is2D() {
			for i, p := range r.Points {
				if dd := math.Hypot(p[0]-d.corners[i].X, p[1]-d.corners[i].Y); dd > 8 {
					t.Errorf("%q: corner %d at %v, drawn at %v", r.Text, i, p, d.corners[i])
				}
			}
		}
		if r.CapturedAt.IsZero() || r.DecodedAt.Before(r.CapturedAt) {
			t.Errorf("%q: times %v → %v", r.Text, r.CapturedAt, r.DecodedAt)
		}
	}
	for text := range want {
		if seen[text] != 1 {
			t.Errorf("%q delivered %d times, want exactly once", text, seen[text])
		}
	}
	// Each scan was metered once, by symbology, and reached the LTS.
	metered := map[string]uint64{}
	for _, r := range got {
		metered[r.Symbology]++
	}
	totals, err := lts.Store.Totals(lts.code)
	if err != nil {
		t.Fatal(err)
	}
	for sym, n := range metered {
		if totals[sym] != n {
			t.Errorf("LTS counted %d %s scans, the daemon delivered %d (totals %v)", totals[sym], sym, n, totals)
		}
	}
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

// holdGate blocks every worker while held: a stuck decoder.
type holdGate struct {
	mu   sync.Mutex
	held chan struct{}
}

func (g *holdGate) hold() {
	g.mu.Lock()
	g.held = make(chan struct{})
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
	ch := g.held
	g.mu.Unlock()
	if ch != nil {
		<-ch
	}
	return scanner.AllSymbologies(), nil
}

// TestSystemdNotify runs the daemon against a real NOTIFY_SOCKET: READY
// with a status line, watchdog pings only while the pipeline progresses,
// RELOADING/READY around reloads, STOPPING at the end.
func TestSystemdNotify(t *testing.T) {
	ch := notifySocket(t)
	t.Setenv("WATCHDOG_USEC", "200000")
	t.Setenv("WATCHDOG_PID", fmt.Sprint(os.Getpid()))
	gate := &holdGate{}
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
	m.gate = gate
	m.ParseFlags([]string{"-config", path})
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ready := expect(t, ch, "READY=1")
	if !strings.Contains(ready, "STATUS=cam") {
		t.Errorf("READY without a status line: %q", ready)
	}
	expect(t, ch, "WATCHDOG=1")

	// A worker stuck on one frame: once the engine says so, pings stop.
	gate.hold()
	waitFor(t, "the engine to notice the stuck worker", func() bool { return m.d.engine.Healthy() != nil })
	time.Sleep(150 * time.Millisecond) // a ping in flight may still land
	drain(ch)
	time.Sleep(600 * time.Millisecond) // three watchdog intervals
	for _, msg := range drain(ch) {
		if strings.Contains(msg, "WATCHDOG=1") {
			t.Fatal("watchdog pinged while a worker was stuck")
		}
	}
	gate.release()
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

func drain(ch <-chan string) []string {
	var out []string
	for {
		select {
		case msg := <-ch:
			out = append(out, msg)
		default:
			return out
		}
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"[engine]\nworkers = 2\nqueue = 4\nspeed = 9\n", `:4: unknown key "engine.speed"`},
		{"[[source]]\nname = \"a\"\nurl = \"camera:x\"\n", "camera:N"},
		{"[[source]]\nname = \"a\"\nurl = \"demo\"\n[[source]]\nname = \"a\"\nurl = \"demo\"\n", "used twice"},
		{"[dedup]\nforget = \"soon\"\n", "duration"},
		{"[log]\nlevel = \"loud\"\n", "log level"},
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

// TestEvaluationMode: with no license configured the demo camera decodes
// and other sources are refused, with a message saying what to configure.
func TestEvaluationMode(t *testing.T) {
	video := filepath.Join(t.TempDir(), "codes.avi")
	writeCodesVideo(t, video, [][]drawn{{{sym: scanner.QRCode, text: "NOT-LICENSED", cx: 480, cy: 270}}}, 20)
	m, out, logs := startMain(t, fmt.Sprintf(`
[[source]]
name = "demo"
url = "demo"
fps = 30
[[source]]
name = "file"
url = "file:%s"
realtime = true
`, video))
	waitFor(t, "a demo scan and the file's end", func() bool {
		st := m.d.sourceStatuses()
		return strings.Contains(out.String(), `"source":"demo"`) && st[1].State == "stopped"
	})
	time.Sleep(200 * time.Millisecond) // the file's last frames reach the workers
	if strings.Contains(out.String(), "NOT-LICENSED") {
		t.Error("a camera source decoded without a license")
	}
	if m.d.engine.Stats().Refused == 0 || !strings.Contains(logs.String(), "only the demo camera decodes") {
		t.Errorf("refusals not counted or not explained: %+v\n%s", m.d.engine.Stats(), logs.String())
	}
	if s := m.d.gate.summary(); s.State != "unconfigured" || !strings.Contains(s.Message, "[license]") {
		t.Errorf("license summary %+v", s)
	}
}

// TestSocketAPIEndToEnd: a kiosk app on the daemon's socket gets the
// camera's scans as events, uploads an image and gets it decoded, and both
// are metered; the debug export turned on over the socket saves frames and
// turns itself off at its limit with a notice on the event stream.
func TestSocketAPIEndToEnd(t *testing.T) {
	dir := t.TempDir()
	video := filepath.Join(dir, "codes.avi")
	writeCodesVideo(t, video, [][]drawn{{}, {{sym: scanner.QRCode, text: "VIA-SOCKET", cx: 480, cy: 270}}}, 25)
	_, license := startLTS(t)
	socket := filepath.Join(dir, "s.sock")
	m, _, _ := startMain(t, fmt.Sprintf(`
[api]
socket = %q
socket_group = "none"
[[source]]
name = "cam"
url = "file:%s"
realtime = true
loop = true
%s`, socket, video, license))
	c := client.New(socket)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// Debug export on: two images, then it stops itself.
	exportDir := filepath.Join(dir, "export")
	if _, err := c.SetDebugExport(ctx, api.DebugExportSettings{Enabled: true, Dir: exportDir, Frames: "decoded", MaxImages: 2}); err != nil {
		t.Fatal(err)
	}
	var scanned, notice bool
	for ev, err := range c.Events(ctx, client.EventsOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case ev.Kind == client.EventResult && ev.Result.Text == "VIA-SOCKET" && ev.Result.Source == "cam":
			scanned = true
		case ev.Kind == client.EventNotice && ev.Name == "debug_export":
			notice = strings.Contains(string(ev.Data), "max_images reached")
		}
		if scanned && notice {
			break
		}
	}
	if !scanned || !notice {
		t.Fatalf("events: scan %v, export notice %v", scanned, notice)
	}
	if pngs, _ := filepath.Glob(filepath.Join(exportDir, "*.png")); len(pngs) != 2 {
		t.Errorf("debug export wrote %d images, want 2", len(pngs))
	}

	// An upload, decoded by the same engine and metered.
	s, _ := symbols.Encode(scanner.Code128, "UPLOADED-1")
	cv := symbols.NewCanvas(400, 200, 230)
	cv.Draw(s, symbols.Placement{CX: 200, CY: 100, Module: 2, Dark: 20, Light: 240})
	var buf bytes.Buffer
	png.Encode(&buf, &image.Gray{Pix: cv.Pix, Stride: 400, Rect: image.Rect(0, 0, 400, 200)})
	dec, err := c.Decode(ctx, &buf, client.DecodeOptions{})
	if err != nil || len(dec.Results) != 1 || dec.Results[0].Text != "UPLOADED-1" {
		t.Fatalf("upload: %+v %v", dec, err)
	}
	st, err := c.Status(ctx)
	if err != nil || st.License.State != "authorized" || len(st.Sources) != 1 || st.Subscribers != 0 {
		t.Errorf("status %+v %v", st, err)
	}
	m.d.gate.lic.Flush()
	totals, _ := m.d.gate.lic.Totals()
	if totals["CODE_128"] != 1 || totals["QR_CODE"] < 1 {
		t.Errorf("metered %v, want the upload and the camera scan", totals)
	}
}
