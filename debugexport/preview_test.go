package debugexport_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/debugexport"
)

// manualClock is a clock and a timer the test moves and fires by hand.
type manualClock struct {
	mu    sync.Mutex
	now   time.Time
	fires []func()
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *manualClock) afterFunc(_ time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fires = append(c.fires, f)
	return func() bool { return true }
}

func (c *manualClock) fire(i int) {
	c.mu.Lock()
	f := c.fires[i]
	c.mu.Unlock()
	f()
}

// TestPreviewGoesOffByItself: the preview is off until switched on,
// reports off once its time is up, announces going on and off once each,
// and a stale expiry (from before it was switched on again) does nothing.
func TestPreviewGoesOffByItself(t *testing.T) {
	clk := &manualClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	var changes []debugexport.PreviewState
	p := debugexport.NewPreview(debugexport.PreviewConfig{Snapshots: debugexport.NewSnapshots(), Clock: clk.Now,
		AfterFunc: clk.afterFunc, OnChange: func(st debugexport.PreviewState) { changes = append(changes, st) }})
	defer p.Close()
	if _, err := p.Frame(context.Background(), "cam"); !errors.Is(err, debugexport.ErrPreviewOff) {
		t.Fatalf("a frame while off: %v", err)
	}
	if _, err := p.Set(true, 2*time.Hour, "uid=0"); !errors.Is(err, apitype.ErrBadSetup) {
		t.Errorf("2h accepted: %v", err)
	}
	st, err := p.Set(true, 0, "uid=0")
	if err != nil || !st.Enabled || st.Until.Sub(st.Since) != apitype.DefaultPreviewDuration {
		t.Fatalf("on: %+v %v", st, err)
	}
	clk.advance(5 * time.Minute)
	st, _ = p.Set(true, time.Minute, "uid=0") // moves its end, keeps since
	if !st.Until.Equal(clk.Now().Add(time.Minute)) || !st.Since.Equal(clk.Now().Add(-5*time.Minute)) {
		t.Errorf("on again: %+v", st)
	}
	clk.fire(0) // the first expiry, now stale
	if !p.State().Enabled {
		t.Fatal("a stale expiry switched the preview off")
	}
	clk.advance(time.Minute)
	if st := p.State(); st.Enabled || st.StopReason != apitype.PreviewExpired {
		t.Errorf("past its end: %+v", st)
	}
	clk.fire(1)
	if len(changes) != 3 || !changes[0].Enabled || !changes[1].Enabled || changes[2].Enabled || changes[2].StopReason != apitype.PreviewExpired {
		t.Errorf("announced %+v", changes)
	}
	if _, err := p.Frame(context.Background(), "cam"); !errors.Is(err, debugexport.ErrPreviewOff) {
		t.Errorf("a frame after expiry: %v", err)
	}
	p.Set(false, 0, "uid=0") // already off: nothing to announce
	if len(changes) != 3 {
		t.Errorf("switching off an expired preview announced %+v", changes[3:])
	}
}

// A frame awaited when the preview goes off is not sent.
func TestPreviewOffEndsTheWait(t *testing.T) {
	snaps := debugexport.NewSnapshots()
	p := debugexport.NewPreview(debugexport.PreviewConfig{Snapshots: snaps})
	defer p.Close()
	if _, err := p.Set(true, time.Minute, "uid=0"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	errs := make(chan error, 1)
	go func() {
		_, err := p.Frame(ctx, "cam") // no frame ever comes
		errs <- err
	}()
	for deadline := time.Now().Add(20 * time.Second); snaps.Waiting() == 0; runtime.Gosched() {
		if time.Now().After(deadline) {
			t.Fatal("the frame request never waited")
		}
	}
	p.Set(false, 0, "uid=0")
	if err := <-errs; !errors.Is(err, debugexport.ErrPreviewOff) {
		t.Errorf("the wait ended with %v", err)
	}
}
