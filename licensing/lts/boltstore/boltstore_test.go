package boltstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/lts/boltstore"
	"github.com/scannerd/scannerd/licensing/lts/storetest"
	bolt "go.etcd.io/bbolt"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) []lts.Store {
		st, err := boltstore.Open(filepath.Join(t.TempDir(), "lts.db"))
		if err != nil {
			t.Fatal(err)
		}
		return []lts.Store{st}
	})
}

// TestOpensAStoreOfTheFirstLayout opens a file as the first ltsd wrote it
// (report ids without keep times, no meta bucket, no device summaries, no
// monthly usage totals) and finds every report kept for the default usage
// window after it was received, its devices in operators' views, and its
// usage by month.
func TestOpensAStoreOfTheFirstLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lts.db")
	received := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range []string{"licenses", "handshakes", "devices", "usage", "reports"} {
			if _, err := tx.CreateBucket([]byte(b)); err != nil {
				return err
			}
		}
		h, _ := json.Marshal(lts.Handshake{Code: "C", Licenses: []string{"L"}, OfflinePeriod: lts.DefaultOfflinePeriod})
		tx.Bucket([]byte("handshakes")).Put([]byte("C"), h)
		d, _ := json.Marshal(lts.Device{ID: "dev-1", Handshake: "C", Key: []byte{1}, FirstSeen: received, LastSeen: received, Domain: "scanners.example"})
		tx.Bucket([]byte("devices")).Put([]byte("C\x00dev-1"), d)
		for day, n := range map[string]byte{"2026-02-27": 2, "2026-03-01": 5, "2026-03-02": 7} {
			tx.Bucket([]byte("usage")).Put([]byte("C\x00"+day+"\x00QR_CODE"), []byte{0, 0, 0, 0, 0, 0, 0, n})
		}
		rec := fmt.Sprintf(`{"handshake":"C","seq":3,"scans":7,"received":%q}`, received.Format(time.RFC3339))
		return tx.Bucket([]byte("reports")).Put([]byte("dev-1\x00rep-1"), []byte(rec))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	st, err := boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	var got []lts.ReportRecord
	st.Reports(ctx, func(r lts.ReportRecord) error { got = append(got, r); return nil })
	want := lts.ReportRecord{Device: "dev-1", ReportID: "rep-1", Handshake: "C", Seq: 3, Scans: 7, Received: received, KeepUntil: received.Add(lts.DefaultUsageWindow)}
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("reports %+v, want %+v", got, want)
	}
	q := &lts.DeviceQuery{Search: "SCANNERS", Cutoffs: map[string]lts.DeviceCutoffs{"C": {SilentBefore: received.Add(time.Second)}}}
	if n, err := st.DeviceCounts(ctx, q); err != nil || n["C"] != (lts.DeviceCount{Silent: 1, Slots: 1}) {
		t.Fatalf("device counts %+v, %v", n, err)
	}
	if ds, err := st.ListDevices(ctx, q); err != nil || len(ds) != 1 || ds[0].ID != "dev-1" {
		t.Fatalf("devices listed %+v, %v", ds, err)
	}
	// The monthly totals are made from the daily ones.
	if err := lts.CheckMonthlyUsage(ctx, st); err != nil {
		t.Fatal(err)
	}
	if u, err := st.Used(ctx, "C", received.Add(24*time.Hour)); err != nil || u != (lts.Used{Day: 7, Month: 12, Year: 14}) {
		t.Fatalf("used on 2026-03-02: %+v, %v", u, err)
	}
	p, err := st.Prune(ctx, want.KeepUntil.Add(time.Second))
	if err != nil || p.Reports != 1 {
		t.Fatalf("prune after the window: %+v, %v", p, err)
	}
}

func TestRefusesANewerLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lts.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		b, _ := tx.CreateBucket([]byte("meta"))
		return b.Put([]byte("version"), []byte{0, 0, 0, 0, 0, 0, 0, 99})
	})
	db.Close()
	if _, err := boltstore.Open(path); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("open: %v", err)
	}
}
