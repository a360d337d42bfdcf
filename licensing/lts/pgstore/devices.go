package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/scannerd/scannerd/licensing/lts"
)

const deviceColumns = "handshake, id, key, domain, address, software, first_seen, last_seen, authorized, request_time, removed, removed_at, revoked"

// scanDevice reads a row of deviceColumns.
func scanDevice(row pgx.Row) (lts.Device, error) {
	var d lts.Device
	var authorized, requestTime, removedAt *time.Time
	err := row.Scan(&d.Handshake, &d.ID, &d.Key, &d.Domain, &d.Address, &d.Software, &d.FirstSeen, &d.LastSeen,
		&authorized, &requestTime, &d.Removed, &removedAt, &d.Revoked)
	if err != nil {
		return lts.Device{}, err
	}
	d.FirstSeen, d.LastSeen = d.FirstSeen.UTC(), d.LastSeen.UTC()
	d.Authorized, d.RequestTime, d.RemovedAt = utcOrZero(authorized), utcOrZero(requestTime), utcOrZero(removedAt)
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
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (handshake, id) DO UPDATE SET key = EXCLUDED.key, domain = EXCLUDED.domain,
			address = EXCLUDED.address, software = EXCLUDED.software, first_seen = EXCLUDED.first_seen,
			last_seen = EXCLUDED.last_seen, authorized = EXCLUDED.authorized, request_time = EXCLUDED.request_time,
			removed = EXCLUDED.removed, removed_at = EXCLUDED.removed_at, revoked = EXCLUDED.revoked`,
		d.Handshake, d.ID, d.Key, d.Domain, d.Address, d.Software, d.FirstSeen, d.LastSeen,
		nullTime(d.Authorized), nullTime(d.RequestTime), d.Removed, nullTime(d.RemovedAt), d.Revoked)
	return err
}

// Devices implements lts.DeviceAdmin.
func (s *Store) Devices(ctx context.Context, code string) ([]lts.Device, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+deviceColumns+` FROM devices WHERE $1 = '' OR handshake = $1
		ORDER BY first_seen, handshake COLLATE "C", id COLLATE "C"`, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []lts.Device
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SetDeviceState implements lts.DeviceAdmin. It holds the codes of the
// device exclusively, as UpdateCode does, so that an authorization in
// flight cannot write back a state the operator just changed.
func (s *Store) SetDeviceState(ctx context.Context, id string, action lts.DeviceAction, now time.Time) error {
	if err := action.Apply(&lts.Device{}, now); err != nil {
		return err
	}
	return s.inTx(ctx, false, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `SELECT 1 FROM handshakes WHERE code IN (SELECT handshake FROM devices WHERE id = $1)
			ORDER BY code FOR UPDATE`, id)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT "+deviceColumns+" FROM devices WHERE id = $1", id)
		if err != nil {
			return err
		}
		var ds []lts.Device
		for rows.Next() {
			d, err := scanDevice(rows)
			if err != nil {
				rows.Close()
				return err
			}
			ds = append(ds, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ds) == 0 {
			return fmt.Errorf("device %s: %w", id, lts.ErrNotFound)
		}
		for i := range ds {
			if err := action.Apply(&ds[i], now); err != nil {
				return err
			}
			if err := putDevice(ctx, tx, &ds[i]); err != nil {
				return err
			}
		}
		return nil
	})
}
