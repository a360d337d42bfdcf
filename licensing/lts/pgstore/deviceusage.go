package pgstore

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

// DeviceUsage implements lts.UsageReader. The statement names only the
// conditions q sets, so that each shape gets the plan its indexes allow,
// and adds rows up in the server.
func (s *Store) DeviceUsage(ctx context.Context, q lts.DeviceUsageQuery) ([]lts.DeviceUsageRow, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	table, sums, column, format := "device_months", "device_month_sums", "month", "YYYY-MM"
	if q.Granularity == wire.PeriodDay {
		table, sums, column, format = "device_days", "device_day_sums", "day", "YYYY-MM-DD"
	}
	var w where
	if q.Handshake != "" {
		w.cond("handshake = $%d", q.Handshake)
	}
	if len(q.Devices) > 0 {
		w.cond("device = ANY($%d)", q.Devices)
	}
	if !q.From.IsZero() {
		w.cond(column+" >= date_trunc('"+q.Granularity+"', $%d::timestamptz AT TIME ZONE 'UTC')::date", q.From)
	}
	if !q.To.IsZero() {
		w.cond(column+" <= $%d::timestamptz AT TIME ZONE 'UTC'", q.To)
	}
	period := "to_char(" + column + ", $" + strconv.Itoa(len(w.args)+1) + ")" // of the format, the last argument
	sql := `SELECT handshake, device, ` + period + `, count FROM ` + table + w.String()
	switch q.Sum {
	case lts.SumPeriods:
		sql = `SELECT handshake, device, '', LEAST(sum(count), 9223372036854775807)::bigint FROM ` + table + w.String() + ` GROUP BY 1, 2`
	case lts.SumDevices:
		if len(q.Devices) == 0 {
			table = sums // every device added up as the rows were counted
		}
		sql = `SELECT '', '', ` + period + `, LEAST(sum(count), 9223372036854775807)::bigint FROM ` + table + w.String() + ` GROUP BY ` + column
	}
	if q.Sum != lts.SumPeriods {
		w.args = append(w.args, format)
	}
	rows, err := s.pool.Query(ctx, sql, w.args...)
	if err != nil {
		return nil, err
	}
	var out []lts.DeviceUsageRow
	var r lts.DeviceUsageRow
	var n int64
	_, err = pgx.ForEachRow(rows, []any{&r.Handshake, &r.Device, &r.Period, &n}, func() error {
		r.Count = uint64(n)
		out = append(out, r)
		return nil
	})
	lts.SortDeviceUsage(out)
	return out, err
}
