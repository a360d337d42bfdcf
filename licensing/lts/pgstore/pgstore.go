// Package pgstore is the LTS store in PostgreSQL (15 or later), through
// pgx: any number of ltsd replicas share one database.
//
// Exactness across replicas comes from row locks, under PostgreSQL's
// default READ COMMITTED isolation: UpdateCode takes its handshake code's
// row FOR UPDATE and RecordUsage takes the codes of its batch FOR SHARE, so
// an authorization decides on a code while no report or other
// authorization changes it, and reports of one code are counted side by
// side. Usage totals are added with INSERT … ON CONFLICT DO UPDATE, whose
// row lock serializes replicas adding to the same total; report ids are
// unique, so a report sent to two replicas at once is counted by the one
// whose insert commits first. Guesses at secrets are serialized per key
// with transaction-scoped advisory locks held while the guess is checked.
// Transactions that lose a deadlock, or fail before the server saw them
// (a restarting server), are retried.
package pgstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/scannerd/scannerd/licensing/lts"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Advisory lock namespaces (the first key of the two-key form).
const (
	lockMigrate   = 0x4c5453 // "LTS": schema migrations, with key 1
	lockPartition = 0x4c5454 // making a usage partition, with key 1
	lockAttempt   = 0x4c5455 // guesses on one attempt key, with hashtext(key)
)

// retryFor bounds how long a transaction is retried while the server
// restarts or deadlocks are broken.
const retryFor = 15 * time.Second

// Store is the LTS store in a PostgreSQL database.
type Store struct {
	pool     *pgxpool.Pool
	locks    *pgxpool.Pool // for Attempt's transactions
	attempts chan struct{} // slots of outermost Attempt calls

	mu     sync.Mutex
	months map[string]bool // usage partitions known to exist
	closed bool
}

var _ lts.Store = (*Store)(nil)

// DefaultMaxConns is the size of a store's connection pool unless the URL
// sets pool_max_conns.
const DefaultMaxConns = 16

// maxAttempts bounds the Attempt calls of one store that hold or wait for
// their keys at once; each holds a connection of a pool of its own (two,
// when a check nests an Attempt), so that guesses waiting for a key never
// take the connections their checks and the rest of the work need.
const maxAttempts = 8

// Open connects to the database at url ("postgres://user@host/db?…", or
// with host=/socket/dir), brings its schema up to date and returns the
// store. The pool size comes from the URL's pool_max_conns, by default
// DefaultMaxConns.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store url: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = DefaultMaxConns
	}
	// The statements take arrays and codes whose values do not change the
	// best plan: plan each once per connection, not at every execution.
	cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	lockCfg := cfg.Copy()
	lockCfg.MaxConns, lockCfg.MinConns = 2*maxAttempts, 0
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	locks, err := pgxpool.NewWithConfig(ctx, lockCfg)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	s := &Store{pool: pool, locks: locks, attempts: make(chan struct{}, maxAttempts), months: map[string]bool{}}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store %s: %w", redact(cfg.ConnConfig), err)
	}
	return s, nil
}

// redact names a database without its password.
func redact(c *pgx.ConnConfig) string {
	return fmt.Sprintf("postgres://%s@%s/%s", c.User, net.JoinHostPort(c.Host, strconv.Itoa(int(c.Port))), c.Database)
}

// Close closes the pool. It is idempotent.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		s.pool.Close()
		s.locks.Close()
	}
	return nil
}

// SchemaVersion returns the newest migration this code knows.
func SchemaVersion() int {
	ms, _ := readMigrations()
	return ms[len(ms)-1].version
}

type migration struct {
	version int
	name    string
	sql     string
}

func readMigrations() ([]migration, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, n := range names {
		base := strings.TrimPrefix(n, "migrations/")
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name is not NNNN_what.sql", base)
		}
		data, err := migrations.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{v, base, string(data)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// migrate applies the embedded migrations the database lacks, each in its
// own transaction, under an advisory lock so that replicas starting at
// once apply each migration once.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := readMigrations()
	if err != nil {
		return err
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1, 1)", lockMigrate); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1, 1)", lockMigrate)
	_, err = conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL DEFAULT now())`)
	if err != nil {
		return err
	}
	var current int
	if err := conn.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return err
	}
	if latest := ms[len(ms)-1].version; current > latest {
		return fmt.Errorf("database schema version %d is newer than this ltsd knows (%d): use a newer ltsd", current, latest)
	}
	for _, m := range ms {
		if m.version <= current {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name)
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// retryable reports whether a failed transaction may run again: it lost a
// deadlock or a serialization conflict, or it failed in a way that means
// it did not commit (the server was restarting, the connection was gone
// before the commit was sent).
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "40001", pe.Code == "40P01": // serialization failure, deadlock
			return true
		case strings.HasPrefix(pe.Code, "08"), pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03":
			return true // connection exception, admin/crash shutdown, cannot connect now
		}
		return false
	}
	return pgconn.SafeToRetry(err) || isConnError(err)
}

// isConnError reports a broken or refused connection.
func isConnError(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF)
}

// errCommit marks a failure of COMMIT itself: the transaction may or may
// not have committed.
type errCommit struct{ err error }

func (e errCommit) Error() string { return "commit: " + e.err.Error() }
func (e errCommit) Unwrap() error { return e.err }

// inTx runs fn in a transaction and commits it, retrying while that is
// safe. A transaction whose COMMIT failed is retried only when idempotent
// (running it twice changes nothing more than running it once).
func (s *Store) inTx(ctx context.Context, idempotent bool, fn func(pgx.Tx) error) error {
	return s.retry(ctx, idempotent, func() error { return tryTx(ctx, s.pool, fn) })
}

// retry runs a transaction until it succeeds, fails for good, or retryFor
// has passed. An error wrapping errCommit (the commit's outcome is not
// known) ends it unless the transaction is idempotent.
func (s *Store) retry(ctx context.Context, idempotent bool, try func() error) error {
	deadline := time.Now().Add(retryFor)
	wait := 20 * time.Millisecond
	for {
		err := try()
		var ce errCommit
		ambiguous := errors.As(err, &ce) && !idempotent
		if err == nil || ambiguous || !retryable(err) || ctx.Err() != nil || time.Now().After(deadline) {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		wait = min(2*wait, time.Second)
	}
}

func tryTx(ctx context.Context, pool *pgxpool.Pool, fn func(pgx.Tx) error) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return errCommit{err}
	}
	return nil
}

// isOverflow reports a numeric value out of range (a total past int64).
func isOverflow(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "22003"
}
