package lts

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/scannerd/scannerd/licensing/wire"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Buckets of the store. Keys join their parts with a zero byte.
var (
	bucketLicenses   = []byte("licenses")   // license id → LicenseRecord
	bucketHandshakes = []byte("handshakes") // code → Handshake
	bucketDevices    = []byte("devices")    // code, device → Device
	bucketUsage      = []byte("usage")      // code, day, symbology → count (uint64 BE)
	bucketReports    = []byte("reports")    // device, report id → reportRecord
	allBuckets       = [][]byte{bucketLicenses, bucketHandshakes, bucketDevices, bucketUsage, bucketReports}
)

// Store is the LTS database: one bbolt file.
type Store struct {
	db *bolt.DB
}

// LicenseRecord is an imported license and the handshake code it is bound to.
type LicenseRecord struct {
	License   wire.License `json:"license"`
	Signed    *wire.Signed `json:"signed"`
	Handshake string       `json:"handshake,omitempty"`
	Imported  time.Time    `json:"imported"`
}

// Device is a device known to the LTS under one handshake code.
type Device struct {
	ID        string    `json:"id"`
	Handshake string    `json:"handshake"`
	Key       []byte    `json:"key"`
	Domain    string    `json:"domain,omitempty"`
	Address   string    `json:"address,omitempty"`
	Software  string    `json:"software,omitempty"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Removed   bool      `json:"removed,omitempty"` // freed its slot; re-registers on its next authorization
	Revoked   bool      `json:"revoked,omitempty"` // refused authorization until reinstated
}

type reportRecord struct {
	Handshake string    `json:"handshake"`
	Seq       uint64    `json:"seq"`
	Scans     uint64    `json:"scans"`
	Received  time.Time `json:"received"`
}

// OpenStore opens (creating if needed) the store at path. It waits at most a
// second for another process holding the file and then fails with ErrStoreBusy.
func OpenStore(path string) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open store %s: %w", path, ErrStoreBusy)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// Concurrent usage reports share one transaction (and one fsync);
	// waiting long for company would only add latency.
	db.MaxBatchDelay = 2 * time.Millisecond
	return &Store{db: db}, nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

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

// ImportLicense stores a verified license. A license with the same id is
// replaced by a newer issue of it (renewal) and keeps its handshake binding,
// so devices change nothing.
func (s *Store) ImportLicense(l *wire.License, signed *wire.Signed, now time.Time) (renewed bool, err error) {
	if len(l.Devices) > 0 {
		return false, ErrOfflineLicense
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLicenses)
		rec := LicenseRecord{License: *l, Signed: signed, Imported: now}
		var old LicenseRecord
		found, err := getJSON(b, []byte(l.ID), &old)
		if err != nil {
			return err
		}
		if found {
			if l.Issued.Before(old.License.Issued) {
				return fmt.Errorf("license %s: %w", l.ID, ErrLicenseOlder)
			}
			rec.Handshake = old.Handshake
			renewed = true
		}
		return putJSON(b, []byte(l.ID), &rec)
	})
	return renewed, err
}

// Licenses returns every imported license, by id.
func (s *Store) Licenses() ([]LicenseRecord, error) {
	var out []LicenseRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketLicenses).ForEach(func(k, v []byte) error {
			var r LicenseRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("corrupt license %q: %w", k, err)
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// CreateHandshake stores a new handshake code and binds its licenses to it.
func (s *Store) CreateHandshake(h *Handshake) error {
	if err := h.Validate(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		hb := tx.Bucket(bucketHandshakes)
		if hb.Get([]byte(h.Code)) != nil {
			return fmt.Errorf("handshake code %s: %w", h.Code, ErrExists)
		}
		if err := bindLicenses(tx, h.Code, h.Licenses); err != nil {
			return err
		}
		return putJSON(hb, []byte(h.Code), h)
	})
}

// AddLicenses binds more licenses to an existing handshake code.
func (s *Store) AddLicenses(code string, ids []string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		hb := tx.Bucket(bucketHandshakes)
		var h Handshake
		found, err := getJSON(hb, []byte(code), &h)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("handshake code %s: %w", code, ErrNotFound)
		}
		if err := bindLicenses(tx, code, ids); err != nil {
			return err
		}
		for _, id := range ids {
			if !contains(h.Licenses, id) {
				h.Licenses = append(h.Licenses, id)
			}
		}
		return putJSON(hb, []byte(code), &h)
	})
}

func bindLicenses(tx *bolt.Tx, code string, ids []string) error {
	lb := tx.Bucket(bucketLicenses)
	for _, id := range ids {
		var r LicenseRecord
		found, err := getJSON(lb, []byte(id), &r)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("license %s: %w (import it first)", id, ErrNotFound)
		}
		if r.Handshake != "" && r.Handshake != code {
			return fmt.Errorf("license %s: %w %s", id, ErrLicenseBound, r.Handshake)
		}
		r.Handshake = code
		if err := putJSON(lb, []byte(id), &r); err != nil {
			return err
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Handshake returns the handshake code's record.
func (s *Store) Handshake(code string) (*Handshake, error) {
	var h Handshake
	err := s.db.View(func(tx *bolt.Tx) error {
		found, err := getJSON(tx.Bucket(bucketHandshakes), []byte(code), &h)
		if err == nil && !found {
			err = fmt.Errorf("handshake code %s: %w", code, ErrNotFound)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &h, nil
}

// Handshakes returns every handshake code.
func (s *Store) Handshakes() ([]Handshake, error) {
	var out []Handshake
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketHandshakes).ForEach(func(k, v []byte) error {
			var h Handshake
			if err := json.Unmarshal(v, &h); err != nil {
				return fmt.Errorf("corrupt handshake %q: %w", k, err)
			}
			out = append(out, h)
			return nil
		})
	})
	return out, err
}

// Devices returns the devices of a handshake code, or of all codes when code
// is empty.
func (s *Store) Devices(code string) ([]Device, error) {
	var out []Device
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDevices).ForEach(func(k, v []byte) error {
			var d Device
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("corrupt device %q: %w", k, err)
			}
			if code == "" || d.Handshake == code {
				out = append(out, d)
			}
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].FirstSeen.Before(out[j].FirstSeen) })
	return out, err
}

// SetDeviceState marks a device removed (its slot is freed; it registers
// again on its next authorization, quota permitting), revoked (refused until
// reinstated), or reinstated. Usage from the device is still counted.
func (s *Store) SetDeviceState(id string, removed, revoked bool) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDevices)
		n := 0
		err := b.ForEach(func(k, v []byte) error {
			var d Device
			if err := json.Unmarshal(v, &d); err != nil || d.ID != id {
				return err
			}
			d.Removed, d.Revoked = removed, revoked
			n++
			return putJSON(b, append([]byte{}, k...), &d)
		})
		if err == nil && n == 0 {
			err = fmt.Errorf("device %s: %w", id, ErrNotFound)
		}
		return err
	})
}

func addCount(b *bolt.Bucket, k []byte, n uint64) error {
	var cur uint64
	if v := b.Get(k); len(v) == 8 {
		cur = binary.BigEndian.Uint64(v)
	}
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], cur+n)
	return b.Put(k, buf[:])
}

func jsonUnmarshal(data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("corrupt record: %w", err)
	}
	return nil
}
