package scanner

import (
	"sync"
	"time"
)

// Dedup turns a stream of per-frame results into scans: the same symbology
// and text from the same source is delivered once, and again only after it
// has been out of sight for the forget time. A barcode held in front of the
// camera for a minute is one scan; shown again after a pause it is another.
// With confirm > 1, a barcode is delivered only once it has been read in
// that many frames, which suppresses one-frame misreads. An EAN or UPC
// symbol whose add-on reads only after the symbol was delivered without
// it is delivered again, with the add-on.
type Dedup struct {
	forget  time.Duration
	confirm int

	mu        sync.Mutex
	seen      map[dedupKey]*sighting
	lastSweep time.Time
}

type dedupKey struct {
	source string
	sym    Symbology
	text   string
}

type sighting struct {
	last      time.Time // capture time of the latest frame it was read in
	lastFrame uint64
	frames    int
	delivered bool
	addOn     string // the EAN add-on read with it, if any
}

// NewDedup returns a filter with the given forget time (3 s when <= 0) and
// confirmation count (1 when < 1).
func NewDedup(forget time.Duration, confirm int) *Dedup {
	if forget <= 0 {
		forget = 3 * time.Second
	}
	return &Dedup{forget: forget, confirm: max(1, confirm), seen: make(map[dedupKey]*sighting)}
}

// Filter returns the results of rep that are new scans, in order. It keys
// time on the frames' capture times, so replayed or late frames are judged
// by when they were seen.
func (d *Dedup) Filter(rep *FrameReport) []Result {
	if len(rep.Results) == 0 {
		d.sweep(rep.CapturedAt)
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []Result
	now := rep.CapturedAt
	for _, r := range rep.Results {
		k := dedupKey{rep.Source, r.Symbology, r.Text}
		s := d.seen[k]
		if s == nil || now.Sub(s.last) > d.forget {
			s = &sighting{}
			d.seen[k] = s
		}
		if r.AddOn != "" && r.AddOn != s.addOn {
			// An add-on read for the first time (or a new one) makes a
			// new scan: the kiosk wants the price the first read missed.
			// A later read without it is the same scan.
			s.addOn, s.frames, s.delivered = r.AddOn, 0, false
		}
		if s.frames == 0 || rep.Seq != s.lastFrame {
			s.frames++
		}
		if now.After(s.last) {
			s.last = now
		}
		s.lastFrame = rep.Seq
		if !s.delivered && s.frames >= d.confirm {
			s.delivered = true
			out = append(out, r)
		}
	}
	d.sweepLocked(now)
	return out
}

// Undeliver tells the filter that results of source it returned were not
// delivered (the meter refused them): it forgets having delivered them, so
// that the next frame that reads one delivers it instead of taking it for
// a duplicate of a scan nobody received. A file read again after such a
// refusal would otherwise be disposed of with its result lost.
func (d *Dedup) Undeliver(source string, results []Result) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range results {
		// A sighting whose add-on changed since is a newer scan: it stays.
		if s := d.seen[dedupKey{source, r.Symbology, r.Text}]; s != nil && s.addOn == r.AddOn {
			s.delivered = false
		}
	}
}

// Len returns how many barcodes the filter currently remembers.
func (d *Dedup) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.seen)
}

func (d *Dedup) sweep(now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sweepLocked(now)
}

// sweepLocked forgets sightings older than the forget time, at most once a
// forget time, so memory stays bounded by what was seen recently.
func (d *Dedup) sweepLocked(now time.Time) {
	if now.Sub(d.lastSweep) < d.forget {
		return
	}
	d.lastSweep = now
	for k, s := range d.seen {
		if now.Sub(s.last) > d.forget {
			delete(d.seen, k)
		}
	}
}
