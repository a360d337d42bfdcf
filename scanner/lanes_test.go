package scanner_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scannerd/scannerd/scanner"
)

// within fails the test when ch yields nothing for a long time: only a
// broken engine waits that long.
func within[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("gave up waiting for %s", what)
		panic("unreachable")
	}
}

// sourceGate holds the frames of the named sources in Permit until
// released, and tells entered when one arrives; others pass at once.
type sourceGate struct {
	hold    map[string]chan struct{}
	once    map[string]*sync.Once
	entered chan string
}

func newSourceGate(t *testing.T, sources ...string) *sourceGate {
	g := &sourceGate{hold: map[string]chan struct{}{}, once: map[string]*sync.Once{}, entered: make(chan string, 64)}
	for _, s := range sources {
		g.hold[s], g.once[s] = make(chan struct{}), new(sync.Once)
	}
	return g
}

// startEngine starts an engine with gate whose workers the test's end
// frees (a failed test must not hang in Close) before closing it.
func startEngine(t *testing.T, e *scanner.Engine, gate *sourceGate) *scanner.Engine {
	e.Start()
	t.Cleanup(func() {
		for s := range gate.hold {
			gate.release(s)
		}
		e.Close()
	})
	return e
}

func (g *sourceGate) Permit(_ time.Time, source string) (scanner.SymbologySet, error) {
	if ch, ok := g.hold[source]; ok {
		g.entered <- source
		<-ch
	}
	return scanner.AllSymbologies(), nil
}

// waitEntered waits until a frame of source reaches the gate, passing
// over the others.
func (g *sourceGate) waitEntered(t *testing.T, source string) {
	t.Helper()
	for within(t, g.entered, "a frame of "+source+" at the gate") != source {
	}
}

func (g *sourceGate) release(source string) { g.once[source].Do(func() { close(g.hold[source]) }) }

func frameFrom(f *scanner.Frame, source string, seq uint64) *scanner.Frame {
	f.Source, f.Seq = source, seq
	return f
}

// A costly request (an upload) must not hold up live frames: the issue
// seen was six abandoned uploads stopping the camera for minutes.
func TestLiveFramesDoNotWaitForRequests(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	gate := newSourceGate(t, "upload")
	decoded := make(chan uint64, 8)
	e := startEngine(t, scanner.NewEngine(scanner.EngineConfig{Workers: 1, Gate: gate, OnFrame: func(r *scanner.FrameReport) { decoded <- r.Seq }}), gate)
	go e.Decode(context.Background(), frameFrom(pool.Get(64, 64), "upload", 0), scanner.Options{})
	within(t, gate.entered, "the upload to reach a worker")
	for i := range uint64(3) {
		e.Submit(frameFrom(pool.Get(64, 64), "camera", i), scanner.Options{})
		if got := within(t, decoded, "a live frame while an upload is being decoded"); got != i {
			t.Fatalf("decoded live frame %d, want %d", got, i)
		}
	}
	gate.release("upload")
}

// A request whose caller has gone leaves the queue at once: its frame is
// purged before Decode returns, not decoded later for nobody.
func TestCanceledRequestLeavesTheQueue(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	gate := newSourceGate(t, "held")
	e := startEngine(t, scanner.NewEngine(scanner.EngineConfig{Workers: 1, Gate: gate}), gate)
	// One request holds the background worker; the next one waits.
	heldDone := make(chan error, 1)
	go func() {
		_, err := e.Decode(context.Background(), frameFrom(pool.Get(64, 64), "held", 0), scanner.Options{})
		heldDone <- err
	}()
	within(t, gate.entered, "the first request to reach a worker")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := e.Decode(ctx, frameFrom(pool.Get(1000, 1000), "upload", 1), scanner.Options{})
		done <- err
	}()
	cancel()
	if err := within(t, done, "the canceled Decode"); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled Decode: %v", err)
	}
	if st := pool.Stats(); st.Outgoing != 1 {
		t.Errorf("%d frames held after the caller left, want 1 (the held request)", st.Outgoing)
	}
	if st := e.Stats(); st.Queued+st.BackgroundQueued != 0 {
		t.Errorf("the canceled request is still queued: %+v", st)
	}
	gate.release("held")
	if err := within(t, heldDone, "the held request"); err != nil {
		t.Errorf("held request: %v", err)
	}
	checkPurged(t, pool)
}

// A background decode steps aside while live frames wait for a worker,
// and a decode whose caller leaves stops there, before its frame is done.
func TestRequestStepsAsideForLiveFramesAndStopsWhenCanceled(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	gate := newSourceGate(t, "camera")
	aside := make(chan struct{}, 8)
	e := startEngine(t, scanner.OnStepAside(scanner.NewEngine(scanner.EngineConfig{Workers: 1, Gate: gate}), func() { aside <- struct{}{} }), gate)
	e.Submit(frameFrom(pool.Get(64, 64), "camera", 0), scanner.Options{}) // holds the live worker
	within(t, gate.entered, "the live worker to take frame 0")
	e.Submit(frameFrom(pool.Get(64, 64), "camera", 1), scanner.Options{}) // waits
	type answer struct {
		rep *scanner.FrameReport
		err error
	}
	answers := make(chan answer, 2)
	decode := func(ctx context.Context, text string) {
		rep, err := e.Decode(ctx, frameFrom(barcodeFrame(t, pool, scanner.QRCode, text), "upload", 0), scanner.Options{})
		answers <- answer{rep, err}
	}
	ctx, cancel := context.WithCancel(context.Background())
	go decode(ctx, "abandoned")
	within(t, aside, "the request to step aside")
	select {
	case a := <-answers:
		t.Fatalf("a request was decoded while a live frame waited: %+v %v", a.rep, a.err)
	default:
	}
	cancel()
	if a := within(t, answers, "the canceled request"); !errors.Is(a.err, context.Canceled) {
		t.Errorf("canceled request: %+v, %v", a.rep, a.err)
	}
	// The next request also waits for the live frames, then is read.
	go decode(context.Background(), "wanted")
	within(t, aside, "the second request to step aside")
	gate.release("camera")
	a := within(t, answers, "the second request")
	if a.err != nil || len(a.rep.Results) != 1 || a.rep.Results[0].Text != "wanted" {
		t.Errorf("after the live frames: %+v, %v", a.rep, a.err)
	}
	if st := e.Stats(); st.Stopped != 1 {
		t.Errorf("stopped = %d, want 1", st.Stopped)
	}
	e.Close()
	checkPurged(t, pool)
}

func TestRequestQueueIsBounded(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	gate := newSourceGate(t, "held")
	e := startEngine(t, scanner.NewEngine(scanner.EngineConfig{Workers: 1, BackgroundQueue: 1, Gate: gate}), gate)
	results := make(chan error, 2)
	go func() {
		_, err := e.Decode(context.Background(), frameFrom(pool.Get(8, 8), "held", 0), scanner.Options{})
		results <- err
	}()
	within(t, gate.entered, "the first request to reach a worker")
	go func() {
		_, err := e.Decode(context.Background(), frameFrom(pool.Get(8, 8), "waiting", 1), scanner.Options{})
		results <- err
	}()
	deadline := time.Now().Add(30 * time.Second)
	for e.Stats().BackgroundQueued == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the second request never queued")
		}
		runtime.Gosched()
	}
	// The third finds the queue full and is answered at once.
	if _, err := e.Decode(context.Background(), frameFrom(pool.Get(8, 8), "third", 2), scanner.Options{}); !errors.Is(err, scanner.ErrBusy) {
		t.Errorf("third request: %v, want ErrBusy", err)
	}
	gate.release("held")
	for range 2 {
		if err := within(t, results, "the queued requests"); err != nil {
			t.Error(err)
		}
	}
	e.Close()
	checkPurged(t, pool)
}

func TestBackgroundDecodeStopsAtItsDeadline(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	// Each look at the clock is an hour later: the deadline has passed by
	// the first checkpoint.
	var hours atomic.Int64
	clock := func() time.Time { return time.Unix(0, 0).Add(time.Duration(hours.Add(1)) * time.Hour) }
	e := scanner.NewEngine(scanner.EngineConfig{Workers: 1, Clock: clock, BackgroundTimeout: time.Minute})
	e.Start()
	defer e.Close()
	rep, err := e.Decode(context.Background(), barcodeFrame(t, pool, scanner.QRCode, "late"), scanner.Options{})
	if !errors.Is(err, scanner.ErrDeadline) || rep == nil || len(rep.Results) != 0 {
		t.Errorf("past the deadline: %+v, %v", rep, err)
	}
	if e.Stats().Stopped != 1 {
		t.Errorf("stats %+v", e.Stats())
	}
	e.Close()
	checkPurged(t, pool)
}

// Batch frames (image files) are never dropped: Queue waits for room, the
// reports go to OnFrame, and each frame's Done hears how it ended. They
// come with their source's options, but a budget and adaptive decoding
// are for live video: a file is decoded whole, however long that takes.
func TestBatchFramesAreNeverDropped(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	var mu sync.Mutex
	texts := map[string]int{}
	e := scanner.NewEngine(scanner.EngineConfig{Workers: 1, BackgroundQueue: 1, OnFrame: func(r *scanner.FrameReport) {
		mu.Lock()
		defer mu.Unlock()
		for _, res := range r.Results {
			texts[res.Text]++
		}
	}})
	e.Start()
	const n = 12
	outcomes := make(chan error, n)
	for i := range n {
		f := frameFrom(barcodeFrame(t, pool, scanner.QRCode, string(rune('a'+i))), "inbox", uint64(i))
		f.Done = func(err error) { outcomes <- err }
		if err := e.Queue(context.Background(), f, scanner.Options{Adaptive: true, Budget: time.Nanosecond}); err != nil {
			t.Fatal(err)
		}
	}
	for range n {
		if err := within(t, outcomes, "a batch frame's outcome"); err != nil {
			t.Errorf("batch frame: %v", err)
		}
	}
	e.Close()
	if len(texts) != n {
		t.Errorf("decoded %d distinct codes, want %d: %v", len(texts), n, texts)
	}
	if st := e.Stats(); st.Dropped != 0 || st.Decoded != n {
		t.Errorf("stats %+v", st)
	}
	checkPurged(t, pool)

	// Once closed, Queue refuses and says so to Done.
	f := pool.Get(8, 8)
	var got error
	f.Done = func(err error) { got = err }
	if err := e.Queue(context.Background(), f, scanner.Options{}); !errors.Is(err, scanner.ErrClosed) || !errors.Is(got, scanner.ErrClosed) {
		t.Errorf("Queue after Close: %v, Done(%v)", err, got)
	}
	checkPurged(t, pool)
}

// A frame whose report OnFrame holds hears nothing until the holder says
// how its results ended (a dir: source's file stays until its results
// are delivered), and then hears that, joined to the report's error.
func TestOnFrameHoldsTheFramesDone(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	held := make(chan func(error), 2)
	e := scanner.NewEngine(scanner.EngineConfig{Workers: 1, OnFrame: func(r *scanner.FrameReport) {
		if r.Seq == 0 {
			held <- r.Hold()
		} else {
			held <- nil
		}
	}})
	e.Start()
	defer e.Close()
	outcomes := make(chan error, 2)
	for i := range 2 {
		f := frameFrom(barcodeFrame(t, pool, scanner.QRCode, "held"), "inbox", uint64(i))
		f.Done = func(err error) { outcomes <- err }
		if err := e.Queue(context.Background(), f, scanner.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	release := within(t, held, "the first frame's report")
	if release == nil {
		t.Fatal("Hold of a frame with a Done returned nil")
	}
	within(t, held, "the second frame's report")
	// One background worker: the first frame is finished with, and the
	// second's Done, not held, is the only one heard so far.
	if err := within(t, outcomes, "the second frame's Done"); err != nil {
		t.Errorf("second frame: Done(%v)", err)
	}
	select {
	case err := <-outcomes:
		t.Fatalf("a held frame's Done ran before its holder said (%v)", err)
	default:
	}
	release(scanner.ErrRefused)
	if err := within(t, outcomes, "the held frame's Done"); !errors.Is(err, scanner.ErrRefused) {
		t.Errorf("held frame: Done(%v)", err)
	}
	checkPurged(t, pool)
}

func TestDoneHearsDropsAndRefusals(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	gate := newSourceGate(t, "camera")
	e := startEngine(t, scanner.NewEngine(scanner.EngineConfig{Workers: 1, QueueSize: 1, Gate: gate}), gate)
	outcomes := make(chan error, 4)
	submit := func(seq uint64) {
		f := frameFrom(pool.Get(8, 8), "camera", seq)
		f.Done = func(err error) { outcomes <- err }
		e.Submit(f, scanner.Options{})
	}
	submit(0)
	within(t, gate.entered, "frame 0 to reach the worker")
	submit(1)
	submit(2) // drops 1
	if err := within(t, outcomes, "the dropped frame's outcome"); !errors.Is(err, scanner.ErrDropped) {
		t.Errorf("dropped frame: Done(%v)", err)
	}
	gate.release("camera")
	for range 2 {
		if err := within(t, outcomes, "a decoded frame's outcome"); err != nil {
			t.Errorf("decoded frame: Done(%v)", err)
		}
	}
	e.Close()

	e = scanner.NewEngine(scanner.EngineConfig{Workers: 1, Gate: refusingGate{}})
	e.Start()
	defer e.Close()
	f := pool.Get(8, 8)
	f.Done = func(err error) { outcomes <- err }
	if err := e.Queue(context.Background(), f, scanner.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := within(t, outcomes, "the refused frame's outcome"); !errors.Is(err, scanner.ErrRefused) {
		t.Errorf("refused frame: Done(%v)", err)
	}
	e.Close()
	checkPurged(t, pool)
}

// The watchdog watches live decoding: a long background decode is no
// reason to restart the daemon.
func TestHealthIgnoresBackgroundWorkers(t *testing.T) {
	now := time.Unix(1000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	gate := newSourceGate(t, "upload")
	e := startEngine(t, scanner.NewEngine(scanner.EngineConfig{Workers: 1, Gate: gate, Clock: clock, StuckAfter: 5 * time.Second}), gate)
	pool := scanner.NewPlanePool(0)
	go e.Decode(context.Background(), frameFrom(pool.Get(8, 8), "upload", 0), scanner.Options{})
	within(t, gate.entered, "the upload to reach a worker")
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	if err := e.Healthy(); err != nil {
		t.Errorf("an upload running for a minute: Healthy() = %v", err)
	}
	if st := e.Stats(); st.BackgroundBusy != 1 || st.Busy != 0 {
		t.Errorf("stats %+v", st)
	}
	gate.release("upload")
}

// A frame with an absurd side is refused before any decoder sizes a
// buffer by it.
func TestEngineRefusesFramesWithAbsurdSides(t *testing.T) {
	e := scanner.NewEngine(scanner.EngineConfig{Workers: 1})
	e.Start()
	defer e.Close()
	for _, size := range [][2]int{{scanner.MaxFrameSide + 1, 1}, {1, scanner.MaxFrameSide + 1}} {
		pix := make([]byte, size[0]*size[1])
		_, err := e.Decode(context.Background(), scanner.NewFrame(pix, size[0], size[1], size[0]), scanner.Options{})
		if !errors.Is(err, scanner.ErrImageTooLarge) {
			t.Errorf("%d×%d: %v, want ErrImageTooLarge", size[0], size[1], err)
		}
	}
}

// The readers keep buffers sized by the frames they read, so a worker that
// kept its readers after a large upload would hold that memory for good
// (917 MB after two 25,000,000×1 uploads). Live workers keep theirs, sized
// by the camera's frames; background workers keep theirs after frames no
// larger than 1080p, and start afresh after a larger one.
func TestBackgroundWorkersDoNotKeepTheirBuffers(t *testing.T) {
	var made atomic.Int64
	e := scanner.CountDecoders(scanner.NewEngine(scanner.EngineConfig{Workers: 1}), &made)
	e.Start()
	defer e.Close()
	pool := scanner.NewPlanePool(0)
	done := make(chan struct{}, 3)
	for i := range 3 {
		if _, err := e.Decode(context.Background(), pool.Get(64, 64), scanner.Options{}); err != nil {
			t.Fatal(err)
		}
		f := frameFrom(pool.Get(64, 64), "camera", uint64(i))
		f.Done = func(error) { done <- struct{}{} }
		e.Submit(f, scanner.Options{})
		within(t, done, "a live frame")
	}
	// One decoder per worker at the start, kept through the three small
	// requests, as the live worker kept its own.
	if got := made.Load(); got != 2 {
		t.Errorf("%d decoders made for small frames, want 2", got)
	}
	// A fresh one after a frame larger than 1080p.
	if _, err := e.Decode(context.Background(), pool.Get(2000, 1100), scanner.Options{}); err != nil {
		t.Fatal(err)
	}
	if got := made.Load(); got != 3 {
		t.Errorf("%d decoders made after a large frame, want 3", got)
	}
}

// An upload's image is converted on the background worker, once live
// frames have had their turn; one whose caller left is never converted.
func TestDecodeFromLoadsWhenItsTurnComes(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	gate := newSourceGate(t, "camera", "held")
	aside := make(chan struct{}, 8)
	e := startEngine(t, scanner.OnStepAside(scanner.NewEngine(scanner.EngineConfig{Workers: 1, Gate: gate}), func() { aside <- struct{}{} }), gate)
	e.Submit(frameFrom(pool.Get(8, 8), "camera", 0), scanner.Options{})
	within(t, gate.entered, "the live worker to take frame 0")
	e.Submit(frameFrom(pool.Get(8, 8), "camera", 1), scanner.Options{})
	loaded := make(chan string, 4)
	load := func(text string) func() (*scanner.Frame, error) {
		return func() (*scanner.Frame, error) {
			loaded <- text
			return frameFrom(barcodeFrame(t, pool, scanner.QRCode, text), "upload", 0), nil
		}
	}
	type answer struct {
		rep *scanner.FrameReport
		err error
	}
	answers := make(chan answer, 1)
	go func() {
		rep, err := e.DecodeFrom(context.Background(), load("converted late"), scanner.Options{})
		answers <- answer{rep, err}
	}()
	within(t, aside, "the request to step aside")
	select {
	case text := <-loaded:
		t.Fatalf("%q was converted while a live frame waited", text)
	default:
	}
	gate.release("camera")
	a := within(t, answers, "the request")
	if a.err != nil || len(a.rep.Results) != 1 || a.rep.Results[0].Text != "converted late" {
		t.Errorf("DecodeFrom: %+v, %v", a.rep, a.err)
	}
	<-loaded

	// A load error comes back as it is.
	errNotImage := errors.New("not an image")
	if _, err := e.DecodeFrom(context.Background(), func() (*scanner.Frame, error) { return nil, errNotImage }, scanner.Options{}); !errors.Is(err, errNotImage) {
		t.Errorf("failed load: %v", err)
	}

	// A request canceled while it waits is never loaded.
	done := make(chan error, 1)
	go func() {
		_, err := e.DecodeFrom(context.Background(), func() (*scanner.Frame, error) { return frameFrom(pool.Get(8, 8), "held", 0), nil }, scanner.Options{})
		done <- err
	}()
	gate.waitEntered(t, "held")
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		_, err := e.DecodeFrom(ctx, load("never"), scanner.Options{})
		done <- err
	}()
	deadline := time.Now().Add(30 * time.Second)
	for e.Stats().BackgroundQueued == 0 && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	cancel()
	if err := within(t, done, "the canceled request"); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled request: %v", err)
	}
	gate.release("held")
	if err := within(t, done, "the held request"); err != nil {
		t.Error(err)
	}
	select {
	case text := <-loaded:
		t.Errorf("%q was loaded after its caller left", text)
	default:
	}
	e.Close()
	checkPurged(t, pool)
}
