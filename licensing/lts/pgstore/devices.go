package pgstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/scannerd/scannerd/licensing/lts"
)

const deviceColumns = "handshake, id, key, domain, address, software, first_seen, last_seen, authorized, request_time, removed, removed_at, revoked, " +
	"counter, seen_counter, rollbacks, last_rollback, rollback_note, lease_period, leased"

// scanDevice reads a row of deviceColumns.
func scanDevice(row pgx.Row) (lts.Device, error) {
	var d lts.Device
	var authorized, requestTime, removedAt, lastRollback *time.Time
	var counter, seenCounter, leased int64
	err := row.Scan(&d.Handshake, &d.ID, &d.Key, &d.Domain, &d.Address, &d.Software, &d.FirstSeen, &d.LastSeen,
		&authorized, &requestTime, &d.Removed, &removedAt, &d.Revoked,
		&counter, &seenCounter, &d.Rollbacks, &lastRollback, &d.RollbackNote, &d.LeasePeriod, &leased)
	if err != nil {
		return lts.Device{}, err
	}
	d.FirstSeen, d.LastSeen = d.FirstSeen.UTC(), d.LastSeen.UTC()
	d.Authorized, d.RequestTime, d.RemovedAt = utcOrZero(authorized), utcOrZero(requestTime), utcOrZero(removedAt)
	d.LastRollback = utcOrZero(lastRollback)
	d.Counter, d.SeenCounter, d.Leased = uint64(counter), uint64(seenCounter), uint64(leased)
	return d, nil
}

func utcOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// putDevice writes every column of a device.
func putDevice(ctx context.Context, tx pgx.Tx, d *lts.Device) error {
	_, err := tx.Exec(ctx, `INSERT INTO devices (`+deviceColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
		ON CONFLICT (handshake, id) DO UPDATE SET key = EXCLUDED.key, domain = EXCLUDED.domain,
			address = EXCLUDED.address, software = EXCLUDED.software, first_seen = EXCLUDED.first_seen,
			last_seen = EXCLUDED.last_seen, authorized = EXCLUDED.authorized, request_time = EXCLUDED.request_time,
			removed = EXCLUDED.removed, removed_at = EXCLUDED.removed_at, revoked = EXCLUDED.revoked,
			counter = EXCLUDED.counter, seen_counter = EXCLUDED.seen_counter, rollbacks = EXCLUDED.rollbacks,
			last_rollback = EXCLUDED.last_rollback, rollback_note = EXCLUDED.rollback_note,
			lease_period = EXCLUDED.lease_period, leased = EXCLUDED.leased`,
		deviceValues(d)...)
	return err
}

// deviceValues are a device's deviceColumns, in order.
func deviceValues(d *lts.Device) []any {
	key := d.Key
	if key == nil {
		key = []byte{}
	}
	return []any{d.Handshake, d.ID, key, d.Domain, d.Address, d.Software, d.FirstSeen, d.LastSeen,
		nullTime(d.Authorized), nullTime(d.RequestTime), d.Removed, nullTime(d.RemovedAt), d.Revoked,
		int64(min(d.Counter, lts.MaxTotal)), int64(min(d.SeenCounter, lts.MaxTotal)), d.Rollbacks, nullTime(d.LastRollback),
		d.RollbackNote, d.LeasePeriod, int64(min(d.Leased, lts.MaxTotal))}
}

// Devices implements lts.DeviceAdmin.
func (s *Store) Devices(ctx context.Context, code string) ([]lts.Device, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+deviceColumns+` FROM devices WHERE $1 = '' OR handshake = $1
		ORDER BY first_seen, handshake COLLATE "C", id COLLATE "C"`, code)
	return collectDevices(rows, err)
}

// collectDevices reads rows of deviceColumns (and closes them).
func collectDevices(rows pgx.Rows, err error) ([]lts.Device, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (lts.Device, error) { return scanDevice(row) })
}

// SetDeviceState implements lts.DeviceAdmin. It holds the codes of the
// device exclusively, as UpdateCode does, so that an authorization in
// flight cannot write back a state the operator just changed.
func (s *Store) SetDeviceState(ctx context.Context, id string, action lts.DeviceAction, now time.Time) (changed bool, err error) {
	if err := action.Apply(&lts.Device{}, now); err != nil {
		return false, err
	}
	err = s.inTx(ctx, false, func(tx pgx.Tx) error {
		changed = false // a retried transaction decides again
		_, err := tx.Exec(ctx, `SELECT 1 FROM handshakes WHERE code IN (SELECT handshake FROM devices WHERE id = $1)
			ORDER BY code FOR UPDATE`, id)
		if err != nil {
			return err
		}
		ds, err := collectDevices(tx.Query(ctx, "SELECT "+deviceColumns+" FROM devices WHERE id = $1", id))
		if err != nil {
			return err
		}
		if len(ds) == 0 {
			return fmt.Errorf("device %s: %w", id, lts.ErrNotFound)
		}
		for i := range ds {
			changed = changed || action.Changes(&ds[i])
			if err := action.Apply(&ds[i], now); err != nil {
				return err
			}
			if err := putDevice(ctx, tx, &ds[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return changed && err == nil, err
}

// deviceFilter is the FROM and WHERE of a device view: each device joined
// to its code's cutoffs (c.active_since, c.silent_before: NULL for a code
// without), kept when q's Handshake and Search keep it.
func deviceFilter(q *lts.DeviceQuery) (string, *where) {
	var codes []string
	var active, silent []time.Time
	for code, cut := range q.Cutoffs {
		codes, active, silent = append(codes, code), append(active, cut.ActiveSince), append(silent, cut.SilentBefore)
	}
	w := &where{args: []any{codes, active, silent}}
	if q.Handshake != "" {
		w.cond("handshake = $%d", q.Handshake)
	}
	if needle := q.Needle(); needle != "" {
		// lower() in the C collation changes ASCII letters only, as
		// Needle does.
		w.args = append(w.args, needle, q.SearchCodes)
		n, c := len(w.args)-1, len(w.args)
		var or []string
		for _, col := range []string{"id", "domain", "address", "software", "handshake"} {
			or = append(or, fmt.Sprintf(`strpos(lower(%s COLLATE "C"), $%d) > 0`, col, n))
		}
		w.conds = append(w.conds, fmt.Sprintf("(handshake = ANY($%d) OR %s)", c, strings.Join(or, " OR ")))
	}
	return ` FROM devices LEFT JOIN unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS c (code, active_since, silent_before)
		ON c.code = devices.handshake`, w
}

// Conditions of the device states, as lts.DeviceQuery.StateOf decides them.
var stateConds = map[lts.DeviceState]string{
	lts.DeviceRevoked: "revoked",
	lts.DeviceRemoved: "removed AND NOT revoked",
	lts.DeviceSilent:  "NOT removed AND NOT revoked AND last_seen < c.silent_before",
	lts.DeviceActive:  "NOT removed AND NOT revoked AND (c.silent_before IS NULL OR last_seen >= c.silent_before)",
}

// DeviceCounts implements lts.DeviceAdmin.
func (s *Store) DeviceCounts(ctx context.Context, q *lts.DeviceQuery) (map[string]lts.DeviceCount, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	from, w := deviceFilter(q)
	rows, err := s.pool.Query(ctx, `SELECT handshake,
			count(*) FILTER (WHERE `+stateConds[lts.DeviceActive]+`),
			count(*) FILTER (WHERE `+stateConds[lts.DeviceSilent]+`),
			count(*) FILTER (WHERE `+stateConds[lts.DeviceRevoked]+`),
			count(*) FILTER (WHERE `+stateConds[lts.DeviceRemoved]+`),
			count(*) FILTER (WHERE NOT removed AND NOT revoked AND last_seen > c.active_since)`+
		from+w.String()+` GROUP BY handshake`, w.args...)
	if err != nil {
		return nil, err
	}
	out := map[string]lts.DeviceCount{}
	var code string
	var c lts.DeviceCount
	_, err = pgx.ForEachRow(rows, []any{&code, &c.Active, &c.Silent, &c.Revoked, &c.Removed, &c.Slots}, func() error {
		out[code] = c
		return nil
	})
	return out, err
}

// ListDevices implements lts.DeviceAdmin.
func (s *Store) ListDevices(ctx context.Context, q *lts.DeviceQuery) ([]lts.Device, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	from, w := deviceFilter(q)
	if q.State != "" {
		w.conds = append(w.conds, stateConds[q.State])
	}
	order := "DESC"
	if q.Oldest {
		order = "ASC"
	}
	var limit *int
	if q.Limit > 0 {
		limit = &q.Limit
	}
	w.args = append(w.args, q.Offset, limit)
	return collectDevices(s.pool.Query(ctx, `SELECT `+deviceColumns+from+w.String()+`
		ORDER BY last_seen `+order+`, handshake COLLATE "C", id COLLATE "C"`+
		fmt.Sprintf(" OFFSET $%d LIMIT $%d", len(w.args)-1, len(w.args)), w.args...))
}
