package main

import (
	"runtime"
	"time"

	"github.com/scannerd/scannerd/scanner"
)

// noErasureWarning is what a build without runtime/secret logs at start:
// what it keeps in memory that the Makefile's build erases, and how to build
// that one (README.md, Privacy).
const noErasureWarning = "this build does not erase the buffers image decoders allocate " +
	"(the last rows of an image file or upload can stay in memory until reused): " +
	"build with GOEXPERIMENT=runtimesecret, as make build does"

// scrubEvery is how often the daemon looks whether frames were decoded
// since its last garbage collection.
const scrubEvery = 400 * time.Millisecond

// scrub has the garbage collector run soon after frames were decoded. In a
// build that erases decoder memory (scanner.ErasesDecoderMemory), the
// buffers image decoders left behind are zeroed when the collector finds
// them unreachable, and an idle daemon might not collect for minutes. A
// collection costs about a millisecond here; it runs at most every
// scrubEvery, and only after decodes.
//
// It also has the collector's target follow the live heap
// (tuneGCTarget), in every build.
func (d *daemon) scrub() {
	defer d.wg.Done()
	t := time.NewTicker(scrubEvery)
	defer t.Stop()
	var seen uint64
	for {
		select {
		case <-d.ctx.Done():
			return
		case <-t.C:
		}
		d.tuneGCTarget()
		if !scanner.ErasesDecoderMemory {
			continue
		}
		// A refused frame was an image too (an upload's or a file's,
		// decoded before the license refused it).
		st := d.engine.Stats()
		if n := st.Decoded + st.Refused; n != seen {
			seen = n
			runtime.GC()
			// Swept: what the decodes left unreachable is zeroed. (The
			// memory audit waits for this line.)
			d.log.Debug("memory scrubbed", "frames", n)
		}
	}
}
