//go:build !nocv

package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/api/openapitest"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

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
	// The queue holds the whole video: a loaded machine decodes slower
	// than real time, and a dropped frame must not lose a code here. Nor
	// may the frame budget: under the race detector on a loaded machine
	// a frame's first pass can outrun it (the budget's own tests are the
	// engine's).
	m, out, _ := startMain(t, fmt.Sprintf(`
[api]
socket = %q
metrics_listen = "127.0.0.1:0"
[engine]
queue = 64
[dedup]
forget = "10s"
[[source]]
name = "replay"
url = "file:%s"
realtime = true
frame_budget = "0s"
%s`, filepath.Join(t.TempDir(), "scannerd.sock"), video, license))
	waitFor(t, "the file to end", func() bool {
		st := m.d.sourceStatuses()
		es := m.d.engine.Stats()
		return len(st) == 1 && st[0].State == "stopped" && es.Finished() == st[0].Frames
	})
	if es := m.d.engine.Stats(); es.Dropped != 0 {
		t.Fatalf("%d frames dropped with a queue longer than the video", es.Dropped)
	}
	// A fleet's Prometheus sees, over TCP, the scans waiting to be
	// reported and the offline time left, and no barcode text.
	before := scrapeTCP(t, m)
	if n := len(readResults(t, out.String())); before["scannerd_license_pending_scans"] != float64(n) || n == 0 {
		t.Errorf("pending scans %v, %d delivered", before["scannerd_license_pending_scans"], n)
	}
	if left := before["scannerd_license_offline_left_seconds"]; left <= 0 {
		t.Errorf("offline time left %v", left)
	}
	if exp := before["scannerd_license_expiry_timestamp_seconds"]; exp < float64(time.Now().Unix()) {
		t.Errorf("license expiry %v is past", exp)
	}
	if at := before[`scannerd_source_last_frame_timestamp_seconds{source="replay"}`]; at <= 0 {
		t.Errorf("no last frame time for the source: %v", at)
	}
	// Report the usage now rather than at the next interval.
	if err := m.d.gate.lic.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	after := scrapeTCP(t, m)
	if after["scannerd_license_pending_scans"] != 0 || after["scannerd_license_last_sync_timestamp_seconds"] <= 0 {
		t.Errorf("after a sync: pending %v, last sync %v", after["scannerd_license_pending_scans"],
			after["scannerd_license_last_sync_timestamp_seconds"])
	}
	pool := m.d.pool
	m.Close()
	// Every frame buffer the run used came back zeroed.
	if st := pool.Stats(); st.Gets == 0 || st.Outgoing != 0 || !pool.FreeBuffersZeroed() {
		t.Errorf("after the run: %+v, zeroed %v", st, pool.FreeBuffersZeroed())
	}
	got := readResults(t, out.String())
	// Each line on stdout carries the id the socket API and the sinks gave
	// the result, so the three can be matched.
	for i, r := range got {
		if r.ID == 0 || i > 0 && r.ID <= got[i-1].ID {
			t.Fatalf("stdout result %d has id %d after %d: want the API's increasing ids", i, r.ID, got[max(i-1, 0)].ID)
		}
	}
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
	totals, err := lts.Totals(lts.code)
	if err != nil {
		t.Fatal(err)
	}
	for sym, n := range metered {
		if totals[sym] != n {
			t.Errorf("LTS counted %d %s scans, the daemon delivered %d (totals %v)", totals[sym], sym, n, totals)
		}
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
	// The message says what to configure, not to ask an LTS the daemon
	// has not been told of (scanctl license answers license_disabled here).
	if s := m.d.gate.summary(); s.State != "unconfigured" || !strings.Contains(s.Message, "[license]") ||
		strings.Contains(s.Message, "scanctl license") {
		t.Errorf("license summary %+v", s)
	}
	// Close lets the engine finish every frame the file gave it.
	engine := m.d.engine
	m.Close()
	if strings.Contains(out.String(), "NOT-LICENSED") {
		t.Error("a camera source decoded without a license")
	}
	if engine.Stats().Refused == 0 || !strings.Contains(logs.String(), "only the demo camera decodes") {
		t.Errorf("refusals not counted or not explained: %+v\n%s", engine.Stats(), logs.String())
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
	c := openapitest.NewClient(t, socket)
	defer c.Close()
	// A bound for a daemon that never answers, not a measure of speed: on
	// a loaded machine under -race the first scans take many seconds.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// Debug export on: two images, then it stops itself.
	exportDir := filepath.Join(dir, "export")
	if _, err := c.SetDebugExport(ctx, api.DebugExportSettings{Enabled: true, Dir: exportDir, Frames: "decoded", MaxImages: 2}); err != nil {
		t.Fatal(err)
	}
	// The stream starts with the results the daemon still holds: on a
	// loaded machine the first scan of the looping file can come before
	// the subscription, and later loops are the same code still in view,
	// which the daemon does not report again.
	var scanned, notice bool
	var held uint64
	for ev, err := range c.Events(ctx, client.EventsOptions{Since: &held}) {
		if err != nil {
			t.Fatalf("event stream ended (%v) with scan %v, export notice %v", err, scanned, notice)
		}
		switch {
		case ev.Kind == client.EventResult && ev.Result.Text == "VIA-SOCKET" && ev.Result.Source == "cam":
			scanned = true
		case ev.Kind == client.EventDebugExport:
			notice = !ev.DebugExport.Enabled && strings.Contains(ev.DebugExport.StopReason, "max_images reached")
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
	totals, _ := m.d.gate.lic.Totals()
	if totals["CODE_128"] != 1 || totals["QR_CODE"] < 1 {
		t.Errorf("metered %v, want the upload and the camera scan", totals)
	}
}

// scrapeTCP reads the daemon's /metrics from its TCP listener, as
// Prometheus would, and returns each sample by name{labels} (labels in
// the exposition's order). It fails the test when the text holds a
// barcode the test videos show.
func scrapeTCP(t *testing.T, m *Main) map[string]float64 {
	t.Helper()
	addr := m.d.api.MetricsAddr()
	if addr == nil {
		t.Fatal("no metrics listener")
	}
	resp, err := http.Get("http://" + addr.String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %d %v", resp.StatusCode, err)
	}
	samples := map[string]float64{}
	for line := range strings.Lines(string(b)) {
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, text := range []string{"TICKET-0001", "PARCEL-0002", "5901234123457"} {
			if strings.Contains(line, text) {
				t.Errorf("/metrics holds barcode text: %s", line)
			}
		}
		i := strings.LastIndexByte(strings.TrimSpace(line), ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(line[i+1:]), 64)
		if err == nil {
			samples[line[:i]] = v
		}
	}
	return samples
}
