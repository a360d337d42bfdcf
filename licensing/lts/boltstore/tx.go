package boltstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
	bolt "go.etcd.io/bbolt"
)

// UpdateCode implements lts.Protocol. bbolt runs one write transaction at a
// time, which holds every code exclusively.
func (s *Store) UpdateCode(ctx context.Context, code string, fn func(lts.CodeTx) error) error {
	return s.update(ctx, func(tx *bolt.Tx) error {
		ctx, err := openCode(tx, code)
		if err != nil {
			return err
		}
		if ctx == nil {
			return fmt.Errorf("handshake code %s: %w", code, lts.ErrNotFound)
		}
		return fn(ctx)
	})
}

// codeTx is lts.CodeTx over a bbolt write transaction.
type codeTx struct {
	tx       *bolt.Tx
	h        lts.Handshake
	licenses []lts.LicenseRecord
}

var _ lts.CodeTx = (*codeTx)(nil)

// openCode reads a handshake code and its licenses; nil when there is no
// such code.
func openCode(tx *bolt.Tx, code string) (*codeTx, error) {
	c := &codeTx{tx: tx}
	found, err := getJSON(tx.Bucket(bucketHandshakes), []byte(code), &c.h)
	if err != nil || !found {
		return nil, err
	}
	lb := tx.Bucket(bucketLicenses)
	for _, id := range c.h.Licenses {
		var r lts.LicenseRecord
		found, err := getJSON(lb, []byte(id), &r)
		if err != nil {
			return nil, err
		}
		if found {
			c.licenses = append(c.licenses, r)
		}
	}
	return c, nil
}

func (c *codeTx) Handshake() *lts.Handshake     { return &c.h }
func (c *codeTx) Licenses() []lts.LicenseRecord { return c.licenses }

func (c *codeTx) Device(id string) (lts.Device, bool, error) {
	var d lts.Device
	found, err := getJSON(c.tx.Bucket(bucketDevices), key(c.h.Code, id), &d)
	return d, found, err
}

func (c *codeTx) PutDevice(d *lts.Device) error {
	if d.Handshake != c.h.Code {
		return fmt.Errorf("%w: device of handshake code %q put under %q", lts.ErrInvalid, d.Handshake, c.h.Code)
	}
	return putDevice(c.tx, d)
}

func (c *codeTx) ActiveDevices(since time.Time) (int, error) {
	return activeDevices(c.tx, c.h.Code, since)
}

func activeDevices(tx *bolt.Tx, code string, since time.Time) (int, error) {
	n := 0
	err := eachSummary(tx, code, func(_, _ []byte, s *summary) error {
		if !s.removed && !s.revoked && s.lastSeen.After(since) {
			n++
		}
		return nil
	})
	return n, err
}

func (c *codeTx) Leased(period string) (uint64, int, error) {
	var scans uint64
	n := 0
	cur := c.tx.Bucket(bucketDevices).Cursor()
	prefix := key(c.h.Code, "")
	for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
		var d lts.Device
		if err := json.Unmarshal(v, &d); err != nil {
			return 0, 0, fmt.Errorf("corrupt device %q: %w", k, err)
		}
		if d.LeasePeriod == period && d.Leased > 0 {
			scans = satAdd(scans, d.Leased)
			n++
		}
	}
	return scans, n, nil
}

func (c *codeTx) Used(now time.Time) (lts.Used, error) { return usedAt(c.tx, c.h.Code, now) }

func satAdd(a, b uint64) uint64 {
	if a+b < a {
		return ^uint64(0)
	}
	return a + b
}

func (c *codeTx) UseNonce(device string, nonce []byte, keepUntil time.Time) (bool, error) {
	nb := c.tx.Bucket(bucketNonces)
	k := append(key(device, ""), nonce...)
	if nb.Get(k) != nil {
		return false, nil
	}
	return true, nb.Put(k, be64(uint64(max(keepUntil.Unix(), 0))))
}

// RecordUsage implements lts.Protocol: the batch in one transaction.
func (s *Store) RecordUsage(ctx context.Context, b *lts.UsageBatch) ([]lts.Recorded, error) {
	var out []lts.Recorded
	err := s.update(ctx, func(tx *bolt.Tx) error {
		out = make([]lts.Recorded, len(b.Reports))
		codes := map[string]*codeTx{}
		for i, rep := range b.Reports {
			c, ok := codes[rep.HandshakeCode]
			if !ok {
				var err error
				if c, err = openCode(tx, rep.HandshakeCode); err != nil {
					return err
				}
				codes[rep.HandshakeCode] = c
			}
			if c == nil {
				out[i].Refused = &wire.Error{Code: wire.CodeUnknownCode, Message: "unknown handshake code"}
				continue
			}
			if err := c.record(rep, b, &out[i]); err != nil {
				return err
			}
		}
		states := map[string]*lts.CodeState{}
		for i, rep := range b.Reports {
			if out[i].Refused != nil {
				continue
			}
			st := states[rep.HandshakeCode]
			if st == nil {
				c := codes[rep.HandshakeCode]
				used, err := usedAt(tx, c.h.Code, b.Now)
				if err != nil {
					return err
				}
				st = &lts.CodeState{Handshake: c.h, Licenses: c.licenses, Used: used}
				states[rep.HandshakeCode] = st
			}
			out[i].Code = st
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// record counts one report of a batch.
func (c *codeTx) record(rep *wire.UsageReport, b *lts.UsageBatch, out *lts.Recorded) error {
	db := c.tx.Bucket(bucketDevices)
	dk := key(c.h.Code, rep.Device)
	var d lts.Device
	known, err := getJSON(db, dk, &d)
	if err != nil {
		return err
	}
	if !known || !bytes.Equal(d.Key, rep.DeviceKey) {
		out.Refused = &wire.Error{Code: wire.CodeNotAuthorized, Message: "device is not registered with this key: authorize first"}
		return nil
	}
	out.Revoked = d.Revoked
	rb := c.tx.Bucket(bucketReports)
	rk := key(rep.Device, rep.ReportID)
	newest := lts.NewestSlot(rep)
	if rb.Get(rk) != nil || newest.Before(b.CountFrom) {
		out.Duplicate = true
		return nil
	}
	// Every total is checked before any is changed: a report is counted
	// whole or not at all.
	ub := c.tx.Bucket(bucketUsage)
	totals := map[string]uint64{}
	days := make([]string, len(rep.Counts))
	for i, uc := range rep.Counts {
		slot := uc.Slot.UTC()
		if slot.After(b.Now) {
			slot = b.Now.UTC()
		}
		days[i] = slot.Format(lts.DayLayout)
		uk := string(key(c.h.Code, days[i], uc.Symbology))
		cur, seen := totals[uk]
		if !seen {
			cur = u64(ub.Get([]byte(uk)))
		}
		sum, ok := lts.AddTotal(cur, uc.Count)
		if !ok {
			out.Refused = &wire.Error{Code: wire.CodeBadRequest, Message: fmt.Sprintf("report would take the %s total of %s past %d: not counted", uc.Symbology, slot.Format(lts.DayLayout), uint64(lts.MaxTotal))}
			return nil
		}
		totals[uk] = sum
	}
	for i, uc := range rep.Counts {
		if err := addMonthUsage(c.tx, c.h.Code, days[i], uc.Symbology, uc.Count); err != nil {
			return err
		}
	}
	for k, v := range totals {
		if err := ub.Put([]byte(k), be64(v)); err != nil {
			return err
		}
	}
	if err := addDeviceUsage(c.tx, c.h.Code, rep, b.Now); err != nil {
		return err
	}
	keep := lts.ReportKeepUntil(rep, b)
	rec := lts.ReportRecord{Device: rep.Device, ReportID: rep.ReportID, Handshake: c.h.Code, Seq: rep.Seq, Scans: rep.Scans, Received: b.Now, KeepUntil: keep}
	if err := putJSON(rb, rk, &rec); err != nil {
		return err
	}
	if err := c.tx.Bucket(bucketReportKeep).Put(keepKey(keep, rk), nil); err != nil {
		return err
	}
	if lts.SeenAgain(d.LastSeen, b.Now) && !d.Removed {
		d.LastSeen = b.Now
		return putDevice(c.tx, &d)
	}
	return nil
}
