package capture_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/internal/backoff"
	"github.com/scannerd/scannerd/scanner"
)

// pluggedCamera stands in for the camera hardware, which cannot exist
// here: it opens when its name resolves to a node in the device tree (the
// real resolution), hands over one frame per opening, then blocks in Read
// like a driver that does not notice the unplugging.
type pluggedCamera struct {
	devices capture.Devices
	ref     capture.CameraRef
	opened  chan int // the node number of each opening
	node    string
	fresh   bool
}

func (c *pluggedCamera) Open(ctx context.Context) error {
	dev, err := c.devices.Resolve(c.ref)
	if err != nil {
		return err
	}
	c.node, c.fresh = dev.Node, true
	c.opened <- dev.Index
	return nil
}

func (c *pluggedCamera) Read(ctx context.Context, pool *scanner.PlanePool) (*scanner.Frame, error) {
	if c.fresh {
		c.fresh = false
		return pool.Get(8, 8), nil
	}
	<-ctx.Done()
	return nil, ctx.Err()
}

func (c *pluggedCamera) Close() error       { c.node = ""; return nil }
func (c *pluggedCamera) DevicePath() string { return c.node }

// plugRig runs a camera source named by a by-id link against a device
// tree watched by a real inotify Watcher. The backoff is an hour: only
// hot-plug can bring the camera back in time.
type plugRig struct {
	tree   *deviceTree
	cam    *pluggedCamera
	runner *capture.Runner
	states chan capture.Status
	frames chan struct{}
	stop   func()
}

const rigLink = "v4l/by-id/usb-Acme_HD_Cam_SN42-video-index0"

func startPlugRig(t testing.TB) *plugRig {
	tr := newDeviceTree(t)
	w, err := capture.NewWatcher(tr.dev, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	rig := &plugRig{tree: tr, states: make(chan capture.Status, 64), frames: make(chan struct{}, 64)}
	spec := capture.Spec{Name: "door", URL: "/dev/" + rigLink}
	target, err := capture.ParseURL(spec.URL)
	if err != nil {
		t.Fatal(err)
	}
	rig.cam = &pluggedCamera{devices: tr.devices(), ref: target.Camera, opened: make(chan int, 64)}
	env := capture.Env{Hotplug: w, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		OnState: func(st capture.Status) { rig.states <- st }}
	rig.runner = capture.NewRunner(spec, rig.cam, scanner.NewPlanePool(0), func(f *scanner.Frame) {
		f.Purge()
		rig.frames <- struct{}{}
	}, env)
	rig.runner.Backoff = backoff.Policy{Min: time.Hour, Max: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { rig.runner.Run(ctx); close(done) }()
	rig.stop = func() { cancel(); <-done; w.Close() }
	t.Cleanup(rig.stop)
	return rig
}

// state waits for the runner to enter a state.
func (rig *plugRig) state(t testing.TB, want string) capture.Status {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case st := <-rig.states:
			if st.State == want {
				return st
			}
		case <-deadline:
			t.Fatalf("no %s state; status %+v", want, rig.runner.Status())
		}
	}
}

func (rig *plugRig) frame(t testing.TB) {
	t.Helper()
	select {
	case <-rig.frames:
	case <-time.After(20 * time.Second):
		t.Fatalf("no frame; status %+v", rig.runner.Status())
	}
}

func (rig *plugRig) opened(t testing.TB) int {
	t.Helper()
	select {
	case n := <-rig.cam.opened:
		return n
	case <-time.After(20 * time.Second):
		t.Fatalf("not opened; status %+v", rig.runner.Status())
		return -1
	}
}

// TestCameraHotplug: a camera named by its by-id link is opened as soon
// as it is plugged in, under whichever number it gets, and its unplugging
// is reported at once, although its driver's read never fails and the
// backoff would wait an hour.
func TestCameraHotplug(t *testing.T) {
	rig := startPlugRig(t)
	if st := rig.state(t, capture.StateUnplugged); st.LastError == "" {
		t.Errorf("unplugged without a reason: %+v", st)
	}

	rig.tree.plug("video3", rigLink)
	if n := rig.opened(t); n != 3 {
		t.Errorf("opened video%d, want video3", n)
	}
	rig.state(t, capture.StateRunning)
	rig.frame(t)

	rig.tree.unplug("video3", rigLink)
	st := rig.state(t, capture.StateUnplugged)
	if st.LastError == "" {
		t.Errorf("unplugged without a reason: %+v", st)
	}

	// Back on another port, as another number.
	rig.tree.plug("video5", rigLink)
	if n := rig.opened(t); n != 5 {
		t.Errorf("reopened video%d, want video5", n)
	}
	rig.state(t, capture.StateRunning)
	rig.frame(t)
	if st := rig.runner.Status(); st.Reopens != 1 || st.Frames != 2 {
		t.Errorf("after one replug: %+v", st)
	}
}

// BenchmarkCameraReplug measures a replug: from the device node and its
// link appearing to the camera's first frame delivered (replug-ms), and
// from the node vanishing to the source reported unplugged (unplug-ms).
func BenchmarkCameraReplug(b *testing.B) {
	rig := startPlugRig(b)
	rig.state(b, capture.StateUnplugged)
	var plugged, unplugged time.Duration
	for i := 0; b.Loop(); i++ {
		node := "video" + string(rune('0'+i%2))
		start := time.Now()
		rig.tree.plug(node, rigLink)
		rig.frame(b)
		plugged += time.Since(start)
		rig.opened(b)
		rig.state(b, capture.StateRunning)
		start = time.Now()
		rig.tree.unplug(node, rigLink)
		rig.state(b, capture.StateUnplugged)
		unplugged += time.Since(start)
	}
	b.ReportMetric(float64(plugged.Microseconds())/1000/float64(b.N), "replug-ms")
	b.ReportMetric(float64(unplugged.Microseconds())/1000/float64(b.N), "unplug-ms")
}
