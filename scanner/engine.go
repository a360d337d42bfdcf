package scanner

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
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
	// Workers decoding in parallel; default one per CPU.
	Workers int
	// QueueSize bounds the live frames waiting for a worker; when it is full
	// the oldest waiting frame is dropped. Default: Workers.
	QueueSize int
	// Gate, when set, is asked before each frame.
	Gate Gate
	// Clock returns the time; default time.Now.
	Clock func() time.Time
	// Logger; default slog.Default().
	Logger *slog.Logger
	// OnFrame receives the report of every live (Submit) frame once it is
	// decoded and purged. It runs on the worker and must not block.
	OnFrame func(*FrameReport)
	// Inspect, when set, sees each frame after decoding and before it is
	// purged (debug export). It runs on the worker and must not block or
	// keep f.
	Inspect func(f *Frame, rep *FrameReport)
	// StuckAfter is how long one frame may take before the engine counts
	// as stuck (Healthy reports it); default 10 s.
	StuckAfter time.Duration
}

// FrameReport is what became of one frame.
type FrameReport struct {
	Source        string
	Seq           uint64
	Width, Height int
	CapturedAt    time.Time
	DecodedAt     time.Time
	Options       Options
	Results       []Result
	Passes        []PassTiming
	// Candidates counts the regions that looked like barcodes: a frame
	// with candidates but no results is a missed read worth a look.
	Candidates int
	// Err is set when the frame was not decoded (license refusal) or the
	// decoder failed (a recovered panic).
	Err error
}

// EngineStats counts what the engine has done since it started.
type EngineStats struct {
	Workers   int    `json:"workers"`
	Busy      int    `json:"busy"`
	Queued    int    `json:"queued"`
	QueueSize int    `json:"queue_size"`
	Submitted uint64 `json:"submitted"`
	Decoded   uint64 `json:"decoded"`
	Dropped   uint64 `json:"dropped"`
	Refused   uint64 `json:"refused"`
	Panics    uint64 `json:"panics"`
	Results   uint64 `json:"results"`
}

type job struct {
	f     *Frame
	opts  Options
	reply chan *FrameReport // nil for live frames
}

// Engine decodes frames in a pool of workers, each owning its readers.
// Live frames (Submit) wait in a bounded queue that drops the oldest frame
// when the workers fall behind: live video wants the newest frame. Direct
// requests (Decode) wait their turn ahead of live frames and are never
// dropped. Every frame is purged once decoded.
type Engine struct {
	cfg EngineConfig
	log *slog.Logger

	mu     sync.Mutex
	cond   *sync.Cond
	live   []job // oldest first
	direct []job
	closed bool
	wg     sync.WaitGroup
	once   sync.Once

	makeDecoder func() *decoder

	busySince                                             []atomic.Int64 // unix nanos the worker took its frame; 0 idle
	submitted, decoded, dropped, refused, panics, results atomic.Uint64
}

// NewEngine returns an engine that is not yet running; call Start.
func NewEngine(cfg EngineConfig) *Engine {
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.NumCPU()
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = cfg.Workers
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
	e := &Engine{cfg: cfg, log: cfg.Logger, makeDecoder: newDecoder, busySince: make([]atomic.Int64, cfg.Workers)}
	e.cond = sync.NewCond(&e.mu)
	return e
}

// Start launches the workers.
func (e *Engine) Start() {
	for i := 0; i < e.cfg.Workers; i++ {
		e.wg.Add(1)
		go e.work(i)
	}
}

// Submit queues a live frame and returns at once. When the queue is full
// the oldest waiting frame is dropped (purged and counted). After Close the
// frame itself is dropped. The engine owns f from now on.
func (e *Engine) Submit(f *Frame, opts Options) {
	e.submitted.Add(1)
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		e.dropped.Add(1)
		f.Purge()
		return
	}
	var old *Frame
	if len(e.live) >= e.cfg.QueueSize {
		old = e.live[0].f
		e.live = e.live[1:]
	}
	e.live = append(e.live, job{f: f, opts: opts})
	e.mu.Unlock()
	e.cond.Signal()
	if old != nil {
		e.dropped.Add(1)
		old.Purge()
	}
}

// Decode decodes f with opts on a worker and waits for the report. The
// engine owns f from now on and purges it. A license refusal is returned
// as the error; a canceled context returns ctx.Err() while the frame is
// still decoded and purged in the background.
func (e *Engine) Decode(ctx context.Context, f *Frame, opts Options) (*FrameReport, error) {
	reply := make(chan *FrameReport, 1)
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		f.Purge()
		return nil, ErrClosed
	}
	e.direct = append(e.direct, job{f: f, opts: opts, reply: reply})
	e.mu.Unlock()
	e.cond.Signal()
	select {
	case rep := <-reply:
		return rep, rep.Err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close stops taking frames, lets the workers finish the queued ones and
// waits for them. It is safe to call more than once.
func (e *Engine) Close() error {
	e.once.Do(func() {
		e.mu.Lock()
		e.closed = true
		e.mu.Unlock()
		e.cond.Broadcast()
		e.wg.Wait()
	})
	return nil
}

func (e *Engine) next() (job, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for {
		if len(e.direct) > 0 {
			j := e.direct[0]
			e.direct = e.direct[1:]
			return j, true
		}
		if len(e.live) > 0 {
			j := e.live[0]
			e.live = e.live[1:]
			return j, true
		}
		if e.closed {
			return job{}, false
		}
		e.cond.Wait()
	}
}

func (e *Engine) work(id int) {
	defer e.wg.Done()
	d := e.makeDecoder()
	for {
		j, ok := e.next()
		if !ok {
			return
		}
		e.busySince[id].Store(e.cfg.Clock().UnixNano())
		rep := e.process(d, j)
		e.busySince[id].Store(0)
		if j.reply != nil {
			j.reply <- rep
		} else if e.cfg.OnFrame != nil {
			e.cfg.OnFrame(rep)
		}
	}
}

// process decodes one frame and purges it, whatever happens.
func (e *Engine) process(d *decoder, j job) (rep *FrameReport) {
	f := j.f
	rep = &FrameReport{Source: f.Source, Seq: f.Seq, Width: f.Width, Height: f.Height,
		CapturedAt: f.CapturedAt, Options: j.opts}
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
		e.decoded.Add(1)
		e.results.Add(uint64(len(rep.Results)))
	}()
	opts := j.opts
	if e.cfg.Gate != nil {
		allowed, err := e.cfg.Gate.Permit(e.cfg.Clock(), f.Source)
		if err != nil {
			e.refused.Add(1)
			rep.Err = fmt.Errorf("%w: %w", ErrRefused, err)
			return rep
		}
		if opts.Symbologies == 0 {
			opts.Symbologies = allowed
		} else {
			opts.Symbologies &= allowed
		}
		if opts.Symbologies == 0 {
			e.refused.Add(1)
			rep.Err = fmt.Errorf("%w: the license allows none of the requested symbologies", ErrRefused)
			return rep
		}
	}
	panicsBefore := d.panics
	rep.Results, rep.Passes = d.decode(f, opts)
	rep.Candidates = len(d.regions)
	if n := d.panics - panicsBefore; n > 0 {
		e.panics.Add(uint64(n))
	}
	for i := range rep.Results {
		r := &rep.Results[i]
		r.Source, r.Frame, r.CapturedAt = f.Source, f.Seq, f.CapturedAt
	}
	return rep
}

// Stats returns the engine's counters.
func (e *Engine) Stats() EngineStats {
	e.mu.Lock()
	queued := len(e.live) + len(e.direct)
	e.mu.Unlock()
	busy := 0
	for i := range e.busySince {
		if e.busySince[i].Load() != 0 {
			busy++
		}
	}
	return EngineStats{
		Workers: e.cfg.Workers, Busy: busy, Queued: queued, QueueSize: e.cfg.QueueSize,
		Submitted: e.submitted.Load(), Decoded: e.decoded.Load(), Dropped: e.dropped.Load(),
		Refused: e.refused.Load(), Panics: e.panics.Load(), Results: e.results.Load(),
	}
}

// Healthy returns an error when a worker has spent longer than StuckAfter
// on one frame: the pipeline is not making progress and a supervisor (the
// systemd watchdog) should restart it.
func (e *Engine) Healthy() error {
	now := e.cfg.Clock().UnixNano()
	for i := range e.busySince {
		if t := e.busySince[i].Load(); t != 0 && time.Duration(now-t) > e.cfg.StuckAfter {
			return fmt.Errorf("%w: worker %d busy on one frame for %v", ErrStuck, i, time.Duration(now-t).Round(time.Second))
		}
	}
	return nil
}
