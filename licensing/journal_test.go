package licensing

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
)

// meterOneByOne meters n scans of sym, each a journal record of its own,
// as n deliveries one after the other do.
func meterOneByOne(t *testing.T, c *Client, sym scanner.Symbology, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		record(t, c, sym)
	}
}

// damageJournal overwrites part of the journal block at place with junk.
func damageJournal(t *testing.T, dir string, place, from, to int) {
	t.Helper()
	path := filepath.Join(dir, JournalFile)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := place*journalRecordSize + from; i < place*journalRecordSize+to; i++ {
		data[i] ^= 0x5a
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestJournal(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	tests := []struct {
		name string
		// run meters and crashes; want is the pending QR codes after the
		// next open, recovered what the recovery record must say ("" for
		// none).
		run       func(t *testing.T, cfg Config)
		want      uint64
		recovered string
	}{
		{"a crash keeps every record written", func(t *testing.T, cfg Config) {
			c := e.open(t, cfg)
			meterOneByOne(t, c, scanner.QRCode, 5)
			crash(c)
		}, 5, ""},
		{"with meter_sync = delivery too", func(t *testing.T, cfg Config) {
			cfg.MeterSync = MeterSyncDelivery
			c := e.open(t, cfg)
			meterOneByOne(t, c, scanner.QRCode, 5)
			crash(c)
		}, 5, ""},
		{"a torn last record is dropped: it was never acknowledged", func(t *testing.T, cfg Config) {
			c := e.open(t, cfg)
			meterOneByOne(t, c, scanner.QRCode, 5)
			crash(c)
			damageJournal(t, cfg.StateDir, 5, 100, journalRecordSize)
		}, 4, ""},
		{"a damaged record before others is reported lost", func(t *testing.T, cfg Config) {
			c := e.open(t, cfg)
			meterOneByOne(t, c, scanner.QRCode, 5)
			crash(c)
			damageJournal(t, cfg.StateDir, 2, 40, 60)
		}, 4, "1 records damaged after they were written"},
		{"an unreadable header: newer records are still taken", func(t *testing.T, cfg Config) {
			c := e.open(t, cfg)
			meterOneByOne(t, c, scanner.QRCode, 5)
			crash(c)
			damageJournal(t, cfg.StateDir, 0, 0, 16)
		}, 5, "unreadable (not a usage journal (wrong magic))"},
		{"a journal cut short", func(t *testing.T, cfg Config) {
			c := e.open(t, cfg)
			meterOneByOne(t, c, scanner.QRCode, 3)
			crash(c)
			os.Truncate(filepath.Join(cfg.StateDir, JournalFile), 3*journalRecordSize)
		}, 2, "unreadable (768 bytes"},
		{"a journal gone missing is reported", func(t *testing.T, cfg Config) {
			c := e.open(t, cfg)
			meterOneByOne(t, c, scanner.QRCode, 3)
			if err := c.fold(); err != nil {
				t.Fatal(err)
			}
			meterOneByOne(t, c, scanner.QRCode, 2)
			crash(c)
			os.Remove(filepath.Join(cfg.StateDir, JournalFile))
		}, 3, "unreadable (missing, though the store has folded records from it)"},
		{"records folded before a crash are not folded again", func(t *testing.T, cfg Config) {
			c := e.open(t, cfg)
			meterOneByOne(t, c, scanner.QRCode, 3)
			before, _ := os.ReadFile(filepath.Join(cfg.StateDir, JournalFile))
			if err := c.fold(); err != nil {
				t.Fatal(err)
			}
			crash(c)
			// As if the crash came before the journal restarted.
			os.WriteFile(filepath.Join(cfg.StateDir, JournalFile), before, 0o600)
		}, 3, ""},
		{"records of an earlier lap are not folded again", func(t *testing.T, cfg Config) {
			c := e.open(t, cfg)
			meterOneByOne(t, c, scanner.QRCode, 5)
			if err := c.fold(); err != nil {
				t.Fatal(err)
			}
			meterOneByOne(t, c, scanner.QRCode, 2)
			crash(c)
		}, 7, ""},
		{"a full journal is folded before the next record", func(t *testing.T, cfg Config) {
			c := e.open(t, cfg)
			meterOneByOne(t, c, scanner.QRCode, journalSlots+10)
			if c.journal.place > 20 {
				t.Errorf("journal at place %d: it did not start again", c.journal.place)
			}
			crash(c)
		}, journalSlots + 10, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := e.config()
			cfg.StateDir = t.TempDir()
			tt.run(t, cfg)
			for i := 0; i < 2; i++ { // the recovery is still reported after another start
				c := e.open(t, cfg)
				st := c.Status()
				if st.Pending["QR_CODE"] != tt.want || st.PendingScans != tt.want {
					t.Fatalf("open %d: pending %v, want %d QR codes", i+1, st.Pending, tt.want)
				}
				if tt.recovered == "" && st.StoreRecovered != "" || !strings.Contains(st.StoreRecovered, tt.recovered) {
					t.Fatalf("open %d: store_recovered %q, want %q", i+1, st.StoreRecovered, tt.recovered)
				}
				if tot, _ := c.Totals(); tot["QR_CODE"] != tt.want {
					t.Fatalf("open %d: totals %v", i+1, tot)
				}
				c.Close()
			}
		})
	}
}

// The journal holds symbology numbers and counts, nothing a result said.
func TestJournalHoldsOnlyCounts(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	c := e.open(t, e.config())
	meterOneByOne(t, c, scanner.EAN13, 3)
	crash(c)
	data, err := os.ReadFile(filepath.Join(e.config().StateDir, JournalFile))
	if err != nil {
		t.Fatal(err)
	}
	rp := readJournal(data, 0)
	if len(rp.records) != 3 || rp.records[2].Counts[scanner.EAN13] != 1 {
		t.Fatalf("records %+v", rp.records)
	}
	var want [journalRecordSize]byte
	r := rp.records[0]
	r.encode(&want)
	if !bytes.Equal(data[journalRecordSize:2*journalRecordSize], want[:]) {
		t.Fatal("a record holds more than its fields")
	}
}

// FuzzReadJournal reads arbitrary journal contents: it never panics, and
// what it takes are records that check, each newer than the store's and
// than the one before, never one it also reports lost.
func FuzzReadJournal(f *testing.F) {
	f.Add([]byte{}, uint64(0))
	f.Fuzz(func(t *testing.T, data []byte, folded uint64) {
		rp := readJournal(data, folded)
		prev := folded
		for _, r := range rp.records {
			if r.Seq <= prev {
				t.Fatalf("record %d after %d", r.Seq, prev)
			}
			prev = r.Seq
			var b [journalRecordSize]byte
			r.encode(&b)
			if _, st := decodeRecord(b[:]); st != blockRecord {
				t.Fatalf("took a record that does not check: %+v", r)
			}
			for _, l := range rp.lost {
				if l == r.Seq {
					t.Fatalf("record %d both taken and lost", l)
				}
			}
		}
	})
}
