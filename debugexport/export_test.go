package debugexport_test

import (
	"context"
	"encoding/json"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scannerd/scannerd/debugexport"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

type frameSpec struct {
	text string // "" for no barcode
	// broken draws a code with its middle wiped out: it looks like a
	// barcode but cannot be read.
	broken bool
}

func makeFrame(t *testing.T, pool *scanner.PlanePool, seq int, fs frameSpec) *scanner.Frame {
	t.Helper()
	c := symbols.NewCanvas(320, 240, 210)
	if fs.text != "" {
		s, err := symbols.Encode(scanner.QRCode, fs.text)
		if err != nil {
			t.Fatal(err)
		}
		c.Draw(s, symbols.Placement{CX: 160, CY: 120, Module: 4, Dark: 20, Light: 240})
		if fs.broken {
			for y := 80; y < 160; y++ {
				for x := 60; x < 260; x += 2 {
					c.Pix[y*320+x] = 20
				}
			}
		}
	}
	f := c.Frame(pool)
	f.Source, f.Seq, f.CapturedAt = "cam", uint64(seq), time.Unix(1700000000, int64(seq)*1e6)
	return f
}

type rig struct {
	pool   *scanner.PlanePool
	engine *scanner.Engine
	exp    *debugexport.Exporter
	dir    string
}

func newRig(t *testing.T, cfg debugexport.Config) *rig {
	t.Helper()
	r := &rig{pool: scanner.NewPlanePool(0), dir: filepath.Join(t.TempDir(), "export")}
	r.exp = debugexport.New(cfg)
	r.exp.Start()
	r.engine = scanner.NewEngine(scanner.EngineConfig{Workers: 1, Inspect: r.exp.Inspect})
	r.engine.Start()
	t.Cleanup(func() {
		r.engine.Close()
		r.exp.Close()
		if st := r.pool.Stats(); st.Outgoing != 0 || !r.pool.FreeBuffersZeroed() {
			t.Errorf("frames not purged with export on: %+v", st)
		}
	})
	return r
}

func (r *rig) configure(t *testing.T, body string) debugexport.State {
	t.Helper()
	st, err := r.exp.Configure([]byte(strings.ReplaceAll(body, "DIR", r.dir)), "uid=0 pid=1")
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// feed decodes frames one by one (no live-queue drops) and waits for the
// writer to finish.
func (r *rig) feed(t *testing.T, frames []frameSpec) {
	t.Helper()
	for i, fs := range frames {
		if _, err := r.engine.Decode(context.Background(), makeFrame(t, r.pool, i, fs), scanner.Options{}); err != nil {
			t.Fatal(err)
		}
		// One frame at a time, so no export is dropped for a busy writer.
		r.waitWritten(t)
	}
}

// waitWritten waits until the writer has nothing left to write.
func (r *rig) waitWritten(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); r.exp.Pending() > 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d frames still waiting for the writer", r.exp.Pending())
		}
	}
}

func (r *rig) written(t *testing.T) []string {
	names, _ := filepath.Glob(filepath.Join(r.dir, "*.json"))
	return names
}

var frames = []frameSpec{{text: "first"}, {}, {text: "third"}, {text: "x", broken: true}, {text: "fifth"}, {}}

func TestExportDecodedFrames(t *testing.T) {
	r := newRig(t, debugexport.Config{})
	r.configure(t, `{"enabled":true,"dir":"DIR","frames":"decoded"}`)
	r.feed(t, frames)
	files := r.written(t)
	if len(files) != 3 {
		t.Fatalf("exported %d frames, want the 3 decoded ones: %v", len(files), files)
	}
	texts := map[string]bool{}
	for _, f := range files {
		sc, err := debugexport.ReadSidecar(f)
		if err != nil {
			t.Fatal(err)
		}
		if sc.Source != "cam" || sc.Width != 320 || len(sc.Results) != 1 || len(sc.Passes) == 0 || sc.CapturedAt.IsZero() {
			t.Errorf("sidecar %+v", sc)
		}
		texts[sc.Results[0].Text] = true
		// The PNG is the frame as captured: lossless, and it decodes.
		fh, err := os.Open(filepath.Join(r.dir, sc.Image))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(fh)
		fh.Close()
		if err != nil || img.Bounds().Dx() != 320 {
			t.Fatalf("png: %v", err)
		}
		st, _ := os.Stat(f)
		if st.Mode().Perm() != 0o640 {
			t.Errorf("%s mode %v, want 0640", f, st.Mode().Perm())
		}
	}
	for _, want := range []string{"first", "third", "fifth"} {
		if !texts[want] {
			t.Errorf("frame with %q not exported", want)
		}
	}
	if st, _ := os.Stat(r.dir); st.Mode().Perm() != 0o750 {
		t.Errorf("dir mode %v, want 0750", st.Mode().Perm())
	}
	if tmp, _ := filepath.Glob(filepath.Join(r.dir, ".*")); len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}

func TestExportFailedAndSampledFrames(t *testing.T) {
	r := newRig(t, debugexport.Config{})
	r.configure(t, `{"enabled":true,"dir":"DIR","frames":"failed"}`)
	r.feed(t, frames)
	files := r.written(t)
	if len(files) != 1 {
		t.Fatalf("failed frames: exported %v, want only the broken code", files)
	}
	sc, _ := debugexport.ReadSidecar(files[0])
	if sc.Frame != 3 || len(sc.Results) != 0 || sc.Candidates == 0 {
		t.Errorf("failed frame sidecar %+v", sc)
	}

	r2 := newRig(t, debugexport.Config{})
	r2.configure(t, `{"enabled":true,"dir":"DIR","frames":"all","sample":2}`)
	r2.feed(t, frames)
	var seqs []uint64
	for _, f := range r2.written(t) {
		sc, _ := debugexport.ReadSidecar(f)
		seqs = append(seqs, sc.Frame)
	}
	if len(seqs) != 3 || seqs[0]%2 != 0 || seqs[1]%2 != 0 || seqs[2]%2 != 0 {
		t.Errorf("all, 1 in 2: exported frames %v, want 0, 2, 4", seqs)
	}
}

func TestExportLimitsStopIt(t *testing.T) {
	stopped := make(chan debugexport.State, 1)
	r := newRig(t, debugexport.Config{OnStop: func(s debugexport.State) { stopped <- s }})
	r.configure(t, `{"enabled":true,"dir":"DIR","frames":"all","max_images":2}`)
	r.feed(t, frames)
	if n := len(r.written(t)); n != 2 {
		t.Errorf("max_images 2: %d exported", n)
	}
	select {
	case s := <-stopped:
		if s.Enabled || s.StopReason != "max_images reached" || s.Images != 2 {
			t.Errorf("stop state %+v", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no stop notification")
	}
	if st := r.exp.State(); st.Enabled {
		t.Error("still enabled after the limit")
	}

	// Time limit, on a clock the test controls.
	now := time.Unix(1700000000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	r2 := newRig(t, debugexport.Config{Clock: clock})
	r2.configure(t, `{"enabled":true,"dir":"DIR","frames":"all","duration":"10m"}`)
	mu.Lock()
	now = now.Add(11 * time.Minute)
	mu.Unlock()
	if st := r2.exp.State(); st.Enabled || st.StopReason != "duration elapsed" {
		t.Errorf("after the duration: %+v", st)
	}
	r2.feed(t, frames)
	if n := len(r2.written(t)); n != 0 {
		t.Errorf("%d frames exported after the duration", n)
	}
}

func TestExportOffWritesNothing(t *testing.T) {
	r := newRig(t, debugexport.Config{})
	r.feed(t, frames)
	r.configure(t, `{"enabled":true,"dir":"DIR"}`)
	r.configure(t, `{"enabled":false}`)
	r.feed(t, frames)
	if n := len(r.written(t)); n != 0 {
		t.Errorf("export off: %d files written", n)
	}
}

func TestExportRefusesBadDirectories(t *testing.T) {
	base := t.TempDir()
	target := filepath.Join(base, "real")
	os.Mkdir(target, 0o750)
	os.Symlink(target, filepath.Join(base, "link"))
	os.WriteFile(filepath.Join(base, "file"), nil, 0o600)
	exp := debugexport.New(debugexport.Config{AllowedRoot: base})
	for name, body := range map[string]string{
		"symlink":  `{"enabled":true,"dir":"` + filepath.Join(base, "link") + `"}`,
		"file":     `{"enabled":true,"dir":"` + filepath.Join(base, "file") + `"}`,
		"outside":  `{"enabled":true,"dir":"/etc/scannerd-export"}`,
		"escape":   `{"enabled":true,"dir":"` + base + `/../elsewhere"}`,
		"relative": `{"enabled":true,"dir":"export"}`,
	} {
		if _, err := exp.Configure([]byte(body), "test"); !errors.Is(err, debugexport.ErrBadDir) && !errors.Is(err, debugexport.ErrBadSettings) {
			t.Errorf("%s: err = %v", name, err)
		}
		if exp.State().Enabled {
			t.Errorf("%s: export turned on", name)
		}
	}
	for name, body := range map[string]string{
		"unknown key": `{"enabled":true,"dir":"/x","colour":true}`,
		"frames":      `{"enabled":true,"dir":"/x","frames":"some"}`,
		"duration":    `{"enabled":true,"dir":"/x","duration":"forever"}`,
		"negative":    `{"enabled":true,"dir":"/x","max_images":-1}`,
		"not json":    `enable please`,
	} {
		if _, err := exp.Configure([]byte(body), "test"); !errors.Is(err, debugexport.ErrBadSettings) {
			t.Errorf("%s: err = %v, want ErrBadSettings", name, err)
		}
	}
}

// TestSlowDiskNeverBlocksThePipeline: with a writer that does not return,
// every Inspect call still returns at once; exports beyond the queue are
// dropped and counted, and no frame is lost.
func TestSlowDiskNeverBlocksThePipeline(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var snaps []*debugexport.Snapshot
	cfg := debugexport.WithWriter(debugexport.Config{}, func(root *os.Root, base string, s *debugexport.Snapshot) (int64, error) {
		mu.Lock()
		snaps = append(snaps, s)
		mu.Unlock()
		<-release
		return debugexport.WriteFrame(root, base, s)
	})
	r := newRig(t, cfg)
	r.configure(t, `{"enabled":true,"dir":"DIR","frames":"all"}`)
	const n = 40
	for i := 0; i < n; i++ {
		rep, err := r.engine.Decode(context.Background(), makeFrame(t, r.pool, i, frameSpec{text: "slow"}), scanner.Options{})
		if err != nil || len(rep.Results) != 1 {
			t.Fatalf("frame %d: %v", i, err)
		}
	}
	if st := r.engine.Stats(); st.Decoded != n || st.Dropped != 0 {
		t.Errorf("engine with a stuck export writer: %+v", st)
	}
	st := r.exp.State()
	if st.Dropped < n-8 {
		t.Errorf("dropped exports %d of %d with a stuck writer", st.Dropped, n)
	}
	close(release)
	r.exp.Close()
	// Every copy made for export is zeroed once written.
	for _, s := range snaps {
		for _, v := range s.Pix() {
			if v != 0 {
				t.Fatal("an export copy kept its pixels after writing")
			}
		}
	}
	var sc debugexport.Sidecar
	b, _ := os.ReadFile(r.written(t)[0])
	if err := json.Unmarshal(b, &sc); err != nil || sc.Results[0].Text != "slow" {
		t.Errorf("sidecar after the slow write: %v %+v", err, sc)
	}
}

// TestExportColorFrames: with color on, a frame that carries its colour
// image is saved in colour; one without is saved gray.
func TestExportColorFrames(t *testing.T) {
	r := newRig(t, debugexport.Config{})
	r.configure(t, `{"enabled":true,"dir":"DIR","frames":"all","color":true}`)
	if !r.exp.WantsColor() {
		t.Fatal("WantsColor false with color on")
	}
	f := makeFrame(t, r.pool, 0, frameSpec{text: "colour"})
	col := f.WithColor()
	for i := 0; i < len(col); i += 3 {
		col[i], col[i+1], col[i+2] = 10, 20, f.Pix[i/3] // B, G, R: red carries the picture
	}
	if _, err := r.engine.Decode(context.Background(), f, scanner.Options{}); err != nil {
		t.Fatal(err)
	}
	r.waitWritten(t)
	files := r.written(t)
	if len(files) != 1 {
		t.Fatalf("exported %v", files)
	}
	sc, _ := debugexport.ReadSidecar(files[0])
	fh, _ := os.Open(filepath.Join(r.dir, sc.Image))
	img, err := png.Decode(fh)
	fh.Close()
	if err != nil {
		t.Fatal(err)
	}
	rr, g, b, _ := img.At(5, 5).RGBA()
	if g>>8 != 20 || b>>8 != 10 || rr>>8 != 210 {
		t.Errorf("pixel (5,5) = %d,%d,%d, want the colour frame's 210,20,10", rr>>8, g>>8, b>>8)
	}
}
