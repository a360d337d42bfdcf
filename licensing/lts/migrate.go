package lts

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/scannerd/scannerd/licensing/wire"
)

// Records are the contents of a store as Load takes them: what another
// store holds, copied as it is.
type Records struct {
	Licenses   []LicenseRecord
	Handshakes []Handshake
	Devices    []Device
	Usage      []UsageRow // by day (wire.PeriodDay)
	Reports    []ReportRecord
	// Accounts are the console's operators (their sessions are not
	// copied: they sign in again).
	Accounts []Account
	// DeviceDays and DeviceMonths are the devices' totals by day and by
	// month.
	DeviceDays, DeviceMonths []DeviceUsageRow
}

// Loader is a store that takes records copied from another (ltsd migrate).
type Loader interface {
	// Load writes the records as they are, in one transaction: handshake
	// codes before their devices, licenses with their bindings, usage totals
	// added to what the store holds, report ids kept until their keep time.
	// It is meant for an empty store.
	Load(ctx context.Context, r *Records) error
}

// MigrationTarget is what Migrate writes to.
type MigrationTarget interface {
	Store
	Loader
}

// Migration is what Migrate copied.
type Migration struct {
	Licenses     int    `json:"licenses"`
	Handshakes   int    `json:"handshakes"`
	Devices      int    `json:"devices"`
	UsageRows    int    `json:"usage_totals"` // per code, day and symbology
	Scans        uint64 `json:"scans"`        // all usage
	Reports      int    `json:"report_ids"`
	Accounts     int    `json:"accounts"`
	DeviceTotals int    `json:"device_totals"` // per device and day or month
}

// reportChunk bounds the report ids one Load takes.
const reportChunk = 10_000

// ErrNotEmpty: Migrate's target holds records already.
var ErrNotEmpty = errors.New("the target store is not empty")

// Migrate copies every record of src into dst, which must be empty, and
// then checks that dst holds exactly what src holds: every license,
// handshake code and device, every usage total (per code, day and
// symbology) and every report id.
func Migrate(ctx context.Context, dst MigrationTarget, src Store) (Migration, error) {
	var m Migration
	if err := checkEmpty(ctx, dst); err != nil {
		return m, err
	}
	recs, err := readRecords(ctx, src, false)
	if err != nil {
		return m, fmt.Errorf("read the source store: %w", err)
	}
	if err := dst.Load(ctx, recs); err != nil {
		return m, fmt.Errorf("write the target store: %w", err)
	}
	var chunk []ReportRecord
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		err := dst.Load(ctx, &Records{Reports: chunk})
		m.Reports += len(chunk)
		chunk = chunk[:0]
		return err
	}
	err = src.Reports(ctx, func(r ReportRecord) error {
		chunk = append(chunk, r)
		if len(chunk) == reportChunk {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return m, fmt.Errorf("copy report ids: %w", err)
	}
	m.Licenses, m.Handshakes, m.Devices, m.UsageRows = len(recs.Licenses), len(recs.Handshakes), len(recs.Devices), len(recs.Usage)
	m.Accounts, m.DeviceTotals = len(recs.Accounts), len(recs.DeviceDays)+len(recs.DeviceMonths)
	for _, u := range recs.Usage {
		m.Scans = addSat(m.Scans, u.Count)
	}
	if err := Compare(ctx, src, dst); err != nil {
		return m, fmt.Errorf("after copying: %w", err)
	}
	return m, nil
}

func checkEmpty(ctx context.Context, st Store) error {
	recs, err := readRecords(ctx, st, false)
	if err != nil {
		return err
	}
	any := false
	st.Reports(ctx, func(ReportRecord) error { any = true; return errStop })
	if len(recs.Licenses)+len(recs.Handshakes)+len(recs.Devices)+len(recs.Usage)+len(recs.Accounts)+len(recs.DeviceDays)+len(recs.DeviceMonths) > 0 || any {
		return fmt.Errorf("%w: it holds %d licenses, %d handshake codes, %d devices, %d usage totals, %d accounts", ErrNotEmpty,
			len(recs.Licenses), len(recs.Handshakes), len(recs.Devices), len(recs.Usage), len(recs.Accounts))
	}
	return nil
}

var errStop = errors.New("stop")

// readRecords reads a store's records, report ids too when withReports.
func readRecords(ctx context.Context, st Store, withReports bool) (*Records, error) {
	r := &Records{}
	var err error
	if r.Licenses, err = st.Licenses(ctx); err != nil {
		return nil, err
	}
	if r.Handshakes, err = st.Handshakes(ctx); err != nil {
		return nil, err
	}
	if r.Devices, err = st.Devices(ctx, ""); err != nil {
		return nil, err
	}
	if r.Usage, err = st.Usage(ctx, UsageQuery{Granularity: wire.PeriodDay}); err != nil {
		return nil, err
	}
	if r.Accounts, err = st.Accounts(ctx); err != nil {
		return nil, err
	}
	if r.DeviceDays, err = st.DeviceUsage(ctx, DeviceUsageQuery{Granularity: wire.PeriodDay}); err != nil {
		return nil, err
	}
	if r.DeviceMonths, err = st.DeviceUsage(ctx, DeviceUsageQuery{Granularity: wire.PeriodMonth}); err != nil {
		return nil, err
	}
	if withReports {
		err = st.Reports(ctx, func(rep ReportRecord) error {
			r.Reports = append(r.Reports, rep)
			return nil
		})
	}
	return r, err
}

// Compare checks that two stores hold the same records: licenses,
// handshake codes, devices, usage totals per code, day and symbology, and
// report ids; and that each one's monthly usage totals add up its daily
// ones (CheckMonthlyUsage), its sums of every device its devices' totals
// (CheckDeviceSums). It names the first difference.
func Compare(ctx context.Context, a, b Store) error {
	ra, err := readRecords(ctx, a, true)
	if err != nil {
		return err
	}
	rb, err := readRecords(ctx, b, true)
	if err != nil {
		return err
	}
	for _, st := range []Store{a, b} {
		if err := CheckMonthlyUsage(ctx, st); err != nil {
			return err
		}
		if err := CheckDeviceSums(ctx, st); err != nil {
			return err
		}
	}
	normalize(ra)
	normalize(rb)
	for _, c := range []struct {
		what   string
		na, nb int
		x, y   any
	}{
		{"licenses", len(ra.Licenses), len(rb.Licenses), ra.Licenses, rb.Licenses},
		{"handshake codes", len(ra.Handshakes), len(rb.Handshakes), ra.Handshakes, rb.Handshakes},
		{"devices", len(ra.Devices), len(rb.Devices), ra.Devices, rb.Devices},
		{"usage totals", len(ra.Usage), len(rb.Usage), ra.Usage, rb.Usage},
		{"report ids", len(ra.Reports), len(rb.Reports), ra.Reports, rb.Reports},
		{"accounts", len(ra.Accounts), len(rb.Accounts), ra.Accounts, rb.Accounts},
		{"device totals by day", len(ra.DeviceDays), len(rb.DeviceDays), ra.DeviceDays, rb.DeviceDays},
		{"device totals by month", len(ra.DeviceMonths), len(rb.DeviceMonths), ra.DeviceMonths, rb.DeviceMonths},
	} {
		if c.na != c.nb {
			return fmt.Errorf("%d %s, against %d", c.nb, c.what, c.na)
		}
		xs, ys := reflect.ValueOf(c.x), reflect.ValueOf(c.y)
		for i := 0; i < xs.Len(); i++ {
			if x, y := xs.Index(i).Interface(), ys.Index(i).Interface(); !reflect.DeepEqual(x, y) {
				return fmt.Errorf("%s differ: %+v against %+v", c.what, y, x)
			}
		}
	}
	return nil
}

// CheckMonthlyUsage checks that a store's usage by month is its usage by
// day added up (capped at MaxTotal), as the monthly totals it keeps beside
// the daily ones must be. It names the first month that differs.
func CheckMonthlyUsage(ctx context.Context, st UsageReader) error {
	days, err := st.Usage(ctx, UsageQuery{Granularity: wire.PeriodDay})
	if err != nil {
		return err
	}
	months, err := st.Usage(ctx, UsageQuery{Granularity: wire.PeriodMonth})
	if err != nil {
		return err
	}
	var want []UsageRow
	index := map[UsageRow]int{}
	for _, d := range days {
		k := UsageRow{Handshake: d.Handshake, Period: d.Period[:len("2006-01")], Symbology: d.Symbology}
		i, ok := index[k]
		if !ok {
			i = len(want)
			index[k] = i
			want = append(want, k)
		}
		want[i].Count = min(addSat(want[i].Count, d.Count), MaxTotal)
	}
	SortUsage(want)
	for i := range max(len(want), len(months)) {
		switch {
		case i >= len(months):
			return fmt.Errorf("no monthly usage total for %+v, the sum of its days", want[i])
		case i >= len(want):
			return fmt.Errorf("monthly usage total %+v without days", months[i])
		case months[i] != want[i]:
			return fmt.Errorf("monthly usage total %+v, its days add up to %d", months[i], want[i].Count)
		}
	}
	return nil
}

// CheckDeviceSums checks that a store's sums of every device per day and
// per month (DeviceUsage with SumDevices) add up its devices' totals, as
// the sums it keeps beside them must. It names the first period that
// differs.
func CheckDeviceSums(ctx context.Context, st UsageReader) error {
	for _, by := range []string{wire.PeriodDay, wire.PeriodMonth} {
		rows, err := st.DeviceUsage(ctx, DeviceUsageQuery{Granularity: by})
		if err != nil {
			return err
		}
		sums, err := st.DeviceUsage(ctx, DeviceUsageQuery{Granularity: by, Sum: SumDevices})
		if err != nil {
			return err
		}
		want := map[string]uint64{}
		for _, r := range rows {
			want[r.Period] = AddDeviceTotal(want[r.Period], r.Count)
		}
		for _, s := range sums {
			if s.Count != want[s.Period] {
				return fmt.Errorf("every device's scans of %s add up to %d, the devices' totals to %d", s.Period, s.Count, want[s.Period])
			}
			delete(want, s.Period)
		}
		for period, n := range want {
			return fmt.Errorf("no sum of every device's scans of %s, the devices' totals add up to %d", period, n)
		}
	}
	return nil
}

// normalize orders records and drops what stores may hold differently and
// means the same: time zones, times finer than PostgreSQL's microseconds,
// nil against empty lists.
func normalize(r *Records) {
	for i := range r.Licenses {
		l := &r.Licenses[i]
		l.Imported = micro(l.Imported)
		l.License.Issued, l.License.NotBefore, l.License.Expires = micro(l.License.Issued), micro(l.License.NotBefore), micro(l.License.Expires)
	}
	slices.SortFunc(r.Licenses, func(a, b LicenseRecord) int { return strings.Compare(a.License.ID, b.License.ID) })
	for i := range r.Handshakes {
		h := &r.Handshakes[i]
		h.Created = micro(h.Created)
	}
	slices.SortFunc(r.Handshakes, func(a, b Handshake) int { return strings.Compare(a.Code, b.Code) })
	for i := range r.Devices {
		d := &r.Devices[i]
		d.FirstSeen, d.LastSeen, d.Authorized, d.RequestTime, d.RemovedAt = micro(d.FirstSeen), micro(d.LastSeen), micro(d.Authorized), micro(d.RequestTime), micro(d.RemovedAt)
		if len(d.Key) == 0 {
			d.Key = nil
		}
	}
	slices.SortFunc(r.Devices, func(a, b Device) int {
		return strings.Compare(a.Handshake+"\x00"+a.ID, b.Handshake+"\x00"+b.ID)
	})
	SortUsage(r.Usage)
	for i := range r.Reports {
		rep := &r.Reports[i]
		rep.Received, rep.KeepUntil = micro(rep.Received), micro(rep.KeepUntil)
	}
	slices.SortFunc(r.Reports, func(a, b ReportRecord) int {
		return strings.Compare(a.Device+"\x00"+a.ReportID, b.Device+"\x00"+b.ReportID)
	})
	for i := range r.Accounts {
		a := &r.Accounts[i]
		a.Created, a.PasswordChanged = micro(a.Created), micro(a.PasswordChanged)
	}
	slices.SortFunc(r.Accounts, func(a, b Account) int { return strings.Compare(a.Name, b.Name) })
	SortDeviceUsage(r.DeviceDays)
	SortDeviceUsage(r.DeviceMonths)
}

func micro(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}
