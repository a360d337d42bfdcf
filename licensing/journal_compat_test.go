package licensing

import (
	"maps"
	"os"
	"slices"
	"testing"
	"time"
)

// testdata/journal-v1.bin is the start of a usage journal as version 1
// of the format wrote it (the header and three records, lap start 5):
// it is kept as it was written, and no later build may read it
// differently. A device upgraded with usage still in its journal must
// fold exactly what the earlier build metered, under the same
// symbology names; a change to the format takes a new version, and this
// file stays readable or is refused by name, never misread.
func TestJournalOfVersion1Replays(t *testing.T) {
	data, err := os.ReadFile("testdata/journal-v1.bin")
	if err != nil {
		t.Fatal(err)
	}
	slot := time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC).Unix()
	lastClock := clockRecord{HighWater: time.Date(2026, 11, 30, 15, 37, 12, 500, time.UTC), Offset: -2 * time.Second}
	for _, tc := range []struct {
		folded uint64
		seqs   []uint64
		counts map[string]uint64
		scans  uint64
	}{
		{0, []uint64{5, 6, 7}, map[string]uint64{"QR_CODE": 4, "EAN_13": 1, "DOTCODE": 2, "HAN_XIN": 4, "DATA_MATRIX": 7}, 18},
		{6, []uint64{7}, map[string]uint64{"HAN_XIN": 4, "DATA_MATRIX": 7}, 11},
		{7, nil, map[string]uint64{}, 0},
	} {
		rp := readJournal(data, tc.folded)
		if rp.damaged != nil || rp.tornTail || len(rp.lost) > 0 || rp.last != 7 {
			t.Fatalf("folded %d: replay %+v", tc.folded, rp)
		}
		var u journalUsage
		var seqs []uint64
		for i := range rp.records {
			seqs = append(seqs, rp.records[i].Seq)
			u.add(&rp.records[i])
		}
		got := map[string]uint64{}
		u.eachCount(func(name string, n uint64) { got[name] = n })
		if !maps.Equal(got, tc.counts) || u.scans != tc.scans || !slices.Equal(seqs, tc.seqs) {
			t.Errorf("folded %d: records %v, counts %v (%d scans), want %v, %v (%d)", tc.folded, seqs, got, u.scans, tc.seqs, tc.counts, tc.scans)
		}
		for i := range rp.records {
			if r := rp.records[i]; r.Slot != slot && r.Slot != slot+3600 {
				t.Errorf("record %d in slot %d", r.Seq, r.Slot)
			}
		}
		if len(rp.records) > 0 && (!u.clock.HighWater.Equal(lastClock.HighWater) || u.clock.Offset != lastClock.Offset) {
			t.Errorf("folded %d: clock %+v, want %+v", tc.folded, u.clock, lastClock)
		}
	}
}
