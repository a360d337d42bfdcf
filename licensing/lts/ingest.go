package lts

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/scannerd/scannerd/licensing/wire"
)

// DefaultUsageWindow is how old usage may be when it reaches the LTS and
// still be counted; report ids are kept that long after their newest slot.
// It is longer than any offline period a handshake code may grant.
const DefaultUsageWindow = 400 * 24 * time.Hour

// maxFutureSlot is how far ahead of the LTS clock a usage slot may start:
// a device whose clock is further ahead cannot authorize anyway.
const maxFutureSlot = 24 * time.Hour

// maxBatch bounds the reports of one RecordUsage call.
const maxBatch = 256

// batchTimeout bounds one RecordUsage call; it does not end with the
// request that happened to start the batch.
const batchTimeout = 30 * time.Second

// batcher groups usage reports that arrive together into one RecordUsage
// call, so that they share one transaction (and one disk flush). While a
// batch is in the store, the reports that arrive queue up; when it is done,
// the oldest waiter takes the queue in as the next batch. No goroutine
// belongs to the batcher: a waiting request runs the batch.
type batcher struct {
	store   Protocol
	now     func() time.Time
	window  time.Duration
	observe func(n int, d time.Duration) // store latency, per batch

	mu      sync.Mutex
	queue   []*queued
	running bool
}

type queued struct {
	rep  *wire.UsageReport
	lead chan struct{} // closed: run the next batch
	done chan struct{} // closed: res and err are set
	res  Recorded
	err  error
}

// record counts one report, batched with others arriving at the same time.
func (b *batcher) record(ctx context.Context, rep *wire.UsageReport) (Recorded, error) {
	q := &queued{rep: rep, lead: make(chan struct{}), done: make(chan struct{})}
	b.mu.Lock()
	b.queue = append(b.queue, q)
	leader := !b.running
	if leader {
		b.running = true
	}
	b.mu.Unlock()
	if !leader {
		select {
		case <-q.done:
			return q.res, q.err
		case <-q.lead:
		}
	}
	b.runBatch(ctx)
	<-q.done
	return q.res, q.err
}

// runBatch takes up to maxBatch reports from the queue, records them and
// hands the lead to the oldest report still waiting, if any.
func (b *batcher) runBatch(ctx context.Context) {
	b.mu.Lock()
	n := min(len(b.queue), maxBatch)
	batch := b.queue[:n:n]
	b.queue = b.queue[n:]
	b.mu.Unlock()

	now := b.now()
	reports := make([]*wire.UsageReport, len(batch))
	for i, q := range batch {
		reports[i] = q.rep
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchTimeout)
	start := time.Now()
	res, err := b.store.RecordUsage(ctx, &UsageBatch{Now: now, CountFrom: now.Add(-b.window), KeepFor: b.window, Reports: reports})
	cancel()
	if b.observe != nil {
		b.observe(len(batch), time.Since(start))
	}
	if err == nil && len(res) != len(batch) {
		err = fmt.Errorf("store recorded %d of %d reports", len(res), len(batch))
	}
	for i, q := range batch {
		if err != nil {
			q.err = err
		} else {
			q.res = res[i]
		}
		close(q.done)
	}

	b.mu.Lock()
	if len(b.queue) == 0 {
		b.running = false
	} else {
		close(b.queue[0].lead)
	}
	b.mu.Unlock()
}

// checkReport refuses reports that no device can have made: more scans than
// MaxReportScans, or a slot further ahead than maxFutureSlot. Counting them
// could only corrupt the totals.
func checkReport(rep *wire.UsageReport, now time.Time) *wire.Error {
	if rep.Scans > MaxReportScans {
		return &wire.Error{Code: wire.CodeBadRequest, Message: fmt.Sprintf("report of %d scans: no device reads more than %d between reports; not counted", rep.Scans, uint64(MaxReportScans))}
	}
	for _, c := range rep.Counts {
		if c.Slot.After(now.Add(maxFutureSlot)) {
			return &wire.Error{Code: wire.CodeBadRequest, Message: fmt.Sprintf("usage slot %s is ahead of the LTS clock (%s): fix the device clock; the report is counted once its time has come", c.Slot.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))}
		}
	}
	return nil
}
