package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/scannerd/scannerd/licensing/lts"
)

// UpdateCode implements lts.Protocol: the handshake code's row is held FOR
// UPDATE for the whole transaction.
func (s *Store) UpdateCode(ctx context.Context, code string, fn func(lts.CodeTx) error) error {
	return s.inTx(ctx, false, func(tx pgx.Tx) error {
		c, err := openCode(ctx, tx, code, "FOR UPDATE")
		if err != nil {
			return err
		}
		return fn(c)
	})
}

// codeTx is lts.CodeTx over a pgx transaction.
type codeTx struct {
	ctx      context.Context
	tx       pgx.Tx
	h        lts.Handshake
	licenses []lts.LicenseRecord
}

var _ lts.CodeTx = (*codeTx)(nil)

// openCode locks a handshake code's row (lock is "FOR UPDATE" or "FOR
// SHARE") and reads it with its licenses in one round trip.
func openCode(ctx context.Context, tx pgx.Tx, code, lock string) (*codeTx, error) {
	b := &pgx.Batch{}
	b.Queue("SELECT record FROM handshakes WHERE code = $1 "+lock, code)
	b.Queue(`SELECT record FROM licenses WHERE handshake = $1 ORDER BY id COLLATE "C"`, code)
	res := tx.SendBatch(ctx, b)
	defer res.Close()
	c := &codeTx{ctx: ctx, tx: tx}
	found, err := scanJSON(res.QueryRow(), &c.h)
	if err != nil {
		return nil, err
	}
	rows, err := res.Query()
	if err != nil {
		return nil, err
	}
	if c.licenses, err = collectJSON[lts.LicenseRecord](rows); err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("handshake code %s: %w", code, lts.ErrNotFound)
	}
	return c, res.Close()
}

func (c *codeTx) Handshake() *lts.Handshake     { return &c.h }
func (c *codeTx) Licenses() []lts.LicenseRecord { return c.licenses }

func (c *codeTx) Device(id string) (lts.Device, bool, error) {
	d, err := scanDevice(c.tx.QueryRow(c.ctx, "SELECT "+deviceColumns+" FROM devices WHERE handshake = $1 AND id = $2", c.h.Code, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return lts.Device{}, false, nil
	}
	return d, err == nil, err
}

func (c *codeTx) PutDevice(d *lts.Device) error {
	if d.Handshake != c.h.Code {
		return fmt.Errorf("%w: device of handshake code %q put under %q", lts.ErrInvalid, d.Handshake, c.h.Code)
	}
	return putDevice(c.ctx, c.tx, d)
}

func (c *codeTx) ActiveDevices(since time.Time) (int, error) {
	return activeDevices(c.ctx, c.tx, c.h.Code, since)
}

func (c *codeTx) Leased(period string) (uint64, int, error) {
	var scans int64
	var n int
	err := c.tx.QueryRow(c.ctx, `SELECT coalesce(sum(leased), 0)::bigint, count(*) FROM devices
		WHERE handshake = $1 AND lease_period = $2 AND leased > 0`, c.h.Code, period).Scan(&scans, &n)
	return uint64(scans), n, err
}

func (c *codeTx) Used(now time.Time) (lts.Used, error) { return used(c.ctx, c.tx, c.h.Code, now) }

// querier is what pgxpool.Pool and pgx.Tx both do.
type querier interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
	QueryRow(context.Context, string, ...any) pgx.Row
}

func activeDevices(ctx context.Context, q querier, code string, since time.Time) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM devices
		WHERE handshake = $1 AND NOT removed AND NOT revoked AND last_seen > $2`, code, since).Scan(&n)
	return n, err
}

func used(ctx context.Context, q querier, code string, now time.Time) (lts.Used, error) {
	rows, err := q.Query(ctx, usedQuery, usedArgs(now, code)...)
	if err != nil {
		return lts.Used{}, err
	}
	u, err := scanUsed(rows)
	return u[code], err
}

// ActiveDevices implements lts.DeviceAdmin.
func (s *Store) ActiveDevices(ctx context.Context, code string, since time.Time) (int, error) {
	return activeDevices(ctx, s.pool, code, since)
}

// Used implements lts.UsageReader.
func (s *Store) Used(ctx context.Context, code string, now time.Time) (lts.Used, error) {
	return used(ctx, s.pool, code, now)
}

// UsedByCode implements lts.UsageReader.
func (s *Store) UsedByCode(ctx context.Context, now time.Time) (map[string]lts.Used, error) {
	rows, err := s.pool.Query(ctx, usedAllQuery, usedArgs(now)...)
	if err != nil {
		return nil, err
	}
	return scanUsed(rows)
}

// usedQuery sums the usage of the codes $5 in the day, month and year
// holding a moment (usedArgs), and usedAllQuery of every code: the day
// from the daily totals, the month and the year from the monthly ones.
// As before the monthly ones, the day counts the days from it to the end
// of its year, the month the months from it. Sums past the int64 range are
// capped there: no total is larger.
const (
	usedQuery    = usedMonths + ` AND handshake = ANY($5)` + usedDays + ` AND handshake = ANY($5)` + usedJoin
	usedAllQuery = usedMonths + usedDays + usedJoin
	usedMonths   = `WITH m AS (SELECT handshake,
			LEAST(coalesce(sum(count) FILTER (WHERE month >= $2::date), 0), 9223372036854775807)::bigint AS month,
			LEAST(coalesce(sum(count), 0), 9223372036854775807)::bigint AS year
		FROM usage_months WHERE month >= $3::date AND month < $4::date`
	usedDays = ` GROUP BY handshake),
	d AS (SELECT handshake, LEAST(sum(count), 9223372036854775807)::bigint AS day
		FROM usage WHERE day >= $1::date AND day < $4::date`
	usedJoin = ` GROUP BY handshake)
	SELECT m.handshake, coalesce(d.day, 0), m.month, m.year FROM m LEFT JOIN d USING (handshake)`
)

// usedArgs are the arguments of usedQuery (with codes) and usedAllQuery.
func usedArgs(now time.Time, codes ...string) []any {
	day, month, year := lts.UsedWindows(now)
	args := []any{dateOf(day), dateOf(month), dateOf(year), dateOf(year.AddDate(1, 0, 0))}
	if len(codes) > 0 {
		args = append(args, codes)
	}
	return args
}

func scanUsed(rows pgx.Rows) (map[string]lts.Used, error) {
	out := map[string]lts.Used{}
	var code string
	var d, m, y int64
	_, err := pgx.ForEachRow(rows, []any{&code, &d, &m, &y}, func() error {
		out[code] = lts.Used{Day: uint64(d), Month: uint64(m), Year: uint64(y)}
		return nil
	})
	return out, err
}

func (c *codeTx) UseNonce(device string, nonce []byte, keepUntil time.Time) (bool, error) {
	tag, err := c.tx.Exec(c.ctx, "INSERT INTO nonces (device, nonce, keep_until) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", device, nonce, keepUntil)
	return tag.RowsAffected() == 1, err
}

// dateOf writes the UTC day of t as PostgreSQL reads a date.
func dateOf(t time.Time) string { return t.UTC().Format(lts.DayLayout) }
