package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	bolt "go.etcd.io/bbolt"
)

// A device's summary is what operators' views filter, count and sort on,
// kept beside its JSON record under the same key so that a view of ten
// thousand devices reads small fixed records instead of decoding every
// device: last seen (Unix seconds, int64 BE; nanoseconds, uint32 BE),
// flags, then domain, address and software, each a uvarint length and
// its bytes.
const (
	summaryFlagRemoved = 1 << iota
	summaryFlagRevoked
)

// summaryHead is the fixed part of a summary.
const summaryHead = 8 + 4 + 1

type summary struct {
	lastSeen                  time.Time
	removed, revoked          bool
	domain, address, software []byte // alias the transaction's memory
}

func encodeSummary(d *lts.Device) []byte {
	b := make([]byte, summaryHead, summaryHead+len(d.Domain)+len(d.Address)+len(d.Software)+3*binary.MaxVarintLen16)
	binary.BigEndian.PutUint64(b, uint64(d.LastSeen.Unix()))
	binary.BigEndian.PutUint32(b[8:], uint32(d.LastSeen.Nanosecond()))
	if d.Removed {
		b[12] |= summaryFlagRemoved
	}
	if d.Revoked {
		b[12] |= summaryFlagRevoked
	}
	for _, s := range []string{d.Domain, d.Address, d.Software} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

func decodeSummary(k, v []byte) (summary, error) {
	if len(v) < summaryHead {
		return summary{}, fmt.Errorf("corrupt device summary %q", k)
	}
	s := summary{
		lastSeen: time.Unix(int64(binary.BigEndian.Uint64(v)), int64(binary.BigEndian.Uint32(v[8:]))).UTC(),
		removed:  v[12]&summaryFlagRemoved != 0,
		revoked:  v[12]&summaryFlagRevoked != 0,
	}
	rest := v[summaryHead:]
	for _, f := range []*[]byte{&s.domain, &s.address, &s.software} {
		n, w := binary.Uvarint(rest)
		if w <= 0 || n > uint64(len(rest)-w) {
			return summary{}, fmt.Errorf("corrupt device summary %q", k)
		}
		*f, rest = rest[w:w+int(n)], rest[w+int(n):]
	}
	return s, nil
}

// putDevice writes a device and its summary: every write of a device goes
// through here.
func putDevice(tx *bolt.Tx, d *lts.Device) error {
	k := key(d.Handshake, d.ID)
	if err := putJSON(tx.Bucket(bucketDevices), k, d); err != nil {
		return err
	}
	return tx.Bucket(bucketDeviceSums).Put(k, encodeSummary(d))
}

// indexDevices writes the summary of every device (schema version 3).
func indexDevices(tx *bolt.Tx) error {
	sb := tx.Bucket(bucketDeviceSums)
	return tx.Bucket(bucketDevices).ForEach(func(k, v []byte) error {
		var d lts.Device
		if err := json.Unmarshal(v, &d); err != nil {
			return fmt.Errorf("corrupt device %q: %w", k, err)
		}
		return sb.Put(k, encodeSummary(&d))
	})
}

// eachSummary calls fn with the summary of every device of code (of every
// code when code is empty).
func eachSummary(tx *bolt.Tx, code string, fn func(code, id []byte, s *summary) error) error {
	var prefix []byte
	if code != "" {
		prefix = key(code, "")
	}
	c := tx.Bucket(bucketDeviceSums).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		code, id, ok := bytes.Cut(k, []byte{0})
		if !ok {
			return fmt.Errorf("corrupt device key %q", k)
		}
		s, err := decodeSummary(k, v)
		if err != nil {
			return err
		}
		if err := fn(code, id, &s); err != nil {
			return err
		}
	}
	return nil
}

// matching calls fn with each device q's Handshake and Search keep, and
// its state.
func matching(tx *bolt.Tx, q *lts.DeviceQuery, fn func(code, id []byte, s *summary, state lts.DeviceState)) error {
	needle := q.Needle()
	return eachSummary(tx, q.Handshake, func(code, id []byte, s *summary) error {
		c := string(code) // short: codes are at most 64 bytes
		if needle != "" && !q.Matches(c, string(id), string(s.domain), string(s.address), string(s.software), needle) {
			return nil
		}
		fn(code, id, s, q.StateOf(c, s.lastSeen, s.removed, s.revoked))
		return nil
	})
}

// DeviceCounts implements lts.DeviceAdmin.
func (s *Store) DeviceCounts(ctx context.Context, q *lts.DeviceQuery) (map[string]lts.DeviceCount, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	out := map[string]lts.DeviceCount{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return matching(tx, q, func(code, _ []byte, sum *summary, state lts.DeviceState) {
			c := out[string(code)]
			c.Add(state, q.HoldsSlot(string(code), sum.lastSeen, sum.removed, sum.revoked))
			out[string(code)] = c
		})
	})
	return out, err
}

// ListDevices implements lts.DeviceAdmin: it sorts the summaries and reads
// the records of one page.
func (s *Store) ListDevices(ctx context.Context, q *lts.DeviceQuery) ([]lts.Device, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	type hit struct {
		seen     time.Time
		code, id string
	}
	var out []lts.Device
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var hits []hit
		err := matching(tx, q, func(code, id []byte, sum *summary, state lts.DeviceState) {
			if q.State == "" || state == q.State {
				hits = append(hits, hit{sum.lastSeen, string(code), string(id)})
			}
		})
		if err != nil {
			return err
		}
		slices.SortFunc(hits, func(a, b hit) int { return q.CompareSeen(a.seen, a.code, a.id, b.seen, b.code, b.id) })
		from, to := q.Page(len(hits))
		db := tx.Bucket(bucketDevices)
		for _, h := range hits[from:to] {
			var d lts.Device
			found, err := getJSON(db, key(h.code, h.id), &d)
			if err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("corrupt store: device %s of %s has a summary but no record", h.id, h.code)
			}
			out = append(out, d)
		}
		return nil
	})
	return out, err
}
