package capture

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/scannerd/scannerd/internal/backoff"
	"github.com/scannerd/scannerd/scanner"
)

// Source states, as Status reports them.
const (
	StateOpening   = "opening"
	StateRunning   = "running"
	StateReopening = "reopening"
	StateStopped   = "stopped"
)

// Status describes a running source.
type Status struct {
	Name      string
	URL       string
	State     string
	LastError string
	Since     time.Time // when State was entered
	Frames    uint64
	FPS       float64
	Reopens   uint64
	LastFrame time.Time // capture time of the latest frame; zero before the first
}

// Runner keeps one source delivering frames for as long as the daemon
// runs: a camera that fails, is unplugged or returns empty frames is
// logged once, shown in Status, and reopened with capped exponential
// backoff. Only the end of a non-looping file stops it.
type Runner struct {
	spec    Spec
	src     Source
	pool    *scanner.PlanePool
	deliver func(*scanner.Frame)
	clock   func() time.Time
	log     *slog.Logger

	// Backoff spaces out the reopening of a failing source.
	Backoff backoff.Policy
	// MaxEmpty is how many empty frames in a row are tolerated before the
	// source is reopened.
	MaxEmpty int

	mu      sync.Mutex
	st      Status
	recent  [32]time.Time // capture times of the latest frames, a ring
	nrecent int
	failing bool
}

// NewRunner returns a runner that reads src and hands every frame to
// deliver (which takes ownership of it). It does not start until Run.
func NewRunner(spec Spec, src Source, pool *scanner.PlanePool, deliver func(*scanner.Frame), env Env) *Runner {
	if env.Clock == nil {
		env.Clock = time.Now
	}
	if env.Logger == nil {
		env.Logger = slog.Default()
	}
	return &Runner{
		spec: spec, src: src, pool: pool, deliver: deliver, clock: env.Clock, log: env.Logger,
		Backoff:  backoff.Policy{Min: 250 * time.Millisecond, Max: 30 * time.Second, Jitter: 0.2},
		MaxEmpty: 10,
		st:       Status{Name: spec.Name, URL: Redacted(spec.URL), State: StateOpening, Since: env.Clock()},
	}
}

// Name returns the source's name.
func (r *Runner) Name() string { return r.spec.Name }

// Spec returns the source's spec.
func (r *Runner) Spec() Spec { return r.spec }

// Run reads frames until ctx is canceled or a non-looping file ends.
func (r *Runner) Run(ctx context.Context) {
	attempt := 0
	for ctx.Err() == nil {
		if err := r.src.Open(ctx); err != nil {
			r.fail(err)
			attempt++
			if !r.Backoff.Sleep(ctx, attempt) {
				break
			}
			continue
		}
		r.setState(StateRunning, "")
		err := r.readLoop(ctx, &attempt)
		r.src.Close()
		if ctx.Err() != nil {
			break
		}
		if errors.Is(err, io.EOF) {
			r.log.Info("source finished", "source", r.spec.Name)
			r.setState(StateStopped, "end of input")
			return
		}
		r.fail(err)
		r.mu.Lock()
		r.st.Reopens++
		r.mu.Unlock()
		attempt++
		if !r.Backoff.Sleep(ctx, attempt) {
			break
		}
	}
	r.setState(StateStopped, "")
}

func (r *Runner) readLoop(ctx context.Context, attempt *int) error {
	empty := 0
	for ctx.Err() == nil {
		f, err := r.src.Read(ctx, r.pool)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if errors.Is(err, ErrNoFrame) && empty < r.MaxEmpty {
				empty++
				continue
			}
			return err
		}
		empty = 0
		*attempt = 0
		r.frame(f.CapturedAt)
		r.deliver(f)
	}
	return ctx.Err()
}

func (r *Runner) frame(at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failing {
		r.failing = false
		r.log.Info("source recovered", "source", r.spec.Name)
	}
	r.st.Frames++
	r.st.LastFrame = at
	r.recent[r.nrecent%len(r.recent)] = at
	r.nrecent++
}

// fail records a failure; the first of a run of failures is logged as a
// warning, the rest only at debug level, so a missing camera does not
// flood the journal.
func (r *Runner) fail(err error) {
	r.mu.Lock()
	first := !r.failing
	r.failing = true
	r.mu.Unlock()
	r.setState(StateReopening, err.Error())
	if first {
		r.log.Warn("source failed; reopening with backoff", "source", r.spec.Name, "err", err)
	} else {
		r.log.Debug("source still failing", "source", r.spec.Name, "err", err)
	}
}

func (r *Runner) setState(state, lastErr string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st.State != state {
		r.st.State, r.st.Since = state, r.clock()
	}
	if lastErr != "" || state == StateRunning {
		r.st.LastError = lastErr
	}
}

// Status returns the source's current state.
func (r *Runner) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.st
	n := min(r.nrecent, len(r.recent))
	if n >= 2 && st.State == StateRunning {
		last := r.recent[(r.nrecent-1)%len(r.recent)]
		first := r.recent[(r.nrecent-n)%len(r.recent)]
		if span := last.Sub(first); span > 0 && r.clock().Sub(last) < 2*time.Second {
			st.FPS = float64(n-1) / span.Seconds()
		}
	}
	return st
}
