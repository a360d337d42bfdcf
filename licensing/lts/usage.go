package lts

import (
	"bytes"
	"encoding/binary"
	"sort"
	"time"

	"github.com/scannerd/scannerd/licensing/wire"
	bolt "go.etcd.io/bbolt"
)

// UsageRow is the number of scans of one symbology under one handshake code
// in one period.
type UsageRow struct {
	Handshake string `json:"handshake"`
	Period    string `json:"period"` // "2026-11-29", "2026-11" or "2026"
	Symbology string `json:"symbology"`
	Count     uint64 `json:"count"`
}

// Usage returns usage totals per handshake code, period and symbology, with
// periods of the given granularity (day, month or year). A non-empty code
// restricts the rows to that handshake code.
func (s *Store) Usage(granularity, code string) ([]UsageRow, error) {
	cut := len("2006-01")
	switch granularity {
	case wire.PeriodDay:
		cut = len(dayLayout)
	case wire.PeriodYear:
		cut = len("2006")
	}
	type rowKey struct{ code, period, sym string }
	sums := map[rowKey]uint64{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUsage).ForEach(func(k, v []byte) error {
			parts := bytes.Split(k, []byte{0})
			if len(parts) != 3 || len(v) != 8 || len(parts[1]) != len(dayLayout) {
				return nil
			}
			if code != "" && string(parts[0]) != code {
				return nil
			}
			sums[rowKey{string(parts[0]), string(parts[1][:cut]), string(parts[2])}] += binary.BigEndian.Uint64(v)
			return nil
		})
	})
	rows := make([]UsageRow, 0, len(sums))
	for k, n := range sums {
		rows = append(rows, UsageRow{Handshake: k.code, Period: k.period, Symbology: k.sym, Count: n})
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Handshake != b.Handshake {
			return a.Handshake < b.Handshake
		}
		if a.Period != b.Period {
			return a.Period < b.Period
		}
		return a.Symbology < b.Symbology
	})
	return rows, err
}

// Totals returns the all-time scan count per symbology of a handshake code
// (of all codes when code is empty).
func (s *Store) Totals(code string) (map[string]uint64, error) {
	rows, err := s.Usage(wire.PeriodYear, code)
	out := map[string]uint64{}
	for _, r := range rows {
		out[r.Symbology] += r.Count
	}
	return out, err
}

// ReportCount returns how many distinct usage reports were counted.
func (s *Store) ReportCount() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketReports).Stats().KeyN
		return nil
	})
	return n, err
}

// HasReport reports whether a usage report was counted.
func (s *Store) HasReport(device, reportID string) (bool, error) {
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		ok = tx.Bucket(bucketReports).Get(key(device, reportID)) != nil
		return nil
	})
	return ok, err
}

// QuotaState returns the scan quota state of a handshake code at now.
func (s *Store) QuotaState(code string, now time.Time) (wire.Quota, error) {
	var q wire.Quota
	err := s.db.View(func(tx *bolt.Tx) error {
		var h Handshake
		found, err := getJSON(tx.Bucket(bucketHandshakes), []byte(code), &h)
		if err != nil || !found {
			return err
		}
		t, err := termsOf(tx, &h, now)
		if err != nil {
			return err
		}
		q = quota(tx, &h, t, now)
		return nil
	})
	return q, err
}
