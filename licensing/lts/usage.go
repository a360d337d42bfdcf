package lts

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/scannerd/scannerd/licensing/wire"
)

// Totals returns the all-time scans per symbology of a handshake code (of
// all codes when code is empty).
func Totals(ctx context.Context, st UsageReader, code string) (map[string]uint64, error) {
	rows, err := st.Usage(ctx, UsageQuery{Granularity: wire.PeriodYear, Handshake: code})
	out := map[string]uint64{}
	for _, r := range rows {
		out[r.Symbology] = addSat(out[r.Symbology], r.Count)
	}
	return out, err
}

// ReportCount returns how many usage report ids the store keeps.
func ReportCount(ctx context.Context, st UsageReader) (int, error) {
	n := 0
	err := st.Reports(ctx, func(ReportRecord) error {
		n++
		return nil
	})
	return n, err
}

// SortUsage sorts usage rows by handshake code, period and symbology.
func SortUsage(rows []UsageRow) {
	slices.SortFunc(rows, func(a, b UsageRow) int {
		return cmp.Or(cmp.Compare(a.Handshake, b.Handshake), cmp.Compare(a.Period, b.Period), cmp.Compare(a.Symbology, b.Symbology))
	})
}

// NewestSlot returns the latest slot of a report's counts (zero without
// counts).
func NewestSlot(rep *wire.UsageReport) time.Time {
	var t time.Time
	for _, c := range rep.Counts {
		if c.Slot.After(t) {
			t = c.Slot
		}
	}
	return t
}

// ReportKeepUntil is how long a store keeps the id of a report counted in
// batch b: KeepFor after its newest slot. A resend after that has its
// newest slot before the CountFrom of its batch, so it is not counted
// again.
func ReportKeepUntil(rep *wire.UsageReport, b *UsageBatch) time.Time {
	return NewestSlot(rep).Add(b.KeepFor)
}

// LastSeenResolution is how stale a device's LastSeen may get while it
// reports usage: RecordUsage moves it only when it is older than this, which
// spares a write per report and changes nothing at the scale of
// inactivity periods (days).
const LastSeenResolution = time.Minute

// SeenAgain reports whether a report at now moves a LastSeen of last.
func SeenAgain(last, now time.Time) bool { return now.Sub(last) >= LastSeenResolution }
