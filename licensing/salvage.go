package licensing

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
	bolt "go.etcd.io/bbolt"
)

// recoveryRecord says that the store was rebuilt, why, and what was kept.
// It lives in the store, so every later run reports it (Status.StoreRecovered).
type recoveryRecord struct {
	At         time.Time `json:"at"`
	Reason     string    `json:"reason"`
	MovedTo    string    `json:"moved_to,omitempty"`
	Scans      uint64    `json:"scans"`   // unreported scans carried over
	Reports    int       `json:"reports"` // pending reports among them
	Unreadable string    `json:"unreadable,omitempty"`
	// Rollback is set when the store was found put back from an older copy;
	// Reported once the LTS has been told.
	Rollback bool   `json:"rollback,omitempty"`
	Erased   uint64 `json:"erased,omitempty"` // scans metered since the copy, from the mark
	Reported bool   `json:"reported,omitempty"`
}

func (r *recoveryRecord) String() string {
	s := fmt.Sprintf("%s: %s", r.At.Format(time.RFC3339), r.Reason)
	if r.MovedTo == "" {
		return s
	}
	s += fmt.Sprintf("; moved to %s and started a new store; carried over %d unreported scans (%d pending reports)", r.MovedTo, r.Scans, r.Reports)
	if r.Unreadable != "" {
		s += "; could not read: " + r.Unreadable
	}
	return s
}

// salvaged is what could be read of a damaged store: only records that
// decode and check as the store would write them.
type salvaged struct {
	meta     map[string][]byte
	counters map[string][]byte
	reports  map[string][]byte
	totals   map[string][]byte
	scans    uint64
	damage   []error
}

// salvageStore reads what it can of the store at path without bbolt.
func salvageStore(path string) (*salvaged, error) {
	sv := &salvaged{meta: map[string][]byte{}, counters: map[string][]byte{}, reports: map[string][]byte{}, totals: map[string][]byte{}}
	damage, err := salvageStoreFile(path, func(bucket, k, v []byte) {
		k, v = bytes.Clone(k), bytes.Clone(v)
		switch {
		case bytes.Equal(bucket, bucketMeta):
			if validMeta(k, v) {
				sv.meta[string(k)] = v
			}
		case bytes.Equal(bucket, bucketCounters):
			if len(k) > 8 && validSymbology(string(k[8:])) && len(v) == 8 {
				sv.counters[string(k)] = v
			}
		case bytes.Equal(bucket, bucketReports):
			var r pendingReport
			if len(k) == 8 && json.Unmarshal(v, &r) == nil && validReport(&r) {
				sv.reports[string(k)] = v
			}
		case bytes.Equal(bucket, bucketTotals):
			if validSymbology(string(k)) && len(v) == 8 {
				sv.totals[string(k)] = v
			}
		}
	})
	sv.damage = damage
	for _, v := range sv.counters {
		sv.scans += u64(v)
	}
	for _, v := range sv.reports {
		var r pendingReport
		json.Unmarshal(v, &r)
		sv.scans += r.Scans
	}
	return sv, err
}

// restore writes the salvaged records into a new store's buckets.
func (sv *salvaged) restore(tx *bolt.Tx) error {
	for _, b := range []struct {
		name []byte
		kv   map[string][]byte
	}{{bucketMeta, sv.meta}, {bucketCounters, sv.counters}, {bucketReports, sv.reports}, {bucketTotals, sv.totals}} {
		bk := tx.Bucket(b.name)
		for k, v := range b.kv {
			if err := bk.Put([]byte(k), v); err != nil {
				return err
			}
		}
	}
	return nil
}

// validMeta accepts the meta records a store writes, in the form it writes
// them; anything else is left behind.
func validMeta(k, v []byte) bool {
	switch string(k) {
	case string(keyIdentity):
		var r identityRecord
		return json.Unmarshal(v, &r) == nil && wire.CheckDeviceID(r.Device) == nil && len(r.Key) == 32
	case string(keyAuth):
		return json.Unmarshal(v, &authRecord{}) == nil
	case string(keyClock):
		return json.Unmarshal(v, &clockRecord{}) == nil
	case string(keySync):
		return json.Unmarshal(v, &syncRecord{}) == nil
	case string(keySeq), string(keyGen), string(keyJournal):
		return len(v) == 8
	case string(keyLease):
		return json.Unmarshal(v, &leaseRecord{}) == nil
	}
	return false
}

// rollbackToReport returns what to tell the LTS of a rollback found and not
// reported yet, or "".
func (c *Client) rollbackToReport() string {
	var rec recoveryRecord
	found, err := c.store.getJSON(bucketMeta, keyRecovery, &rec)
	if err != nil || !found || !rec.Rollback || rec.Reported {
		return ""
	}
	msg := fmt.Sprintf("found at %s; %d scans metered since the copy were not in it", rec.At.Format(time.RFC3339), rec.Erased)
	return msg
}

// rollbackReported records that the LTS was told of the rollback.
func (c *Client) rollbackReported() {
	c.update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		var rec recoveryRecord
		if v := meta.Get(keyRecovery); v == nil || json.Unmarshal(v, &rec) != nil {
			return nil
		}
		rec.Reported = true
		return putJSON(meta, keyRecovery, &rec)
	})
}

func validSymbology(name string) bool {
	_, err := scanner.ParseSymbology(name)
	return err == nil
}

// validReport accepts a pending report the LTS would take.
func validReport(r *pendingReport) bool {
	if r.ID == "" || len(r.Counts) == 0 || len(r.Counts) > wire.MaxCounts {
		return false
	}
	var sum uint64
	for _, c := range r.Counts {
		if !validSymbology(c.Symbology) || c.Slot.IsZero() {
			return false
		}
		sum += c.Count
	}
	return sum == r.Scans
}
