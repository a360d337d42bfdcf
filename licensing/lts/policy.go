package lts

import (
	"bytes"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"time"

	"github.com/scannerd/scannerd/licensing/wire"
)

// DayLayout is how a day is written in usage rows.
const DayLayout = "2006-01-02"

// periodOf returns the name and bounds (UTC) of the quota period holding t.
func periodOf(period string, t time.Time) (name string, start, end time.Time) {
	t = t.UTC()
	switch period {
	case wire.PeriodDay:
		start = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return start.Format(DayLayout), start, start.AddDate(0, 0, 1)
	case wire.PeriodYear:
		start = time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		return start.Format("2006"), start, start.AddDate(1, 0, 0)
	default:
		start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		return start.Format("2006-01"), start, start.AddDate(0, 1, 0)
	}
}

// UsedWindows returns the starts of the UTC day, month and year holding t:
// the periods of Used.
func UsedWindows(t time.Time) (day, month, year time.Time) {
	_, day, _ = periodOf(wire.PeriodDay, t)
	_, month, _ = periodOf(wire.PeriodMonth, t)
	_, year, _ = periodOf(wire.PeriodYear, t)
	return day, month, year
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
	features    []string  // granted by any valid license, sorted
	expires     time.Time // latest expiry among valid licenses
	inactivity  time.Duration
}

var periodRank = map[string]int{wire.PeriodDay: 0, wire.PeriodMonth: 1, wire.PeriodYear: 2}

// termsOf sums what the valid licenses of h grant at now. Limits add up
// saturating: licenses are signed by the vendor, but no sum may wrap.
func termsOf(h *Handshake, licenses []LicenseRecord, now time.Time) *terms {
	t := &terms{}
	syms := map[string]bool{}
	byID := make(map[string]*wire.License, len(licenses))
	for i := range licenses {
		byID[licenses[i].License.ID] = &licenses[i].License
	}
	for _, id := range h.Licenses {
		l := byID[id]
		if l == nil {
			continue
		}
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
			if l.MaxDevices > 0 {
				t.maxDevices = int(min(int64(t.maxDevices)+int64(l.MaxDevices), math.MaxInt32))
			}
		case wire.LicensePerScan:
			t.scanLimit = addSat(t.scanLimit, l.ScansPerPeriod)
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
		for _, f := range l.Features {
			if !slices.Contains(t.features, f) {
				t.features = append(t.features, f)
			}
		}
		if l.Expires.After(t.expires) {
			t.expires = l.Expires
		}
		if t.inactivity == 0 || l.Inactivity() < t.inactivity {
			t.inactivity = l.Inactivity()
		}
	}
	sort.Strings(t.features)
	if !t.allSyms {
		for s := range syms {
			t.symbologies = append(t.symbologies, s)
		}
		sort.Strings(t.symbologies)
	}
	return t
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

// quotaOf returns the scan quota state of a handshake code at now, given its
// usage in the periods holding now.
func quotaOf(h *Handshake, t *terms, used Used, now time.Time) wire.Quota {
	if t.scanLimit == 0 {
		return wire.Quota{}
	}
	name, start, end := periodOf(t.period, now)
	q := wire.Quota{Period: name, PeriodStart: start, PeriodEnd: end}
	q.Limit = withGrace(t.scanLimit, h.GracePercent)
	switch t.period {
	case wire.PeriodDay:
		q.Used = used.Day
	case wire.PeriodYear:
		q.Used = used.Year
	default:
		q.Used = used.Month
	}
	q.Exhausted = q.Used >= q.Limit
	return q
}

// withGrace returns limit plus percent of it, saturating.
func withGrace(limit uint64, percent int) uint64 {
	if percent <= 0 {
		return limit
	}
	hi, lo := bits.Mul64(limit, uint64(percent))
	if hi >= 100 {
		return math.MaxUint64
	}
	extra, _ := bits.Div64(hi, lo, 100)
	return addSat(limit, extra)
}

// QuotaState returns the scan quota state of a code from its CodeState.
func (c *CodeState) QuotaState(now time.Time) wire.Quota {
	return quotaOf(&c.Handshake, termsOf(&c.Handshake, c.Licenses, now), c.Used, now)
}

func (d *Device) active(now time.Time, inactivity time.Duration) bool {
	return !d.Removed && !d.Revoked && now.Sub(d.LastSeen) < inactivity
}

// madeBeforeRemoval reports whether a request with device time t was made
// before the device was last removed. The device's clock is told by its
// latest authorization: the device time at removal is its request time
// then plus the LTS time that passed until the removal.
func (d *Device) madeBeforeRemoval(t time.Time) bool {
	if !d.Removed || d.RemovedAt.IsZero() {
		return false
	}
	removedDeviceTime := d.RemovedAt
	if !d.Authorized.IsZero() && !d.RequestTime.IsZero() {
		removedDeviceTime = d.RequestTime.Add(d.RemovedAt.Sub(d.Authorized))
	}
	return !t.After(removedDeviceTime)
}

// grant is what authorizeIn decided for a device.
type grant struct {
	auth *wire.Authorization
	// rollback is set when the request shows the device was put back to an
	// older copy of itself.
	rollback string
}

// authorizeIn applies the license policy to a request whose handshake code,
// password and domain binding were already checked, inside a transaction
// holding the code. It registers the device and returns the authorization
// to sign, or the refusal.
func authorizeIn(tx CodeTx, req *wire.AuthorizeRequest, addr string, now time.Time, skew time.Duration) (*grant, *wire.Error, error) {
	h := tx.Handshake()
	t := termsOf(h, tx.Licenses(), now)
	if refused := t.refusal(h.Code); refused != nil {
		return nil, refused, nil
	}
	d, known, err := tx.Device(req.Device)
	if err != nil {
		return nil, nil, err
	}
	if known && d.Revoked {
		return nil, &wire.Error{Code: wire.CodeRevoked, Message: "this device was revoked by the LTS operator (ltsd device reinstate)"}, nil
	}
	if known && d.madeBeforeRemoval(req.Time) {
		return nil, &wire.Error{Code: wire.CodeReplayed, Message: "request made before the device was removed: not accepted"}, nil
	}
	// A request is accepted only within skew of the LTS clock, so its
	// nonce needs keeping only that long: a replay after is refused for
	// the clock.
	fresh, err := tx.UseNonce(req.Device, req.Nonce, req.Time.Add(skew))
	if err != nil {
		return nil, nil, err
	}
	if !fresh {
		return nil, &wire.Error{Code: wire.CodeReplayed, Message: "request seen before: not accepted again"}, nil
	}
	var used Used
	if t.scanLimit > 0 {
		if used, err = tx.Used(now); err != nil {
			return nil, nil, err
		}
	}
	q := quotaOf(h, t, used, now)
	if q.Exhausted {
		return nil, &wire.Error{Code: wire.CodeScanQuota, Message: fmt.Sprintf("scan quota of period %s used up (%d of %d): wait for the next period or add a license", q.Period, q.Used, q.Limit)}, nil
	}
	newKey := known && !bytes.Equal(d.Key, req.DeviceKey)
	if t.maxDevices > 0 && !(known && !newKey && d.active(now, t.inactivity)) {
		// A new key under a known UUID is a new device as far as the quota
		// goes: it takes the slot only when one is free, so that copying a
		// UUID does not get a second device past a full quota.
		n, err := tx.ActiveDevices(now.Add(-t.inactivity))
		if err != nil {
			return nil, nil, err
		}
		if n >= t.maxDevices {
			msg := fmt.Sprintf("all %d device slots of handshake code %s are in use: remove a device (ltsd device remove) or add a license", t.maxDevices, h.Code)
			if newKey {
				msg = fmt.Sprintf("device %s is registered with another key and all %d device slots of handshake code %s are in use: if the device lost its state, remove it (ltsd device remove) so that it registers again", req.Device, t.maxDevices, h.Code)
			}
			return nil, &wire.Error{Code: wire.CodeDeviceQuota, Message: msg}, nil
		}
	}
	if !known {
		d = Device{ID: req.Device, Handshake: h.Code, FirstSeen: now}
	}
	g := &grant{rollback: rollbackOf(&d, req, newKey)}
	if g.rollback != "" {
		d.Rollbacks++
		d.LastRollback, d.RollbackNote = now, g.rollback
	}
	if !newKey {
		d.SeenCounter = max(d.SeenCounter, req.Counter)
	}
	d.Counter++
	d.Key, d.Domain, d.Address, d.Software, d.LastSeen, d.Removed = req.DeviceKey, req.Domain, addr, req.Software, now, false
	d.Authorized, d.RequestTime = now, req.Time
	lease, err := leaseFor(tx, &d, req, q, now, t.inactivity)
	if err != nil {
		return nil, nil, err
	}
	if err := tx.PutDevice(&d); err != nil {
		return nil, nil, err
	}
	expires := now.Add(h.OfflinePeriod)
	if t.expires.Before(expires) {
		expires = t.expires
	}
	g.auth = &wire.Authorization{
		Version: wire.Version, Device: req.Device, DeviceKey: req.DeviceKey, Nonce: req.Nonce,
		HandshakeCode: h.Code, Licenses: t.licenses, Issued: now, Expires: expires,
		Symbologies: t.symbologies, Quota: q, Counter: d.Counter, Lease: lease, Features: t.features,
	}
	return g, nil, nil
}

// rollbackOf tells from an authorize request whether the device was put
// back to an older copy of itself: it says so itself (it keeps a mark of
// its state outside its state directory), or it presents an authorization
// older than one it presented before. A new key is a new identity, with
// nothing to compare.
func rollbackOf(d *Device, req *wire.AuthorizeRequest, newKey bool) string {
	switch {
	case req.Rollback != "":
		return "the device found its state put back from an older copy: " + req.Rollback
	case !newKey && req.Counter != 0 && req.Counter < d.SeenCounter:
		return fmt.Sprintf("the device presented authorization %d after it had presented %d: its state was put back from an older copy, and the usage it metered since that copy may be lost", req.Counter, d.SeenCounter)
	}
	return ""
}

// leaseFor grants the device its share of the code's scan quota in the
// period holding now (nil without a quota). The leases of a period never
// add up to more than the quota, grace included, so that the devices,
// each stopping at its lease, never meter more together. A device is
// topped up to a share of what is still free — half of it split among the
// active devices, at least one scan — so that the quota goes to the devices
// that scan, a little at a time as it runs out; what it leased stays its
// own for the period.
func leaseFor(tx CodeTx, d *Device, req *wire.AuthorizeRequest, q wire.Quota, now time.Time, inactivity time.Duration) (*wire.Lease, error) {
	if q.Limit == 0 {
		return nil, nil
	}
	if d.LeasePeriod != q.Period {
		d.LeasePeriod, d.Leased = q.Period, 0
	}
	leased, _, err := tx.Leased(q.Period)
	if err != nil {
		return nil, err
	}
	// leased includes d's lease as stored, not as just reset.
	if old, known, err := tx.Device(d.ID); err != nil {
		return nil, err
	} else if known && old.LeasePeriod == q.Period {
		leased -= min(leased, old.Leased)
	}
	leased = addSat(leased, d.Leased)
	free := q.Limit - min(q.Limit, leased)
	active, err := tx.ActiveDevices(now.Add(-inactivity))
	if err != nil {
		return nil, err
	}
	share := max(1, free/(2*uint64(max(1, active))))
	used := uint64(0)
	if req.LeasePeriod == q.Period {
		used = min(req.PeriodScans, d.Leased)
	}
	if left := d.Leased - used; left < share {
		d.Leased += min(free, share-left)
	}
	return &wire.Lease{Period: q.Period, PeriodStart: q.PeriodStart, PeriodEnd: q.PeriodEnd, Scans: d.Leased}, nil
}
