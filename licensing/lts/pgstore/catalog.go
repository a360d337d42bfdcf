package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

// ImportLicense implements lts.Catalog.
func (s *Store) ImportLicense(ctx context.Context, l *wire.License, signed *wire.Signed, now time.Time) (lts.ImportOutcome, error) {
	var outcome lts.ImportOutcome
	err := s.inTx(ctx, false, func(tx pgx.Tx) error {
		var old lts.LicenseRecord
		found, err := scanJSON(tx.QueryRow(ctx, "SELECT record FROM licenses WHERE id = $1 FOR UPDATE", l.ID), &old)
		if err != nil {
			return err
		}
		prev := &old
		if !found {
			prev = nil
		}
		var rec lts.LicenseRecord
		if rec, outcome, err = lts.ImportedLicense(prev, l, signed, now); err != nil {
			return err
		}
		return putLicense(ctx, tx, &rec)
	})
	return outcome, err
}

// putLicense writes a license record.
func putLicense(ctx context.Context, tx pgx.Tx, r *lts.LicenseRecord) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO licenses (id, handshake, record) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET handshake = EXCLUDED.handshake, record = EXCLUDED.record`,
		r.License.ID, nullable(r.Handshake), string(data))
	return err
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// scanJSON reads one JSON column of a row into v; false when there is no row.
func scanJSON(row pgx.Row, v any) (bool, error) {
	var data []byte
	if err := row.Scan(&data); errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("corrupt record: %w", err)
	}
	return true, nil
}

// Licenses implements lts.Catalog.
func (s *Store) Licenses(ctx context.Context) ([]lts.LicenseRecord, error) {
	rows, err := s.pool.Query(ctx, "SELECT record FROM licenses")
	if err != nil {
		return nil, err
	}
	out, err := collectJSON[lts.LicenseRecord](rows)
	sort.Slice(out, func(i, j int) bool { return out[i].License.ID < out[j].License.ID })
	return out, err
}

// collectJSON reads rows of one JSON column.
func collectJSON[T any](rows pgx.Rows) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		var v T
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("corrupt record: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// CreateHandshake implements lts.Catalog.
func (s *Store) CreateHandshake(ctx context.Context, h *lts.Handshake) error {
	if err := h.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(h)
	if err != nil {
		return err
	}
	return s.inTx(ctx, false, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "INSERT INTO handshakes (code, record) VALUES ($1, $2) ON CONFLICT DO NOTHING", h.Code, string(data))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("handshake code %s: %w", h.Code, lts.ErrExists)
		}
		return bindLicenses(ctx, tx, h.Code, h.Licenses)
	})
}

// AddLicenses implements lts.Catalog.
func (s *Store) AddLicenses(ctx context.Context, code string, ids []string) error {
	return s.inTx(ctx, false, func(tx pgx.Tx) error {
		var h lts.Handshake
		found, err := scanJSON(tx.QueryRow(ctx, "SELECT record FROM handshakes WHERE code = $1 FOR UPDATE", code), &h)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("handshake code %s: %w", code, lts.ErrNotFound)
		}
		if err := bindLicenses(ctx, tx, code, ids); err != nil {
			return err
		}
		h.AddLicenses(ids)
		data, err := json.Marshal(&h)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE handshakes SET record = $2 WHERE code = $1", code, string(data))
		return err
	})
}

func bindLicenses(ctx context.Context, tx pgx.Tx, code string, ids []string) error {
	return lts.BindLicenses(code, ids, func(id string) (*lts.LicenseRecord, error) {
		var r lts.LicenseRecord
		found, err := scanJSON(tx.QueryRow(ctx, "SELECT record FROM licenses WHERE id = $1 FOR UPDATE", id), &r)
		if err != nil || !found {
			return nil, err
		}
		return &r, nil
	}, func(r *lts.LicenseRecord) error { return putLicense(ctx, tx, r) })
}

// Handshake implements lts.Catalog.
func (s *Store) Handshake(ctx context.Context, code string) (*lts.Handshake, error) {
	var h lts.Handshake
	var found bool
	// Every authorization starts here: a connection the pool kept from
	// before a server restart fails once, and the read is tried again
	// rather than refusing the device.
	err := s.retry(ctx, true, func() error {
		var err error
		found, err = scanJSON(s.pool.QueryRow(ctx, "SELECT record FROM handshakes WHERE code = $1", code), &h)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("handshake code %s: %w", code, lts.ErrNotFound)
	}
	return &h, nil
}

// Handshakes implements lts.Catalog.
func (s *Store) Handshakes(ctx context.Context) ([]lts.Handshake, error) {
	rows, err := s.pool.Query(ctx, "SELECT record FROM handshakes")
	if err != nil {
		return nil, err
	}
	out, err := collectJSON[lts.Handshake](rows)
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, err
}
