package licensing

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/scannerd/scannerd/scanner"
	bolt "go.etcd.io/bbolt"
)

// SlotLength is the length of a usage time slot.
const SlotLength = time.Hour

// maxSymbology bounds the symbology numbers a batch counts: every one the
// scanner reads has its count.
const maxSymbology = scanner.SymbologyCount

// commitQueue is the group commit of the meter: each Record adds its counts
// to the batch being filled and waits until that batch is written. One
// waiting caller at a time writes the batch that is filling, as one record
// of the usage journal (journal.go), while later callers fill the next one;
// so under load one write carries the counts of every delivery that arrived
// while the previous write ran, and a lone delivery waits for one write
// only. Folding the journal into the store takes the writer's turn too.
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
// (their symbologies, nothing else), and returns once the counts are in the
// usage journal: a result may reach a subscriber only after Record returned
// for it, so the process dying at any moment never loses a delivered scan. It returns how many
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

// commit writes one batch of counts, with the device clock, to the usage
// journal: one record, durable against the process dying once it returns
// (and against a power cut with meter_sync = "delivery"). A full journal is
// folded into the store first. The caller holds the writer's turn.
func (c *Client) commit(b *commitBatch) error {
	if b.total == 0 {
		return nil
	}
	now := c.clock.tick()
	r := journalRecord{Slot: now.Truncate(SlotLength).Unix(), Clock: c.clock.record(), Scans: b.total}
	for i, n := range b.counts {
		r.Counts[i] = uint32(n)
	}
	err := c.journal.append(&r)
	if errors.Is(err, errJournalFull) {
		if err = c.foldLocked(nil); err == nil {
			err = c.journal.append(&r)
		}
	}
	if err != nil {
		return fmt.Errorf("meter usage: %w", err)
	}
	c.atCrashPoint("append")
	c.clockSaved.Store(now.UnixNano())
	return nil
}

// update runs fn in a store transaction that first folds the journal into
// the store, taking the writer's turn so that no batch is written
// meanwhile: whatever fn reads of usage (counters, totals, the lease) is
// complete.
func (c *Client) update(fn func(*bolt.Tx) error) error {
	return c.commits.exclusive(func() error { return c.foldLocked(fn) })
}

// fold moves what the journal holds into the store, if anything.
func (c *Client) fold() error {
	return c.commits.exclusive(func() error {
		if u := c.journal.pending(); u.empty() {
			return nil
		}
		return c.foldLocked(nil)
	})
}

// foldLocked folds the journal into the store in one transaction with fn
// (when set), then restarts the journal. The caller holds the writer's
// turn.
func (c *Client) foldLocked(fn func(*bolt.Tx) error) error {
	u := c.journal.pending()
	err := c.store.update(func(tx *bolt.Tx) error {
		if err := u.fold(tx); err != nil {
			return err
		}
		if fn != nil {
			return fn(tx)
		}
		return nil
	})
	if err != nil || u.empty() {
		return err
	}
	c.atCrashPoint("fold")
	if err := c.journal.restart(); err != nil {
		// The store has the counts and the journal's number; the records
		// left in the journal are skipped at the next open. Until a
		// restart succeeds, records go on after them.
		c.log.Error("licensing", "err", err)
	}
	return nil
}

// fold adds the summed records to the store, with the sequence number of
// the last: records at or below it are never folded again.
func (u *journalUsage) fold(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if u.empty() || u.last <= u64(meta.Get(keyJournal)) {
		return nil
	}
	cb, tb := tx.Bucket(bucketCounters), tx.Bucket(bucketTotals)
	for slot, counts := range u.counts {
		key := be64(uint64(slot))
		for i, n := range counts {
			if n == 0 {
				continue
			}
			name := scanner.Symbology(i).String()
			if err := addU64(cb, append(key[:8:8], name...), n); err != nil {
				return err
			}
			if err := addU64(tb, []byte(name), n); err != nil {
				return err
			}
		}
	}
	if err := countLease(tx, u.scans); err != nil {
		return err
	}
	var clk clockRecord
	if v := meta.Get(keyClock); v != nil {
		if err := jsonUnmarshal(v, &clk); err != nil {
			return err
		}
	}
	if u.clock.HighWater.After(clk.HighWater) {
		if err := putJSON(meta, keyClock, &u.clock); err != nil {
			return err
		}
	}
	return meta.Put(keyJournal, be64(u.last))
}

func (c *Client) atCrashPoint(point string) {
	if c.crashPoint != nil {
		c.crashPoint(point)
	}
}

// exclusive runs fn as the writer: no batch is written while it runs.
// It works after close too, for the last fold.
func (q *commitQueue) exclusive(fn func() error) error {
	q.mu.Lock()
	for q.busy {
		q.cond.Wait()
	}
	q.busy = true
	q.mu.Unlock()
	defer func() {
		q.mu.Lock()
		q.busy = false
		q.cond.Broadcast()
		q.mu.Unlock()
	}()
	return fn()
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
