package main

import (
	"fmt"
	"runtime"
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
