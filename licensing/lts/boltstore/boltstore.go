// Package boltstore is the LTS store in one bbolt file: embedded, nothing
// to set up, for one ltsd process. Transactions are serialized by bbolt, so
// every quota decided in one is exact.
package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Buckets of the store. Keys join their parts with a zero byte.
var (
	bucketMeta       = []byte("meta")              // "version" → schema version (uint64 BE)
	bucketLicenses   = []byte("licenses")          // license id → LicenseRecord
	bucketHandshakes = []byte("handshakes")        // code → Handshake
	bucketDevices    = []byte("devices")           // code, device → Device
	bucketUsage      = []byte("usage")             // code, day, symbology → count (uint64 BE)
	bucketUsageMons  = []byte("usage-months")      // code, month, symbology → count (uint64 BE, at most lts.MaxTotal)
	bucketDaySums    = []byte("device-day-sums")   // code, day → every device's count (uint64 BE, at most lts.MaxTotal)
	bucketMonthSums  = []byte("device-month-sums") // code, month → every device's count (uint64 BE, at most lts.MaxTotal)
	bucketReports    = []byte("reports")           // device, report id → ReportRecord
	bucketReportKeep = []byte("report-keep")       // keep until (unix s, BE), device, report id → nothing
	bucketNonces     = []byte("nonces")            // device, nonce → keep until (unix s, BE)
	bucketDeviceDays = []byte("device-days")       // code, day, device → count (uint64 BE)
	bucketDeviceMons = []byte("device-months")     // code, month, device → count (uint64 BE)
	bucketAccounts   = []byte("accounts")          // name → Account
	bucketSessions   = []byte("sessions")          // id → Session
	bucketAcctSess   = []byte("account-sessions")  // account, id → nothing
	bucketDeviceSums = []byte("device-summaries")  // code, device → summary (devices.go)
	allBuckets       = [][]byte{bucketMeta, bucketLicenses, bucketHandshakes, bucketDevices, bucketUsage, bucketReports, bucketReportKeep, bucketNonces,
		bucketDeviceDays, bucketDeviceMons, bucketAccounts, bucketSessions, bucketAcctSess, bucketDeviceSums, bucketUsageMons,
		bucketDaySums, bucketMonthSums}
	keyVersion = []byte("version")
)

// schemaVersion is the layout this code writes. Version 1 had no report
// keep times, no nonces and no meta bucket; version 2 no device summaries;
// version 3 no monthly usage totals; version 4 no sums of every device.
const schemaVersion = 5

// Store is the LTS store in a bbolt file.
type Store struct {
	db       *bolt.DB
	attempts attemptTable
}

var _ lts.Store = (*Store)(nil)

// Open opens (creating if needed) the store at path and brings its layout
// up to date. It waits at most a second for another process holding the
// file and then fails with lts.ErrStoreBusy.
func Open(path string) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open store %s: %w", path, lts.ErrStoreBusy)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := db.Update(migrate); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// migrate creates the buckets and upgrades a store of an older layout.
func migrate(tx *bolt.Tx) error {
	for _, b := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	meta := tx.Bucket(bucketMeta)
	version := uint64(1)
	if v := meta.Get(keyVersion); len(v) == 8 {
		version = binary.BigEndian.Uint64(v)
	} else if tx.Bucket(bucketHandshakes).Stats().KeyN == 0 && tx.Bucket(bucketReports).Stats().KeyN == 0 {
		version = schemaVersion // a new store
	}
	if version > schemaVersion {
		return fmt.Errorf("store layout version %d is newer than this ltsd knows (%d): use a newer ltsd", version, schemaVersion)
	}
	if version < 2 {
		// Version 1 kept report ids forever: keep them for the default
		// usage window after they were received.
		rb, kb := tx.Bucket(bucketReports), tx.Bucket(bucketReportKeep)
		err := rb.ForEach(func(k, v []byte) error {
			var r lts.ReportRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("corrupt report %q: %w", k, err)
			}
			if r.KeepUntil.IsZero() {
				r.KeepUntil = r.Received.Add(lts.DefaultUsageWindow)
			}
			device, id, _ := bytes.Cut(k, []byte{0})
			r.Device, r.ReportID = string(device), string(id)
			if err := putJSON(rb, k, &r); err != nil {
				return err
			}
			return kb.Put(keepKey(r.KeepUntil, k), nil)
		})
		if err != nil {
			return err
		}
	}
	if version < 3 {
		if err := indexDevices(tx); err != nil {
			return err
		}
	}
	if version < 4 {
		if err := sumMonths(tx); err != nil {
			return err
		}
	}
	if version < 5 {
		if err := sumDevices(tx); err != nil {
			return err
		}
	}
	return meta.Put(keyVersion, be64(schemaVersion))
}

// Close closes the store. It is idempotent.
func (s *Store) Close() error { return s.db.Close() }

// Path returns the file of the store.
func (s *Store) Path() string { return s.db.Path() }

func key(parts ...string) []byte {
	var b []byte
	for i, p := range parts {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, p...)
	}
	return b
}

func be64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}

func u64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// keepKey is the report-keep index key: the keep time first, so that a
// cursor meets the reports to prune first.
func keepKey(until time.Time, reportKey []byte) []byte {
	return append(be64(uint64(max(until.Unix(), 0))), reportKey...)
}

func getJSON(b *bolt.Bucket, k []byte, v any) (bool, error) {
	data := b.Get(k)
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("corrupt record %q: %w", k, err)
	}
	return true, nil
}

func putJSON(b *bolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}

// view and update run fn in a read or write transaction unless ctx has
// ended: bbolt does not take contexts.
func (s *Store) view(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

func (s *Store) update(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(fn)
}

// ImportLicense implements lts.Catalog.
func (s *Store) ImportLicense(ctx context.Context, l *wire.License, signed *wire.Signed, now time.Time) (outcome lts.ImportOutcome, err error) {
	err = s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLicenses)
		var old lts.LicenseRecord
		found, err := getJSON(b, []byte(l.ID), &old)
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
		return putJSON(b, []byte(l.ID), &rec)
	})
	return outcome, err
}

// Licenses implements lts.Catalog.
func (s *Store) Licenses(ctx context.Context) ([]lts.LicenseRecord, error) {
	var out []lts.LicenseRecord
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketLicenses).ForEach(func(k, v []byte) error {
			var r lts.LicenseRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("corrupt license %q: %w", k, err)
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// CreateHandshake implements lts.Catalog.
func (s *Store) CreateHandshake(ctx context.Context, h *lts.Handshake) error {
	if err := h.Validate(); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		hb := tx.Bucket(bucketHandshakes)
		if hb.Get([]byte(h.Code)) != nil {
			return fmt.Errorf("handshake code %s: %w", h.Code, lts.ErrExists)
		}
		if err := bindLicenses(tx, h.Code, h.Licenses); err != nil {
			return err
		}
		return putJSON(hb, []byte(h.Code), h)
	})
}

// AddLicenses implements lts.Catalog.
func (s *Store) AddLicenses(ctx context.Context, code string, ids []string) error {
	return s.update(ctx, func(tx *bolt.Tx) error {
		hb := tx.Bucket(bucketHandshakes)
		var h lts.Handshake
		found, err := getJSON(hb, []byte(code), &h)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("handshake code %s: %w", code, lts.ErrNotFound)
		}
		if err := bindLicenses(tx, code, ids); err != nil {
			return err
		}
		h.AddLicenses(ids)
		return putJSON(hb, []byte(code), &h)
	})
}

func bindLicenses(tx *bolt.Tx, code string, ids []string) error {
	lb := tx.Bucket(bucketLicenses)
	return lts.BindLicenses(code, ids, func(id string) (*lts.LicenseRecord, error) {
		var r lts.LicenseRecord
		found, err := getJSON(lb, []byte(id), &r)
		if err != nil || !found {
			return nil, err
		}
		return &r, nil
	}, func(r *lts.LicenseRecord) error { return putJSON(lb, []byte(r.License.ID), r) })
}

// Handshake implements lts.Catalog.
func (s *Store) Handshake(ctx context.Context, code string) (*lts.Handshake, error) {
	var h lts.Handshake
	err := s.view(ctx, func(tx *bolt.Tx) error {
		found, err := getJSON(tx.Bucket(bucketHandshakes), []byte(code), &h)
		if err == nil && !found {
			err = fmt.Errorf("handshake code %s: %w", code, lts.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &h, nil
}

// Handshakes implements lts.Catalog.
func (s *Store) Handshakes(ctx context.Context) ([]lts.Handshake, error) {
	var out []lts.Handshake
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketHandshakes).ForEach(func(k, v []byte) error {
			var h lts.Handshake
			if err := json.Unmarshal(v, &h); err != nil {
				return fmt.Errorf("corrupt handshake %q: %w", k, err)
			}
			out = append(out, h)
			return nil
		})
	})
	return out, err
}

// Devices implements lts.DeviceAdmin.
func (s *Store) Devices(ctx context.Context, code string) ([]lts.Device, error) {
	var out []lts.Device
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketDevices).Cursor()
		var prefix []byte
		if code != "" {
			prefix = key(code, "")
		}
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var d lts.Device
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("corrupt device %q: %w", k, err)
			}
			out = append(out, d)
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].FirstSeen.Before(out[j].FirstSeen) })
	return out, err
}

// SetDeviceState implements lts.DeviceAdmin.
func (s *Store) SetDeviceState(ctx context.Context, id string, action lts.DeviceAction, now time.Time) (changed bool, err error) {
	err = s.update(ctx, func(tx *bolt.Tx) error {
		changed = false // a retried transaction decides again
		b := tx.Bucket(bucketDevices)
		type hit struct {
			k []byte
			d lts.Device
		}
		var hits []hit
		err := b.ForEach(func(k, v []byte) error {
			_, dev, _ := bytes.Cut(k, []byte{0})
			if string(dev) != id {
				return nil
			}
			var d lts.Device
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("corrupt device %q: %w", k, err)
			}
			hits = append(hits, hit{append([]byte{}, k...), d})
			return nil
		})
		if err != nil {
			return err
		}
		if len(hits) == 0 {
			return fmt.Errorf("device %s: %w", id, lts.ErrNotFound)
		}
		for _, h := range hits {
			changed = changed || action.Changes(&h.d)
			if err := action.Apply(&h.d, now); err != nil {
				return err
			}
			if err := putDevice(tx, &h.d); err != nil {
				return err
			}
		}
		return nil
	})
	return changed && err == nil, err
}

// ActiveDevices implements lts.DeviceAdmin.
func (s *Store) ActiveDevices(ctx context.Context, code string, since time.Time) (int, error) {
	var n int
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		n, err = activeDevices(tx, code, since)
		return err
	})
	return n, err
}

// Used implements lts.UsageReader.
func (s *Store) Used(ctx context.Context, code string, now time.Time) (lts.Used, error) {
	var u lts.Used
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		u, err = usedAt(tx, code, now)
		return err
	})
	return u, err
}

// UsedByCode implements lts.UsageReader.
func (s *Store) UsedByCode(ctx context.Context, now time.Time) (map[string]lts.Used, error) {
	out := map[string]lts.Used{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return eachCode(tx.Bucket(bucketUsage).Cursor(), func(code []byte) error {
			u, err := usedAt(tx, string(code), now)
			if u != (lts.Used{}) {
				out[string(code)] = u
			}
			return err
		})
	})
	return out, err
}

// eachCode calls fn with each handshake code that keys of c's bucket
// start with (code, zero byte, …), skipping over the rest of the code's
// keys: fn may move c.
func eachCode(c *bolt.Cursor, fn func(code []byte) error) error {
	for k, _ := c.First(); k != nil; {
		code, _, ok := bytes.Cut(k, []byte{0})
		if !ok {
			return fmt.Errorf("corrupt key %q", k)
		}
		code = bytes.Clone(code)
		if err := fn(code); err != nil {
			return err
		}
		k, _ = c.Seek(append(code, 1)) // codes hold no byte below ' '
	}
	return nil
}

// Usage implements lts.UsageReader: it reads the days of q's range (the
// months, for months and years), code by code, and adds them up into q's
// periods.
func (s *Store) Usage(ctx context.Context, q lts.UsageQuery) ([]lts.UsageRow, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	bucket, layout, cut := bucketUsageMons, len(monthLayout), len(monthLayout)
	switch q.Granularity {
	case wire.PeriodDay:
		bucket, layout, cut = bucketUsage, len(lts.DayLayout), len(lts.DayLayout)
	case wire.PeriodYear:
		cut = len("2006")
	}
	first, last := q.Days()
	first, last = first[:min(len(first), layout)], last[:min(len(last), layout)]
	var rows []lts.UsageRow
	readCode := func(c *bolt.Cursor, code []byte) error {
		prefix := key(string(code), "")
		index := map[string]int{} // period and symbology → row
		var buf []byte
		for k, v := c.Seek(append(prefix, first...)); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			rest := k[len(prefix):]
			if len(rest) < layout+1 || rest[layout] != 0 || len(v) != 8 {
				return fmt.Errorf("corrupt usage record %q", k)
			}
			period, sym := rest[:layout], rest[layout+1:]
			if last != "" && string(period) > last {
				break
			}
			buf = append(append(append(buf[:0], period[:cut]...), 0), sym...)
			i, ok := index[string(buf)]
			if !ok {
				i = len(rows)
				index[string(buf)] = i
				rows = append(rows, lts.UsageRow{Handshake: string(code), Period: string(period[:cut]), Symbology: string(sym)})
			}
			// totals are at most lts.MaxTotal: the sum of two fits
			rows[i].Count = min(rows[i].Count+u64(v), lts.MaxTotal)
		}
		return nil
	}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucket).Cursor()
		if q.Handshake != "" {
			return readCode(c, []byte(q.Handshake))
		}
		return eachCode(c, func(code []byte) error { return readCode(c, code) })
	})
	lts.SortUsage(rows)
	return rows, err
}

// Reports implements lts.UsageReader.
func (s *Store) Reports(ctx context.Context, fn func(lts.ReportRecord) error) error {
	return s.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketReports).ForEach(func(k, v []byte) error {
			var r lts.ReportRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("corrupt report %q: %w", k, err)
			}
			return fn(r)
		})
	})
}

// HasReport implements lts.UsageReader.
func (s *Store) HasReport(ctx context.Context, device, reportID string) (bool, error) {
	var ok bool
	err := s.view(ctx, func(tx *bolt.Tx) error {
		ok = tx.Bucket(bucketReports).Get(key(device, reportID)) != nil
		return nil
	})
	return ok, err
}

// Prune implements lts.Store.
func (s *Store) Prune(ctx context.Context, now time.Time) (lts.Pruned, error) {
	var p lts.Pruned
	err := s.update(ctx, func(tx *bolt.Tx) error {
		p = lts.Pruned{}
		rb, kb := tx.Bucket(bucketReports), tx.Bucket(bucketReportKeep)
		c := kb.Cursor()
		limit := be64(uint64(max(now.Unix(), 0)))
		for k, _ := c.First(); len(k) >= 8 && bytes.Compare(k[:8], limit) < 0; k, _ = c.First() {
			if err := rb.Delete(k[8:]); err != nil {
				return err
			}
			if err := c.Delete(); err != nil {
				return err
			}
			p.Reports++
		}
		nb := tx.Bucket(bucketNonces)
		var expired [][]byte
		err := nb.ForEach(func(k, v []byte) error {
			if int64(u64(v)) < now.Unix() {
				expired = append(expired, append([]byte{}, k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range expired {
			if err := nb.Delete(k); err != nil {
				return err
			}
		}
		p.Nonces = len(expired)
		if p.Sessions, err = pruneSessions(tx, now); err != nil {
			return err
		}
		p.DeviceUsage, err = pruneDeviceUsage(tx, now)
		return err
	})
	return p, err
}
