package pgstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

// RecordUsage implements lts.Protocol. The batch takes two round trips:
// one reads the codes (FOR SHARE), licenses, devices, known report ids and
// current totals of the batch; one statement then inserts the new report
// ids and adds the counts of exactly those that were inserted, so that a
// report another replica counted meanwhile is a duplicate here.
func (s *Store) RecordUsage(ctx context.Context, b *lts.UsageBatch) ([]lts.Recorded, error) {
	if len(b.Reports) == 0 {
		return nil, nil
	}
	if err := s.ensurePartitions(ctx, batchMonths(b)); err != nil {
		return nil, err
	}
	var out []lts.Recorded
	err := s.inTx(ctx, true, func(tx pgx.Tx) error {
		var err error
		out, err = recordIn(ctx, tx, b)
		return err
	})
	if !isOverflow(err) {
		return out, err
	}
	// A total passed the int64 range, past the check against the totals
	// read (another replica added meanwhile): find the report, alone.
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

// batchState is what the first round trip of recordIn reads.
type batchState struct {
	codes    map[string]*lts.CodeState
	devices  map[[2]string]deviceKey // code, device
	counted  map[[2]string]bool      // device, report id
	totals   map[usageKey]uint64
	codeList []string
}

type deviceKey struct {
	key     []byte
	removed bool
}

type usageKey struct {
	code, day, sym string
}

// inputs of the batch, as columns for unnest.
type batchColumns struct {
	devCode, devID   []string
	repDev, repID    []string
	useCode, useDay  []string
	useSym           []string
	insDev, insID    []string
	insCode          []string
	insSeq, insScans []int64
	insReceived      []time.Time
	insKeep          []time.Time
	cntDev, cntID    []string
	cntCode, cntDay  []string
	cntSym           []string
	cntN             []int64
}

func recordIn(ctx context.Context, tx pgx.Tx, b *lts.UsageBatch) ([]lts.Recorded, error) {
	var cols batchColumns
	codeSet := map[string]bool{}
	for _, rep := range b.Reports {
		codeSet[rep.HandshakeCode] = true
		cols.devCode = append(cols.devCode, rep.HandshakeCode)
		cols.devID = append(cols.devID, rep.Device)
		cols.repDev = append(cols.repDev, rep.Device)
		cols.repID = append(cols.repID, rep.ReportID)
		for _, c := range rep.Counts {
			cols.useCode = append(cols.useCode, rep.HandshakeCode)
			cols.useDay = append(cols.useDay, dateOf(countDay(c.Slot, b)))
			cols.useSym = append(cols.useSym, c.Symbology)
		}
	}
	st := &batchState{codes: map[string]*lts.CodeState{}, devices: map[[2]string]deviceKey{}, counted: map[[2]string]bool{}, totals: map[usageKey]uint64{}}
	for c := range codeSet {
		st.codeList = append(st.codeList, c)
	}
	sort.Strings(st.codeList)
	if err := readBatch(ctx, tx, &cols, st); err != nil {
		return nil, err
	}

	out := make([]lts.Recorded, len(b.Reports))
	take := make([]bool, len(b.Reports))
	for i, rep := range b.Reports {
		cs := st.codes[rep.HandshakeCode]
		if cs == nil {
			out[i].Refused = &wire.Error{Code: wire.CodeUnknownCode, Message: "unknown handshake code"}
			continue
		}
		d, ok := st.devices[[2]string{rep.HandshakeCode, rep.Device}]
		if !ok || !bytes.Equal(d.key, rep.DeviceKey) {
			out[i].Refused = &wire.Error{Code: wire.CodeNotAuthorized, Message: "device is not registered with this key: authorize first"}
			continue
		}
		out[i].Code = cs
		rk := [2]string{rep.Device, rep.ReportID}
		if st.counted[rk] || lts.NewestSlot(rep).Before(b.CountFrom) {
			out[i].Duplicate = true
			continue
		}
		if refused := addTotals(st.totals, rep, b); refused != nil {
			out[i] = lts.Recorded{Refused: refused}
			continue
		}
		st.counted[rk] = true
		take[i] = true
		cols.insDev = append(cols.insDev, rep.Device)
		cols.insID = append(cols.insID, rep.ReportID)
		cols.insCode = append(cols.insCode, rep.HandshakeCode)
		cols.insSeq = append(cols.insSeq, int64(rep.Seq))
		cols.insScans = append(cols.insScans, int64(rep.Scans))
		cols.insReceived = append(cols.insReceived, b.Now)
		cols.insKeep = append(cols.insKeep, lts.ReportKeepUntil(rep, b))
		for _, c := range rep.Counts {
			cols.cntDev = append(cols.cntDev, rep.Device)
			cols.cntID = append(cols.cntID, rep.ReportID)
			cols.cntCode = append(cols.cntCode, rep.HandshakeCode)
			cols.cntDay = append(cols.cntDay, dateOf(countDay(c.Slot, b)))
			cols.cntSym = append(cols.cntSym, c.Symbology)
			cols.cntN = append(cols.cntN, int64(c.Count))
		}
	}

	batch := &pgx.Batch{}
	inserted := map[[2]string]bool{}
	if len(cols.insDev) > 0 {
		batch.Queue(`WITH input AS (
				SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::timestamptz[], $7::timestamptz[])
					AS i(device, report_id, handshake, seq, scans, received, keep_until)),
			ins AS (
				INSERT INTO reports (device, report_id, handshake, seq, scans, received, keep_until)
				SELECT * FROM input ON CONFLICT DO NOTHING RETURNING device, report_id, handshake),
			counts AS (
				SELECT c.handshake, c.day, c.symbology, sum(c.n) AS n
				FROM unnest($8::text[], $9::text[], $10::text[], $11::text[]::date[], $12::text[], $13::bigint[])
					AS c(device, report_id, handshake, day, symbology, n)
				JOIN ins USING (device, report_id) GROUP BY 1, 2, 3),
			added AS (
				INSERT INTO usage (handshake, day, symbology, count)
				SELECT handshake, day, symbology, n FROM counts ORDER BY 1, 2, 3
				ON CONFLICT (handshake, day, symbology) DO UPDATE SET count = usage.count + EXCLUDED.count
				RETURNING 1),
			seen AS (
				UPDATE devices d SET last_seen = $14
				FROM (SELECT DISTINCT handshake, device FROM ins) s
				WHERE d.handshake = s.handshake AND d.id = s.device AND NOT d.removed AND d.last_seen <= $15
				RETURNING 1)
			SELECT device, report_id FROM ins`,
			cols.insDev, cols.insID, cols.insCode, cols.insSeq, cols.insScans, cols.insReceived, cols.insKeep,
			cols.cntDev, cols.cntID, cols.cntCode, cols.cntDay, cols.cntSym, cols.cntN,
			b.Now, b.Now.Add(-lts.LastSeenResolution)).Query(func(rows pgx.Rows) error {
			var dev, id string
			_, err := pgx.ForEachRow(rows, []any{&dev, &id}, func() error {
				inserted[[2]string{dev, id}] = true
				return nil
			})
			return err
		})
	}
	var usedByCode map[string]lts.Used
	batch.Queue(usedQuery, usedArgs(st.codeList, b.Now)...).Query(func(rows pgx.Rows) error {
		var err error
		usedByCode, err = scanUsed(rows)
		return err
	})
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return nil, err
	}
	for code, cs := range st.codes {
		cs.Used = usedByCode[code]
	}
	for i, rep := range b.Reports {
		if take[i] && !inserted[[2]string{rep.Device, rep.ReportID}] {
			out[i].Duplicate = true // counted by another replica meanwhile
		}
	}
	return out, nil
}

// readBatch runs the first round trip of recordIn.
func readBatch(ctx context.Context, tx pgx.Tx, cols *batchColumns, st *batchState) error {
	batch := &pgx.Batch{}
	batch.Queue("SELECT code, record FROM handshakes WHERE code = ANY($1) ORDER BY code FOR SHARE", st.codeList).Query(func(rows pgx.Rows) error {
		var code string
		var data []byte
		_, err := pgx.ForEachRow(rows, []any{&code, &data}, func() error {
			cs := &lts.CodeState{}
			if err := json.Unmarshal(data, &cs.Handshake); err != nil {
				return fmt.Errorf("corrupt handshake %q: %w", code, err)
			}
			st.codes[code] = cs
			return nil
		})
		return err
	})
	licenses := map[string][]lts.LicenseRecord{}
	batch.Queue(`SELECT handshake, record FROM licenses WHERE handshake = ANY($1) ORDER BY id COLLATE "C"`, st.codeList).Query(func(rows pgx.Rows) error {
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
	batch.Queue(`SELECT d.handshake, d.id, d.key, d.removed FROM devices d
		JOIN unnest($1::text[], $2::text[]) AS u(handshake, id) ON d.handshake = u.handshake AND d.id = u.id`,
		cols.devCode, cols.devID).Query(func(rows pgx.Rows) error {
		var code, id string
		var dk deviceKey
		_, err := pgx.ForEachRow(rows, []any{&code, &id, &dk.key, &dk.removed}, func() error {
			st.devices[[2]string{code, id}] = deviceKey{key: slices.Clone(dk.key), removed: dk.removed}
			return nil
		})
		return err
	})
	batch.Queue(`SELECT r.device, r.report_id FROM reports r
		JOIN unnest($1::text[], $2::text[]) AS u(device, report_id) ON r.device = u.device AND r.report_id = u.report_id`,
		cols.repDev, cols.repID).Query(func(rows pgx.Rows) error {
		var dev, id string
		_, err := pgx.ForEachRow(rows, []any{&dev, &id}, func() error {
			st.counted[[2]string{dev, id}] = true
			return nil
		})
		return err
	})
	batch.Queue(`SELECT DISTINCT u.handshake, to_char(u.day, 'YYYY-MM-DD'), u.symbology, s.count FROM usage s
		JOIN unnest($1::text[], $2::text[]::date[], $3::text[]) AS u(handshake, day, symbology)
		ON s.handshake = u.handshake AND s.day = u.day AND s.symbology = u.symbology`,
		cols.useCode, cols.useDay, cols.useSym).Query(func(rows pgx.Rows) error {
		var k usageKey
		var n int64
		_, err := pgx.ForEachRow(rows, []any{&k.code, &k.day, &k.sym, &n}, func() error {
			st.totals[k] = uint64(n)
			return nil
		})
		return err
	})
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return err
	}
	for code, cs := range st.codes {
		cs.Licenses = licenses[code]
	}
	return nil
}

// addTotals adds a report's counts to totals, or refuses the report whole
// when one would pass lts.MaxTotal.
func addTotals(totals map[usageKey]uint64, rep *wire.UsageReport, b *lts.UsageBatch) *wire.Error {
	next := map[usageKey]uint64{}
	for _, c := range rep.Counts {
		k := usageKey{rep.HandshakeCode, dateOf(countDay(c.Slot, b)), c.Symbology}
		cur, ok := next[k]
		if !ok {
			cur = totals[k]
		}
		sum, ok := lts.AddTotal(cur, c.Count)
		if !ok {
			return &wire.Error{Code: wire.CodeBadRequest, Message: fmt.Sprintf("report would take the %s total of %s past %d: not counted", c.Symbology, k.day, uint64(lts.MaxTotal))}
		}
		next[k] = sum
	}
	for k, v := range next {
		totals[k] = v
	}
	return nil
}

// Usage implements lts.UsageReader.
func (s *Store) Usage(ctx context.Context, granularity, code string) ([]lts.UsageRow, error) {
	format := "YYYY-MM"
	switch granularity {
	case wire.PeriodDay:
		format = "YYYY-MM-DD"
	case wire.PeriodYear:
		format = "YYYY"
	}
	rows, err := s.pool.Query(ctx, `SELECT handshake, to_char(day, $2), symbology, LEAST(sum(count), 9223372036854775807)::bigint
		FROM usage WHERE $1 = '' OR handshake = $1 GROUP BY 1, 2, 3`, code, format)
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
	for _, job := range []struct {
		n   *int
		sql string
	}{
		{&p.Reports, `DELETE FROM reports WHERE (device, report_id) IN
			(SELECT device, report_id FROM reports WHERE keep_until < $1 LIMIT $2)`},
		{&p.Nonces, `DELETE FROM nonces WHERE (device, nonce) IN
			(SELECT device, nonce FROM nonces WHERE keep_until < $1 LIMIT $2)`},
		{new(int), `DELETE FROM attempts WHERE key IN (SELECT key FROM attempts WHERE until <= $1 LIMIT $2)`},
	} {
		for {
			tag, err := s.pool.Exec(ctx, job.sql, now.Truncate(time.Second), pruneChunk)
			if err != nil {
				return p, fmt.Errorf("prune: %w", err)
			}
			*job.n += int(tag.RowsAffected())
			if tag.RowsAffected() < pruneChunk {
				break
			}
		}
	}
	return p, nil
}
