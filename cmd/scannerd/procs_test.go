package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"testing"
)

// TestDecodeWorkersLeaveASchedulerPlace: however many decode workers are
// configured, the Go scheduler can run one goroutine more (the API, the
// watchdog, a camera), so that none waits for a worker's time slice.
func TestDecodeWorkersLeaveASchedulerPlace(t *testing.T) {
	workers := runtime.GOMAXPROCS(0) + 1
	m, _, _ := startMain(t, fmt.Sprintf("[engine]\nworkers = %d\n", workers))
	st := m.d.engine.Stats()
	if got, want := runtime.GOMAXPROCS(0), st.Workers+st.BackgroundWorkers+1; st.Workers != workers || got < want {
		t.Errorf("GOMAXPROCS %d with %d live and %d background workers, want at least %d", got, st.Workers, st.BackgroundWorkers, want)
	}
}

// TestGCPercentFor: the collector's target is engine.gc_percent once the
// live heap is large enough that the heap may grow by 4 MiB before a
// collection, and higher while it is smaller, up to Go's default.
func TestGCPercentFor(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		percent int
		live    uint64
		want    int
	}{
		{25, 0, 100},       // nothing known yet
		{25, 2 * mib, 100}, // 4 MiB would be 200 %: Go's default at most
		{25, 8 * mib, 50},
		{25, 16 * mib, 25},
		{25, 26 * mib, 25}, // two 1080p streams
		{60, 26 * mib, 60},
		{200, 1 * mib, 200}, // a larger target is kept
	} {
		if got := gcPercentFor(tc.percent, tc.live); got != tc.want {
			t.Errorf("gcPercentFor(%d, %d MiB) = %d, want %d", tc.percent, tc.live/mib, got, tc.want)
		}
	}
}

// TestGCPercent: the daemon sets the collector's target from
// engine.gc_percent (25 when unset) unless GOGC says otherwise, and puts
// the one it found back when it stops.
func TestGCPercent(t *testing.T) {
	for _, tc := range []struct {
		name, config, gogc string
		want               int // the percent the daemon follows; 0: none
	}{
		{"default", "", "", defaultGCPercent},
		{"configured", "[engine]\ngc_percent = 60\n", "", 60},
		{"GOGC wins", "[engine]\ngc_percent = 60\n", "150", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := debug.SetGCPercent(150)
			defer debug.SetGCPercent(before)
			t.Setenv("GOGC", tc.gogc)
			m, _, _ := startMain(t, tc.config)
			running := debug.SetGCPercent(-1)
			debug.SetGCPercent(running)
			switch {
			case tc.want == 0 && (m.d.gc.set || running != 150):
				t.Errorf("with GOGC set the daemon set the target to %d %%", running)
			// The target follows the live heap as the daemon last read it
			// (scrub reads it again every scrubEvery, and collections
			// elsewhere in the process move it), so the test cannot know
			// the exact figure (TestGCPercentFor checks it): at least the
			// configured percent, at most Go's default or that percent.
			case tc.want != 0 && (m.d.gc.percent != tc.want || running < tc.want || running > max(tc.want, 100)):
				t.Errorf("running: target %d %% following %d, want %d to %d", running, m.d.gc.percent, tc.want, max(tc.want, 100))
			}
			m.Close()
			if got := debug.SetGCPercent(150); got != 150 {
				t.Errorf("stopped: GC target %d %%, want the 150 it found", got)
			}
		})
	}
}
