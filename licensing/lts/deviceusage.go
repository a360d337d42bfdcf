package lts

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/scannerd/scannerd/licensing/wire"
)

// DeviceUsageRow is the number of scans, all symbologies together, of one
// device under one handshake code in one period. Stores count them with
// the code's totals in RecordUsage: per UTC day and per month, the days for
// the current month and the two before it, the months for the current
// month and the twelve before it (DeviceUsageKept).
type DeviceUsageRow struct {
	Handshake string `json:"handshake"`
	Device    string `json:"device"`
	Period    string `json:"period"` // "2026-11-29" or "2026-11"
	Count     uint64 `json:"count"`
}

// DeviceUsageQuery selects device totals.
type DeviceUsageQuery struct {
	// Granularity is wire.PeriodDay or wire.PeriodMonth.
	Granularity string
	// Handshake and Devices (UUIDs), when not empty, restrict the rows to
	// them.
	Handshake string
	Devices   []string
	// From and To, when not zero, restrict the rows to the periods from
	// the one holding From to the one holding To, both included (UTC).
	From, To time.Time
	// Sum adds the selected rows up (none by default).
	Sum DeviceUsageSum
}

// DeviceUsageSum is how DeviceUsage adds rows up.
type DeviceUsageSum int

// The ways to add device totals up. A chart of ten thousand devices shows
// the largest few and the rest together: it needs each device's total
// (SumPeriods), the rows of the few, and each period's total (SumDevices),
// not every row.
const (
	// SumNone returns a row per code, device and period.
	SumNone DeviceUsageSum = iota
	// SumPeriods returns a row per code and device, its periods added up
	// (Period empty).
	SumPeriods
	// SumDevices returns a row per period, every code and device added up
	// (Handshake and Device empty).
	SumDevices
)

// Validate checks the granularity and the sum.
func (q *DeviceUsageQuery) Validate() error {
	if q.Granularity != wire.PeriodDay && q.Granularity != wire.PeriodMonth {
		return fmt.Errorf("%w: device usage by %q (want day or month)", ErrInvalid, q.Granularity)
	}
	if q.Sum < SumNone || q.Sum > SumDevices {
		return fmt.Errorf("%w: device usage sum %d", ErrInvalid, q.Sum)
	}
	return nil
}

// Bounds returns the first and last period names q selects, in the layout
// of its granularity ("" when unbounded).
func (q *DeviceUsageQuery) Bounds() (from, to string) {
	layout := "2006-01"
	if q.Granularity == wire.PeriodDay {
		layout = DayLayout
	}
	if !q.From.IsZero() {
		from = q.From.UTC().Format(layout)
	}
	if !q.To.IsZero() {
		to = q.To.UTC().Format(layout)
	}
	return from, to
}

// Months of device totals kept: days of the current month and the two
// before it, months of the current one and the twelve before it.
const (
	DeviceDayMonthsKept = 3
	DeviceMonthsKept    = 13
)

// DeviceUsageKept returns the first UTC day and the first month whose
// device totals a store keeps at now; Prune forgets older ones.
func DeviceUsageKept(now time.Time) (firstDay, firstMonth time.Time) {
	_, month, _ := UsedWindows(now)
	return month.AddDate(0, 1-DeviceDayMonthsKept, 0), month.AddDate(0, 1-DeviceMonthsKept, 0)
}

// DeviceCounts sums a report's counts per UTC day as RecordUsage counts
// them (a slot after now goes to the day of now), all symbologies together.
func DeviceCounts(rep *wire.UsageReport, now time.Time) map[time.Time]uint64 {
	out := map[time.Time]uint64{}
	for _, c := range rep.Counts {
		slot := c.Slot
		if slot.After(now) {
			slot = now
		}
		day, _, _ := UsedWindows(slot)
		out[day] = min(addSat(out[day], c.Count), MaxTotal)
	}
	return out
}

// AddDeviceTotal returns a+b, at most MaxTotal: a device's totals add up
// every symbology, so unlike a code's they saturate rather than refuse.
func AddDeviceTotal(a, b uint64) uint64 { return min(addSat(a, b), MaxTotal) }

// SortDeviceUsage sorts rows by handshake code, device and period.
func SortDeviceUsage(rows []DeviceUsageRow) {
	slices.SortFunc(rows, func(a, b DeviceUsageRow) int {
		return cmp.Or(cmp.Compare(a.Handshake, b.Handshake), cmp.Compare(a.Device, b.Device), cmp.Compare(a.Period, b.Period))
	})
}
