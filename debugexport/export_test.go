package debugexport_test

import (
	"context"
	"encoding/json"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api/apitype"
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

// configure applies s with the rig's directory as its dir.
func (r *rig) configure(t *testing.T, s debugexport.Settings) debugexport.State {
	t.Helper()
	if s.Enabled {
		s.Dir = r.dir
	}
	st, err := r.exp.Configure(context.Background(), s, "uid=0 pid=1")
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
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.exp.Flush(ctx); err != nil {
		t.Fatalf("%d frames still waiting for the writer: %v", r.exp.Pending(), err)
	}
}

func (r *rig) written(t *testing.T) []string {
	names, _ := filepath.Glob(filepath.Join(r.dir, "*.json"))
	return names
}

var frames = []frameSpec{{text: "first"}, {}, {text: "third"}, {text: "x", broken: true}, {text: "fifth"}, {}}

func TestExportDecodedFrames(t *testing.T) {
	r := newRig(t, debugexport.Config{})
	r.configure(t, debugexport.Settings{Enabled: true, Frames: debugexport.FramesDecoded})
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
	r.configure(t, debugexport.Settings{Enabled: true, Frames: debugexport.FramesFailed})
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
	r2.configure(t, debugexport.Settings{Enabled: true, Frames: debugexport.FramesAll, Sample: 2})
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
	r.configure(t, debugexport.Settings{Enabled: true, Frames: debugexport.FramesAll, MaxImages: 2})
	r.feed(t, frames)
	if n := len(r.written(t)); n != 2 {
		t.Errorf("max_images 2: %d exported", n)
	}
	select {
	case s := <-stopped:
		if s.Enabled || s.StopReason != "max_images reached" || s.Images != 2 {
			t.Errorf("stop state %+v", s)
		}
	case <-time.After(2 * time.Minute):
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
	r2.configure(t, debugexport.Settings{Enabled: true, Frames: debugexport.FramesAll, Duration: apitype.Duration(10 * time.Minute)})
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
	r.configure(t, debugexport.Settings{Enabled: true})
	r.configure(t, debugexport.Settings{})
	r.feed(t, frames)
	if n := len(r.written(t)); n != 0 {
		t.Errorf("export off: %d files written", n)
	}
}

// TestExportOffLeavesNothingBehind: once turning the export off has
// returned, no file appears or goes in its directory, and the images it
// reports are the frames there (an image and its sidecar each). A frame
// whose write is under way when the export goes off, whether it has
// reached the disk yet or not, is abandoned and removed.
func TestExportOffLeavesNothingBehind(t *testing.T) {
	for _, tc := range []struct {
		name       string
		writeFirst bool // the slow frame is written before off is seen, or after
	}{{"writes, then waits for off", true}, {"waits for off, then writes", false}} {
		t.Run(tc.name, func(t *testing.T) {
			var r *rig
			var writes atomic.Int32
			// The last frame's write is slow: it finishes only once the
			// export has been told to go off, as on a slow disk.
			cfg := debugexport.WithWriter(debugexport.Config{}, func(root *os.Root, base string, s *debugexport.Snapshot) (int64, error) {
				if writes.Add(1) < 3 {
					return debugexport.WriteFrame(root, base, s)
				}
				var n int64
				var err error
				if tc.writeFirst {
					n, err = debugexport.WriteFrame(root, base, s)
				}
				for r.exp.State().Enabled {
					time.Sleep(time.Millisecond)
				}
				if !tc.writeFirst {
					n, err = debugexport.WriteFrame(root, base, s)
				}
				return n, err
			})
			r = newRig(t, cfg)
			r.configure(t, debugexport.Settings{Enabled: true, Frames: debugexport.FramesAll})
			r.feed(t, frames[:2])
			// Frames keep flowing while the export goes off.
			stop := make(chan struct{})
			fed := make(chan struct{})
			go func() {
				defer close(fed)
				for i := 2; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					if _, err := r.engine.Decode(context.Background(), makeFrame(t, r.pool, i, frameSpec{text: "flow"}), scanner.Options{}); err != nil {
						t.Error(err)
						return
					}
				}
			}()
			for writes.Load() < 3 {
				time.Sleep(time.Millisecond)
			}
			st := r.configure(t, debugexport.Settings{})
			before := listDir(t, r.dir)
			close(stop)
			<-fed
			r.waitWritten(t)
			r.exp.Close()
			after := listDir(t, r.dir)
			if !slices.Equal(after, before) {
				t.Errorf("after off returned the directory went from %v to %v", before, after)
			}
			if len(after) != 2*st.Images || st.Images != 2 {
				t.Errorf("off reported %d images, and %d files are there (%v); want 2 images, 4 files", st.Images, len(after), after)
			}
		})
	}
}

// TestExportOnWhileOnIsRefused: a second "on" is refused, creates
// nothing and leaves the running export's settings; after off it is taken.
func TestExportOnWhileOnIsRefused(t *testing.T) {
	r := newRig(t, debugexport.Config{})
	first := r.configure(t, debugexport.Settings{Enabled: true, Frames: debugexport.FramesAll, MaxImages: 5})
	other := filepath.Join(filepath.Dir(r.dir), "other")
	_, err := r.exp.Configure(context.Background(), debugexport.Settings{Enabled: true, Dir: other, Frames: debugexport.FramesFailed}, "uid=0 pid=2")
	if !errors.Is(err, debugexport.ErrAlreadyOn) || !errors.Is(err, apitype.ErrDebugExportOn) {
		t.Fatalf("on while on: %v", err)
	}
	if _, serr := os.Stat(other); !errors.Is(serr, os.ErrNotExist) {
		t.Errorf("the refused directory was created: %v", serr)
	}
	if st := r.exp.State(); st != first {
		t.Errorf("settings after the refusal %+v, want %+v", st, first)
	}
	r.feed(t, frames[:1])
	if n := len(r.written(t)); n != 1 {
		t.Errorf("the running export saved %d frames after the refusal, want 1", n)
	}
	r.configure(t, debugexport.Settings{})
	st, err := r.exp.Configure(context.Background(), debugexport.Settings{Enabled: true, Dir: other}, "uid=0 pid=2")
	if err != nil || !st.Enabled || st.Dir != other {
		t.Errorf("on after off: %+v %v", st, err)
	}
}

// listDir names every entry in dir, hidden ones too.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestExportRefusesBadDirectories(t *testing.T) {
	base := t.TempDir()
	outside := t.TempDir()
	target := filepath.Join(base, "real")
	os.Mkdir(target, 0o750)
	os.Symlink("real", filepath.Join(base, "link"))
	os.Symlink(outside, filepath.Join(base, "out"))
	os.Symlink(target, filepath.Join(base, "abs")) // absolute: refused even when it points inside
	os.WriteFile(filepath.Join(base, "file"), nil, 0o600)
	exp := debugexport.New(debugexport.Config{AllowedRoot: base})
	exp.Start()
	defer exp.Close()
	for name, dir := range map[string]string{
		"symlink":  filepath.Join(base, "link"),
		"absolute": filepath.Join(base, "abs", "export"),
		"file":     filepath.Join(base, "file"),
		"outside":  "/etc/scannerd-export",
		"escape":   base + "/../elsewhere",
		"relative": "export",
		// A parent that is a symbolic link out of the root: the path reads
		// as inside, the directory would be made outside.
		"symlinked parent":      filepath.Join(base, "out", "export"),
		"symlinked grandparent": filepath.Join(base, "out", "a", "b"),
		"under a file":          filepath.Join(base, "file", "export"),
	} {
		_, err := exp.Configure(context.Background(), debugexport.Settings{Enabled: true, Dir: dir}, "test")
		if !errors.Is(err, debugexport.ErrBadDir) && !errors.Is(err, debugexport.ErrBadSettings) {
			t.Errorf("%s: err = %v", name, err)
		}
		if exp.State().Enabled {
			t.Errorf("%s: export turned on", name)
		}
	}
	if left, _ := os.ReadDir(outside); len(left) != 0 {
		t.Errorf("directories made outside the allowed root: %v", left)
	}
	// A symbolic link leading out is named, with its absolute path, rather
	// than os.Root's "path escapes from parent" about a relative path.
	for dir, link := range map[string]string{
		filepath.Join(base, "abs", "export"): filepath.Join(base, "abs"),
		filepath.Join(base, "out", "a", "b"): filepath.Join(base, "out"),
	} {
		_, err := exp.Configure(context.Background(), debugexport.Settings{Enabled: true, Dir: dir}, "test")
		if err == nil || !strings.Contains(err.Error(), link+" is a symbolic link") || strings.Contains(err.Error(), "escapes") {
			t.Errorf("%s: %v, want it to name the link %s", dir, err, link)
		}
	}
	for name, s := range map[string]debugexport.Settings{
		"frames":       {Enabled: true, Dir: "/x", Frames: "some"},
		"negative":     {Enabled: true, Dir: "/x", MaxImages: -1},
		"duration":     {Enabled: true, Dir: "/x", Duration: -1},
		"too long":     {Enabled: true, Dir: "/x", Duration: apitype.Duration(debugexport.MaxDuration + time.Second)},
		"huge sample":  {Enabled: true, Dir: "/x", Sample: debugexport.MaxSample + 1},
		"no directory": {Enabled: true},
	} {
		if _, err := exp.Configure(context.Background(), s, "test"); !errors.Is(err, debugexport.ErrBadSettings) {
			t.Errorf("%s: err = %v, want ErrBadSettings", name, err)
		}
	}
	// A relative symbolic link that stays inside the root is a path like
	// any other.
	if _, err := exp.Configure(context.Background(), debugexport.Settings{Enabled: true, Dir: filepath.Join(base, "link", "day1")}, "test"); err != nil {
		t.Errorf("a directory below a link inside the root: %v", err)
	}
	if _, err := os.Stat(filepath.Join(target, "day1")); err != nil {
		t.Errorf("not made below the link's target: %v", err)
	}
}

// TestExportDefaults: zero values, and "0s" for the duration, take the
// documented defaults; the state reports them.
func TestExportDefaults(t *testing.T) {
	now := time.Unix(1700000000, 0)
	r := newRig(t, debugexport.Config{Clock: func() time.Time { return now }})
	st := r.configure(t, debugexport.Settings{Enabled: true, Duration: 0})
	want := debugexport.Settings{Enabled: true, Dir: r.dir, Frames: debugexport.FramesDecoded, Sample: 1,
		MaxImages: debugexport.DefaultMaxImages, MaxBytes: debugexport.DefaultMaxBytes, Duration: apitype.Duration(debugexport.DefaultDuration)}
	if st.DebugExportSettings != want || !st.Until.Equal(now.Add(debugexport.DefaultDuration)) {
		t.Errorf("state %+v, want settings %+v until %v", st, want, now.Add(time.Hour))
	}
}

// TestExportFilesReadableByTheGroup: directories and files are made
// readable by their group, and below a setgid root (as packaged: group
// scannerd-admin) they take the root's group, so the administrators who
// turn the export on can read what it saves.
func TestExportFilesReadableByTheGroup(t *testing.T) {
	base := filepath.Join(t.TempDir(), "debug")
	if err := os.Mkdir(base, 0o750); err != nil {
		t.Fatal(err)
	}
	const group = 4242 // a group this process is not in
	chowned := os.Getuid() == 0 && os.Chown(base, -1, group) == nil
	if err := os.Chmod(base, os.ModeSetgid|0o750); err != nil {
		t.Fatal(err)
	}
	exp := debugexport.New(debugexport.Config{AllowedRoot: base})
	exp.Start()
	engine := scanner.NewEngine(scanner.EngineConfig{Workers: 1, Inspect: exp.Inspect})
	engine.Start()
	defer engine.Close()
	defer exp.Close()
	dir := filepath.Join(base, "session", "one")
	if _, err := exp.Configure(context.Background(), debugexport.Settings{Enabled: true, Dir: dir}, "test"); err != nil {
		t.Fatal(err)
	}
	pool := scanner.NewPlanePool(0)
	if _, err := engine.Decode(context.Background(), makeFrame(t, pool, 0, frameSpec{text: "admins"}), scanner.Options{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	exp.Flush(ctx)
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 2 {
		t.Fatalf("exported %v", files)
	}
	for _, p := range append(files, dir, filepath.Dir(dir)) {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		want := os.FileMode(0o040)
		if st.IsDir() {
			want = 0o050
		}
		if st.Mode().Perm()&want != want || st.Mode().Perm()&0o007 != 0 {
			t.Errorf("%s: mode %v, want group-readable and nothing for others", p, st.Mode())
		}
		if gid := st.Sys().(*syscall.Stat_t).Gid; chowned && gid != group {
			t.Errorf("%s: group %d, want the root's %d", p, gid, group)
		}
	}
}

// TestExporterClosesInAnyOrder: Inspect, State, Configure and Flush after
// Close neither panic nor start anything; OnStop is never told after
// Close has returned.
func TestExporterClosesInAnyOrder(t *testing.T) {
	var stopped sync.WaitGroup
	var afterClose atomic.Bool
	r := newRig(t, debugexport.Config{OnStop: func(debugexport.State) {
		if afterClose.Load() {
			t.Error("OnStop told after Close returned")
		}
		stopped.Done()
	}})
	stopped.Add(1)
	r.configure(t, debugexport.Settings{Enabled: true, Frames: debugexport.FramesAll, MaxImages: 1})
	r.feed(t, frames[:1])
	stopped.Wait() // the max_images notice
	r.configure(t, debugexport.Settings{Enabled: true, Frames: debugexport.FramesAll})
	r.exp.Close()
	afterClose.Store(true)
	f := makeFrame(t, r.pool, 9, frameSpec{text: "late"})
	r.exp.Inspect(f, &scanner.FrameReport{Source: "cam", Results: []scanner.Result{{Text: "late"}}})
	f.Purge()
	if _, err := r.exp.Configure(context.Background(), debugexport.Settings{Enabled: true, Dir: r.dir}, "test"); !errors.Is(err, debugexport.ErrClosed) {
		t.Errorf("Configure after Close: %v", err)
	}
	if err := r.exp.Flush(context.Background()); err != nil {
		t.Errorf("Flush after Close: %v", err)
	}
	r.exp.State()
	r.exp.Close()
	r.exp.Start() // starts nothing: goleak would see it
	r.feed(t, frames[:2])
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
	r.configure(t, debugexport.Settings{Enabled: true, Frames: debugexport.FramesAll})
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
	r.configure(t, debugexport.Settings{Enabled: true, Frames: debugexport.FramesAll, Color: true})
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
