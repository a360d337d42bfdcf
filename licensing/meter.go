package licensing

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/scannerd/scannerd/scanner"
	bolt "go.etcd.io/bbolt"
)

// SlotLength is the length of a usage time slot.
const SlotLength = time.Hour

// meter counts scans per symbology in memory between flushes: one atomic add
// per delivered result.
type meter struct {
	counts [32]atomic.Uint64
}

func (m *meter) add(sym scanner.Symbology, n uint64) {
	if int(sym) < len(m.counts) && sym != scanner.Unknown {
		m.counts[sym].Add(n)
	}
}

// take empties the meter and returns what it held.
func (m *meter) take() (out [32]uint64, total uint64) {
	for i := range m.counts {
		out[i] = m.counts[i].Swap(0)
		total += out[i]
	}
	return out, total
}

// Count meters one delivered result (after dedup) of the given symbology.
// Nothing but the symbology enters the meter.
func (c *Client) Count(sym scanner.Symbology) { c.meter.add(sym, 1) }

// Flush writes the counts metered since the last flush to the store. The
// background flusher calls it every second; Close calls it last.
func (c *Client) Flush() error {
	c.flushMu.Lock()
	defer c.flushMu.Unlock()
	if c.store == nil {
		return ErrClosed
	}
	now := c.clock.tick()
	counts, total := c.meter.take()
	clk := c.clock.record()
	if total == 0 && now.Sub(c.clockSaved) < time.Minute {
		return nil
	}
	slot := be64(uint64(now.Truncate(SlotLength).Unix()))
	err := c.store.db.Update(func(tx *bolt.Tx) error {
		cb, tb := tx.Bucket(bucketCounters), tx.Bucket(bucketTotals)
		for i, n := range counts {
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
		return putJSON(tx.Bucket(bucketMeta), keyClock, &clk)
	})
	if err != nil {
		for i, n := range counts {
			c.meter.add(scanner.Symbology(i), n)
		}
		return fmt.Errorf("flush usage counts: %w", err)
	}
	c.clockSaved = now
	return nil
}
