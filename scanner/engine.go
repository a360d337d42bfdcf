package scanner

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Gate is consulted before each frame is decoded: the license decides
// whether decoding is allowed now and for which symbologies.
type Gate interface {
	// Permit reports which symbologies may be decoded now in frames from
	// the named source, or an error that names the license state and how
	// to fix it. It is called for every frame and must be cheap.
	Permit(now time.Time, source string) (SymbologySet, error)
}

// EngineConfig configures an Engine. Zero values take the defaults.
type EngineConfig struct {
	// Workers decoding live frames in parallel; default one per CPU.
	Workers int
	// QueueSize bounds the live frames waiting for a worker; when it is full
	// the oldest waiting frame is dropped. Default: Workers.
	QueueSize int
	// BackgroundWorkers decode requests (Decode: uploads) and batch frames
	// (Queue: image files) beside the live workers, so that a costly
	// image never holds up live video; default 1.
	BackgroundWorkers int
	// BackgroundQueue bounds the requests waiting for a background worker,
	// and separately the batch frames; default 2 each.
	BackgroundQueue int
	// BackgroundTimeout bounds the decoding of one request or batch frame;
	// past it the decode stops at its next checkpoint and reports
	// ErrDeadline. Default 30 s.
	BackgroundTimeout time.Duration
	// Gate, when set, is asked before each frame.
	Gate Gate
	// Clock returns the time; default time.Now.
	Clock func() time.Time
	// Logger; default slog.Default().
	Logger *slog.Logger
	// OnFrame receives the report of every live (Submit) and batch (Queue)
	// frame once it is decoded and purged. It runs on the worker and must
	// not block. The frame's Done runs when it returns, unless it took
	// that over with the report's Hold.
	OnFrame func(*FrameReport)
	// Inspect, when set, sees each frame after decoding and before it is
	// purged (debug export). It runs on the worker and must not block or
	// keep f.
	Inspect func(f *Frame, rep *FrameReport)
	// StuckAfter is how long a live worker may take over one frame before
	// the engine counts as stuck (Healthy reports it); default 10 s.
	StuckAfter time.Duration
	// StageCPU has the reports of live frames split their CPU time by the
	// decode's passes and stages (FrameReport.Stages), for measuring what
	// the costliest frames spend it on; the decode reads its thread's
	// clock at each stage.
	StageCPU bool
}

// MaxFrameSide is the longest side of a frame the engine decodes, in
// pixels. The decoders keep buffers as long as a row or a column, so a
// frame of 25,000,000×1 pixels, small as it is, would cost gigabytes;
// longer frames are refused with ErrImageTooLarge.
const MaxFrameSide = 1 << 14

// FrameReport is what became of one frame.
type FrameReport struct {
	Source        string
	Seq           uint64
	Width, Height int
	CapturedAt    time.Time
	StartedAt     time.Time // a worker took the frame: before, its way to the engine and its wait in the queue; after, its decode
	DecodedAt     time.Time
	Options       Options
	Results       []Result
	Passes        []PassTiming
	// Candidates counts the regions that looked like barcodes: a frame
	// with candidates but no results is a missed read worth a look.
	Candidates int
	// Proposals are the regions the first pass of each view proposed, in
	// frame pixels: what the decoder looked at closely (the setup page
	// draws them).
	Proposals []image.Rectangle
	// Unchanged is the share of the frame's contrasted area that a live
	// adaptive decode left because it had not changed since it was last
	// searched (Options.Rescan): 0 when the whole frame was searched.
	Unchanged float64
	// CPU is the CPU time a live frame's decode took, counted as its
	// budget is (the live worker's own thread time); 0 for uploads and
	// files.
	CPU time.Duration
	// Stages split CPU by the decode's passes and stages, in the order
	// they ran, with EngineConfig.StageCPU.
	Stages []StageCPU
	// Err is set when the frame was not decoded (license refusal, a frame
	// too large), the decoder failed (a recovered panic), or a background
	// decode was stopped (canceled, past its deadline). Results read
	// before a stop are kept.
	Err error

	// done is the frame's Done while OnFrame runs, until Hold takes it.
	done func(error)
}

// Hold, called by OnFrame, takes over telling the frame's source how the
// frame ended: the engine does not call the frame's Done when OnFrame
// returns, and the caller calls the function Hold returns exactly once,
// later, with the reason the frame's results were not delivered (nil: they
// were), which Done hears joined to Err. A dir: source deletes a file only
// then, so that a file whose results wait for the disk, or are refused
// there, is not gone before them. Hold returns nil for a frame without a
// Done, and must not be called once OnFrame has returned.
func (r *FrameReport) Hold() func(error) {
	done, err := r.done, r.Err
	r.done = nil
	if done == nil {
		return nil
	}
	return func(why error) { done(errors.Join(err, why)) }
}

// EngineStats counts what the engine has done since it started.
type EngineStats struct {
	Workers   int `json:"workers"`
	Busy      int `json:"busy"`
	Queued    int `json:"queued"` // live frames waiting
	QueueSize int `json:"queue_size"`
	// BackgroundWorkers decode uploads and image files; BackgroundBusy of
	// them are at work, BackgroundQueued jobs wait.
	BackgroundWorkers int `json:"background_workers"`
	BackgroundBusy    int `json:"background_busy"`
	BackgroundQueued  int `json:"background_queued"`
	// Each frame the engine is done with counts once, as Decoded, Refused
	// (by the license gate) or Dropped.
	Submitted uint64 `json:"submitted"`
	Decoded   uint64 `json:"decoded"`
	Dropped   uint64 `json:"dropped"`
	Refused   uint64 `json:"refused"`
	Panics    uint64 `json:"panics"`
	Results   uint64 `json:"results"`
	// Stopped counts background decodes canceled or past their deadline.
	Stopped uint64 `json:"stopped"`
}

// Finished counts the frames the engine is done with: decoded, refused or
// dropped, each once.
func (s EngineStats) Finished() uint64 { return s.Decoded + s.Refused + s.Dropped }

// lane says which queue a job came from.
type lane uint8

const (
	laneLive    lane = iota // Submit: newest frame wins, oldest dropped
	laneRequest             // Decode: a caller waits for the report
	laneBatch               // Queue: every frame decoded, report to OnFrame
)

type job struct {
	f *Frame
	// load makes a request's frame once a background worker takes the
	// request (f is nil until then).
	load  func() (*Frame, error)
	opts  Options
	lane  lane
	reply chan *FrameReport // requests only
	// ctx of a request: when it ends the job leaves the queue, or its
	// decode stops at the next checkpoint.
	ctx context.Context
}

// BackgroundNice is the nice value of the background workers' threads:
// uploads and files take the CPU the camera, the API and the rest of the
// daemon leave.
const BackgroundNice = 10

// Engine decodes frames in two pools of workers, each worker owning its
// readers. Live frames (Submit) wait in a bounded queue that drops the
// oldest frame when the workers fall behind: live video wants the newest
// frame. Requests (Decode) and batch frames (Queue) go to background
// workers of their own, in bounded queues; a background decode steps aside
// while live frames wait for a worker, and stops when its caller gives up
// or its deadline passes. Every frame is purged once decoded.
type Engine struct {
	cfg EngineConfig
	log *slog.Logger

	mu       sync.Mutex
	cond     *sync.Cond
	live     []job // oldest first
	requests []job
	batch    []job
	// batchTurn: the next background worker takes a batch frame before a
	// request when both wait, so neither kind starves the other.
	batchTurn bool
	closed    bool
	wg        sync.WaitGroup
	once      sync.Once

	// scenes are the live sources' scene memories (Options.Rescan), by
	// source name; under mu. Each is a picture of its scene at an eighth
	// of its size, zeroed by Close.
	scenes map[string]*sceneMemory

	makeDecoder func() *decoder
	// onStepAside, when set (by tests), is called each time a background
	// decode starts waiting for live frames.
	onStepAside func()

	// busySince holds, per worker (live ones first), the unix nanos it
	// took its frame; 0 idle.
	busySince                                                      []atomic.Int64
	submitted, decoded, dropped, refused, panics, results, stopped atomic.Uint64
}

// NewEngine returns an engine that is not yet running; call Start.
func NewEngine(cfg EngineConfig) *Engine {
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.NumCPU()
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = cfg.Workers
	}
	if cfg.BackgroundWorkers <= 0 {
		cfg.BackgroundWorkers = 1
	}
	if cfg.BackgroundQueue <= 0 {
		cfg.BackgroundQueue = 2
	}
	if cfg.BackgroundTimeout <= 0 {
		cfg.BackgroundTimeout = 30 * time.Second
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.StuckAfter <= 0 {
		cfg.StuckAfter = 10 * time.Second
	}
	e := &Engine{cfg: cfg, log: cfg.Logger, makeDecoder: newDecoder, scenes: make(map[string]*sceneMemory),
		busySince: make([]atomic.Int64, cfg.Workers+cfg.BackgroundWorkers)}
	e.cond = sync.NewCond(&e.mu)
	return e
}

// Start launches the workers.
func (e *Engine) Start() {
	for i := 0; i < e.cfg.Workers+e.cfg.BackgroundWorkers; i++ {
		e.wg.Add(1)
		go e.work(i, i >= e.cfg.Workers)
	}
}

// Submit queues a live frame and returns at once. When the queue is full
// the oldest waiting frame is dropped (purged, counted, its Done told
// ErrDropped). After Close the frame itself is dropped. The engine owns f
// from now on.
func (e *Engine) Submit(f *Frame, opts Options) {
	e.submitted.Add(1)
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		e.dropped.Add(1)
		finish(f, ErrClosed)
		return
	}
	var old *Frame
	if len(e.live) >= e.cfg.QueueSize {
		old = e.live[0].f
		e.live[0] = job{}
		e.live = e.live[1:]
	}
	e.live = append(e.live, job{f: f, opts: opts, lane: laneLive})
	e.mu.Unlock()
	e.cond.Broadcast()
	if old != nil {
		e.dropped.Add(1)
		finish(old, ErrDropped)
	}
}

// Queue hands a batch frame (an image file) to the background workers,
// waiting while their batch queue is full: batch frames are never dropped.
// Its report goes to OnFrame like a live frame's. When ctx ends first, or
// the engine is closed, the frame is purged and its Done told why. The
// engine owns f from now on.
func (e *Engine) Queue(ctx context.Context, f *Frame, opts Options) error {
	e.submitted.Add(1)
	stop := context.AfterFunc(ctx, func() {
		// Under the lock, so that a waiter that has just seen ctx alive
		// is in Wait when the news comes.
		e.mu.Lock()
		e.cond.Broadcast()
		e.mu.Unlock()
	})
	defer stop()
	e.mu.Lock()
	for !e.closed && ctx.Err() == nil && len(e.batch) >= e.cfg.BackgroundQueue {
		e.cond.Wait()
	}
	err := ctx.Err()
	if e.closed {
		err = ErrClosed
	}
	if err != nil {
		e.mu.Unlock()
		e.dropped.Add(1)
		finish(f, err)
		return err
	}
	e.batch = append(e.batch, job{f: f, opts: opts, lane: laneBatch, ctx: context.Background()})
	e.mu.Unlock()
	e.cond.Broadcast()
	return nil
}

// Decode decodes f with opts on a background worker and waits for the
// report. The engine owns f from now on and purges it. When the request
// queue is full it returns ErrBusy at once. A license refusal is returned
// as the error. When ctx ends the frame leaves the queue, or its decode
// stops at the next checkpoint; Decode returns ctx.Err() once the engine
// has let go of the frame.
func (e *Engine) Decode(ctx context.Context, f *Frame, opts Options) (*FrameReport, error) {
	return e.request(ctx, job{f: f, opts: opts})
}

// DecodeFrom is Decode for a frame that load makes once a background
// worker takes the request, after stepping aside for live frames: an
// upload's image is converted to gray only then, so the uploads waiting
// hold only their encoded bytes, and no more images are being converted
// at once than there are background workers. An error from load is
// returned as it is.
func (e *Engine) DecodeFrom(ctx context.Context, load func() (*Frame, error), opts Options) (*FrameReport, error) {
	return e.request(ctx, job{load: load, opts: opts})
}

func (e *Engine) request(ctx context.Context, j job) (*FrameReport, error) {
	reply := make(chan *FrameReport, 1)
	j.lane, j.reply, j.ctx = laneRequest, reply, ctx
	refuse := func(err error) (*FrameReport, error) {
		if j.f != nil {
			finish(j.f, err)
		}
		return nil, err
	}
	e.mu.Lock()
	switch {
	case e.closed:
		e.mu.Unlock()
		return refuse(ErrClosed)
	case len(e.requests) >= e.cfg.BackgroundQueue:
		e.mu.Unlock()
		return refuse(fmt.Errorf("%w: %d waiting", ErrBusy, e.cfg.BackgroundQueue))
	}
	e.requests = append(e.requests, j)
	e.mu.Unlock()
	e.cond.Broadcast()
	select {
	case rep := <-reply:
		return rep, rep.Err
	case <-ctx.Done():
	}
	e.mu.Lock()
	if i := slices.IndexFunc(e.requests, func(q job) bool { return q.reply == reply }); i >= 0 {
		e.requests = slices.Delete(e.requests, i, i+1)
		e.mu.Unlock()
		e.stopped.Add(1)
		return refuse(ctx.Err())
	}
	e.mu.Unlock()
	// A worker has it: wake a decode that steps aside for live frames, so
	// that it sees the end of ctx, and wait until it lets go of the frame.
	e.cond.Broadcast()
	<-reply
	return nil, ctx.Err()
}

// Close stops taking frames, lets the workers finish the queued ones,
// waits for them and zeroes the live sources' scene memories. It is safe
// to call more than once.
func (e *Engine) Close() error {
	e.once.Do(func() {
		e.mu.Lock()
		e.closed = true
		e.mu.Unlock()
		e.cond.Broadcast()
		e.wg.Wait()
		e.mu.Lock()
		for name, m := range e.scenes {
			m.wipe()
			delete(e.scenes, name)
		}
		e.mu.Unlock()
	})
	return nil
}

// next waits for a job for a live (background false) or background worker.
func (e *Engine) next(background bool) (job, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for {
		var q *[]job
		switch {
		case !background && len(e.live) > 0:
			q = &e.live
		case background && len(e.batch) > 0 && (e.batchTurn || len(e.requests) == 0):
			q = &e.batch
		case background && len(e.requests) > 0:
			q = &e.requests
		}
		if q != nil {
			j := (*q)[0]
			(*q)[0] = job{}
			*q = (*q)[1:]
			if background {
				e.batchTurn = j.lane == laneRequest
			}
			// Room in a queue, or an empty live queue, is news to a Queue
			// caller and to background decodes stepping aside.
			e.cond.Broadcast()
			return j, true
		}
		if e.closed {
			return job{}, false
		}
		e.cond.Wait()
	}
}

// checkpoint is called by a background decode between its steps: it waits
// while live frames wait for a worker (live video comes first), and tells
// the decode to stop when its caller gave up or its deadline passed. The
// time spent waiting moves the deadline: it bounds the work, so that a
// file is not given up because the camera was busy.
func (e *Engine) checkpoint(j *job, deadline *time.Time) error {
	e.mu.Lock()
	if len(e.live) > 0 && !e.closed && j.ctx.Err() == nil {
		if e.onStepAside != nil {
			e.onStepAside()
		}
		since := e.cfg.Clock()
		for len(e.live) > 0 && !e.closed && j.ctx.Err() == nil {
			e.cond.Wait()
		}
		*deadline = deadline.Add(e.cfg.Clock().Sub(since))
	}
	e.mu.Unlock()
	if err := j.ctx.Err(); err != nil {
		return err
	}
	if e.cfg.Clock().After(*deadline) {
		return fmt.Errorf("%w (%v)", ErrDeadline, e.cfg.BackgroundTimeout)
	}
	return nil
}

func (e *Engine) work(id int, background bool) {
	defer e.wg.Done()
	d := e.makeDecoder()
	var clock func() time.Duration
	if !background {
		// A live frame's budget (Options.Budget) counts the worker's own
		// CPU time, which needs the worker on one thread.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		clock = threadCPUClock()
	} else {
		// Live frames win against uploads and files between the steps of
		// a decode (checkpoint), and also while a step runs: the kernel
		// gives the background thread the CPU last. The thread is never
		// unlocked, so it ends with the worker and no other goroutine
		// inherits its priority.
		runtime.LockOSThread()
		if err := lowerThreadPriority(BackgroundNice); err != nil {
			e.log.Warn("background decoding keeps the daemon's CPU priority", "err", err)
		}
	}
	for {
		j, ok := e.next(background)
		if !ok {
			return
		}
		e.busySince[id].Store(e.cfg.Clock().UnixNano())
		if background {
			deadline := e.cfg.Clock().Add(e.cfg.BackgroundTimeout)
			d.checkpoint = func() error { return e.checkpoint(&j, &deadline) }
		}
		var rep *FrameReport
		if j.f == nil {
			j.f, rep = e.load(d, j)
		}
		f := j.f
		if rep == nil {
			d.clock = clock
			rep = e.process(d, j)
		}
		d.checkpoint = nil
		switch {
		case background && f != nil && f.Width*f.Height > keptDecoderPixels:
			// Uploads and files come in any size, and the readers keep
			// buffers sized by the frames they read: start afresh rather
			// than keep a large image's buffers for the life of the
			// worker.
			d = e.makeDecoder()
		case f != nil:
			d.scratch.trim(4 * f.Width * f.Height)
		}
		e.busySince[id].Store(0)
		var done func(error)
		if f != nil {
			done = f.Done
		}
		switch {
		case j.reply != nil:
			j.reply <- rep
		case e.cfg.OnFrame != nil:
			rep.done = done
			e.cfg.OnFrame(rep)
			done, rep.done = rep.done, nil
		}
		if done != nil {
			done(rep.Err)
		}
	}
}

// keptDecoderPixels bounds the frames after which a background worker
// keeps its decoder for the next job: after frames of 1080p's size or
// less its readers hold what a live worker's hold. Fresh readers for
// every job cost each file its readers' buffers anew, allocated, zeroed
// and collected: 0.5 ms of CPU a dev image in scanctl decode, 8 % of it.
const keptDecoderPixels = 1920 * 1080

// load makes a request's frame, once live frames have had their turn; on
// failure it returns the report to send instead.
func (e *Engine) load(d *decoder, j job) (f *Frame, rep *FrameReport) {
	defer func() {
		if p := recover(); p != nil {
			e.panics.Add(1)
			e.log.Error("image conversion panic", "panic", fmt.Sprint(p))
			f, rep = nil, &FrameReport{Options: j.opts, Err: fmt.Errorf("%w: %v", ErrDecoderPanic, p)}
		}
	}()
	if d.interrupted() {
		e.stopped.Add(1)
		return nil, &FrameReport{Options: j.opts, Err: d.stopped}
	}
	f, err := j.load()
	if err != nil {
		return nil, &FrameReport{Options: j.opts, Err: err}
	}
	return f, nil
}

// finish purges a frame the engine will not decode and tells its Done why.
func finish(f *Frame, err error) {
	done := f.Done
	f.Purge()
	if done != nil {
		done(err)
	}
}

// process decodes one frame and purges it, whatever happens.
func (e *Engine) process(d *decoder, j job) (rep *FrameReport) {
	f := j.f
	rep = &FrameReport{Source: f.Source, Seq: f.Seq, Width: f.Width, Height: f.Height,
		CapturedAt: f.CapturedAt, StartedAt: e.cfg.Clock(), Options: j.opts}
	defer func() {
		if p := recover(); p != nil {
			e.panics.Add(1)
			e.log.Error("decoder panic", "source", f.Source, "frame", f.Seq, "panic", fmt.Sprint(p))
			rep.Results, rep.Err = nil, fmt.Errorf("%w: %v", ErrDecoderPanic, p)
			d.scratch.wipe()
			*d = *e.makeDecoder()
		}
		rep.DecodedAt = e.cfg.Clock()
		for i := range rep.Results {
			rep.Results[i].DecodedAt = rep.DecodedAt
		}
		if e.cfg.Inspect != nil && rep.Err == nil {
			e.cfg.Inspect(f, rep)
		}
		f.Purge()
		// Each frame is counted once: refused (by the gate) or decoded.
		if !errors.Is(rep.Err, ErrRefused) {
			e.decoded.Add(1)
		}
		e.results.Add(uint64(len(rep.Results)))
	}()
	if f.Width > MaxFrameSide || f.Height > MaxFrameSide {
		rep.Err = fmt.Errorf("%w: %d×%d pixels: a side is longer than %d", ErrImageTooLarge, f.Width, f.Height, MaxFrameSide)
		return rep
	}
	opts := j.opts
	if j.lane != laneLive {
		// Adaptive decoding and its budget are for live video, whose next
		// frame comes soon; files and uploads are decoded whole with the
		// other options asked for, bounded by BackgroundTimeout.
		opts.Adaptive, opts.Budget, opts.Rescan = false, 0, 0
	}
	if e.cfg.Gate != nil {
		allowed, err := e.cfg.Gate.Permit(e.cfg.Clock(), f.Source)
		if err != nil {
			e.refused.Add(1)
			rep.Err = fmt.Errorf("%w: %w", ErrRefused, err)
			return rep
		}
		if opts.Symbologies == 0 {
			opts.Symbologies = DefaultSymbologies()
		}
		opts.Symbologies &= allowed
		if opts.Symbologies == 0 {
			e.refused.Add(1)
			rep.Err = fmt.Errorf("%w: the license allows none of the requested symbologies", ErrRefused)
			return rep
		}
	}
	if err := opts.CheckRegion(f.Width, f.Height); err != nil {
		rep.Err = err
		return rep
	}
	// An encoded frame (a Motion-JPEG frame) is decoded only now, by
	// the worker that took it: in the queue it held its JPEG, not a
	// plane.
	if err := f.Decode(); err != nil {
		rep.Err = err
		return rep
	}
	panicsBefore := d.panics
	if opts.Adaptive && opts.Rescan > 0 && !opts.TryHarder {
		d.scene = &adaptiveScene{memory: e.scene(f.Source), at: f.CapturedAt}
		defer func() { d.scene = nil }()
	}
	if e.cfg.StageCPU && j.lane == laneLive {
		d.labels.clock = d.clock
		defer func() { d.labels.clock = nil }()
	}
	rep.Results, rep.Passes = d.decode(f, opts)
	if j.lane == laneLive {
		rep.CPU = d.clock() - d.spentFrom
	}
	if d.labels.clock != nil {
		rep.Stages = slices.Clone(d.labels.spent)
	}
	if d.scene != nil {
		rep.Unchanged = d.scene.unchanged
	}
	rep.Candidates = len(d.regions)
	if len(d.proposals) > 0 {
		rep.Proposals = slices.Clone(d.proposals)
	}
	if n := d.panics - panicsBefore; n > 0 {
		e.panics.Add(uint64(n))
	}
	if d.stopped != nil {
		e.stopped.Add(1)
		rep.Err = d.stopped
	}
	for i := range rep.Results {
		r := &rep.Results[i]
		r.Source, r.Frame, r.CapturedAt = f.Source, f.Seq, f.CapturedAt
	}
	return rep
}

// scene returns the scene memory of the named live source.
func (e *Engine) scene(source string) *sceneMemory {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := e.scenes[source]
	if m == nil {
		m = &sceneMemory{}
		e.scenes[source] = m
	}
	return m
}

// Stats returns the engine's counters.
func (e *Engine) Stats() EngineStats {
	e.mu.Lock()
	queued, background := len(e.live), len(e.requests)+len(e.batch)
	e.mu.Unlock()
	busy, backgroundBusy := 0, 0
	for i := range e.busySince {
		switch {
		case e.busySince[i].Load() == 0:
		case i < e.cfg.Workers:
			busy++
		default:
			backgroundBusy++
		}
	}
	return EngineStats{
		Workers: e.cfg.Workers, Busy: busy, Queued: queued, QueueSize: e.cfg.QueueSize,
		BackgroundWorkers: e.cfg.BackgroundWorkers, BackgroundBusy: backgroundBusy, BackgroundQueued: background,
		Submitted: e.submitted.Load(), Decoded: e.decoded.Load(), Dropped: e.dropped.Load(),
		Refused: e.refused.Load(), Panics: e.panics.Load(), Results: e.results.Load(), Stopped: e.stopped.Load(),
	}
}

// Healthy returns an error when a live worker has spent longer than
// StuckAfter on one frame: live decoding is not making progress and a
// supervisor (the systemd watchdog) should restart it. Background workers
// do not count: a costly upload or file, bounded by BackgroundTimeout, is
// no reason to restart the daemon, and live frames never wait for it.
func (e *Engine) Healthy() error {
	now := e.cfg.Clock().UnixNano()
	for i := range e.busySince[:e.cfg.Workers] {
		if t := e.busySince[i].Load(); t != 0 && time.Duration(now-t) > e.cfg.StuckAfter {
			return fmt.Errorf("%w: worker %d busy on one frame for %v", ErrStuck, i, time.Duration(now-t).Round(time.Second))
		}
	}
	return nil
}
