package console

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

// Ways the usage page breaks scans down.
const (
	groupSymbology = "symbology"
	groupCode      = "code"
	groupDevice    = "device"
)

// usageQuery is what the usage page and its CSV show: scans per day of one
// month, or per month of the twelve up to one, broken down by symbology,
// handshake code or device, of one code or all.
type usageQuery struct {
	Code  string
	By    string    // wire.PeriodDay or wire.PeriodMonth
	Group string    // groupSymbology, groupCode, groupDevice
	Month time.Time // first day (UTC) of the month shown, or of the last of the twelve
}

// parseUsageQuery reads the query of a usage request; bad values are an
// lts.ErrInvalid error.
func parseUsageQuery(v url.Values, now time.Time) (usageQuery, error) {
	_, month, _ := lts.UsedWindows(now)
	q := usageQuery{Code: v.Get("code"), By: v.Get("by"), Group: v.Get("group"), Month: month}
	switch q.By {
	case "":
		q.By = wire.PeriodDay
	case wire.PeriodDay, wire.PeriodMonth:
	default:
		return q, fmt.Errorf("%w: by=%q (want day or month)", lts.ErrInvalid, q.By)
	}
	switch q.Group {
	case "":
		q.Group = groupSymbology
	case groupSymbology, groupCode, groupDevice:
	default:
		return q, fmt.Errorf("%w: group=%q (want symbology, code or device)", lts.ErrInvalid, q.Group)
	}
	if m := v.Get("month"); m != "" {
		t, err := time.Parse("2006-01", m)
		if err != nil || t.Year() < 2000 || t.After(month) {
			return q, fmt.Errorf("%w: month=%q (want YYYY-MM, not in the future)", lts.ErrInvalid, m)
		}
		q.Month = t
	}
	return q, nil
}

// periods returns the periods q shows, their axis labels and its range.
func (q *usageQuery) periods(now time.Time) (names, labels []string, from, to time.Time) {
	if q.By == wire.PeriodDay {
		from, to = q.Month, q.Month.AddDate(0, 1, -1)
		if today, _, _ := lts.UsedWindows(now); to.After(today) {
			to = today
		}
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			names = append(names, d.Format(lts.DayLayout))
			labels = append(labels, d.Format("2"))
		}
		return names, labels, from, to
	}
	from, to = q.Month.AddDate(0, -11, 0), q.Month
	for m := from; !m.After(to); m = m.AddDate(0, 1, 0) {
		names = append(names, m.Format("2006-01"))
		labels = append(labels, m.Format("Jan"))
	}
	return names, labels, from, to
}

// link returns the page's URL with some parameters changed.
func (q usageQuery) link(path string, change ...string) string {
	v := url.Values{}
	set := func(k, val, def string) {
		if val != def {
			v.Set(k, val)
		}
	}
	for i := 0; i+1 < len(change); i += 2 {
		switch change[i] {
		case "code":
			q.Code = change[i+1]
		case "by":
			q.By = change[i+1]
		case "group":
			q.Group = change[i+1]
		case "month":
			t, _ := time.Parse("2006-01", change[i+1])
			q.Month = t
		}
	}
	set("code", q.Code, "")
	set("by", q.By, wire.PeriodDay)
	set("group", q.Group, groupSymbology)
	v.Set("month", q.Month.Format("2006-01"))
	return Prefix + path + "?" + v.Encode()
}

// usageRow is one count of the breakdown: a period, a code, a series.
type usageRow struct {
	Period, Code, Series string
	Count                uint64
}

// usageRows reads every count q selects from the store (for the CSV).
func (c *Console) usageRows(ctx context.Context, q *usageQuery, from, to time.Time) ([]usageRow, error) {
	var out []usageRow
	if q.Group == groupDevice {
		rows, err := c.store.DeviceUsage(ctx, lts.DeviceUsageQuery{Granularity: q.By, Handshake: q.Code, From: from, To: to})
		for _, r := range rows {
			out = append(out, usageRow{r.Period, r.Handshake, r.Device, r.Count})
		}
		return out, err
	}
	rows, err := c.store.Usage(ctx, lts.UsageQuery{Granularity: q.By, Handshake: q.Code, From: from, To: to})
	for _, r := range rows {
		s := r.Symbology
		if q.Group == groupCode {
			s = r.Handshake
		}
		out = append(out, usageRow{r.Period, r.Handshake, s, r.Count})
	}
	return out, err
}

// usageChart reads what the chart of q shows. By device, the store adds
// up each device's total and each period's, and the rows of the largest
// devices alone are read: ten thousand devices cost ten thousand totals,
// not a row per device and day.
func (c *Console) usageChart(ctx context.Context, q *usageQuery, names, labels []string, from, to time.Time) (*chart, error) {
	index := make(map[string]int, len(names))
	for i, n := range names {
		index[n] = i
	}
	add := func(counts map[string][]uint64, series, period string, n uint64) {
		i, ok := index[period]
		if !ok {
			return
		}
		if counts[series] == nil {
			counts[series] = make([]uint64, len(names))
		}
		counts[series][i] = AddCount(counts[series][i], n)
	}
	if q.Group != groupDevice {
		rows, err := c.usageRows(ctx, q, from, to)
		counts := map[string][]uint64{}
		for _, row := range rows {
			add(counts, row.Series, row.Period, row.Count)
		}
		return newChart(names, labels, counts), err
	}
	base := lts.DeviceUsageQuery{Granularity: q.By, Handshake: q.Code, From: from, To: to}
	sums := base
	sums.Sum = lts.SumPeriods
	if firstDay, _ := lts.DeviceUsageKept(c.now()); q.By == wire.PeriodDay && !from.Before(firstDay) {
		// The days of a month that are all kept add up to the month's
		// total, counted with them: a row a device, not a row a device
		// and day.
		sums.Granularity = wire.PeriodMonth
	}
	rows, err := c.store.DeviceUsage(ctx, sums)
	if err != nil {
		return nil, err
	}
	totals := map[string]uint64{} // a device under two codes is one series
	for _, r := range rows {
		totals[r.Device] = AddCount(totals[r.Device], r.Count)
	}
	if len(totals) > maxSeries+1 {
		ranked := slices.Collect(maps.Keys(totals))
		largestFirst(ranked, maxSeries, func(a, b string) int { return cmp.Or(cmp.Compare(totals[b], totals[a]), cmp.Compare(a, b)) })
		base.Devices = ranked[:maxSeries]
	}
	if rows, err = c.store.DeviceUsage(ctx, base); err != nil {
		return nil, err
	}
	counts := map[string][]uint64{}
	for _, r := range rows {
		add(counts, r.Device, r.Period, r.Count)
	}
	periodTotals := make([]uint64, len(names))
	if base.Devices == nil {
		for _, vals := range counts {
			for i, v := range vals {
				periodTotals[i] = AddCount(periodTotals[i], v)
			}
		}
	} else {
		perPeriod := base
		perPeriod.Devices, perPeriod.Sum = nil, lts.SumDevices
		if rows, err = c.store.DeviceUsage(ctx, perPeriod); err != nil {
			return nil, err
		}
		for _, r := range rows {
			if i, ok := index[r.Period]; ok {
				periodTotals[i] = r.Count
			}
		}
	}
	return chartOf(names, labels, totals, counts, periodTotals), nil
}

// silentShown is how many silent devices the usage page of a customer
// lists; the devices page has them all.
const silentShown = 20

type usagePage struct {
	Q          usageQuery
	Codes      []customer
	Customer   *customer // of Q.Code
	Chart      *chart
	Title      string
	Prev, Next string // links to the month before and after
	CSV        string
	Links      map[string]string
	Silent     []lts.Device // of Q.Code, the longest silent first, at most silentShown
	DaysKept   bool         // per-device days of the month are still kept
	MonthLabel string
}

func (c *Console) usagePage(w http.ResponseWriter, r *http.Request, s *session) {
	now := c.now()
	q, err := parseUsageQuery(r.URL.Query(), now)
	if err != nil {
		c.fail(w, r, s, http.StatusBadRequest, err)
		return
	}
	snap, err := takeSnapshot(r.Context(), c.store, now)
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err)
		return
	}
	p := &usagePage{Q: q, Codes: snap.Customers, Customer: snap.customer(q.Code)}
	if q.Code != "" && p.Customer == nil {
		c.fail(w, r, s, http.StatusNotFound, fmt.Errorf("handshake code %s: %w", q.Code, lts.ErrNotFound))
		return
	}
	names, labels, from, to := q.periods(now)
	if p.Chart, err = c.usageChart(r.Context(), &q, names, labels, from, to); err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err)
		return
	}
	who := "all customers"
	if p.Customer != nil {
		who = p.Customer.Name
		if who == "" {
			who = q.Code
		}
	}
	per := map[string]string{wire.PeriodDay: "per day", wire.PeriodMonth: "per month"}[q.By]
	if q.By == wire.PeriodDay {
		p.MonthLabel = q.Month.Format("January 2006")
		p.Prev = q.link("usage", "month", q.Month.AddDate(0, -1, 0).Format("2006-01"))
	} else {
		p.MonthLabel = from.Format("Jan 2006") + " – " + to.Format("Jan 2006")
		p.Prev = q.link("usage", "month", q.Month.AddDate(0, -12, 0).Format("2006-01"))
	}
	_, thisMonth, _ := lts.UsedWindows(now)
	if q.Month.Before(thisMonth) {
		next := q.Month.AddDate(0, 1, 0)
		if q.By == wire.PeriodMonth {
			if next = q.Month.AddDate(0, 12, 0); next.After(thisMonth) {
				next = thisMonth
			}
		}
		p.Next = q.link("usage", "month", next.Format("2006-01"))
	}
	p.Title = fmt.Sprintf("Scans %s by %s, %s, %s", per, q.Group, who, p.MonthLabel)
	p.CSV = q.link("usage.csv")
	p.Links = map[string]string{
		"day": q.link("usage", "by", wire.PeriodDay), "month": q.link("usage", "by", wire.PeriodMonth),
		groupSymbology: q.link("usage", "group", groupSymbology), groupCode: q.link("usage", "group", groupCode),
		groupDevice: q.link("usage", "group", groupDevice),
	}
	firstDay, _ := lts.DeviceUsageKept(now)
	p.DaysKept = q.Group != groupDevice || q.By != wire.PeriodDay || !q.Month.Before(firstDay)
	if p.Customer != nil && p.Customer.Silent > 0 {
		dq := snap.deviceQuery()
		dq.Handshake, dq.State, dq.Oldest, dq.Limit = q.Code, lts.DeviceSilent, true, silentShown
		if p.Silent, err = c.store.ListDevices(r.Context(), dq); err != nil {
			c.fail(w, r, s, http.StatusInternalServerError, err)
			return
		}
	}
	c.render(w, r, s, http.StatusOK, "usage", p)
}

// usageCSV exports what the usage page shows, one row per period, code and
// series.
func (c *Console) usageCSV(w http.ResponseWriter, r *http.Request, s *session) {
	now := c.now()
	q, err := parseUsageQuery(r.URL.Query(), now)
	if err != nil {
		c.fail(w, r, s, http.StatusBadRequest, err)
		return
	}
	_, _, from, to := q.periods(now)
	rows, err := c.usageRows(r.Context(), &q, from, to)
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err)
		return
	}
	slices.SortFunc(rows, func(a, b usageRow) int {
		return strings.Compare(a.Period+"\x00"+a.Code+"\x00"+a.Series, b.Period+"\x00"+b.Code+"\x00"+b.Series)
	})
	name := fmt.Sprintf("usage-%s-by-%s-%s.csv", q.Month.Format("2006-01"), q.By, q.Group)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	cw := csv.NewWriter(w)
	header := []string{"period", "handshake", q.Group, "scans"}
	if q.Group == groupCode {
		header = []string{"period", "handshake", "scans"}
	}
	cw.Write(header)
	for _, row := range rows {
		rec := []string{row.Period, cell(row.Code), cell(row.Series), fmt.Sprint(row.Count)}
		if q.Group == groupCode {
			rec = []string{row.Period, cell(row.Code), fmt.Sprint(row.Count)}
		}
		cw.Write(rec)
	}
	cw.Flush()
}

// cell keeps a value from being read as a formula by a spreadsheet.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
