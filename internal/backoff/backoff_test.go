package backoff_test

import (
	"context"
	"testing"
	"time"

	"github.com/scannerd/scannerd/internal/backoff"
)

func TestDelayDoublesUpToTheCapWithinTheJitter(t *testing.T) {
	t.Parallel()
	p := backoff.Policy{Min: 100 * time.Millisecond, Max: time.Second, Jitter: 0.2}
	for _, tc := range []struct {
		attempt int
		want    time.Duration
	}{
		{1, 100 * time.Millisecond}, {2, 200 * time.Millisecond}, {3, 400 * time.Millisecond},
		{4, 800 * time.Millisecond}, {5, time.Second}, {40, time.Second}, {1 << 30, time.Second},
	} {
		lo, hi := time.Duration(float64(tc.want)*0.8), time.Duration(float64(tc.want)*1.2)
		spread := map[time.Duration]bool{}
		for range 200 {
			d := p.Delay(tc.attempt)
			if d < lo || d > hi {
				t.Fatalf("attempt %d: delay %v outside [%v, %v]", tc.attempt, d, lo, hi)
			}
			spread[d] = true
		}
		if len(spread) < 10 {
			t.Errorf("attempt %d: only %d distinct delays in 200: no jitter", tc.attempt, len(spread))
		}
	}
}

func TestDelayWithoutJitterIsExact(t *testing.T) {
	t.Parallel()
	p := backoff.Policy{Min: 3 * time.Second, Max: 20 * time.Second}
	for attempt, want := range []time.Duration{0, 3 * time.Second, 6 * time.Second, 12 * time.Second, 20 * time.Second, 20 * time.Second} {
		if attempt == 0 {
			continue
		}
		if got := p.Delay(attempt); got != want {
			t.Errorf("attempt %d: %v, want %v", attempt, got, want)
		}
	}
	// A minimum above the cap waits the cap.
	if got := (backoff.Policy{Min: time.Minute, Max: time.Second}).Delay(1); got != time.Second {
		t.Errorf("min above max: %v, want 1s", got)
	}
}

func TestSleepEndsWithItsContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if (backoff.Policy{Min: time.Hour, Max: time.Hour}).Sleep(ctx, 1) {
		t.Fatal("Sleep reported a full wait after its context ended")
	}
	if !(backoff.Policy{Min: time.Microsecond, Max: time.Microsecond}).Sleep(context.Background(), 1) {
		t.Fatal("Sleep reported an interrupted wait")
	}
}
