package main

import (
	"fmt"

	"github.com/scannerd/scannerd/scanner"
)

// meteredDelivery hands results to subscribers only once their counts are
// written (licensing's usage journal), so that no crash can leave a
// delivered scan unmetered, without making the engine's workers wait for
// the write: workers queue their frames' results, and one goroutine meters
// everything queued at once (one write for all the frames that finished
// meanwhile) and then delivers it in the order it was queued. A frame that
// came with a done function (a dir: source's file, held with
// FrameReport.Hold) hears after its results were delivered, or why they
// were not: the file stays until then, so a crash before its count is
// written leaves it to be read again rather than gone unscanned. Results
// the meter refused are handed back to the frame's undelivered function
// (the dedup filter's Undeliver) before its source hears, so that the file
// read again delivers them rather than being dropped as a duplicate.
type meteredDelivery struct {
	queue   chan frameResults
	done    chan struct{}
	record  func([]scanner.Result) ([]scanner.Result, error) // meters; returns the results that may be delivered
	deliver func([]scanner.Result)
	refused func(err error, notMetered []scanner.Result) // why, and the results not delivered
}

// maxQueuedFrames bounds the frames whose results wait for the disk; a
// worker with more to queue waits for it.
const maxQueuedFrames = 256

func newMeteredDelivery(record func([]scanner.Result) ([]scanner.Result, error), deliver func([]scanner.Result), refused func(error, []scanner.Result)) *meteredDelivery {
	m := &meteredDelivery{queue: make(chan frameResults, maxQueuedFrames), done: make(chan struct{}),
		record: record, deliver: deliver, refused: refused}
	go m.run()
	return m
}

// frameResults are one frame's results, the function that hears which of
// them the meter refused, and, when its source waits to hear how they
// ended, the function to tell it.
type frameResults struct {
	results     []scanner.Result
	undelivered func([]scanner.Result)
	done        func(error)
}

// submit queues one frame's results. undelivered, when not nil, hears the
// results the meter refused, before done; done, when not nil, is called
// once they are delivered (nil) or refused (an error wrapping
// scanner.ErrRefused: a source keeps what it holds for later).
func (m *meteredDelivery) submit(results []scanner.Result, undelivered func([]scanner.Result), done func(error)) {
	m.queue <- frameResults{results, undelivered, done}
}

// close delivers what is queued and stops; nothing may be submitted after.
func (m *meteredDelivery) close() {
	close(m.queue)
	<-m.done
}

func (m *meteredDelivery) run() {
	defer close(m.done)
	var frames []frameResults
	var all []scanner.Result
	for first := range m.queue {
		frames, all = append(frames[:0], first), append(all[:0], first.results...)
	more:
		for len(frames) < maxQueuedFrames {
			select {
			case next, ok := <-m.queue:
				if !ok {
					break more
				}
				frames, all = append(frames, next), append(all, next.results...)
			default:
				break more
			}
		}
		ok, err := m.record(all)
		var notMetered []scanner.Result
		for _, f := range frames {
			n := min(len(f.results), len(ok))
			if n > 0 {
				m.deliver(f.results[:n])
			}
			ok = ok[n:]
			if n < len(f.results) {
				notMetered = append(notMetered, f.results[n:]...)
				if f.undelivered != nil {
					f.undelivered(f.results[n:])
				}
			}
			if f.done != nil {
				var why error
				if n < len(f.results) {
					// Kept whole and read again once allowed: a result of
					// it that was delivered is delivered again then.
					why = fmt.Errorf("%w: %d of %d results not metered: %w", scanner.ErrRefused, len(f.results)-n, len(f.results), err)
				}
				f.done(why)
			}
		}
		if err != nil {
			// After the deliveries, so that a scan the meter refused
			// others for has its own result already.
			m.refused(err, notMetered)
		}
		clear(notMetered)
		clear(all) // results hold barcode texts
		clear(frames)
	}
}
