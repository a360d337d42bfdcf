package pgstore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/scannerd/scannerd/licensing/lts"
)

// Attempt implements lts.Protocol. Each key is a transaction-scoped
// advisory lock, taken in key order and held while check runs: the guesses
// on one key run one at a time on every replica, and a failure is written
// before the lock is let go. Keys without failures have no row.
func (s *Store) Attempt(ctx context.Context, keys []string, rule lts.AttemptRule, check func(context.Context) error) error {
	keys = slices.Compact(slices.Sorted(slices.Values(keys)))
	if ctx.Value(nestedAttempt{}) == nil {
		select {
		case s.attempts <- struct{}{}:
			defer func() { <-s.attempts }()
		case <-ctx.Done():
			return ctx.Err()
		}
		ctx = context.WithValue(ctx, nestedAttempt{}, true)
	}
	var checkErr error
	err := s.retry(ctx, false, func() error {
		return tryTx(ctx, s.locks, func(tx pgx.Tx) error {
			checkErr = nil
			// One round trip: the locks, in key order, then what the table
			// holds of the keys and how many keys it holds.
			batch := &pgx.Batch{}
			for _, k := range keys {
				batch.Queue("SELECT pg_advisory_xact_lock($1, hashtext($2))", lockAttempt, k)
			}
			failures := map[string]int{}
			tracked := 0
			batch.Queue("SELECT key, failures, until > $2 FROM attempts WHERE key = ANY($1)", keys, rule.Now).Query(func(rows pgx.Rows) error {
				var key string
				var n int
				var current bool
				_, err := pgx.ForEachRow(rows, []any{&key, &n, &current}, func() error {
					tracked++
					if current {
						failures[key] = n
					}
					return nil
				})
				return err
			})
			total := 0
			if rule.Capacity > 0 {
				batch.Queue("SELECT count(*) FROM attempts").QueryRow(func(row pgx.Row) error { return row.Scan(&total) })
			}
			if err := tx.SendBatch(ctx, batch).Close(); err != nil {
				return err
			}
			for _, k := range keys {
				if rule.Max > 0 && failures[k] >= rule.Max {
					return fmt.Errorf("%s: %w", k, lts.ErrTooManyAttempts)
				}
			}
			if rule.Capacity > 0 && tracked < len(keys) && total >= rule.Capacity {
				if err := makeRoom(ctx, tx, rule); err != nil {
					return err
				}
			}
			checkErr = check(ctx)
			if !errors.Is(checkErr, lts.ErrGuessWrong) {
				return nil
			}
			_, err := tx.Exec(ctx, `INSERT INTO attempts (key, until, failures) SELECT k, $2, 1 FROM unnest($1::text[]) AS k
			ON CONFLICT (key) DO UPDATE SET
				until = CASE WHEN attempts.until <= $3 THEN EXCLUDED.until ELSE attempts.until END,
				failures = CASE WHEN attempts.until <= $3 THEN 1 ELSE attempts.failures + 1 END`,
				keys, rule.Now.Add(rule.Window), rule.Now)
			return err
		})
	})
	if err != nil {
		return err
	}
	return checkErr
}

// nestedAttempt marks the context of a check run by Attempt: an Attempt
// inside it already has its slot.
type nestedAttempt struct{}

// makeRoom drops the keys whose window has passed from a table that holds
// rule.Capacity keys, or refuses a new key when none has.
func makeRoom(ctx context.Context, tx pgx.Tx, rule lts.AttemptRule) error {
	if _, err := tx.Exec(ctx, "DELETE FROM attempts WHERE until <= $1", rule.Now); err != nil {
		return err
	}
	var total int
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM attempts").Scan(&total); err != nil {
		return err
	}
	if total >= rule.Capacity {
		return fmt.Errorf("%w: %d keys with failed attempts tracked, the most allowed: refusing new ones until windows pass", lts.ErrTooManyAttempts, total)
	}
	return nil
}
