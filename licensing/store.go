package licensing

import (
	"crypto/ecdh"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/scannerd/scannerd/licensing/wire"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// StoreFile is the name of the licensing store in the state directory.
const StoreFile = "licensing.db"

var (
	bucketMeta     = []byte("meta")     // identity, auth, clock, seq, sync
	bucketCounters = []byte("counters") // slot (unix seconds, BE), symbology → count
	bucketReports  = []byte("reports")  // seq (BE) → pendingReport, cut but not yet acknowledged
	bucketTotals   = []byte("totals")   // symbology → count ever metered
	storeBuckets   = [][]byte{bucketMeta, bucketCounters, bucketReports, bucketTotals}

	keyIdentity = []byte("identity")
	keyAuth     = []byte("auth")
	keyClock    = []byte("clock")
	keySeq      = []byte("seq")
	keySync     = []byte("sync")
	keyGen      = []byte("gen")      // generation: moved on by every write, see mark.go
	keyRecovery = []byte("recovery") // the last rebuild of the store, see salvage.go
	keyJournal  = []byte("journal")  // sequence number of the last journal record folded in, see journal.go
)

// store is the device's bbolt file.
type store struct {
	db *bolt.DB
}

type identityRecord struct {
	Device string `json:"device"`
	Key    []byte `json:"key"`
}

// authRecord is the current authorization and what the device learned with it.
type authRecord struct {
	Signed   *wire.Signed `json:"signed,omitempty"`
	Received time.Time    `json:"received"` // device (effective) time the authorization arrived
	Revoked  bool         `json:"revoked,omitempty"`
	// OverQuotaUntil is set while the LTS reports the scan quota exhausted:
	// the device time the quota period ends.
	OverQuotaUntil time.Time  `json:"over_quota_until,omitzero"`
	Quota          wire.Quota `json:"quota"`
}

// clockRecord keeps the device time from running backwards: see clock.go.
type clockRecord struct {
	HighWater time.Time     `json:"high_water"`
	Offset    time.Duration `json:"offset"`
}

type syncRecord struct {
	Last  time.Time `json:"last,omitzero"`
	Error string    `json:"error,omitempty"`
}

// pendingReport is a usage report cut from the counters, kept until the LTS
// acknowledges it; it is sent again, unchanged, until then.
type pendingReport struct {
	ID      string            `json:"id"`
	Seq     uint64            `json:"seq"`
	Created time.Time         `json:"created"`
	Counts  []wire.UsageCount `json:"counts"`
	Scans   uint64            `json:"scans"`
}

// openStore opens the store in dir. A store that fails to open or to
// verify is moved aside, what can still be read of it (identity,
// authorization, clock, unreported usage) is carried into a new store, and
// the recovery is recorded in the new store, so that every later run still
// reports it. Nothing else moves a store aside: a run killed while opening
// leaves the store as it was.
func openStore(dir, machineIDFile string, now time.Time, log *slog.Logger) (*store, *Identity, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("open licensing store: %w", err)
	}
	path := filepath.Join(dir, StoreFile)
	os.Remove(path + ".opening") // left by versions that marked the opening
	s, id, err := tryOpenStore(path, machineIDFile, nil)
	if err == nil || !errors.Is(err, ErrStoreCorrupt) {
		return s, id, err
	}
	salvaged, serr := salvageStore(path)
	aside := fmt.Sprintf("%s.corrupt-%s", path, now.UTC().Format("20060102T150405Z"))
	if rerr := os.Rename(path, aside); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("%w; moving it aside failed: %v", err, rerr)
	}
	rec := recoveryRecord{At: now.UTC(), Reason: err.Error(), MovedTo: aside, Scans: salvaged.scans, Reports: len(salvaged.reports)}
	if serr != nil {
		rec.Unreadable = serr.Error()
	} else if len(salvaged.damage) > 0 {
		rec.Unreadable = fmt.Sprintf("%d damaged parts skipped, the first: %v", len(salvaged.damage), salvaged.damage[0])
	}
	log.Error("licensing store unreadable, moved aside", "err", err, "moved_to", aside,
		"salvaged_scans", rec.Scans, "salvaged_reports", rec.Reports, "unreadable", rec.Unreadable)
	return tryOpenStore(path, machineIDFile, func(tx *bolt.Tx) error {
		if err := salvaged.restore(tx); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bucketMeta), keyRecovery, &rec)
	})
}

// tryOpenStore opens and verifies the store at path. seed, when set, fills
// a store that was just created before anything else is written to it.
func tryOpenStore(path, machineIDFile string, seed func(*bolt.Tx) error) (s *store, id *Identity, err error) {
	if err := checkStoreFile(path); err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %w", ErrStoreCorrupt, path, err)
	}
	// checkStoreFile keeps bbolt from reading outside the file; should
	// anything it missed still fault, the fault becomes a panic that the
	// recover below turns into ErrStoreCorrupt instead of killing the run.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	var db *bolt.DB
	defer func() {
		if r := recover(); r != nil {
			if db != nil {
				db.Close()
			}
			s, id, err = nil, nil, fmt.Errorf("%w: %s: %v", ErrStoreCorrupt, path, r)
		}
	}()
	db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, nil, fmt.Errorf("open licensing store %s: in use by another process", path)
	case errors.Is(err, fs.ErrPermission), errors.Is(err, fs.ErrNotExist):
		return nil, nil, fmt.Errorf("open licensing store: %w", err)
	case err != nil:
		return nil, nil, fmt.Errorf("%w: %s: %w", ErrStoreCorrupt, path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		// Check walks the store in a goroutine of its own until it closes
		// the channel: read to the end, or the transaction would close
		// under it (a race, and on a damaged store a fault outside the
		// recover below).
		var cerr error
		for e := range tx.Check() {
			if cerr == nil {
				cerr = e
			}
		}
		if cerr != nil {
			return cerr
		}
		for _, b := range storeBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		if seed != nil {
			return seed(tx)
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("%w: %s: %w", ErrStoreCorrupt, path, err)
	}
	s = &store{db: db}
	id, err = s.identity(machineIDFile)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if err := s.checkRecords(); err != nil {
		db.Close()
		return nil, nil, err
	}
	return s, id, nil
}

// identity loads the device identity, creating it on first use.
func (s *store) identity(machineIDFile string) (*Identity, error) {
	var id *Identity
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMeta)
		if v := b.Get(keyIdentity); v != nil {
			var r identityRecord
			if err := json.Unmarshal(v, &r); err != nil || wire.CheckDeviceID(r.Device) != nil {
				return fmt.Errorf("%w: identity record unreadable", ErrStoreCorrupt)
			}
			k, err := ecdh.X25519().NewPrivateKey(r.Key)
			if err != nil {
				return fmt.Errorf("%w: identity key: %w", ErrStoreCorrupt, err)
			}
			id = &Identity{Device: r.Device, Key: k}
			return nil
		}
		fresh, err := newIdentity(machineIDFile)
		if err != nil {
			return err
		}
		id = fresh
		return putJSON(b, keyIdentity, &identityRecord{Device: fresh.Device, Key: fresh.Key.Bytes()})
	})
	return id, err
}

// checkRecords decodes every record once, so a damaged store is found at
// start rather than in the middle of a sync.
func (s *store) checkRecords() error {
	return s.db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		for _, k := range []struct {
			key []byte
			v   any
		}{{keyAuth, &authRecord{}}, {keyClock, &clockRecord{}}, {keySync, &syncRecord{}}, {keyRecovery, &recoveryRecord{}}} {
			if v := meta.Get(k.key); v != nil && json.Unmarshal(v, k.v) != nil {
				return fmt.Errorf("%w: %s record unreadable", ErrStoreCorrupt, k.key)
			}
		}
		return tx.Bucket(bucketReports).ForEach(func(k, v []byte) error {
			var r pendingReport
			if len(k) != 8 || json.Unmarshal(v, &r) != nil {
				return fmt.Errorf("%w: pending report %x unreadable", ErrStoreCorrupt, k)
			}
			return nil
		})
	})
}

func (s *store) close() error { return s.db.Close() }

func putJSON(b *bolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}

func (s *store) getJSON(bucket, k []byte, v any) (bool, error) {
	var found bool
	err := s.db.View(func(tx *bolt.Tx) error {
		data := tx.Bucket(bucket).Get(k)
		if data == nil {
			return nil
		}
		found = true
		return json.Unmarshal(data, v)
	})
	return found, err
}

func (s *store) putMeta(k []byte, v any) error {
	return s.update(func(tx *bolt.Tx) error { return putJSON(tx.Bucket(bucketMeta), k, v) })
}

// putMeta writes a meta record, folding the usage journal in with it.
func (c *Client) putMeta(k []byte, v any) error {
	return c.update(func(tx *bolt.Tx) error { return putJSON(tx.Bucket(bucketMeta), k, v) })
}

// update runs fn in a write transaction that also moves the store's
// generation on, so that the rollback mark can tell an older copy of the
// store from the store itself.
func (s *store) update(fn func(*bolt.Tx) error) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return addU64(tx.Bucket(bucketMeta), keyGen, 1)
	})
}

func u64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func be64(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}

func addU64(b *bolt.Bucket, k []byte, n uint64) error {
	return b.Put(k, be64(u64(b.Get(k))+n))
}

func jsonUnmarshal(data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%w: %w", ErrStoreCorrupt, err)
	}
	return nil
}
