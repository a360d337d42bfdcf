package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
)

// defaultGCPercent is the Go garbage collector's target (GOGC) the daemon
// runs with unless engine.gc_percent or the GOGC environment variable
// sets another. Most of the heap is the frames in flight and the
// decoders' buffers, which live as long as the daemon; what a decode
// leaves behind is a few MiB a second. With Go's default of 100 the heap
// could grow to twice its live part before a collection, and the
// collections that scrub runs every 400 ms bound it instead: two 1080p
// photo streams peaked 3 to 5 MiB higher (README.md, Memory) for no
// measurable CPU (15.9 and 15.2 ms a frame against 15.8 and 15.1 with
// 25; 10 cost 17.5).
const defaultGCPercent = 25

// minGCHeadroom is the least the heap may grow between two collections,
// whatever the target: at 25 % a small heap (a low-resolution camera, a
// daemon that has not decoded yet) would be collected every MiB it
// allocates, a cost that buys nothing (the daemon's tests, whose daemons
// hold a few MiB, took 35 % more CPU). It is what Go's default gives the
// smallest heaps.
const minGCHeadroom = 4 << 20

// gcTarget is the collector's target the daemon sets: engine.gc_percent,
// raised while the live heap is small (gcPercentFor).
type gcTarget struct {
	set     bool // the daemon sets the target (GOGC is not set)
	percent int  // engine.gc_percent, or defaultGCPercent
	applied int  // the target last set
	before  int  // the target before the daemon set one
}

// gcPercentFor returns the target for percent with live bytes of live
// heap: percent, or more, so that the heap may grow by minGCHeadroom, up
// to Go's default of 100 (or percent, when larger). With nothing known of
// the live heap (0), that largest.
func gcPercentFor(percent int, live uint64) int {
	most := max(percent, 100)
	if live == 0 {
		return most
	}
	need := int((100*minGCHeadroom + live - 1) / live)
	return min(most, max(percent, need))
}

// liveHeap returns the heap the last collection found live, in bytes (0
// before the first).
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// startGCTarget takes over the collector's target, percent (0:
// defaultGCPercent), unless the GOGC environment variable sets one.
func (d *daemon) startGCTarget(percent int) {
	if os.Getenv("GOGC") != "" {
		return
	}
	if percent == 0 {
		percent = defaultGCPercent
	}
	d.gc = gcTarget{set: true, percent: percent, applied: gcPercentFor(percent, liveHeap())}
	d.gc.before = debug.SetGCPercent(d.gc.applied)
}

// tuneGCTarget follows the live heap: scrub calls it every scrubEvery.
func (d *daemon) tuneGCTarget() {
	if !d.gc.set {
		return
	}
	if t := gcPercentFor(d.gc.percent, liveHeap()); t != d.gc.applied {
		debug.SetGCPercent(t)
		d.gc.applied = t
	}
}

// restoreGCTarget puts back the target the daemon found.
func (d *daemon) restoreGCTarget() {
	if d.gc.set {
		debug.SetGCPercent(d.gc.before)
		d.gc.set = false
	}
}
