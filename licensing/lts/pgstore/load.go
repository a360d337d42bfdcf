package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/scannerd/scannerd/licensing/lts"
)

var _ lts.Loader = (*Store)(nil)

// Load implements lts.Loader. Devices and report ids go in with COPY.
func (s *Store) Load(ctx context.Context, r *lts.Records) error {
	var months []time.Time
	for _, u := range r.Usage {
		d, err := time.Parse(lts.DayLayout, u.Period)
		if err != nil {
			return fmt.Errorf("%w: usage of period %q: load takes days", lts.ErrInvalid, u.Period)
		}
		months = append(months, time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC))
	}
	if err := s.ensurePartitions(ctx, months); err != nil {
		return err
	}
	return s.inTx(ctx, false, func(tx pgx.Tx) error {
		for i := range r.Licenses {
			if err := putLicense(ctx, tx, &r.Licenses[i]); err != nil {
				return fmt.Errorf("license %s: %w", r.Licenses[i].License.ID, err)
			}
		}
		for i := range r.Handshakes {
			h := &r.Handshakes[i]
			data, err := json.Marshal(h)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "INSERT INTO handshakes (code, record) VALUES ($1, $2)", h.Code, string(data)); err != nil {
				return fmt.Errorf("handshake code %s: %w", h.Code, err)
			}
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"devices"},
			strings.Split(strings.ReplaceAll(deviceColumns, " ", ""), ","),
			pgx.CopyFromSlice(len(r.Devices), func(i int) ([]any, error) { return deviceValues(&r.Devices[i]), nil }))
		if err != nil {
			return fmt.Errorf("devices: %w", err)
		}
		var codes, days, syms []string
		var counts []int64
		for _, u := range r.Usage {
			if u.Count > lts.MaxTotal {
				return fmt.Errorf("usage %s %s %s: %w", u.Handshake, u.Period, u.Symbology, lts.ErrTotalOverflow)
			}
			codes, days, syms, counts = append(codes, u.Handshake), append(days, u.Period), append(syms, u.Symbology), append(counts, int64(u.Count))
		}
		_, err = tx.Exec(ctx, `WITH input AS (
				SELECT * FROM unnest($1::text[], $2::text[]::date[], $3::text[], $4::bigint[]) AS u(handshake, day, symbology, count)),
			added AS (
				INSERT INTO usage (handshake, day, symbology, count)
				SELECT * FROM input ORDER BY 1, 2, 3
				ON CONFLICT (handshake, day, symbology) DO UPDATE SET count = usage.count + EXCLUDED.count
				RETURNING 1)
			INSERT INTO usage_months (handshake, month, symbology, count)
			SELECT handshake, date_trunc('month', day)::date, symbology, LEAST(sum(count), 9223372036854775807)
			FROM input GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
			ON CONFLICT (handshake, month, symbology) DO UPDATE
				SET count = LEAST(usage_months.count::numeric + EXCLUDED.count, 9223372036854775807)`, codes, days, syms, counts)
		if isOverflow(err) {
			return fmt.Errorf("usage: %w", lts.ErrTotalOverflow)
		}
		if err != nil {
			return fmt.Errorf("usage: %w", err)
		}
		for i := range r.Accounts {
			a := &r.Accounts[i]
			_, err := tx.Exec(ctx, `INSERT INTO accounts (`+accountColumns+`) VALUES ($1, $2, $3, $4, $5)`,
				a.Name, string(a.Role), a.PasswordHash, a.Created, a.PasswordChanged)
			if err != nil {
				return fmt.Errorf("account %s: %w", a.Name, err)
			}
		}
		for _, d := range []struct {
			table, sums, column string
			rows                []lts.DeviceUsageRow
		}{{"device_days", "device_day_sums", "day", r.DeviceDays}, {"device_months", "device_month_sums", "month", r.DeviceMonths}} {
			var codes, periods, devs []string
			var counts []int64
			for _, u := range d.rows {
				period := u.Period
				if d.column == "month" {
					period += "-01"
				}
				codes, periods, devs, counts = append(codes, u.Handshake), append(periods, period), append(devs, u.Device), append(counts, int64(min(u.Count, lts.MaxTotal)))
			}
			_, err := tx.Exec(ctx, `WITH input AS (
					SELECT * FROM unnest($1::text[], $2::text[]::date[], $3::text[], $4::bigint[]) AS u(handshake, period, device, count)),
				added AS (
					INSERT INTO `+d.table+` (handshake, `+d.column+`, device, count)
					SELECT * FROM input ORDER BY 1, 2, 3
					ON CONFLICT (handshake, `+d.column+`, device) DO UPDATE
						SET count = LEAST(`+d.table+`.count::numeric + EXCLUDED.count, 9223372036854775807)
					RETURNING 1)
				INSERT INTO `+d.sums+` (handshake, `+d.column+`, count)
				SELECT handshake, period, LEAST(sum(count), 9223372036854775807) FROM input GROUP BY 1, 2 ORDER BY 1, 2
				ON CONFLICT (handshake, `+d.column+`) DO UPDATE
					SET count = LEAST(`+d.sums+`.count::numeric + EXCLUDED.count, 9223372036854775807)`, codes, periods, devs, counts)
			if err != nil {
				return fmt.Errorf("%s: %w", d.table, err)
			}
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"reports"},
			[]string{"device", "report_id", "handshake", "seq", "scans", "received", "keep_until"},
			pgx.CopyFromSlice(len(r.Reports), func(i int) ([]any, error) {
				rep := &r.Reports[i]
				return []any{rep.Device, rep.ReportID, rep.Handshake, int64(rep.Seq), int64(rep.Scans), rep.Received, rep.KeepUntil}, nil
			}))
		if err != nil {
			return fmt.Errorf("report ids: %w", err)
		}
		return nil
	})
}
