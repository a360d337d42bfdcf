package capture

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
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
	// StateUnplugged: a camera's device node is absent; with hot-plug the
	// camera is opened as soon as it appears.
	StateUnplugged = "unplugged"
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
	plug    Hotplug      // nil unless the source is a camera and hot-plug is on
	onState func(Status) // nil: nobody listens

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
	var plug Hotplug
	if t, err := ParseURL(spec.URL); err == nil && t.Kind == KindCamera {
		plug = env.Hotplug
	}
	return &Runner{
		spec: spec, src: src, pool: pool, deliver: deliver, clock: env.Clock, log: env.Logger,
		plug: plug, onState: env.OnState,
		Backoff:  backoff.Policy{Min: 250 * time.Millisecond, Max: 30 * time.Second, Jitter: 0.2},
		MaxEmpty: 10,
		st:       Status{Name: spec.Name, URL: Redacted(spec.URL), State: StateOpening, Since: env.Clock()},
	}
}

// Name returns the source's name.
func (r *Runner) Name() string { return r.spec.Name }

// Spec returns the source's spec.
func (r *Runner) Spec() Spec { return r.spec }

// devicePather is a source that knows the device node it has open.
type devicePather interface{ DevicePath() string }

// errUnplugged: the open camera's device node vanished.
var errUnplugged = errors.New("camera unplugged")

// Run reads frames until ctx is canceled or a non-looping file ends.
func (r *Runner) Run(ctx context.Context) {
	var changes <-chan struct{}
	if r.plug != nil {
		var cancel func()
		changes, cancel = r.plug.Subscribe()
		defer cancel()
	}
	attempt := 0
	for ctx.Err() == nil {
		if err := r.src.Open(ctx); err != nil {
			r.fail(err)
			attempt++
			if !r.wait(ctx, attempt, changes) {
				break
			}
			continue
		}
		r.setState(StateRunning, "")
		err := r.readOpen(ctx, &attempt, changes)
		r.src.Close()
		if ctx.Err() != nil {
			break
		}
		if errors.Is(err, io.EOF) {
			r.log.Info("source finished", "source", r.spec.Name)
			r.setState(StateStopped, "end of input")
			return
		}
		r.mu.Lock()
		r.st.Reopens++
		r.mu.Unlock()
		if errors.Is(err, errUnplugged) {
			// Reported already; look again at once: it may be back.
			attempt = 0
			continue
		}
		r.fail(err)
		attempt++
		if !r.wait(ctx, attempt, changes) {
			break
		}
	}
	r.setState(StateStopped, "")
}

// wait waits out the backoff before reopening, or less when a device
// node comes or goes: a camera plugged in is opened at once. It reports
// whether to go on (false once ctx has ended).
func (r *Runner) wait(ctx context.Context, attempt int, changes <-chan struct{}) bool {
	t := time.NewTimer(r.Backoff.Delay(attempt))
	defer t.Stop()
	select {
	case <-t.C:
	case <-changes:
	case <-ctx.Done():
		return false
	}
	return true
}

// readOpen reads the open source. With hot-plug, a camera whose device
// node vanishes is reported at once, and its read is stopped, rather than
// waiting for the driver to fail it.
func (r *Runner) readOpen(ctx context.Context, attempt *int, changes <-chan struct{}) error {
	node := ""
	if dp, ok := r.src.(devicePather); ok && changes != nil {
		node = dp.DevicePath()
	}
	if node == "" {
		return r.readLoop(ctx, attempt)
	}
	readCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for {
			select {
			case <-readCtx.Done():
				return
			case <-changes:
			}
			if _, err := os.Stat(node); errors.Is(err, fs.ErrNotExist) {
				err := fmt.Errorf("%w: %s is gone", errUnplugged, node)
				r.unplugged(err)
				cancel(err)
				return
			}
		}
	}()
	err := r.readLoop(readCtx, attempt)
	cancel(nil)
	<-watched
	if cause := context.Cause(readCtx); errors.Is(cause, errUnplugged) && ctx.Err() == nil {
		return cause
	}
	return err
}

// unplugged reports a camera whose node vanished.
func (r *Runner) unplugged(err error) {
	r.mu.Lock()
	r.failing = true
	r.mu.Unlock()
	r.log.Warn("camera unplugged; it is opened again as soon as it is back", "source", r.spec.Name, "err", err)
	r.setState(StateUnplugged, err.Error())
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
	state := StateReopening
	if errors.Is(err, ErrCameraAbsent) {
		state = StateUnplugged
	}
	r.setState(state, err.Error())
	if first {
		r.log.Warn("source failed; reopening with backoff", "source", r.spec.Name, "err", err)
	} else {
		r.log.Debug("source still failing", "source", r.spec.Name, "err", err)
	}
}

func (r *Runner) setState(state, lastErr string) {
	r.mu.Lock()
	changed := r.st.State != state
	if changed {
		r.st.State, r.st.Since = state, r.clock()
	}
	if lastErr != "" || state == StateRunning {
		r.st.LastError = lastErr
	}
	st := r.st
	r.mu.Unlock()
	if changed && r.onState != nil {
		r.onState(st)
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
