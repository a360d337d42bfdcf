package lts

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/scannerd/scannerd/licensing/wire"
)

// CodeOverview is what one handshake code grants and uses at a moment, as
// operators see it (metrics, the console): never its password hash.
type CodeOverview struct {
	Handshake HandshakeView
	// Licenses are the ids of the code's licenses valid at the moment.
	Licenses []string
	// DeviceLimit is the number of device slots (0: no device limit), and
	// ActiveDevices the slots taken.
	DeviceLimit   int
	ActiveDevices int
	// Quota is the scan quota state (Limit 0: no scan limit), its limit
	// with the code's grace; ScanLimit is what the licenses grant, without.
	Quota     wire.Quota
	ScanLimit uint64
	// Expires is the latest expiry among the valid licenses.
	Expires time.Time
	// Devices counts the code's devices by state: silent past the code's
	// offline period.
	Devices DeviceCount
}

// LicenseLabel names the pool of a code's licenses ("A,B"): a label that
// identifies a quota without revealing the handshake code, which devices
// use as a credential.
func (o *CodeOverview) LicenseLabel() string {
	ids := append([]string(nil), o.Handshake.Licenses...)
	sort.Strings(ids)
	return strings.Join(ids, ",")
}

// OverviewStore is what Overview reads.
type OverviewStore interface {
	Catalog
	DeviceAdmin
	UsageReader
}

// Overview returns the overview of every handshake code at now, by code,
// in four reads however many codes and devices there are.
func Overview(ctx context.Context, st OverviewStore, now time.Time) ([]CodeOverview, error) {
	hs, err := st.Handshakes(ctx)
	if err != nil {
		return nil, err
	}
	ls, err := st.Licenses(ctx)
	if err != nil {
		return nil, err
	}
	byCode := map[string][]LicenseRecord{}
	for _, l := range ls {
		byCode[l.Handshake] = append(byCode[l.Handshake], l)
	}
	q := &DeviceQuery{Cutoffs: make(map[string]DeviceCutoffs, len(hs))}
	all := make([]*terms, len(hs))
	for i := range hs {
		h := &hs[i]
		t := termsOf(h, byCode[h.Code], now)
		all[i] = t
		q.Cutoffs[h.Code] = DeviceCutoffs{ActiveSince: now.Add(-t.inactivity), SilentBefore: now.Add(-h.OfflinePeriod)}
	}
	counts, err := st.DeviceCounts(ctx, q)
	if err != nil {
		return nil, err
	}
	used, err := st.UsedByCode(ctx, now)
	if err != nil {
		return nil, err
	}
	out := make([]CodeOverview, 0, len(hs))
	for i := range hs {
		h, t := &hs[i], all[i]
		c := counts[h.Code]
		o := CodeOverview{Handshake: ViewOf(*h), Licenses: t.licenses, DeviceLimit: t.maxDevices, Expires: t.expires, ScanLimit: t.scanLimit, Devices: c}
		if len(t.licenses) > 0 {
			o.ActiveDevices = c.Slots // without a valid license no device holds a slot
		}
		if t.scanLimit > 0 {
			o.Quota = quotaOf(h, t, used[h.Code], now)
		}
		out = append(out, o)
	}
	return out, nil
}
