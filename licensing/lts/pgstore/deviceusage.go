package pgstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

// DeviceUsage implements lts.UsageReader. The statement names only the
// conditions q sets, so that each shape gets the plan its indexes allow.
func (s *Store) DeviceUsage(ctx context.Context, q lts.DeviceUsageQuery) ([]lts.DeviceUsageRow, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	table, column, format := "device_months", "month", "YYYY-MM"
	if q.Granularity == wire.PeriodDay {
		table, column, format = "device_days", "day", "YYYY-MM-DD"
	}
	var where []string
	args := []any{format}
	cond := func(sql string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(sql, len(args)))
	}
	if q.Handshake != "" {
		cond("handshake = $%d", q.Handshake)
	}
	if q.Device != "" {
		cond("device = $%d", q.Device)
	}
	if !q.From.IsZero() {
		cond(column+" >= date_trunc('"+q.Granularity+"', $%d::timestamptz AT TIME ZONE 'UTC')::date", q.From)
	}
	if !q.To.IsZero() {
		cond(column+" <= $%d::timestamptz AT TIME ZONE 'UTC'", q.To)
	}
	sql := `SELECT handshake, device, to_char(` + column + `, $1), count FROM ` + table
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.pool.Query(ctx, sql, args...)
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
