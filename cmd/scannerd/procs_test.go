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

// TestGCPercent: the daemon runs the garbage collector at its own target
// (engine.gc_percent, 25 when unset) unless GOGC says otherwise, and puts
// the one it found back when it stops.
func TestGCPercent(t *testing.T) {
	for _, tc := range []struct {
		name, config, gogc string
		want               int
	}{
		{"default", "", "", defaultGCPercent},
		{"configured", "[engine]\ngc_percent = 60\n", "", 60},
		{"GOGC wins", "[engine]\ngc_percent = 60\n", "150", 150},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := debug.SetGCPercent(150)
			defer debug.SetGCPercent(before)
			t.Setenv("GOGC", tc.gogc)
			m, _, _ := startMain(t, tc.config)
			if got := debug.SetGCPercent(-1); got != tc.want {
				t.Errorf("running: GC target %d %%, want %d", got, tc.want)
			}
			debug.SetGCPercent(tc.want)
			m.Close()
			if got := debug.SetGCPercent(150); got != 150 {
				t.Errorf("stopped: GC target %d %%, want the 150 it found", got)
			}
		})
	}
}
