package boltstore

import (
	"context"
	"fmt"

	"github.com/scannerd/scannerd/licensing/lts"
	bolt "go.etcd.io/bbolt"
)

var _ lts.Loader = (*Store)(nil)

// Load implements lts.Loader.
func (s *Store) Load(ctx context.Context, r *lts.Records) error {
	return s.update(ctx, func(tx *bolt.Tx) error {
		lb, hb := tx.Bucket(bucketLicenses), tx.Bucket(bucketHandshakes)
		for i := range r.Licenses {
			if err := putJSON(lb, []byte(r.Licenses[i].License.ID), &r.Licenses[i]); err != nil {
				return err
			}
		}
		for i := range r.Handshakes {
			if err := putJSON(hb, []byte(r.Handshakes[i].Code), &r.Handshakes[i]); err != nil {
				return err
			}
		}
		for i := range r.Devices {
			d := &r.Devices[i]
			if err := putDevice(tx, d); err != nil {
				return err
			}
		}
		ub := tx.Bucket(bucketUsage)
		for _, u := range r.Usage {
			if len(u.Period) != len(lts.DayLayout) {
				return fmt.Errorf("%w: usage of period %q: load takes days", lts.ErrInvalid, u.Period)
			}
			k := key(u.Handshake, u.Period, u.Symbology)
			sum, ok := lts.AddTotal(u64(ub.Get(k)), u.Count)
			if !ok {
				return fmt.Errorf("usage %s %s %s: %w", u.Handshake, u.Period, u.Symbology, lts.ErrTotalOverflow)
			}
			if err := ub.Put(k, be64(sum)); err != nil {
				return err
			}
			if err := addMonthUsage(tx, u.Handshake, u.Period, u.Symbology, u.Count); err != nil {
				return err
			}
		}
		ab := tx.Bucket(bucketAccounts)
		for i := range r.Accounts {
			if err := putJSON(ab, []byte(r.Accounts[i].Name), &r.Accounts[i]); err != nil {
				return err
			}
		}
		for _, rows := range [][]lts.DeviceUsageRow{r.DeviceDays, r.DeviceMonths} {
			for _, u := range rows {
				if len(u.Period) != len(lts.DayLayout) && len(u.Period) != len(monthLayout) {
					return fmt.Errorf("%w: device usage of period %q", lts.ErrInvalid, u.Period)
				}
				if err := addDeviceTotal(tx, u.Handshake, u.Period, u.Device, min(u.Count, lts.MaxTotal)); err != nil {
					return err
				}
			}
		}
		rb, kb := tx.Bucket(bucketReports), tx.Bucket(bucketReportKeep)
		for i := range r.Reports {
			rep := &r.Reports[i]
			rk := key(rep.Device, rep.ReportID)
			if err := putJSON(rb, rk, rep); err != nil {
				return err
			}
			if err := kb.Put(keepKey(rep.KeepUntil, rk), nil); err != nil {
				return err
			}
		}
		return nil
	})
}
