package licensing

import (
	"sync"
	"sync/atomic"
	"time"
)

// deviceClock is the time the license logic runs on: the wall clock plus an
// offset that grows whenever the wall clock is set back, so device time never
// runs backwards and setting the clock back never lengthens an offline
// period. It only ever errs towards less offline time (after a jump back,
// the time between the last tick and the jump is counted twice at most one
// tick long).
type deviceClock struct {
	now func() time.Time

	mu     sync.Mutex
	hw     time.Time     // latest device time seen
	offset time.Duration // added to the wall clock

	// Copies for the lock-free read in Permit.
	hwNanos  atomic.Int64
	offNanos atomic.Int64
}

func (c *deviceClock) restore(r clockRecord) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hw, c.offset = r.HighWater, r.Offset
	c.publish()
}

func (c *deviceClock) publish() {
	c.hwNanos.Store(c.hw.UnixNano())
	c.offNanos.Store(int64(c.offset))
}

// tick reads the wall clock and returns the device time, moving the offset
// if the wall clock went back.
func (c *deviceClock) tick() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.now().Add(c.offset)
	if t.Before(c.hw) {
		c.offset += c.hw.Sub(t)
		t = c.hw
	}
	c.hw = t
	c.publish()
	return t
}

// at returns the device time for wall time now without moving anything:
// cheap enough for every frame.
func (c *deviceClock) at(now time.Time) time.Time {
	t := now.Add(time.Duration(c.offNanos.Load()))
	if hw := c.hwNanos.Load(); t.UnixNano() < hw {
		return time.Unix(0, hw)
	}
	return t
}

func (c *deviceClock) record() clockRecord {
	c.mu.Lock()
	defer c.mu.Unlock()
	return clockRecord{HighWater: c.hw, Offset: c.offset}
}
