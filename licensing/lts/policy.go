package lts

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"time"

	"github.com/scannerd/scannerd/licensing/wire"
	bolt "go.etcd.io/bbolt"
)

const dayLayout = "2006-01-02"

// periodOf returns the name and bounds (UTC) of the quota period holding t.
func periodOf(period string, t time.Time) (name string, start, end time.Time) {
	t = t.UTC()
	switch period {
	case wire.PeriodDay:
		start = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return start.Format(dayLayout), start, start.AddDate(0, 0, 1)
	case wire.PeriodYear:
		start = time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		return start.Format("2006"), start, start.AddDate(1, 0, 0)
	default:
		start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		return start.Format("2006-01"), start, start.AddDate(0, 1, 0)
	}
}

// terms is what the licenses bound to a handshake code grant at one moment.
type terms struct {
	licenses    []string // valid now
	anyExpired  bool
	anyFuture   bool
	maxDevices  int    // 0: no device limit
	scanLimit   uint64 // 0: no scan limit
	period      string // of the scan limit: the shortest among the per-scan licenses
	allSyms     bool
	symbologies []string
	expires     time.Time // latest expiry among valid licenses
	inactivity  time.Duration
}

var periodRank = map[string]int{wire.PeriodDay: 0, wire.PeriodMonth: 1, wire.PeriodYear: 2}

func termsOf(tx *bolt.Tx, h *Handshake, now time.Time) (*terms, error) {
	t := &terms{}
	syms := map[string]bool{}
	lb := tx.Bucket(bucketLicenses)
	for _, id := range h.Licenses {
		var r LicenseRecord
		found, err := getJSON(lb, []byte(id), &r)
		if err != nil {
			return nil, err
		}
		if !found {
			continue
		}
		l := &r.License
		if !l.ValidAt(now) {
			if now.Before(l.NotBefore) {
				t.anyFuture = true
			} else {
				t.anyExpired = true
			}
			continue
		}
		t.licenses = append(t.licenses, l.ID)
		switch l.Type {
		case wire.LicensePerDevice:
			t.maxDevices += l.MaxDevices
		case wire.LicensePerScan:
			t.scanLimit += l.ScansPerPeriod
			if t.period == "" || periodRank[l.Period] < periodRank[t.period] {
				t.period = l.Period
			}
		}
		if len(l.Symbologies) == 0 {
			t.allSyms = true
		}
		for _, s := range l.Symbologies {
			syms[s] = true
		}
		if l.Expires.After(t.expires) {
			t.expires = l.Expires
		}
		if t.inactivity == 0 || l.Inactivity() < t.inactivity {
			t.inactivity = l.Inactivity()
		}
	}
	if !t.allSyms {
		for s := range syms {
			t.symbologies = append(t.symbologies, s)
		}
		sort.Strings(t.symbologies)
	}
	return t, nil
}

// refusal explains why terms grant nothing, or returns nil.
func (t *terms) refusal(code string) *wire.Error {
	if len(t.licenses) > 0 {
		return nil
	}
	if t.anyExpired && !t.anyFuture {
		return &wire.Error{Code: wire.CodeExpired, Message: fmt.Sprintf("every license of handshake code %s has expired: import a renewed license (ltsd license import)", code)}
	}
	return &wire.Error{Code: wire.CodeNoLicense, Message: fmt.Sprintf("handshake code %s has no license valid now", code)}
}

// quota returns the scan quota state of a handshake code at now.
func quota(tx *bolt.Tx, h *Handshake, t *terms, now time.Time) wire.Quota {
	if t.scanLimit == 0 {
		return wire.Quota{}
	}
	name, start, end := periodOf(t.period, now)
	q := wire.Quota{Period: name, PeriodStart: start, PeriodEnd: end}
	q.Limit = t.scanLimit + t.scanLimit*uint64(h.GracePercent)/100
	q.Used = usedBetween(tx, h.Code, start, end)
	q.Exhausted = q.Used >= q.Limit
	return q
}

func usedBetween(tx *bolt.Tx, code string, start, end time.Time) uint64 {
	c := tx.Bucket(bucketUsage).Cursor()
	from := key(code, start.Format(dayLayout))
	to := key(code, end.Format(dayLayout))
	var sum uint64
	for k, v := c.Seek(from); k != nil && bytes.Compare(k, to) < 0; k, v = c.Next() {
		if len(v) == 8 {
			sum += binary.BigEndian.Uint64(v)
		}
	}
	return sum
}

func (d *Device) active(now time.Time, inactivity time.Duration) bool {
	return !d.Removed && !d.Revoked && now.Sub(d.LastSeen) < inactivity
}

// authorize applies the license policy to a request whose handshake code,
// password and domain binding were already checked. It registers the device
// and returns the authorization to sign, or the refusal. Quotas are exact:
// bbolt serializes the transactions.
func (s *Store) authorize(req *wire.AuthorizeRequest, addr string, now time.Time) (*wire.Authorization, *wire.Error, error) {
	var (
		auth    *wire.Authorization
		refused *wire.Error
	)
	err := s.db.Update(func(tx *bolt.Tx) error {
		auth, refused = nil, nil
		var h Handshake
		found, err := getJSON(tx.Bucket(bucketHandshakes), []byte(req.HandshakeCode), &h)
		if err != nil {
			return err
		}
		if !found {
			refused = &wire.Error{Code: wire.CodeUnknownCode, Message: "unknown handshake code"}
			return nil
		}
		t, err := termsOf(tx, &h, now)
		if err != nil {
			return err
		}
		if refused = t.refusal(h.Code); refused != nil {
			return nil
		}
		db := tx.Bucket(bucketDevices)
		dk := key(h.Code, req.Device)
		var d Device
		known, err := getJSON(db, dk, &d)
		if err != nil {
			return err
		}
		if known && d.Revoked {
			refused = &wire.Error{Code: wire.CodeRevoked, Message: "this device was revoked by the LTS operator (ltsd device reinstate)"}
			return nil
		}
		q := quota(tx, &h, t, now)
		if q.Exhausted {
			refused = &wire.Error{Code: wire.CodeScanQuota, Message: fmt.Sprintf("scan quota of period %s used up (%d of %d): wait for the next period or add a license", q.Period, q.Used, q.Limit)}
			return nil
		}
		if t.maxDevices > 0 && !(known && d.active(now, t.inactivity)) {
			n := 0
			c := db.Cursor()
			prefix := key(h.Code, "")
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				var other Device
				if err := jsonUnmarshal(v, &other); err != nil {
					return err
				}
				if other.active(now, t.inactivity) {
					n++
				}
			}
			if n >= t.maxDevices {
				refused = &wire.Error{Code: wire.CodeDeviceQuota, Message: fmt.Sprintf("all %d device slots of handshake code %s are in use: remove a device (ltsd device remove) or add a license", t.maxDevices, h.Code)}
				return nil
			}
		}
		if !known {
			d = Device{ID: req.Device, Handshake: h.Code, FirstSeen: now}
		}
		d.Key, d.Domain, d.Address, d.Software, d.LastSeen, d.Removed = req.DeviceKey, req.Domain, addr, req.Software, now, false
		if err := putJSON(db, dk, &d); err != nil {
			return err
		}
		expires := now.Add(h.OfflinePeriod)
		if t.expires.Before(expires) {
			expires = t.expires
		}
		auth = &wire.Authorization{
			Version: wire.Version, Device: req.Device, DeviceKey: req.DeviceKey, Nonce: req.Nonce,
			HandshakeCode: h.Code, Licenses: t.licenses, Issued: now, Expires: expires,
			Symbologies: t.symbologies, Quota: q,
		}
		return nil
	})
	return auth, refused, err
}

// ingest counts a usage report once: a report id seen before is acknowledged
// again without counting. Counts go to the day of their slot (a slot in the
// future is counted today).
func (s *Store) ingest(rep *wire.UsageReport, now time.Time) (*wire.UsageAck, *wire.Error, error) {
	var (
		ack     *wire.UsageAck
		refused *wire.Error
	)
	err := s.db.Batch(func(tx *bolt.Tx) error {
		ack, refused = nil, nil
		var h Handshake
		found, err := getJSON(tx.Bucket(bucketHandshakes), []byte(rep.HandshakeCode), &h)
		if err != nil {
			return err
		}
		if !found {
			refused = &wire.Error{Code: wire.CodeUnknownCode, Message: "unknown handshake code"}
			return nil
		}
		db := tx.Bucket(bucketDevices)
		dk := key(h.Code, rep.Device)
		var d Device
		known, err := getJSON(db, dk, &d)
		if err != nil {
			return err
		}
		if !known || !bytes.Equal(d.Key, rep.DeviceKey) {
			refused = &wire.Error{Code: wire.CodeNotAuthorized, Message: "device is not registered with this key: authorize first"}
			return nil
		}
		t, err := termsOf(tx, &h, now)
		if err != nil {
			return err
		}
		rb := tx.Bucket(bucketReports)
		rk := key(rep.Device, rep.ReportID)
		if rb.Get(rk) != nil {
			ack = &wire.UsageAck{ReportID: rep.ReportID, Duplicate: true, Quota: quota(tx, &h, t, now)}
			return nil
		}
		ub := tx.Bucket(bucketUsage)
		for _, c := range rep.Counts {
			slot := c.Slot.UTC()
			if slot.After(now) {
				slot = now.UTC()
			}
			if err := addCount(ub, key(h.Code, slot.Format(dayLayout), c.Symbology), c.Count); err != nil {
				return err
			}
		}
		if err := putJSON(rb, rk, &reportRecord{Handshake: h.Code, Seq: rep.Seq, Scans: rep.Scans, Received: now}); err != nil {
			return err
		}
		if now.After(d.LastSeen) && !d.Removed {
			d.LastSeen = now
			if err := putJSON(db, dk, &d); err != nil {
				return err
			}
		}
		ack = &wire.UsageAck{ReportID: rep.ReportID, Quota: quota(tx, &h, t, now)}
		return nil
	})
	return ack, refused, err
}
