package licensing

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/scannerd/scannerd/scanner"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

// JournalFile is the name of the usage journal in the state directory.
const JournalFile = "licensing.journal"

// The usage journal is where a metered batch goes before its results are
// delivered: one fixed-size record, written with one pwrite at the next
// free place of a file made full size once, so that writing it changes no
// file metadata. Once pwrite returned, the record is in the kernel's page
// cache and survives the process being killed at any moment; with
// meter_sync = "delivery" it is also forced to disk (fdatasync) before the
// results go out, and so survives a power cut too. The journal is folded
// into the store about once a second, in one bbolt transaction that also
// records the sequence number of the last record folded; after that the
// journal starts again at its first place. At open, records with a higher
// sequence number than the store's are folded in: a crash between the
// store's commit and the journal's restart folds nothing twice.
//
// The file is a header and journalSlots-1 records, journalRecordSize bytes
// each, little endian:
//
//	header: crc32c(4) magic "SJH1"(4) version(4) record size(4) lap start(8)
//	record: crc32c(4) magic "SJR1"(4) seq(8) slot(8, unix seconds)
//	        clock high water(8, unix ns) clock offset(8, ns) scans(8)
//	        counts(4 each, by symbology number, to the end of the record)
//
// The checksum (CRC-32C) covers the rest of its block. A record's scans are
// the sum of its counts; they are also the scans used of the lease. The
// header's lap start is the first sequence number written since the journal
// last started again: records of an earlier lap, still in the file further
// on, are below it.
//
// A record has room for 52 counts. A symbology added to the scanner takes
// a count that was zero in every record written before it, so records of
// an earlier version read the same; the array length below stops the
// build once the symbologies outgrow the record.
const (
	journalRecordSize = 256
	journalSlots      = 4096 // 1 MiB: the header and 4095 records
	journalVersion    = 1
	journalCountsAt   = 48
)

var _ [journalRecordSize - journalCountsAt - 4*maxSymbology]struct{}

var (
	journalHeaderMagic = [4]byte{'S', 'J', 'H', '1'}
	journalRecordMagic = [4]byte{'S', 'J', 'R', '1'}
	crc32c             = crc32.MakeTable(crc32.Castagnoli)

	errJournalFull = errors.New("usage journal full")
)

// journalRecord is one metered batch.
type journalRecord struct {
	Seq    uint64
	Slot   int64 // unix seconds of the hour slot its scans fall in
	Clock  clockRecord
	Scans  uint64
	Counts [maxSymbology]uint32
}

func (r *journalRecord) encode(b *[journalRecordSize]byte) {
	*b = [journalRecordSize]byte{}
	copy(b[4:8], journalRecordMagic[:])
	le := binary.LittleEndian
	le.PutUint64(b[8:], r.Seq)
	le.PutUint64(b[16:], uint64(r.Slot))
	le.PutUint64(b[24:], uint64(r.Clock.HighWater.UnixNano()))
	le.PutUint64(b[32:], uint64(r.Clock.Offset))
	le.PutUint64(b[40:], r.Scans)
	for i, n := range r.Counts {
		le.PutUint32(b[journalCountsAt+4*i:], n)
	}
	le.PutUint32(b[0:], crc32.Checksum(b[4:], crc32c))
}

// blockState is what a block of the journal file holds.
type blockState int

const (
	blockEmpty   blockState = iota // never written: all zeros
	blockRecord                    // a record whose checksum and sums hold
	blockDamaged                   // anything else: torn, or overwritten
)

// decodeRecord reads one record block.
func decodeRecord(b []byte) (journalRecord, blockState) {
	var r journalRecord
	if len(b) != journalRecordSize {
		return r, blockDamaged
	}
	if allZero(b) {
		return r, blockEmpty
	}
	le := binary.LittleEndian
	if le.Uint32(b) != crc32.Checksum(b[4:], crc32c) || [4]byte(b[4:8]) != journalRecordMagic {
		return r, blockDamaged
	}
	r.Seq = le.Uint64(b[8:])
	r.Slot = int64(le.Uint64(b[16:]))
	r.Clock.HighWater = time.Unix(0, int64(le.Uint64(b[24:])))
	r.Clock.Offset = time.Duration(le.Uint64(b[32:]))
	r.Scans = le.Uint64(b[40:])
	var sum uint64
	for i := range r.Counts {
		r.Counts[i] = le.Uint32(b[journalCountsAt+4*i:])
		sum += uint64(r.Counts[i])
	}
	if sum != r.Scans || r.Seq == 0 || r.Slot%int64(SlotLength/time.Second) != 0 || r.Counts[0] != 0 {
		return r, blockDamaged // a checksum that holds over nonsense
	}
	return r, blockRecord
}

func encodeHeader(b *[journalRecordSize]byte, lapStart uint64) {
	*b = [journalRecordSize]byte{}
	le := binary.LittleEndian
	copy(b[4:8], journalHeaderMagic[:])
	le.PutUint32(b[8:], journalVersion)
	le.PutUint32(b[12:], journalRecordSize)
	le.PutUint64(b[16:], lapStart)
	le.PutUint32(b[0:], crc32.Checksum(b[4:], crc32c))
}

// decodeHeader returns the lap start the header names.
func decodeHeader(b []byte) (uint64, error) {
	le := binary.LittleEndian
	switch {
	case len(b) < journalRecordSize:
		return 0, errors.New("header cut short")
	case [4]byte(b[4:8]) != journalHeaderMagic:
		return 0, errors.New("not a usage journal (wrong magic)")
	case le.Uint32(b) != crc32.Checksum(b[4:journalRecordSize], crc32c):
		return 0, errors.New("header checksum does not match")
	case le.Uint32(b[8:]) != journalVersion || le.Uint32(b[12:]) != journalRecordSize:
		return 0, fmt.Errorf("journal version %d, record size %d: not one this version reads", le.Uint32(b[8:]), le.Uint32(b[12:]))
	}
	return le.Uint64(b[16:]), nil
}

func allZero(b []byte) bool {
	for _, v := range b {
		if v != 0 {
			return false
		}
	}
	return true
}

// journalReplay is what reading a journal found: the records to fold (in
// sequence order, each once) and what could not be read.
type journalReplay struct {
	records []journalRecord
	last    uint64 // highest sequence number seen, folded or not
	// tornTail is set when the block after the last record is damaged and
	// nothing of the lap follows it: a record being written when the
	// process died, never acknowledged.
	tornTail bool
	// lost lists the sequence numbers missing between records that were
	// read: damaged records that were written, acknowledged, and are gone.
	lost []uint64
	// damaged is set when the header could not be read; then every record
	// that checks and is newer than the store's was taken.
	damaged error
}

// readJournal reads a journal file's contents. folded is the sequence
// number the store has folded up to: records at or below it are in the
// store already. It never fails: what it cannot read it reports.
func readJournal(data []byte, folded uint64) journalReplay {
	var rp journalReplay
	lapStart, err := decodeHeader(data)
	if err != nil {
		rp.damaged = err
		lapStart = 0
	}
	from := max(folded+1, lapStart)
	var end int // index of the first block after the lap, 0 while inside it
	expect := lapStart
	for i := 1; i*journalRecordSize+journalRecordSize <= len(data); i++ {
		r, st := decodeRecord(data[i*journalRecordSize : (i+1)*journalRecordSize])
		if st == blockRecord {
			rp.last = max(rp.last, r.Seq)
		}
		inLap := st == blockRecord && r.Seq >= from
		if end == 0 && rp.damaged == nil {
			if st == blockRecord && r.Seq == expect {
				expect++
				if inLap {
					rp.records = append(rp.records, r)
				}
				continue
			}
			end = i
			rp.tornTail = st == blockDamaged
			continue
		}
		// Past the end of the lap (or with no header to say where the lap
		// is): only a record newer than everything read belongs here.
		if inLap && (len(rp.records) == 0 || r.Seq > rp.records[len(rp.records)-1].Seq) {
			rp.records = append(rp.records, r)
		}
	}
	// Sequence numbers are consecutive from the store's: a gap is a record
	// acknowledged and then damaged.
	next := from
	if rp.damaged != nil && len(rp.records) > 0 && folded == 0 {
		next = rp.records[0].Seq
	}
	for _, r := range rp.records {
		for s := next; s < r.Seq && len(rp.lost) < 1000; s++ {
			rp.lost = append(rp.lost, s)
		}
		next = r.Seq + 1
	}
	if len(rp.lost) > 0 && end > 0 {
		rp.tornTail = false // the damage is in the middle, reported as lost
	}
	return rp
}

// usageJournal is the open journal file. append and restart are called by
// the meter's one writer at a time (see commitQueue); pending is safe to
// call at any time.
type usageJournal struct {
	f        *os.File
	syncEach bool // fdatasync after every record
	next     uint64
	place    int // block the next record goes to
	// lapStarted: the header names next as the lap start (false at open,
	// until the replayed records are folded).
	lapStarted bool
	block      [journalRecordSize]byte

	mu       sync.Mutex
	unfolded journalUsage // written since the last fold
}

// journalUsage sums records: what a fold adds to the store.
type journalUsage struct {
	last   uint64 // sequence number of the last record summed
	scans  uint64
	clock  clockRecord
	counts map[int64]*[maxSymbology]uint64 // by slot
}

func (u *journalUsage) add(r *journalRecord) {
	if u.counts == nil {
		u.counts = map[int64]*[maxSymbology]uint64{}
	}
	c := u.counts[r.Slot]
	if c == nil {
		c = new([maxSymbology]uint64)
		u.counts[r.Slot] = c
	}
	for i, n := range r.Counts {
		c[i] += uint64(n)
	}
	u.scans += r.Scans
	u.last = max(u.last, r.Seq)
	if r.Clock.HighWater.After(u.clock.HighWater) {
		u.clock = r.Clock
	}
}

func (u *journalUsage) empty() bool { return u.last == 0 }

// eachCount calls fn with the scans of each symbology, over all slots.
func (u *journalUsage) eachCount(fn func(name string, n uint64)) {
	var sum [maxSymbology]uint64
	for _, c := range u.counts {
		for i, n := range c {
			sum[i] += n
		}
	}
	for i, n := range sum {
		if n > 0 {
			fn(scanner.Symbology(i).String(), n)
		}
	}
}

// openJournal opens (creating it full size if needed) the journal in dir
// and reads what it holds. A journal that cannot be read as one is
// reported in the replay and started afresh by the caller.
func openJournal(dir string, folded uint64, syncEach bool) (*usageJournal, journalReplay, error) {
	path := filepath.Join(dir, JournalFile)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	missing := errors.Is(err, fs.ErrNotExist)
	if missing {
		f, err = createJournal(path, folded+1)
	}
	if err != nil {
		return nil, journalReplay{}, fmt.Errorf("open usage journal: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(f, journalSlots*journalRecordSize+1))
	if err != nil {
		f.Close()
		return nil, journalReplay{}, fmt.Errorf("read usage journal %s: %w", path, err)
	}
	rp := readJournal(data, folded)
	switch {
	case missing && folded > 0:
		// The store folded records from a journal that is gone: whatever
		// it held that was not folded yet is lost.
		rp.damaged = errors.New("missing, though the store has folded records from it")
	case len(data) != journalSlots*journalRecordSize && rp.damaged == nil:
		rp.damaged = fmt.Errorf("%d bytes, not %d", len(data), journalSlots*journalRecordSize)
	}
	j := &usageJournal{f: f, syncEach: syncEach, next: max(folded, rp.last) + 1, place: 1}
	return j, rp, nil
}

// createJournal writes a new journal of full size, zeros after its header,
// and syncs it and its directory, so that later records only overwrite
// blocks the file already has.
func createJournal(path string, lapStart uint64) (*os.File, error) {
	tmp := path + ".new"
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	data := make([]byte, journalSlots*journalRecordSize)
	encodeHeader((*[journalRecordSize]byte)(data), lapStart)
	_, err = f.WriteAt(data, 0)
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	if err != nil {
		f.Close()
		os.Remove(tmp)
		return nil, err
	}
	return f, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// append writes one batch as the next record. It returns errJournalFull
// when no place is left until the journal is folded and restarted.
func (j *usageJournal) append(r *journalRecord) error {
	if j.place >= journalSlots {
		return errJournalFull
	}
	r.Seq = j.next
	r.encode(&j.block)
	if _, err := j.f.WriteAt(j.block[:], int64(j.place)*journalRecordSize); err != nil {
		return fmt.Errorf("write usage journal: %w", err)
	}
	if j.syncEach {
		if err := unix.Fdatasync(int(j.f.Fd())); err != nil {
			return fmt.Errorf("sync usage journal: %w", err)
		}
	}
	j.next++
	j.place++
	j.mu.Lock()
	j.unfolded.add(r)
	j.mu.Unlock()
	return nil
}

// pending returns a copy of what was written since the last fold.
func (j *usageJournal) pending() journalUsage {
	j.mu.Lock()
	defer j.mu.Unlock()
	u := j.unfolded
	u.counts = make(map[int64]*[maxSymbology]uint64, len(j.unfolded.counts))
	for slot, c := range j.unfolded.counts {
		cc := *c
		u.counts[slot] = &cc
	}
	return u
}

// restart starts a new lap once everything written is in the store: the
// header names the next sequence number, and records go to the first place
// again. A record of the old lap that a crash leaves behind is below the
// lap start, and at or below the store's folded number.
func (j *usageJournal) restart() error {
	j.mu.Lock()
	j.unfolded = journalUsage{}
	j.mu.Unlock()
	if j.place == 1 && j.lapStarted {
		return nil
	}
	var h [journalRecordSize]byte
	encodeHeader(&h, j.next)
	if _, err := j.f.WriteAt(h[:], 0); err != nil {
		return fmt.Errorf("restart usage journal: %w", err)
	}
	j.place, j.lapStarted = 1, true
	return nil
}

// reset replaces a journal that could not be read with a new, empty one.
func (j *usageJournal) reset(dir string) error {
	f, err := createJournal(filepath.Join(dir, JournalFile), j.next)
	if err != nil {
		return fmt.Errorf("replace usage journal: %w", err)
	}
	j.f.Close()
	j.f, j.place, j.lapStarted = f, 1, true
	return nil
}

func (j *usageJournal) close() error { return j.f.Close() }

// openJournal opens the usage journal at open and folds into the store
// what it holds that the store lacks, in one transaction. Records a crash
// left behind are folded once: the store keeps the last sequence number it
// folded. A record torn by the crash (never acknowledged) is dropped; a
// damaged journal, or records acknowledged and unreadable, are recorded as
// a recovery that every later run reports.
func (c *Client) openJournal(now time.Time) error {
	var folded uint64
	c.store.db.View(func(tx *bolt.Tx) error {
		folded = u64(tx.Bucket(bucketMeta).Get(keyJournal))
		return nil
	})
	j, rp, err := openJournal(c.cfg.StateDir, folded, c.cfg.MeterSync == MeterSyncDelivery)
	if err != nil {
		return err
	}
	c.journal = j
	var u journalUsage
	for i := range rp.records {
		u.add(&rp.records[i])
	}
	var rec *recoveryRecord
	if rp.damaged != nil || len(rp.lost) > 0 {
		rec = &recoveryRecord{At: now.UTC(), Scans: u.scans, Reason: rp.describe(c.cfg.StateDir)}
	}
	if !u.empty() || rec != nil {
		err = c.store.update(func(tx *bolt.Tx) error {
			if err := u.fold(tx); err != nil {
				return err
			}
			if rec != nil {
				return putJSON(tx.Bucket(bucketMeta), keyRecovery, rec)
			}
			return nil
		})
	}
	if err != nil {
		j.close()
		c.journal = nil
		return fmt.Errorf("fold usage journal into the store: %w", err)
	}
	switch {
	case rec != nil:
		c.log.Error("licensing usage journal damaged", "recovery", rec.Reason)
	case rp.tornTail:
		c.log.Warn("licensing usage journal: dropped a record cut short by a crash (its results were never delivered)")
	}
	if len(rp.records) > 0 {
		c.log.Info("licensing usage journal folded into the store", "records", len(rp.records), "scans", u.scans)
	}
	if !u.empty() {
		c.atCrashPoint("replay")
	}
	if rp.damaged != nil {
		err = j.reset(c.cfg.StateDir)
	} else {
		err = j.restart()
	}
	if err != nil {
		j.close()
		c.journal = nil
		return err
	}
	return nil
}

// describe says what a damaged journal cost, for the recovery record.
func (rp *journalReplay) describe(dir string) string {
	s := "usage journal " + filepath.Join(dir, JournalFile)
	if rp.damaged != nil {
		s += fmt.Sprintf(" unreadable (%v): replaced by a new one, after taking the %d records in it newer than the store", rp.damaged, len(rp.records))
	}
	if n := len(rp.lost); n > 0 {
		if rp.damaged != nil {
			s += ";"
		}
		s += fmt.Sprintf(" %d records damaged after they were written (sequence numbers %d to %d): their scans were delivered and are not counted", n, rp.lost[0], rp.lost[n-1])
	}
	return s
}
