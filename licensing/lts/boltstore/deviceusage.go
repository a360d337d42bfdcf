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
// totals, and to the sums of every device of its code.
func addDeviceUsage(tx *bolt.Tx, code string, rep *wire.UsageReport, now time.Time) error {
	for day, n := range lts.DeviceCounts(rep, now) {
		if err := addDeviceTotal(tx, code, day.Format(lts.DayLayout), rep.Device, n); err != nil {
			return err
		}
		if err := addDeviceTotal(tx, code, day.Format(monthLayout), rep.Device, n); err != nil {
			return err
		}
	}
	return nil
}

// addDeviceTotal adds n to a device's total of a day or a month (by the
// length of period), and to the sum of every device of the code.
func addDeviceTotal(tx *bolt.Tx, code, period, device string, n uint64) error {
	b, sums := tx.Bucket(bucketDeviceDays), tx.Bucket(bucketDaySums)
	if len(period) == len(monthLayout) {
		b, sums = tx.Bucket(bucketDeviceMons), tx.Bucket(bucketMonthSums)
	}
	for _, kv := range []struct {
		b *bolt.Bucket
		k []byte
	}{{b, key(code, period, device)}, {sums, key(code, period)}} {
		if err := kv.b.Put(kv.k, be64(lts.AddDeviceTotal(u64(kv.b.Get(kv.k)), n))); err != nil {
			return err
		}
	}
	return nil
}

// sumDevices makes the sums of every device of a store of layout 4 from
// the devices' totals.
func sumDevices(tx *bolt.Tx) error {
	for _, b := range []struct{ devices, sums []byte }{{bucketDeviceDays, bucketDaySums}, {bucketDeviceMons, bucketMonthSums}} {
		sums := tx.Bucket(b.sums)
		err := tx.Bucket(b.devices).ForEach(func(k, v []byte) error {
			parts := bytes.SplitN(k, []byte{0}, 3)
			if len(parts) != 3 || len(v) != 8 {
				return fmt.Errorf("corrupt device usage record %q", k)
			}
			sk := key(string(parts[0]), string(parts[1]))
			return sums.Put(sk, be64(lts.AddDeviceTotal(u64(sums.Get(sk)), u64(v))))
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// DeviceUsage implements lts.UsageReader: it reads q's range code by code
// and adds rows up as it reads them.
func (s *Store) DeviceUsage(ctx context.Context, q lts.DeviceUsageQuery) ([]lts.DeviceUsageRow, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	bucket := bucketDeviceMons
	if q.Granularity == wire.PeriodDay {
		bucket = bucketDeviceDays
	}
	from, to := q.Bounds()
	devices := make(map[string]bool, len(q.Devices))
	for _, d := range q.Devices {
		devices[d] = true
	}
	var out []lts.DeviceUsageRow
	index := map[string]int{} // a row's key (as summed) → its place in out
	var buf []byte
	readCode := func(c *bolt.Cursor, code []byte) error {
		prefix := key(string(code), "")
		for k, v := c.Seek(append(prefix, from...)); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			period, device, ok := bytes.Cut(k[len(prefix):], []byte{0})
			if !ok || len(v) != 8 {
				return fmt.Errorf("corrupt device usage record %q", k)
			}
			if to != "" && string(period) > to {
				break
			}
			if len(devices) > 0 && !devices[string(device)] {
				continue
			}
			switch q.Sum {
			case lts.SumPeriods:
				buf = append(append(append(buf[:0], code...), 0), device...)
			case lts.SumDevices:
				buf = append(buf[:0], period...)
			default:
				out = append(out, lts.DeviceUsageRow{Handshake: string(code), Period: string(period), Device: string(device), Count: u64(v)})
				continue
			}
			i, ok := index[string(buf)]
			if !ok {
				i = len(out)
				index[string(buf)] = i
				r := lts.DeviceUsageRow{Handshake: string(code), Device: string(device)}
				if q.Sum == lts.SumDevices {
					r = lts.DeviceUsageRow{Period: string(period)}
				}
				out = append(out, r)
			}
			out[i].Count = lts.AddDeviceTotal(out[i].Count, u64(v))
		}
		return nil
	}
	if q.Sum == lts.SumDevices && len(devices) == 0 {
		// Every device added up as the rows were counted: a key a code
		// and period.
		bucket = bucketMonthSums
		if q.Granularity == wire.PeriodDay {
			bucket = bucketDaySums
		}
		readCode = func(c *bolt.Cursor, code []byte) error {
			prefix := key(string(code), "")
			for k, v := c.Seek(append(prefix, from...)); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				period := k[len(prefix):]
				if len(v) != 8 {
					return fmt.Errorf("corrupt device usage sum %q", k)
				}
				if to != "" && string(period) > to {
					break
				}
				i, ok := index[string(period)]
				if !ok {
					i = len(out)
					index[string(period)] = i
					out = append(out, lts.DeviceUsageRow{Period: string(period)})
				}
				out[i].Count = lts.AddDeviceTotal(out[i].Count, u64(v))
			}
			return nil
		}
	}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucket).Cursor()
		if q.Handshake != "" {
			return readCode(c, []byte(q.Handshake))
		}
		return eachCode(c, func(code []byte) error { return readCode(c, code) })
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
		sums   bool // of every device: not counted as pruned device totals
	}{{bucketDeviceDays, firstDay.Format(lts.DayLayout), false}, {bucketDeviceMons, firstMonth.Format(monthLayout), false},
		{bucketDaySums, firstDay.Format(lts.DayLayout), true}, {bucketMonthSums, firstMonth.Format(monthLayout), true}} {
		var old [][]byte
		err := tx.Bucket(b.bucket).ForEach(func(k, _ []byte) error {
			parts := bytes.SplitN(k, []byte{0}, 3)
			if len(parts) >= 2 && string(parts[1]) < b.first {
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
		if !b.sums {
			n += len(old)
		}
	}
	return n, nil
}
