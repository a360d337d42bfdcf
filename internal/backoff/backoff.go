// Package backoff spaces out the retries of something that keeps failing:
// a camera being reopened, a License Tracking Server being synced with, a
// result sink being reconnected. Waits double from a minimum up to a cap,
// with jitter so that many devices coming back from one outage do not all
// retry in step.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Policy says how long to wait before each retry. The zero Jitter waits
// exactly; a Policy is a value and safe for concurrent use.
type Policy struct {
	// Min is the wait before the first retry; each further retry doubles it.
	Min time.Duration
	// Max caps the wait (before jitter).
	Max time.Duration
	// Jitter spreads each wait uniformly over ±Jitter of it: 0.2 waits
	// between 80 % and 120 %. Between 0 and 1.
	Jitter float64
}

// Delay returns the wait before retry number attempt, counting from 1:
// Min·2^(attempt−1), at most Max, then jittered.
func (p Policy) Delay(attempt int) time.Duration {
	d := p.Min
	for i := 1; i < attempt && d < p.Max; i++ {
		d *= 2
	}
	if d > p.Max || d <= 0 {
		d = p.Max
	}
	if p.Jitter > 0 && d > 0 {
		d = time.Duration(float64(d) * (1 - p.Jitter + 2*p.Jitter*rand.Float64()))
	}
	return d
}

// Sleep waits Delay(attempt), or less when ctx ends first; it reports
// whether the whole wait passed.
func (p Policy) Sleep(ctx context.Context, attempt int) bool {
	return Wait(ctx, p.Delay(attempt))
}

// Wait waits d, or less when ctx ends first; it reports whether the whole
// wait passed.
func Wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
