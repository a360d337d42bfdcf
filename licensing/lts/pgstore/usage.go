package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

// RecordUsage implements lts.Protocol. A batch is one round trip: a
// pipeline that PostgreSQL runs as one implicit transaction. Its first
// statement takes the codes of the batch FOR SHARE, checks each report's
// device and key, inserts the report ids not seen before and adds the
// counts of exactly the reports it inserted, so that a report another
// replica counted meanwhile is a duplicate here; the rest read back the
// codes, their licenses and their usage for the acknowledgements.
func (s *Store) RecordUsage(ctx context.Context, b *lts.UsageBatch) ([]lts.Recorded, error) {
	if len(b.Reports) == 0 {
		return nil, nil
	}
	if err := s.ensurePartitions(ctx, batchMonths(b)); err != nil {
		return nil, err
	}
	var out []lts.Recorded
	err := s.retry(ctx, true, func() error {
		var err error
		out, err = s.recordOnce(ctx, b)
		return err
	})
	if !isOverflow(err) {
		return out, err
	}
	// A total would pass the int64 range: find the report, alone.
	if len(b.Reports) == 1 {
		return []lts.Recorded{{Refused: &wire.Error{Code: wire.CodeBadRequest, Message: fmt.Sprintf("report would take a usage total past %d: not counted", uint64(lts.MaxTotal))}}}, nil
	}
	out = make([]lts.Recorded, len(b.Reports))
	for i, rep := range b.Reports {
		one := *b
		one.Reports = []*wire.UsageReport{rep}
		res, err := s.RecordUsage(ctx, &one)
		if err != nil {
			return nil, err
		}
		out[i] = res[0]
	}
	return out, nil
}

// countDay is the day a count of slot goes to in batch b.
func countDay(slot time.Time, b *lts.UsageBatch) time.Time {
	if slot.After(b.Now) {
		slot = b.Now
	}
	slot = slot.UTC()
	return time.Date(slot.Year(), slot.Month(), slot.Day(), 0, 0, 0, 0, time.UTC)
}

// batchMonths returns the first days of the months the batch may count in.
func batchMonths(b *lts.UsageBatch) []time.Time {
	seen := map[time.Time]bool{}
	for _, rep := range b.Reports {
		for _, c := range rep.Counts {
			d := countDay(c.Slot, b)
			seen[time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)] = true
		}
	}
	out := make([]time.Time, 0, len(seen))
	for m := range seen {
		out = append(out, m)
	}
	return out
}

// ensurePartitions makes the usage partitions of months that lack one, in
// a transaction of its own under an advisory lock (DDL does not mix with
// the counting, and replicas must not race to make one partition).
func (s *Store) ensurePartitions(ctx context.Context, months []time.Time) error {
	s.mu.Lock()
	var missing []time.Time
	for _, m := range months {
		if !s.months[m.Format("200601")] {
			missing = append(missing, m)
		}
	}
	s.mu.Unlock()
	if len(missing) == 0 {
		return nil
	}
	err := s.inTx(ctx, true, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, 1)", lockPartition); err != nil {
			return err
		}
		for _, m := range missing {
			_, err := tx.Exec(ctx, fmt.Sprintf(`CREATE TABLE IF NOT EXISTS usage_%s PARTITION OF usage FOR VALUES FROM ('%s') TO ('%s')`,
				m.Format("200601"), dateOf(m), dateOf(m.AddDate(0, 1, 0))))
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("make usage partitions: %w", err)
	}
	s.mu.Lock()
	for _, m := range missing {
		s.months[m.Format("200601")] = true
	}
	s.mu.Unlock()
	return nil
}

// recordStatement is the first statement of a RecordUsage pipeline. It
// returns, for each report of the batch (by ordinal), whether its code
// exists, whether its device is registered with its key, and whether its
// id was inserted now (a valid report not inserted is a duplicate, or too
// old to count), and whether its device is revoked.
const recordStatement = `WITH locked AS (
		SELECT code FROM handshakes WHERE code = ANY($1) ORDER BY code FOR SHARE),
	input AS (
		SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::bytea[], $6::bigint[], $7::bigint[], $8::timestamptz[], $9::boolean[])
			WITH ORDINALITY AS i(device, report_id, handshake, key, seq, scans, keep_until, recent, n)),
	valid AS (
		SELECT i.*, d.revoked FROM input i
		JOIN locked l ON l.code = i.handshake
		JOIN devices d ON d.handshake = i.handshake AND d.id = i.device AND d.key = i.key),
	ins AS (
		INSERT INTO reports (device, report_id, handshake, seq, scans, received, keep_until)
		SELECT device, report_id, handshake, seq, scans, $10, keep_until FROM valid WHERE recent
		ON CONFLICT DO NOTHING RETURNING device, report_id, handshake),
	counted AS (
		SELECT c.* FROM unnest($11::text[], $12::text[], $13::text[], $14::text[]::date[], $15::text[], $16::bigint[])
			AS c(device, report_id, handshake, day, symbology, count)
		JOIN ins USING (device, report_id)),
	counts AS (
		SELECT handshake, day, symbology, sum(count) AS count FROM counted GROUP BY 1, 2, 3),
	added AS (
		INSERT INTO usage (handshake, day, symbology, count)
		SELECT handshake, day, symbology, count FROM counts ORDER BY 1, 2, 3
		ON CONFLICT (handshake, day, symbology) DO UPDATE SET count = usage.count + EXCLUDED.count
		RETURNING 1),
	months_added AS (
		INSERT INTO usage_months (handshake, month, symbology, count)
		SELECT handshake, date_trunc('month', day)::date, symbology, LEAST(sum(count), 9223372036854775807)
		FROM counts GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
		ON CONFLICT (handshake, month, symbology) DO UPDATE
			SET count = LEAST(usage_months.count::numeric + EXCLUDED.count, 9223372036854775807)
		RETURNING 1),
	device_counts AS (
		SELECT handshake, day, device, LEAST(sum(count), 9223372036854775807) AS count FROM counted GROUP BY 1, 2, 3),
	device_added AS (
		INSERT INTO device_days (handshake, day, device, count)
		SELECT handshake, day, device, count FROM device_counts ORDER BY 1, 2, 3
		ON CONFLICT (handshake, day, device) DO UPDATE
			SET count = LEAST(device_days.count::numeric + EXCLUDED.count, 9223372036854775807)
		RETURNING 1),
	device_months_added AS (
		INSERT INTO device_months (handshake, month, device, count)
		SELECT handshake, date_trunc('month', day)::date, device, LEAST(sum(count), 9223372036854775807)
		FROM device_counts GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
		ON CONFLICT (handshake, month, device) DO UPDATE
			SET count = LEAST(device_months.count::numeric + EXCLUDED.count, 9223372036854775807)
		RETURNING 1),
	device_sums_added AS (
		INSERT INTO device_day_sums (handshake, day, count)
		SELECT handshake, day, LEAST(sum(count), 9223372036854775807) FROM device_counts GROUP BY 1, 2 ORDER BY 1, 2
		ON CONFLICT (handshake, day) DO UPDATE
			SET count = LEAST(device_day_sums.count::numeric + EXCLUDED.count, 9223372036854775807)
		RETURNING 1),
	device_month_sums_added AS (
		INSERT INTO device_month_sums (handshake, month, count)
		SELECT handshake, date_trunc('month', day)::date, LEAST(sum(count), 9223372036854775807) FROM device_counts GROUP BY 1, 2 ORDER BY 1, 2
		ON CONFLICT (handshake, month) DO UPDATE
			SET count = LEAST(device_month_sums.count::numeric + EXCLUDED.count, 9223372036854775807)
		RETURNING 1),
	seen AS (
		UPDATE devices d SET last_seen = $10
		FROM (SELECT DISTINCT handshake, device FROM ins) s
		WHERE d.handshake = s.handshake AND d.id = s.device AND NOT d.removed AND d.last_seen <= $17
		RETURNING 1)
	SELECT i.n, l.code IS NOT NULL, v.n IS NOT NULL, s.device IS NOT NULL, COALESCE(v.revoked, false)
	FROM input i
	LEFT JOIN locked l ON l.code = i.handshake
	LEFT JOIN valid v ON v.n = i.n
	LEFT JOIN ins s ON s.device = i.device AND s.report_id = i.report_id`

// recordOnce runs the pipeline of one RecordUsage attempt.
func (s *Store) recordOnce(ctx context.Context, b *lts.UsageBatch) ([]lts.Recorded, error) {
	var (
		codes                      []string
		devs, ids, repCodes        []string
		keys                       [][]byte
		seqs, scans                []int64
		keeps                      []time.Time
		recent                     []bool
		cDevs, cIDs, cCodes, cDays []string
		cSyms                      []string
		cCounts                    []int64
		first                      = map[[2]string]int{} // report → index of its first occurrence
		sent                       []int                 // batch index of each report in the statement
	)
	for i, rep := range b.Reports {
		k := [2]string{rep.Device, rep.ReportID}
		if _, dup := first[k]; dup {
			continue
		}
		first[k] = i
		sent = append(sent, i)
		if !slices.Contains(codes, rep.HandshakeCode) {
			codes = append(codes, rep.HandshakeCode)
		}
		devs, ids, repCodes = append(devs, rep.Device), append(ids, rep.ReportID), append(repCodes, rep.HandshakeCode)
		keys, seqs, scans = append(keys, rep.DeviceKey), append(seqs, int64(rep.Seq)), append(scans, int64(rep.Scans))
		keeps = append(keeps, lts.ReportKeepUntil(rep, b))
		recent = append(recent, !lts.NewestSlot(rep).Before(b.CountFrom))
		for _, c := range rep.Counts {
			cDevs, cIDs, cCodes = append(cDevs, rep.Device), append(cIDs, rep.ReportID), append(cCodes, rep.HandshakeCode)
			cDays, cSyms, cCounts = append(cDays, dateOf(countDay(c.Slot, b))), append(cSyms, c.Symbology), append(cCounts, int64(c.Count))
		}
	}
	sort.Strings(codes)

	type status struct{ code, device, inserted, revoked bool }
	got := make([]status, len(sent))
	states := map[string]*lts.CodeState{}
	batch := &pgx.Batch{}
	batch.Queue(recordStatement, codes, devs, ids, repCodes, keys, seqs, scans, keeps, recent, b.Now,
		cDevs, cIDs, cCodes, cDays, cSyms, cCounts, b.Now.Add(-lts.LastSeenResolution)).Query(func(rows pgx.Rows) error {
		var n int
		var st status
		_, err := pgx.ForEachRow(rows, []any{&n, &st.code, &st.device, &st.inserted, &st.revoked}, func() error {
			if n < 1 || n > len(got) {
				return fmt.Errorf("record usage: report %d of %d", n, len(got))
			}
			got[n-1] = st
			return nil
		})
		return err
	})
	batch.Queue("SELECT code, record FROM handshakes WHERE code = ANY($1)", codes).Query(func(rows pgx.Rows) error {
		var code string
		var data []byte
		_, err := pgx.ForEachRow(rows, []any{&code, &data}, func() error {
			cs := &lts.CodeState{}
			if err := json.Unmarshal(data, &cs.Handshake); err != nil {
				return fmt.Errorf("corrupt handshake %q: %w", code, err)
			}
			states[code] = cs
			return nil
		})
		return err
	})
	licenses := map[string][]lts.LicenseRecord{}
	batch.Queue(`SELECT handshake, record FROM licenses WHERE handshake = ANY($1) ORDER BY id COLLATE "C"`, codes).Query(func(rows pgx.Rows) error {
		var code string
		var data []byte
		_, err := pgx.ForEachRow(rows, []any{&code, &data}, func() error {
			var r lts.LicenseRecord
			if err := json.Unmarshal(data, &r); err != nil {
				return fmt.Errorf("corrupt license: %w", err)
			}
			licenses[code] = append(licenses[code], r)
			return nil
		})
		return err
	})
	var usedByCode map[string]lts.Used
	batch.Queue(usedQuery, usedArgs(b.Now, codes...)...).Query(func(rows pgx.Rows) error {
		var err error
		usedByCode, err = scanUsed(rows)
		return err
	})
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return nil, err
	}
	for code, cs := range states {
		cs.Licenses, cs.Used = licenses[code], usedByCode[code]
	}

	out := make([]lts.Recorded, len(b.Reports))
	for j, i := range sent {
		switch st := got[j]; {
		case !st.code || states[b.Reports[i].HandshakeCode] == nil:
			out[i].Refused = &wire.Error{Code: wire.CodeUnknownCode, Message: "unknown handshake code"}
		case !st.device:
			out[i].Refused = &wire.Error{Code: wire.CodeNotAuthorized, Message: "device is not registered with this key: authorize first"}
		default:
			out[i] = lts.Recorded{Duplicate: !st.inserted, Revoked: st.revoked, Code: states[b.Reports[i].HandshakeCode]}
		}
	}
	for i, rep := range b.Reports {
		if f := first[[2]string{rep.Device, rep.ReportID}]; f != i {
			out[i] = out[f]
			if out[i].Refused == nil {
				out[i].Duplicate = true
			}
		}
	}
	return out, nil
}

// Usage implements lts.UsageReader. The statement names only the
// conditions q sets, so that each shape gets the plan its indexes allow.
func (s *Store) Usage(ctx context.Context, q lts.UsageQuery) ([]lts.UsageRow, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	format := "YYYY-MM"
	switch q.Granularity {
	case wire.PeriodDay:
		format = "YYYY-MM-DD"
	case wire.PeriodYear:
		format = "YYYY"
	}
	// Months and years add up the monthly totals: their periods start on
	// the first of a month, so the bounds of q's days bound the months.
	table, column := "usage_months", "month"
	if q.Granularity == wire.PeriodDay {
		table, column = "usage", "day"
	}
	w := where{args: []any{format}}
	first, last := q.Days()
	if q.Handshake != "" {
		w.cond("handshake = $%d", q.Handshake)
	}
	if first != "" {
		w.cond(column+" >= $%d::date", first)
	}
	if last != "" {
		w.cond(column+" <= $%d::date", last)
	}
	rows, err := s.pool.Query(ctx, `SELECT handshake, to_char(`+column+`, $1), symbology, LEAST(sum(count), 9223372036854775807)::bigint
		FROM `+table+w.String()+` GROUP BY 1, 2, 3`, w.args...)
	if err != nil {
		return nil, err
	}
	var out []lts.UsageRow
	var r lts.UsageRow
	var n int64
	_, err = pgx.ForEachRow(rows, []any{&r.Handshake, &r.Period, &r.Symbology, &n}, func() error {
		r.Count = uint64(n)
		out = append(out, r)
		return nil
	})
	lts.SortUsage(out)
	return out, err
}

// where builds the conditions of a statement that names only those a
// query sets, numbering their arguments after the ones args holds.
type where struct {
	args  []any
	conds []string
}

// cond adds a condition whose %d is the number of its argument v.
func (w *where) cond(sql string, v any) {
	w.args = append(w.args, v)
	w.conds = append(w.conds, fmt.Sprintf(sql, len(w.args)))
}

// String is the WHERE clause, empty without conditions.
func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// Reports implements lts.UsageReader.
func (s *Store) Reports(ctx context.Context, fn func(lts.ReportRecord) error) error {
	rows, err := s.pool.Query(ctx, "SELECT device, report_id, handshake, seq, scans, received, keep_until FROM reports")
	if err != nil {
		return err
	}
	var r lts.ReportRecord
	var seq, scans int64
	_, err = pgx.ForEachRow(rows, []any{&r.Device, &r.ReportID, &r.Handshake, &seq, &scans, &r.Received, &r.KeepUntil}, func() error {
		r.Seq, r.Scans = uint64(seq), uint64(scans)
		r.Received, r.KeepUntil = r.Received.UTC(), r.KeepUntil.UTC()
		return fn(r)
	})
	return err
}

// HasReport implements lts.UsageReader.
func (s *Store) HasReport(ctx context.Context, device, reportID string) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM reports WHERE device = $1 AND report_id = $2)", device, reportID).Scan(&ok)
	return ok, err
}

// pruneChunk bounds the rows one DELETE of Prune takes, so that pruning
// a large backlog does not hold locks for long.
const pruneChunk = 5000

// Prune implements lts.Store.
func (s *Store) Prune(ctx context.Context, now time.Time) (lts.Pruned, error) {
	var p lts.Pruned
	var deviceDays, deviceMonths int
	firstDay, firstMonth := lts.DeviceUsageKept(now)
	now = now.Truncate(time.Second)
	for _, job := range []struct {
		n     *int
		sql   string
		bound any
	}{
		{&p.Reports, `DELETE FROM reports WHERE (device, report_id) IN
			(SELECT device, report_id FROM reports WHERE keep_until < $1 LIMIT $2)`, now},
		{&p.Nonces, `DELETE FROM nonces WHERE (device, nonce) IN
			(SELECT device, nonce FROM nonces WHERE keep_until < $1 LIMIT $2)`, now},
		{new(int), `DELETE FROM attempts WHERE key IN (SELECT key FROM attempts WHERE until <= $1 LIMIT $2)`, now},
		{&p.Sessions, `DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires <= $1 LIMIT $2)`, now},
		{&deviceDays, `DELETE FROM device_days WHERE (handshake, day, device) IN
			(SELECT handshake, day, device FROM device_days WHERE day < $1::date LIMIT $2)`, dateOf(firstDay)},
		{&deviceMonths, `DELETE FROM device_months WHERE (handshake, month, device) IN
			(SELECT handshake, month, device FROM device_months WHERE month < $1::date LIMIT $2)`, dateOf(firstMonth)},
		{new(int), `DELETE FROM device_day_sums WHERE (handshake, day) IN
			(SELECT handshake, day FROM device_day_sums WHERE day < $1::date LIMIT $2)`, dateOf(firstDay)},
		{new(int), `DELETE FROM device_month_sums WHERE (handshake, month) IN
			(SELECT handshake, month FROM device_month_sums WHERE month < $1::date LIMIT $2)`, dateOf(firstMonth)},
	} {
		for {
			tag, err := s.pool.Exec(ctx, job.sql, job.bound, pruneChunk)
			if err != nil {
				return p, fmt.Errorf("prune: %w", err)
			}
			*job.n += int(tag.RowsAffected())
			if tag.RowsAffected() < pruneChunk {
				break
			}
		}
		p.DeviceUsage = deviceDays + deviceMonths
	}
	return p, nil
}
