package licensing

import (
	"fmt"
	"sync"
	"time"

	"github.com/scannerd/scannerd/scanner"
	bolt "go.etcd.io/bbolt"
)

// SlotLength is the length of a usage time slot.
const SlotLength = time.Hour

// maxSymbology bounds the symbology numbers a batch counts.
const maxSymbology = 32

// commitQueue is the group commit of the meter: each Record adds its counts
// to the batch being filled and waits until that batch is on disk. One
// waiting caller at a time writes the batch that is filling, in one bbolt
// transaction, while later callers fill the next one; so under load one
// disk write carries the counts of every delivery that arrived while the
// previous write ran, and a lone delivery waits for one write only.
type commitQueue struct {
	mu      sync.Mutex
	cond    sync.Cond
	filling *commitBatch
	busy    bool // a batch is being written
	closed  bool
}

type commitBatch struct {
	counts [maxSymbology]uint64
	total  uint64
	err    error
	done   bool
}

// Record meters the results of one delivery, one scan per entry of syms
// (their symbologies, nothing else), and returns once the counts are on
// disk: a result may reach a subscriber only after Record returned for it,
// so a crash at any moment never loses a delivered scan. It returns how many
// of syms, from the first, were metered; the others must not be delivered.
// Fewer than all are metered when the device's scan lease runs out (see
// lease.go): the error then wraps ErrOverQuota.
func (c *Client) Record(syms []scanner.Symbology) (int, error) {
	q := &c.commits
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0, ErrClosed
	}
	n, refusal := c.admit(len(syms))
	if n == 0 {
		return 0, refusal
	}
	if q.filling == nil {
		q.filling = &commitBatch{}
	}
	b := q.filling
	for _, s := range syms[:n] {
		if int(s) < maxSymbology && s != scanner.Unknown {
			b.counts[s]++
			b.total++
		}
	}
	for !b.done {
		if q.busy {
			q.cond.Wait()
			continue
		}
		// Write the batch that is filling (ours, or a later one that
		// ours is already part of a write before).
		w := q.filling
		q.filling, q.busy = nil, true
		q.mu.Unlock()
		err := c.commit(w)
		q.mu.Lock()
		w.err, w.done, q.busy = err, true, false
		c.settle(w.total, err == nil)
		q.cond.Broadcast()
	}
	if b.err != nil {
		return 0, b.err
	}
	return n, refusal
}

// commit writes one batch of counts, with the device clock, in one
// transaction.
func (c *Client) commit(b *commitBatch) error {
	now := c.clock.tick()
	clk := c.clock.record()
	slot := be64(uint64(now.Truncate(SlotLength).Unix()))
	err := c.store.update(func(tx *bolt.Tx) error {
		cb, tb := tx.Bucket(bucketCounters), tx.Bucket(bucketTotals)
		for i, n := range b.counts {
			if n == 0 {
				continue
			}
			name := scanner.Symbology(i).String()
			if err := addU64(cb, append(append([]byte{}, slot...), name...), n); err != nil {
				return err
			}
			if err := addU64(tb, []byte(name), n); err != nil {
				return err
			}
		}
		if err := countLease(tx, b.total); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bucketMeta), keyClock, &clk)
	})
	if err != nil {
		return fmt.Errorf("meter usage: %w", err)
	}
	c.clockSaved.Store(now.UnixNano())
	return nil
}

// closeCommits refuses new counts and waits for the batch being written.
func (c *Client) closeCommits() {
	q := &c.commits
	q.mu.Lock()
	q.closed = true
	for q.busy {
		q.cond.Wait()
	}
	q.mu.Unlock()
}
