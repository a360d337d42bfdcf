package debugexport

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/scannerd/scannerd/api/apitype"
)

// PreviewState is the preview's state as the API reports it.
type PreviewState = apitype.PreviewState

// ErrPreviewOff: preview frames were asked for while the preview is off.
var ErrPreviewOff = apitype.ErrPreviewOff

// PreviewConfig is what a Preview needs from the daemon.
type PreviewConfig struct {
	// Snapshots draws the frames.
	Snapshots *Snapshots
	// Clock is the time source; time.Now by default.
	Clock func() time.Time
	// AfterFunc calls f once d has passed and returns a function that
	// stops that; time.AfterFunc by default (tests fire it themselves).
	AfterFunc func(d time.Duration, f func()) (stop func() bool)
	// OnChange is told each time the preview goes on or off, for an event
	// to subscribers and the status line. It is called without the
	// preview's lock held, in order.
	OnChange func(PreviewState)
}

// Preview is the setup page's live preview: off until an admin switches
// it on for a while, then off by itself. While it is on, frames are drawn
// in memory for the one who asks, as Snapshots does, and never kept.
type Preview struct {
	cfg PreviewConfig

	mu    sync.Mutex
	state PreviewState
	stop  func() bool
	gen   uint64 // counts switches, so that a stale expiry does nothing
	// off is closed when the preview goes off: frames being waited for
	// are not sent then.
	off chan struct{}
	// notes orders OnChange calls: each holds it while telling.
	notes sync.Mutex
}

// NewPreview returns a preview that is off.
func NewPreview(cfg PreviewConfig) *Preview {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.AfterFunc == nil {
		cfg.AfterFunc = func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }
	}
	return &Preview{cfg: cfg}
}

// State returns the preview's state. One past its end is reported off
// (with StopReason PreviewExpired) even before its expiry has run.
func (p *Preview) State() PreviewState {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state.Enabled && !p.cfg.Clock().Before(p.state.Until) {
		return PreviewState{StopReason: apitype.PreviewExpired}
	}
	return p.state
}

// Set switches the preview on for d (apitype.DefaultPreviewDuration when
// 0, at most apitype.MaxPreviewDuration), or off; by names who asked.
// Switching it on again while on moves its end.
func (p *Preview) Set(enabled bool, d time.Duration, by string) (PreviewState, error) {
	if d < 0 || d > apitype.MaxPreviewDuration {
		return PreviewState{}, fmt.Errorf("%w: duration %v: at most %v", apitype.ErrBadSetup, d, apitype.MaxPreviewDuration)
	}
	if d == 0 {
		d = apitype.DefaultPreviewDuration
	}
	p.notes.Lock()
	defer p.notes.Unlock()
	p.mu.Lock()
	if p.stop != nil {
		p.stop()
		p.stop = nil
	}
	p.gen++
	was := p.state.Enabled
	if enabled {
		now := p.cfg.Clock()
		since := p.state.Since
		if !was {
			since = now
		}
		p.state = PreviewState{Enabled: true, Since: since, Until: now.Add(d), By: by}
		if !was {
			p.off = make(chan struct{})
		}
		gen := p.gen
		p.stop = p.cfg.AfterFunc(d, func() { p.expire(gen) })
	} else if was {
		p.state = PreviewState{StopReason: apitype.PreviewSwitchedOff}
		close(p.off)
	}
	st := p.state
	p.mu.Unlock()
	if enabled || was {
		p.tell(st)
	}
	return st, nil
}

// expire switches the preview off when it is still the one of gen.
func (p *Preview) expire(gen uint64) {
	p.notes.Lock()
	defer p.notes.Unlock()
	p.mu.Lock()
	if p.gen != gen || !p.state.Enabled {
		p.mu.Unlock()
		return
	}
	p.gen++
	p.stop = nil
	p.state = PreviewState{StopReason: apitype.PreviewExpired}
	close(p.off)
	st := p.state
	p.mu.Unlock()
	p.tell(st)
}

func (p *Preview) tell(st PreviewState) {
	if p.cfg.OnChange != nil {
		p.cfg.OnChange(st)
	}
}

// Frame returns the next decoded frame of source as an annotated JPEG,
// or an error wrapping ErrPreviewOff while the preview is off, also when
// it goes off while the frame is awaited.
func (p *Preview) Frame(ctx context.Context, source string) ([]byte, error) {
	p.mu.Lock()
	on, off := p.state.Enabled && p.cfg.Clock().Before(p.state.Until), p.off
	p.mu.Unlock()
	if !on {
		return nil, fmt.Errorf("%w: switch it on first (PUT /v1/preview, or the setup page's button)", ErrPreviewOff)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		select {
		case <-off:
			cancel(ErrPreviewOff)
		case <-ctx.Done():
		}
	}()
	img, err := p.cfg.Snapshots.TakeJPEG(ctx, source)
	if err != nil && errors.Is(context.Cause(ctx), ErrPreviewOff) {
		return nil, fmt.Errorf("%w: it went off", ErrPreviewOff)
	}
	return img, err
}

// Close stops the expiry timer; the preview is left as it is.
func (p *Preview) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stop != nil {
		p.stop()
		p.stop = nil
	}
	p.gen++
}
