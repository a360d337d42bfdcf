package licensing

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// MarkFile is the name of the rollback mark in its directory.
const MarkFile = "licensing.mark"

// The rollback mark is a second copy, kept outside the state directory, of
// what a restored copy of the store would take back: the latest device
// time, and where usage stood. Every write to the store that matters moves
// the store's generation on; the mark records the generation it copies. A
// store whose generation is behind the mark's was put back from a copy:
// its clock, authorization and usage are older than the device has been.
// Then the device takes the clock and the usage from the mark, drops the
// authorization it holds (it must reach the LTS again), and records what
// happened. The mark is rewritten at most a second after each metered
// batch, right after usage is cut into a report, and on Close.
type markRecord struct {
	Device  string      `json:"device"`
	Gen     uint64      `json:"gen"`
	Clock   clockRecord `json:"clock"`
	Seq     uint64      `json:"seq"`
	Written time.Time   `json:"written"` // device time
	// Totals are the scans ever metered per symbology.
	Totals map[string]uint64 `json:"totals"`
	// Counters are the scans metered and not yet cut into a report, per
	// symbology; Reports are those cut and not yet acknowledged.
	Counters map[string]uint64 `json:"counters"`
	Reports  []pendingReport   `json:"reports"`
	// Lease is the scan lease and how much of it was used.
	Lease *leaseRecord `json:"lease,omitempty"`
	// Journal is the sequence number of the last usage journal record in
	// the store (and so in the mark): records after it are newer than
	// the mark.
	Journal uint64 `json:"journal,omitempty"`
}

// markFile is the envelope on disk: the record and its checksum, so that a
// damaged mark is known as such rather than taken for a rollback.
type markFile struct {
	Mark json.RawMessage `json:"mark"`
	Sum  string          `json:"sha256"`
}

// marker writes the mark; one write at a time, never an older generation
// over a newer one.
type marker struct {
	path    string
	mu      sync.Mutex // held while a write, with its fsync, runs
	written uint64     // generation last written
	// failed is the last write's failure (nil: it succeeded), read by
	// Status without waiting for a write in progress.
	failed atomic.Pointer[error]
}

func markPath(cfg *Config) string {
	if cfg.MarkFile != "" {
		return cfg.MarkFile
	}
	dir := filepath.Clean(cfg.StateDir)
	return filepath.Join(filepath.Dir(dir), filepath.Base(dir)+"-mark", MarkFile)
}

// readMark reads the mark; a missing mark is (nil, nil).
func readMark(path string) (*markRecord, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var f markFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("rollback mark %s: %w", path, err)
	}
	sum := sha256.Sum256(f.Mark)
	if hex.EncodeToString(sum[:]) != f.Sum {
		return nil, fmt.Errorf("rollback mark %s: checksum does not match", path)
	}
	var m markRecord
	if err := json.Unmarshal(f.Mark, &m); err != nil {
		return nil, fmt.Errorf("rollback mark %s: %w", path, err)
	}
	return &m, nil
}

// snapshotMark reads what the mark copies from the store, in one
// transaction.
func (s *store) snapshotMark(device string, now time.Time) (*markRecord, error) {
	m := &markRecord{Device: device, Written: now, Totals: map[string]uint64{}, Counters: map[string]uint64{}, Reports: []pendingReport{}}
	err := s.db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		m.Gen, m.Seq, m.Journal = u64(meta.Get(keyGen)), u64(meta.Get(keySeq)), u64(meta.Get(keyJournal))
		if v := meta.Get(keyClock); v != nil {
			if err := jsonUnmarshal(v, &m.Clock); err != nil {
				return err
			}
		}
		if v := meta.Get(keyLease); v != nil {
			m.Lease = &leaseRecord{}
			if err := jsonUnmarshal(v, m.Lease); err != nil {
				return err
			}
		}
		tx.Bucket(bucketTotals).ForEach(func(k, v []byte) error {
			m.Totals[string(k)] = u64(v)
			return nil
		})
		tx.Bucket(bucketCounters).ForEach(func(k, v []byte) error {
			if len(k) > 8 {
				m.Counters[string(k[8:])] += u64(v)
			}
			return nil
		})
		return tx.Bucket(bucketReports).ForEach(func(k, v []byte) error {
			var r pendingReport
			if err := jsonUnmarshal(v, &r); err != nil {
				return err
			}
			m.Reports = append(m.Reports, r)
			return nil
		})
	})
	return m, err
}

// write replaces the mark with m unless a newer generation is there
// already: written to a new file, synced, renamed over the old one.
func (w *marker) write(m *markRecord) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if m.Gen < w.written {
		return nil
	}
	err := w.writeFile(m)
	if err == nil {
		w.written = m.Gen
		w.failed.Store(nil)
	} else {
		w.failed.Store(&err)
	}
	return err
}

func (w *marker) writeFile(m *markRecord) error {
	body, err := json.Marshal(m)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	data, err := json.Marshal(markFile{Mark: body, Sum: hex.EncodeToString(sum[:])})
	if err != nil {
		return err
	}
	dir := filepath.Dir(w.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("write rollback mark: %w", err)
	}
	tmp := w.path + ".new"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("write rollback mark: %w", err)
	}
	_, err = f.Write(data)
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, w.path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write rollback mark: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// writeMark copies the store's state, with the usage journal folded in,
// into the mark now.
func (c *Client) writeMark() error {
	if err := c.fold(); err != nil {
		return err
	}
	m, err := c.store.snapshotMark(c.id.Device, c.clock.tick())
	if err != nil {
		return err
	}
	return c.mark.write(m)
}

// markBehind reports whether the mark holds an older generation than the
// store has now, or the journal holds usage not yet folded into either.
func (c *Client) markBehind() bool {
	if u := c.journal.pending(); !u.empty() {
		return true
	}
	var gen uint64
	c.store.db.View(func(tx *bolt.Tx) error {
		gen = u64(tx.Bucket(bucketMeta).Get(keyGen))
		return nil
	})
	c.mark.mu.Lock()
	defer c.mark.mu.Unlock()
	return c.mark.written < gen
}

// checkRollback compares the store with the mark at open. A store behind
// the mark was restored from a copy: the mark's clock and usage replace
// the store's, the authorization is dropped, and a recovery record says so.
func (c *Client) checkRollback() error {
	m, err := readMark(c.mark.path)
	if err != nil {
		// A damaged mark proves nothing either way; it is rewritten.
		c.log.Warn("rollback mark unreadable, writing a new one", "err", err)
		return nil
	}
	if m == nil || m.Device != c.id.Device {
		return nil
	}
	var rec *recoveryRecord
	err = c.store.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		gen := u64(meta.Get(keyGen))
		if m.Gen <= gen {
			return nil
		}
		var clk clockRecord
		if v := meta.Get(keyClock); v != nil {
			if err := jsonUnmarshal(v, &clk); err != nil {
				return err
			}
		}
		var erased, restored uint64
		tb := tx.Bucket(bucketTotals)
		for name, n := range m.Totals {
			if have := u64(tb.Get([]byte(name))); n > have {
				erased += n - have
				if err := tb.Put([]byte(name), be64(n)); err != nil {
					return err
				}
			}
		}
		// The usage the mark holds replaces the store's: counts the copy
		// still has as unreported may have been reported since.
		for _, b := range [][]byte{bucketCounters, bucketReports} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
			if _, err := tx.CreateBucket(b); err != nil {
				return err
			}
		}
		slot := be64(uint64(m.Written.Truncate(SlotLength).Unix()))
		cb, rb := tx.Bucket(bucketCounters), tx.Bucket(bucketReports)
		for name, n := range m.Counters {
			if n == 0 || !validSymbology(name) {
				continue
			}
			restored += n
			if err := cb.Put(append(append([]byte{}, slot...), name...), be64(n)); err != nil {
				return err
			}
		}
		for i := range m.Reports {
			r := &m.Reports[i]
			if !validReport(r) {
				continue
			}
			restored += r.Scans
			if err := putJSON(rb, be64(r.Seq), r); err != nil {
				return err
			}
		}
		if m.Journal > u64(meta.Get(keyJournal)) {
			// The journal records in the mark are not folded again.
			if err := meta.Put(keyJournal, be64(m.Journal)); err != nil {
				return err
			}
		}
		if m.Seq > u64(meta.Get(keySeq)) {
			if err := meta.Put(keySeq, be64(m.Seq)); err != nil {
				return err
			}
		}
		if m.Clock.HighWater.After(clk.HighWater) {
			if err := putJSON(meta, keyClock, &m.Clock); err != nil {
				return err
			}
		}
		if err := meta.Delete(keyAuth); err != nil {
			return err
		}
		if m.Lease != nil {
			// The scans the copy lacks were metered against the lease too.
			if err := putJSON(meta, keyLease, m.Lease); err != nil {
				return err
			}
		}
		rec = &recoveryRecord{At: c.now().UTC(), Scans: restored, Reports: len(m.Reports), Rollback: true, Erased: erased,
			Reason: fmt.Sprintf("rollback: the store (generation %d) is older than the rollback mark %s (generation %d, written %s): "+
				"it was restored from a copy. Took the device clock and %d unreported scans from the mark (%d scans the copy did not hold); "+
				"dropped the authorization, the device must reach the LTS again",
				gen, c.mark.path, m.Gen, m.Written.UTC().Format(time.RFC3339), restored, erased)}
		if err := putJSON(meta, keyRecovery, rec); err != nil {
			return err
		}
		return meta.Put(keyGen, be64(m.Gen+1))
	})
	if err != nil {
		return fmt.Errorf("open licensing store: %w", err)
	}
	if rec != nil {
		c.log.Error("licensing store rolled back", "recovery", rec.Reason)
	}
	return nil
}
