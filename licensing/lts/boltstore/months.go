package boltstore

import (
	"bytes"
	"fmt"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	bolt "go.etcd.io/bbolt"
)

// monthLayout names a month in the keys of bucketUsageMons.
const monthLayout = "2006-01"

// addMonthUsage adds n scans to a code's monthly total of a symbology,
// capped at lts.MaxTotal as a sum of the month's days is. Every change to
// the daily totals adds its difference here in the same transaction.
func addMonthUsage(tx *bolt.Tx, code, day, symbology string, n uint64) error {
	if len(day) < len(monthLayout) {
		return fmt.Errorf("%w: usage of day %q", lts.ErrInvalid, day)
	}
	b := tx.Bucket(bucketUsageMons)
	k := key(code, day[:len(monthLayout)], symbology)
	return b.Put(k, be64(min(satAdd(u64(b.Get(k)), n), lts.MaxTotal)))
}

// sumMonths makes the monthly totals of a store of layout 3 from its
// daily ones.
func sumMonths(tx *bolt.Tx) error {
	return tx.Bucket(bucketUsage).ForEach(func(k, v []byte) error {
		parts := bytes.SplitN(k, []byte{0}, 3)
		if len(parts) != 3 || len(parts[1]) != len(lts.DayLayout) || len(v) != 8 {
			return fmt.Errorf("corrupt usage record %q", k)
		}
		return addMonthUsage(tx, string(parts[0]), string(parts[1]), string(parts[2]), u64(v))
	})
}

// usedAt sums a code's usage in the day, month and year holding now: the
// day from the daily totals, the month and the year from the monthly
// ones. The day counts the days from it to the end of its year, the month
// the months from it, and sums are capped at lts.MaxTotal (as PostgreSQL
// has them).
func usedAt(tx *bolt.Tx, code string, now time.Time) (lts.Used, error) {
	day, month, year := lts.UsedWindows(now)
	next := year.AddDate(1, 0, 0)
	var u lts.Used
	cur := tx.Bucket(bucketUsage).Cursor()
	to := key(code, next.Format(lts.DayLayout))
	for k, v := cur.Seek(key(code, day.Format(lts.DayLayout))); k != nil && bytes.Compare(k, to) < 0; k, v = cur.Next() {
		if len(v) != 8 {
			return lts.Used{}, fmt.Errorf("corrupt usage record %q", k)
		}
		u.Day = min(satAdd(u.Day, u64(v)), lts.MaxTotal)
	}
	monthKey := []byte(month.Format(monthLayout))
	cur = tx.Bucket(bucketUsageMons).Cursor()
	to = key(code, next.Format(monthLayout))
	for k, v := cur.Seek(key(code, year.Format(monthLayout))); k != nil && bytes.Compare(k, to) < 0; k, v = cur.Next() {
		// code, zero byte, month, zero byte, symbology
		m := k[len(code)+1:]
		if len(m) < len(monthLayout)+1 || len(v) != 8 {
			return lts.Used{}, fmt.Errorf("corrupt monthly usage record %q", k)
		}
		n := u64(v)
		u.Year = min(satAdd(u.Year, n), lts.MaxTotal)
		if bytes.Compare(m[:len(monthLayout)], monthKey) >= 0 {
			u.Month = min(satAdd(u.Month, n), lts.MaxTotal)
		}
	}
	return u, nil
}
