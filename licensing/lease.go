package licensing

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/scannerd/scannerd/licensing/wire"
	bolt "go.etcd.io/bbolt"
)

var keyLease = []byte("lease") // leaseRecord

// leaseRecord is the scan lease the device holds and how much of it it
// used: the share of the handshake code's scan quota the LTS granted it in
// one quota period (wire.Lease).
type leaseRecord struct {
	Period string    `json:"period"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Scans  uint64    `json:"scans"` // may meter this many in the period
	Used   uint64    `json:"used"`  // metered in the period
	// Grant is what the lease left when it last grew: the device asks for
	// more once less than half of it is left.
	Grant uint64 `json:"grant"`
}

// leaseState is the lease as the meter keeps it, guarded by the commit
// queue's lock; stop is read without it by Permit.
type leaseState struct {
	rec     *leaseRecord // nil: no scan quota, nothing to stop at
	pending uint64       // admitted, not yet on disk
	stop    atomic.Pointer[error]
	end     atomic.Int64 // device time (unix nanos) the lease's period ends
}

// admit takes up to n scans from the lease, before they are metered, and
// returns how many it took: fewer when the lease runs out, with the error
// that stops decoding until the LTS grants more. It asks for more once
// less than half of the last grant is left. c.commits.mu is held.
func (c *Client) admit(n int) (int, error) {
	l := &c.lease
	if l.rec == nil || n == 0 {
		return n, nil
	}
	now := c.clock.at(c.now())
	if now.Before(l.rec.Start) || !now.Before(l.rec.End) {
		err := fmt.Errorf("%w (the scan lease for period %s has ended: waiting for the LTS to grant this device a share of the next period)", ErrOverQuota, l.rec.Period)
		l.stop.Store(&err)
		c.RequestSync()
		return 0, err
	}
	left := l.rec.Scans - min(l.rec.Scans, l.rec.Used+l.pending)
	taken := min(uint64(n), left)
	l.pending += taken
	var err error
	if taken < uint64(n) || left == taken {
		err = fmt.Errorf("%w (this device used its share of the scan quota of period %s, %d scans: waiting for the LTS to grant more)", ErrOverQuota, l.rec.Period, l.rec.Scans)
		l.stop.Store(&err)
	}
	if left == taken || left-taken < (l.rec.Grant+1)/2 {
		c.RequestSync()
	}
	if taken < uint64(n) {
		return int(taken), err
	}
	return int(taken), nil
}

// settle books a batch of admitted scans once its write is done.
// c.commits.mu is held.
func (c *Client) settle(n uint64, written bool) {
	l := &c.lease
	if l.rec == nil {
		return
	}
	l.pending -= min(l.pending, n)
	if written {
		l.rec.Used += n
	}
}

// countLease adds n metered scans to the stored lease, in the transaction
// that meters them.
func countLease(tx *bolt.Tx, n uint64) error {
	meta := tx.Bucket(bucketMeta)
	v := meta.Get(keyLease)
	if v == nil {
		return nil
	}
	var r leaseRecord
	if err := jsonUnmarshal(v, &r); err != nil {
		return err
	}
	r.Used += n
	return putJSON(meta, keyLease, &r)
}

// takeLease makes a new authorization's lease the device's, in the
// transaction that stores the authorization: a lease of the same period
// raises what the device may meter, one of a new period starts afresh, no
// lease lifts the limit.
func takeLease(tx *bolt.Tx, lease *wire.Lease) (*leaseRecord, error) {
	meta := tx.Bucket(bucketMeta)
	if lease == nil {
		return nil, meta.Delete(keyLease)
	}
	var r leaseRecord
	if v := meta.Get(keyLease); v != nil {
		if err := jsonUnmarshal(v, &r); err != nil {
			return nil, err
		}
	}
	if r.Period != lease.Period {
		r = leaseRecord{Period: lease.Period}
	}
	r.Start, r.End, r.Scans = lease.PeriodStart, lease.PeriodEnd, lease.Scans
	r.Grant = r.Scans - min(r.Scans, r.Used)
	return &r, putJSON(meta, keyLease, &r)
}

// loadLease reads the stored lease into the meter (at open).
func (c *Client) loadLease() error {
	var r leaseRecord
	found, err := c.store.getJSON(bucketMeta, keyLease, &r)
	if err != nil {
		return fmt.Errorf("open licensing store: %w", err)
	}
	c.commits.mu.Lock()
	defer c.commits.mu.Unlock()
	if found {
		c.setLease(&r)
	} else {
		c.setLease(nil)
	}
	return nil
}

// setLease installs a lease in the meter. c.commits.mu is held.
func (c *Client) setLease(r *leaseRecord) {
	l := &c.lease
	if r != nil && l.rec != nil && r.Period == l.rec.Period {
		// What the meter counted is authoritative while it runs: a batch
		// written but not settled yet is on disk in r.Used and still in
		// l.pending, and settle will add it.
		r.Used = l.rec.Used
	}
	l.rec = r
	l.stop.Store(nil)
	if r == nil {
		l.end.Store(0)
		return
	}
	l.end.Store(r.End.UnixNano())
	if r.Used+l.pending >= r.Scans {
		err := fmt.Errorf("%w (this device used its share of the scan quota of period %s, %d scans: waiting for the LTS to grant more)", ErrOverQuota, r.Period, r.Scans)
		l.stop.Store(&err)
	}
}

// leaseRefusal is the error Permit returns while the lease allows no scan.
func (c *Client) leaseRefusal(now time.Time) error {
	if p := c.lease.stop.Load(); p != nil {
		return *p
	}
	if end := c.lease.end.Load(); end != 0 && now.UnixNano() >= end {
		return fmt.Errorf("%w (the scan lease has ended: waiting for the LTS to grant this device a share of the next period)", ErrOverQuota)
	}
	return nil
}

// leaseLow reports whether the lease needs renewing: ended, used up, or
// less than half of its last grant left.
func (c *Client) leaseLow() bool {
	c.commits.mu.Lock()
	defer c.commits.mu.Unlock()
	l := &c.lease
	if l.rec == nil {
		return false
	}
	left := l.rec.Scans - min(l.rec.Scans, l.rec.Used+l.pending)
	// Nothing left is low whatever the last grant was: a grant of nothing
	// (the device used its lease up while it asked) must not stop it
	// from asking again.
	return left == 0 || left < (l.rec.Grant+1)/2 || !c.clock.tick().Before(l.rec.End)
}

// leaseUse returns the period and the scans metered in it, for the
// authorize request.
func (c *Client) leaseUse() (string, uint64) {
	c.commits.mu.Lock()
	defer c.commits.mu.Unlock()
	if c.lease.rec == nil {
		return "", 0
	}
	return c.lease.rec.Period, c.lease.rec.Used
}
