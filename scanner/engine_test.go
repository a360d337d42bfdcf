package scanner_test

import (
	"context"
	"errors"
	"fmt"
	"image"
	"sync"
	"testing"
	"time"

	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

// checkPurged asserts that every plane the pool handed out came back and
// that the buffers it keeps hold only zeros.
func checkPurged(t *testing.T, pool *scanner.PlanePool) {
	t.Helper()
	st := pool.Stats()
	if st.Outgoing != 0 {
		t.Errorf("%d of %d frames were never purged", st.Outgoing, st.Gets)
	}
	if !pool.FreeBuffersZeroed() {
		t.Error("a returned plane still holds image data")
	}
}

func barcodeFrame(t testing.TB, pool *scanner.PlanePool, sym scanner.Symbology, text string) *scanner.Frame {
	t.Helper()
	s, err := symbols.Encode(sym, text)
	if err != nil {
		t.Fatal(err)
	}
	c := symbols.NewCanvas(640, 480, 230)
	c.Draw(s, symbols.Placement{CX: 320, CY: 240, Module: 3, Dark: 20, Light: 230})
	return c.Frame(pool)
}

func TestEngineDecodesAndPurgesEveryFrame(t *testing.T) {
	pool := scanner.NewPlanePool(4)
	var mu sync.Mutex
	var reports []*scanner.FrameReport
	e := scanner.NewEngine(scanner.EngineConfig{Workers: 2, QueueSize: 64, OnFrame: func(r *scanner.FrameReport) {
		mu.Lock()
		reports = append(reports, r)
		mu.Unlock()
	}})
	e.Start()
	texts := []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot"}
	for i, text := range texts {
		f := barcodeFrame(t, pool, scanner.QRCode, text)
		f.Source, f.Seq = "test", uint64(i)
		e.Submit(f, scanner.Options{})
	}
	// A direct request is answered with its report.
	rep, err := e.Decode(context.Background(), barcodeFrame(t, pool, scanner.Code128, "direct"), scanner.Options{})
	if err != nil || len(rep.Results) != 1 || rep.Results[0].Text != "direct" {
		t.Fatalf("Decode: %v, %+v", err, rep)
	}
	if rep.CPU != 0 {
		t.Errorf("a direct request reports %v of a live worker's CPU time", rep.CPU)
	}
	e.Close()
	if len(reports) != len(texts) {
		t.Fatalf("got %d reports, want %d", len(reports), len(texts))
	}
	got := map[string]bool{}
	for _, r := range reports {
		if r.CPU <= 0 {
			t.Errorf("frame %d: the decode's CPU time not reported (%v)", r.Seq, r.CPU)
		}
		for _, res := range r.Results {
			got[res.Text] = true
			if res.Source != "test" || res.DecodedAt.IsZero() {
				t.Errorf("result lacks its frame reference: %+v", res)
			}
		}
	}
	for _, text := range texts {
		if !got[text] {
			t.Errorf("%q not decoded", text)
		}
	}
	st := e.Stats()
	if st.Submitted != uint64(len(texts)) || st.Decoded != uint64(len(texts))+1 || st.Dropped != 0 {
		t.Errorf("stats %+v", st)
	}
	checkPurged(t, pool)
}

// blockingGate holds every worker until released, so the test controls
// when the queue moves; entered is told each time a worker is held.
type blockingGate struct{ release, entered chan struct{} }

func newBlockingGate() blockingGate {
	return blockingGate{release: make(chan struct{}), entered: make(chan struct{}, 64)}
}

func (g blockingGate) Permit(time.Time, string) (scanner.SymbologySet, error) {
	select {
	case g.entered <- struct{}{}:
	default:
	}
	<-g.release
	return scanner.AllSymbologies(), nil
}

// held waits until a worker is held in the gate.
func (g blockingGate) held(t *testing.T) {
	t.Helper()
	select {
	case <-g.entered:
	case <-time.After(30 * time.Second):
		t.Fatal("no worker reached the gate")
	}
}

func TestEngineDropsOldestWhenBehind(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	gate := newBlockingGate()
	var mu sync.Mutex
	var seqs []uint64
	e := scanner.NewEngine(scanner.EngineConfig{Workers: 1, QueueSize: 3, Gate: gate, OnFrame: func(r *scanner.FrameReport) {
		mu.Lock()
		seqs = append(seqs, r.Seq)
		mu.Unlock()
	}})
	e.Start()
	// Frame 0 is taken by the worker (blocked in the gate); 1..9 queue up
	// behind it in a queue of 3, so 1..6 are dropped and 7, 8, 9 wait.
	f := pool.Get(64, 64)
	e.Submit(f, scanner.Options{})
	gate.held(t)
	for i := 1; i < 10; i++ {
		f := pool.Get(64, 64)
		f.Seq = uint64(i)
		e.Submit(f, scanner.Options{})
	}
	if st := e.Stats(); st.Dropped != 6 || st.Queued != 3 {
		t.Errorf("after 10 frames: dropped %d, queued %d; want 6 and 3", st.Dropped, st.Queued)
	}
	close(gate.release)
	e.Close()
	want := []uint64{0, 7, 8, 9}
	if len(seqs) != len(want) {
		t.Fatalf("decoded frames %v, want %v", seqs, want)
	}
	for i := range want {
		if seqs[i] != want[i] {
			t.Fatalf("decoded frames %v, want %v", seqs, want)
		}
	}
	checkPurged(t, pool)
}

type refusingGate struct{}

var errExpired = errors.New("license expired")

func (refusingGate) Permit(time.Time, string) (scanner.SymbologySet, error) { return 0, errExpired }

type qrOnlyGate struct{}

func (qrOnlyGate) Permit(time.Time, string) (scanner.SymbologySet, error) {
	return scanner.NewSymbologySet(scanner.QRCode), nil
}

func TestEngineAsksTheGate(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	e := scanner.NewEngine(scanner.EngineConfig{Workers: 1, Gate: refusingGate{}})
	e.Start()
	_, err := e.Decode(context.Background(), barcodeFrame(t, pool, scanner.QRCode, "x"), scanner.Options{})
	if !errors.Is(err, scanner.ErrRefused) || !errors.Is(err, errExpired) {
		t.Errorf("refused decode: err = %v, want ErrRefused wrapping the gate's reason", err)
	}
	// A refused frame counts as refused, not as decoded too: the status's
	// counters each count a frame once.
	if st := e.Stats(); st.Refused != 1 || st.Decoded != 0 {
		t.Errorf("one refused frame: %+v", st)
	}
	e.Close()

	e = scanner.NewEngine(scanner.EngineConfig{Workers: 1, Gate: qrOnlyGate{}})
	e.Start()
	defer e.Close()
	rep, err := e.Decode(context.Background(), barcodeFrame(t, pool, scanner.Code128, "not licensed"), scanner.Options{})
	if err != nil || len(rep.Results) != 0 {
		t.Errorf("a symbology the license excludes was read: %v %+v", err, rep)
	}
	_, err = e.Decode(context.Background(), barcodeFrame(t, pool, scanner.Code128, "x"),
		scanner.Options{Symbologies: scanner.NewSymbologySet(scanner.Code128)})
	if !errors.Is(err, scanner.ErrRefused) {
		t.Errorf("asking only for unlicensed symbologies: err = %v, want ErrRefused", err)
	}
	if st := e.Stats(); st.Decoded != 1 || st.Refused != 1 {
		t.Errorf("one frame decoded and one refused: %+v", st)
	}
	checkPurged(t, pool)
}

type panickingGate struct{}

func (panickingGate) Permit(time.Time, string) (scanner.SymbologySet, error) { panic("gate bug") }

func TestEngineRecoversFromPanics(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	// A reader that crashes on every row: the frame's other readers still
	// run, and the crash is counted.
	e := scanner.WithPanickingDecoder(scanner.NewEngine(scanner.EngineConfig{Workers: 1}))
	e.Start()
	rep, err := e.Decode(context.Background(), barcodeFrame(t, pool, scanner.Code128, "still read"), scanner.Options{})
	if err != nil || len(rep.Results) != 1 || rep.Results[0].Text != "still read" {
		t.Errorf("with a crashing reader: %v %+v", err, rep)
	}
	if e.Stats().Panics == 0 {
		t.Error("reader panics not counted")
	}
	e.Close()

	// A crash outside the readers loses the frame, not the worker.
	e = scanner.NewEngine(scanner.EngineConfig{Workers: 1, Gate: panickingGate{}})
	e.Start()
	for i := 0; i < 3; i++ {
		_, err := e.Decode(context.Background(), barcodeFrame(t, pool, scanner.QRCode, "x"), scanner.Options{})
		if !errors.Is(err, scanner.ErrDecoderPanic) {
			t.Errorf("decode %d: err = %v, want ErrDecoderPanic", i, err)
		}
	}
	if st := e.Stats(); st.Panics != 3 || st.Decoded != 3 {
		t.Errorf("stats %+v", st)
	}
	e.Close()
	checkPurged(t, pool)
}

func TestEngineClosed(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	e := scanner.NewEngine(scanner.EngineConfig{})
	e.Start()
	e.Close()
	e.Close() // idempotent
	if _, err := e.Decode(context.Background(), pool.Get(8, 8), scanner.Options{}); !errors.Is(err, scanner.ErrClosed) {
		t.Errorf("Decode after Close: %v", err)
	}
	e.Submit(pool.Get(8, 8), scanner.Options{})
	if e.Stats().Dropped != 1 {
		t.Error("a frame submitted after Close was not dropped")
	}
	checkPurged(t, pool)
}

func TestEngineHealthReportsAStuckWorker(t *testing.T) {
	now := time.Unix(1000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	gate := newBlockingGate()
	e := scanner.NewEngine(scanner.EngineConfig{Workers: 1, Gate: gate, Clock: clock, StuckAfter: 5 * time.Second})
	e.Start()
	pool := scanner.NewPlanePool(0)
	e.Submit(pool.Get(8, 8), scanner.Options{})
	gate.held(t)
	if err := e.Healthy(); err != nil {
		t.Errorf("healthy engine reports %v", err)
	}
	mu.Lock()
	now = now.Add(6 * time.Second)
	mu.Unlock()
	if err := e.Healthy(); !errors.Is(err, scanner.ErrStuck) {
		t.Errorf("worker busy for 6 s: Healthy() = %v, want ErrStuck", err)
	}
	close(gate.release)
	e.Close()
	if err := e.Healthy(); err != nil {
		t.Errorf("after the frame finished: %v", err)
	}
}

// TestEngineRefusesARegionOutsideTheFrame: a region that does not fit the
// frame is an error, not a silent decode of part or all of the frame.
func TestEngineRefusesARegionOutsideTheFrame(t *testing.T) {
	e := scanner.NewEngine(scanner.EngineConfig{Workers: 1})
	e.Start()
	defer e.Close()
	pool := scanner.NewPlanePool(0)
	for _, tc := range []struct {
		region image.Rectangle
		err    bool
	}{
		{image.Rect(0, 0, 64, 48), false},
		{image.Rect(10, 10, 20, 20), false},
		{image.Rect(10, 10, 65, 20), true},
		{image.Rect(100, 100, 110, 110), true},
	} {
		_, err := e.Decode(context.Background(), pool.Get(64, 48), scanner.Options{Region: tc.region})
		if tc.err != errors.Is(err, scanner.ErrRegion) {
			t.Errorf("region %v in a 64×48 frame: err = %v", tc.region, err)
		}
	}
	checkPurged(t, pool)
}

// The regions the first pass proposes are reported in frame pixels, also
// for a frame searched only in its region of interest: the setup page
// draws them over the frame.
func TestReportProposalsInFramePixels(t *testing.T) {
	e := scanner.NewEngine(scanner.EngineConfig{Workers: 1})
	e.Start()
	defer e.Close()
	roi := image.Rect(160, 120, 520, 380)
	for _, sym := range []scanner.Symbology{scanner.Code128, scanner.DataMatrix} {
		rep, err := e.Decode(context.Background(), barcodeFrame(t, scanner.NewPlanePool(0), sym, "proposed"), scanner.Options{Region: roi})
		if err != nil {
			t.Fatalf("%v: %v", sym, err)
		}
		if len(rep.Proposals) == 0 || len(rep.Proposals) < rep.Candidates {
			t.Fatalf("%v: %d proposals, %d candidates", sym, len(rep.Proposals), rep.Candidates)
		}
		centre := false
		for _, p := range rep.Proposals {
			if !p.In(roi) {
				t.Errorf("%v: proposal %v outside the region %v", sym, p, roi)
			}
			centre = centre || image.Pt(320, 240).In(p)
		}
		if !centre {
			t.Errorf("%v: no proposal covers the code at the frame's centre: %v", sym, rep.Proposals)
		}
	}
}

// TestEngineReportsWhenAWorkerTookTheFrame: a frame's report splits its
// time from capture to result at the moment a worker took it (its way to
// the engine and its wait in the queue before, its decode after).
func TestEngineReportsWhenAWorkerTookTheFrame(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { // a step a call: every reading is later
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Millisecond)
		return now
	}
	reports := make(chan *scanner.FrameReport, 1)
	e := scanner.NewEngine(scanner.EngineConfig{Workers: 1, Clock: clock, OnFrame: func(r *scanner.FrameReport) { reports <- r }})
	e.Start()
	defer e.Close()
	f := barcodeFrame(t, scanner.NewPlanePool(1), scanner.QRCode, "queued")
	f.Source, f.CapturedAt = "test", clock()
	e.Submit(f, scanner.Options{})
	r := <-reports
	if !r.CapturedAt.Before(r.StartedAt) || !r.StartedAt.Before(r.DecodedAt) {
		t.Errorf("captured %v, taken by a worker %v, decoded %v: want them in that order", r.CapturedAt, r.StartedAt, r.DecodedAt)
	}
}

// TestEngineDecodesEncodedFramesWhenTaken: an encoded frame's pixels are
// made by the worker that takes it; one dropped from the queue is never
// decoded, and each lets go of its encoded image exactly once either way.
// A frame that fails to decode is reported with the error and counted.
func TestEngineDecodesEncodedFramesWhenTaken(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	gate := newBlockingGate()
	var mu sync.Mutex
	reports := map[uint64]*scanner.FrameReport{}
	e := scanner.NewEngine(scanner.EngineConfig{Workers: 1, QueueSize: 2, Gate: gate, OnFrame: func(r *scanner.FrameReport) {
		mu.Lock()
		reports[r.Seq] = r
		mu.Unlock()
	}})
	e.Start()
	errCorrupt := errors.New("corrupt JPEG")
	var decoded, released [6]int
	frame := func(seq int) *scanner.Frame {
		f := scanner.NewEncodedFrame(640, 480, func() (*scanner.Frame, error) {
			mu.Lock()
			decoded[seq]++
			mu.Unlock()
			if seq == 5 {
				return nil, errCorrupt
			}
			return barcodeFrame(t, pool, scanner.QRCode, fmt.Sprint("frame ", seq)), nil
		}, func() {
			mu.Lock()
			released[seq]++
			mu.Unlock()
		})
		f.Source, f.Seq = "test", uint64(seq)
		return f
	}
	// Frame 0 is taken (the worker waits in the gate), 1 to 3 are
	// dropped as 4 and 5 come.
	e.Submit(frame(0), scanner.Options{})
	gate.held(t)
	for seq := 1; seq < 6; seq++ {
		e.Submit(frame(seq), scanner.Options{})
	}
	close(gate.release)
	e.Close()
	for seq, want := range []int{1, 0, 0, 0, 1, 1} {
		if decoded[seq] != want || released[seq] != 1 {
			t.Errorf("frame %d: decoded %d times (want %d), released %d (want 1)", seq, decoded[seq], want, released[seq])
		}
	}
	for _, seq := range []uint64{0, 4} {
		if r := reports[seq]; r == nil || r.Err != nil || len(r.Results) != 1 || r.Results[0].Text != fmt.Sprint("frame ", seq) {
			t.Errorf("frame %d: report %+v", seq, r)
		}
	}
	if r := reports[5]; r == nil || !errors.Is(r.Err, errCorrupt) {
		t.Errorf("the frame that did not decode: report %+v", r)
	}
	if st := e.Stats(); st.Decoded != 3 || st.Dropped != 3 || st.Finished() != 6 {
		t.Errorf("stats %+v", st)
	}
	checkPurged(t, pool)
}
