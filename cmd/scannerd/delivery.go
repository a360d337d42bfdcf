package main

import (
	"github.com/scannerd/scannerd/scanner"
)

// meteredDelivery hands results to subscribers only once their counts are
// on disk, so that no crash can leave a delivered scan unmetered, without
// making the engine's workers wait for the disk: workers queue their
// frames' results, and one goroutine meters everything queued at once
// (one disk write for all the frames that finished meanwhile) and then
// delivers it in the order it was queued.
type meteredDelivery struct {
	queue   chan []scanner.Result
	done    chan struct{}
	record  func([]scanner.Result) ([]scanner.Result, error) // meters; returns the results that may be delivered
	deliver func([]scanner.Result)
	refused func(error)
}

// maxQueuedFrames bounds the frames whose results wait for the disk; a
// worker with more to queue waits for it.
const maxQueuedFrames = 256

func newMeteredDelivery(record func([]scanner.Result) ([]scanner.Result, error), deliver func([]scanner.Result), refused func(error)) *meteredDelivery {
	m := &meteredDelivery{queue: make(chan []scanner.Result, maxQueuedFrames), done: make(chan struct{}),
		record: record, deliver: deliver, refused: refused}
	go m.run()
	return m
}

// submit queues one frame's results.
func (m *meteredDelivery) submit(results []scanner.Result) { m.queue <- results }

// close delivers what is queued and stops; nothing may be submitted after.
func (m *meteredDelivery) close() {
	close(m.queue)
	<-m.done
}

func (m *meteredDelivery) run() {
	defer close(m.done)
	var frames [][]scanner.Result
	var all []scanner.Result
	for first := range m.queue {
		frames, all = append(frames[:0], first), append(all[:0], first...)
	more:
		for len(frames) < maxQueuedFrames {
			select {
			case next, ok := <-m.queue:
				if !ok {
					break more
				}
				frames, all = append(frames, next), append(all, next...)
			default:
				break more
			}
		}
		ok, err := m.record(all)
		if err != nil {
			m.refused(err)
		}
		for _, f := range frames {
			n := min(len(f), len(ok))
			if n > 0 {
				m.deliver(f[:n])
			}
			ok = ok[n:]
		}
		clear(all) // results hold barcode texts
		clear(frames)
	}
}
