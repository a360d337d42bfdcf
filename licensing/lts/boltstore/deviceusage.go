package boltstore

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
	bolt "go.etcd.io/bbolt"
)

// addDeviceUsage counts a report's scans to its device's day and month
// totals.
func addDeviceUsage(tx *bolt.Tx, code string, rep *wire.UsageReport, now time.Time) error {
	days, months := tx.Bucket(bucketDeviceDays), tx.Bucket(bucketDeviceMons)
	for day, n := range lts.DeviceCounts(rep, now) {
		for _, kv := range []struct {
			b *bolt.Bucket
			k []byte
		}{
			{days, key(code, day.Format(lts.DayLayout), rep.Device)},
			{months, key(code, day.Format("2006-01"), rep.Device)},
		} {
			if err := kv.b.Put(kv.k, be64(lts.AddDeviceTotal(u64(kv.b.Get(kv.k)), n))); err != nil {
				return err
			}
		}
	}
	return nil
}

// DeviceUsage implements lts.UsageReader.
func (s *Store) DeviceUsage(ctx context.Context, q lts.DeviceUsageQuery) ([]lts.DeviceUsageRow, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	bucket := bucketDeviceMons
	if q.Granularity == wire.PeriodDay {
		bucket = bucketDeviceDays
	}
	from, to := q.Bounds()
	var out []lts.DeviceUsageRow
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucket).Cursor()
		var prefix, seek []byte
		if q.Handshake != "" {
			prefix = key(q.Handshake, "")
			seek = key(q.Handshake, from)
		}
		for k, v := c.Seek(seek); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			parts := bytes.SplitN(k, []byte{0}, 3)
			if len(parts) != 3 || len(v) != 8 {
				return fmt.Errorf("corrupt device usage record %q", k)
			}
			period := string(parts[1])
			if to != "" && period > to {
				if q.Handshake != "" {
					break
				}
				continue
			}
			if period < from || q.Device != "" && string(parts[2]) != q.Device {
				continue
			}
			out = append(out, lts.DeviceUsageRow{Handshake: string(parts[0]), Period: period, Device: string(parts[2]), Count: u64(v)})
		}
		return nil
	})
	lts.SortDeviceUsage(out)
	return out, err
}

// pruneDeviceUsage deletes device totals older than lts.DeviceUsageKept.
func pruneDeviceUsage(tx *bolt.Tx, now time.Time) (int, error) {
	firstDay, firstMonth := lts.DeviceUsageKept(now)
	n := 0
	for _, b := range []struct {
		bucket []byte
		first  string
	}{{bucketDeviceDays, firstDay.Format(lts.DayLayout)}, {bucketDeviceMons, firstMonth.Format("2006-01")}} {
		var old [][]byte
		err := tx.Bucket(b.bucket).ForEach(func(k, _ []byte) error {
			parts := bytes.SplitN(k, []byte{0}, 3)
			if len(parts) == 3 && string(parts[1]) < b.first {
				old = append(old, append([]byte{}, k...))
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
		for _, k := range old {
			if err := tx.Bucket(b.bucket).Delete(k); err != nil {
				return 0, err
			}
		}
		n += len(old)
	}
	return n, nil
}
