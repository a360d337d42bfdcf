package databar

import (
	"math"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/hint"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// Scan-line schedule. Coarse lines cover the image. Where they cross
// DataBar pairs that do not yet assemble, two lines nearby confirm the
// candidate, and lines about two modules apart then explore up and down,
// which collects every row of a stacked symbol and several readings of
// each character to vote on. Budgets bound the work a frame without a
// symbol can cause.
const (
	coarseLines         = 32  // without TRY_HARDER
	coarseLinesHard     = 160 // with TRY_HARDER
	exploreStepModules  = 2   // spacing of exploring lines
	gapModules          = 20  // explore this far past the last pair seen
	progressModules     = 40  // ... and past the last place that settled
	exploreBudget       = 400 // most lines one exploration scans
	maxExplorations     = 2   // explorations per image without TRY_HARDER
	maxExplorationsHard = 6   // with TRY_HARDER
	maxProbes           = 24  // candidate confirmations per image
	probeModules        = 2   // distance of the confirming lines
	// Row reads beyond the coarse lines per image (a smoothed line reads
	// three rows), which bounds the time a frame can take.
	extraReads     = 200
	extraReadsHard = 600
)

// search is the state of one Decode call.
type search struct {
	r            *Reader
	img          *gozxing.BinaryBitmap
	lines        Lines // nil: binarized rows of img
	height       int
	coarse       int  // coarse line count
	step         int  // coarse line spacing
	hard         bool // TRY_HARDER
	explorations int
	probes       int
	extra        int // row reads left for probes and exploration
}

func newSearch(r *Reader, img *gozxing.BinaryBitmap, lines Lines, hints map[gozxing.DecodeHintType]interface{}) *search {
	s := &search{r: r, img: img, lines: lines, height: img.GetHeight(), coarse: coarseLines, extra: extraReads}
	if hint.TryHarder(hints) {
		s.coarse = coarseLinesHard
		s.hard = true
		s.extra = extraReadsHard
	}
	s.step = max(1, s.height/s.coarse)
	r.scanned = scrub.Room(r.scanned, s.height)[:s.height] // an array outgrown let go showing no line
	clear(r.scanned)
	r.scannedHeld = max(r.scannedHeld, s.height)
	r.wipeClusters() // the last search's, read by Candidates till now
	r.rows.blurredLeft = blurredLines
	return s
}

// coarseRows lists the coarse scan lines, middle first, then alternately
// below and above.
func (s *search) coarseRows() []int {
	step := s.step
	mid := s.height / 2
	var rows []int
	for off := 0; mid-off >= 0 || mid+off < s.height; off += step {
		if mid+off < s.height {
			rows = append(rows, mid+off)
		}
		if off > 0 && mid-off >= 0 {
			rows = append(rows, mid-off)
		}
	}
	return rows
}

// scan reads line y once and files its pairs into clusters. It returns the
// clusters that gained observations. smooth is for rowScanner.loadRow.
func (s *search) scan(y int, smooth bool) []*cluster {
	r := s.r
	if y < 0 || y >= s.height || r.scanned[y] {
		return nil
	}
	r.scanned[y] = true
	r.obs = r.rows.scanRow(s.img, s.lines, y, smooth, r.obs[:0])
	var touched []*cluster
	for i := range r.obs {
		touched = append(touched, s.file(&r.obs[i]))
	}
	// A merge may have retired a cluster filed earlier on this line.
	live := touched[:0]
	for _, c := range touched {
		c = c.live()
		if !containsCluster(live, c) {
			live = append(live, c)
		}
	}
	return live
}

func containsCluster(cs []*cluster, c *cluster) bool {
	for _, d := range cs {
		if d == c {
			return true
		}
	}
	return false
}

// scanExtra is scan for lines beyond the coarse ones, within the image's
// budget of extra row reads; ok is false once that is spent.
func (s *search) scanExtra(y int, smooth bool) (touched []*cluster, ok bool) {
	cost := 1
	if smooth {
		cost = 3
	}
	if s.extra < cost {
		return nil, false
	}
	if y >= 0 && y < s.height && !s.r.scanned[y] {
		s.extra -= cost
	}
	return s.scan(y, smooth), true
}

// file adds p to the cluster it touches, merging clusters it joins, or
// starts a new one.
func (s *search) file(p *pairObs) *cluster {
	r := s.r
	// Wide enough to bridge a separator that a coarse line fell into.
	gap := max(int(gapModules*p.module), 2*s.step+1)
	var home *cluster
	kept := r.clusters[:0]
	for _, c := range r.clusters {
		switch {
		case !c.touches(p, gap):
			kept = append(kept, c)
		case home == nil:
			home = c
			kept = append(kept, c)
		default:
			home.merge(c)
			c.mergedInto = home
		}
	}
	r.clusters = kept
	if home == nil {
		home = &cluster{}
		r.clusters = append(r.clusters, home)
		r.made = append(r.made, home)
	}
	home.add(p)
	return home
}

// tryCluster assembles c, exploring around it first when that is needed
// and not yet done. It returns nil without error when c does not read.
func (s *search) tryCluster(c *cluster) (*gozxing.Result, error) {
	if res, err := s.decodeCluster(c); res != nil || err != nil {
		return res, err
	}
	limit := maxExplorations
	if s.hard {
		limit = maxExplorationsHard
	}
	if c.explored || s.explorations >= limit || !s.confirm(c) {
		return nil, nil
	}
	c = c.live()
	if res, err := s.decodeCluster(c); res != nil || err != nil {
		return res, err
	}
	c.explored = true
	s.explorations++
	return s.explore(c)
}

// confirm tells a symbol from look-alike texture before the cost of an
// exploration (see cluster.confirmed): bars are tall, so lines a couple of
// modules above and below read the same characters again. A cluster is
// probed once; later lines can still confirm it.
func (s *search) confirm(c *cluster) bool {
	if c.confirmed() {
		return true
	}
	if c.probed || s.probes >= maxProbes {
		return false
	}
	c.probed = true
	s.probes++
	d := max(1, int(math.Round(probeModules*c.module)))
	y := c.y0
	for _, probe := range [2]int{y - d, y + d} {
		if _, ok := s.scanExtra(probe, c.noisy()); !ok {
			return false
		}
		if c = c.live(); c.confirmed() {
			return true
		}
	}
	return false
}

// explore scans lines about two modules apart above and below c. A
// direction ends where no pair has been seen for gapModules, or where no
// further place of the symbol has settled for progressModules, which
// crosses into the next row of a stacked symbol but leaves texture that
// only resembles DataBar soon.
func (s *search) explore(c *cluster) (*gozxing.Result, error) {
	step := max(1, int(math.Round(exploreStepModules*c.module)))
	budget := exploreBudget
	var failure error
	for _, dir := range [2]int{-1, 1} {
		y, last := c.y0-step, c.y0
		if dir > 0 {
			y, last = c.y1+step, c.y1
		}
		progress, ready := y, c.settledPlaces()
		for ; y >= 0 && y < s.height && budget > 0; y += dir * step {
			if (y-last)*dir > int(gapModules*c.module) || (y-progress)*dir > int(progressModules*c.module) {
				break
			}
			budget--
			touched, ok := s.scanExtra(y, c.noisy())
			if !ok {
				return nil, failure
			}
			c = c.live()
			if c.decoded {
				return nil, nil
			}
			if !containsCluster(touched, c) {
				continue
			}
			last = y
			if r := c.settledPlaces(); r > ready {
				progress, ready = y, r
			}
			res, err := s.decodeCluster(c)
			if res != nil {
				return res, nil
			}
			if err != nil {
				failure = err
			}
		}
	}
	return nil, failure
}

// decodeCluster assembles c and decodes its data; it returns nil without
// error while c does not assemble yet.
func (s *search) decodeCluster(c *cluster) (*gozxing.Result, error) {
	if c.decoded || c.obs == c.attempted {
		return nil, nil
	}
	c.attempted = c.obs
	data, ok := c.assemble()
	if !ok {
		return nil, nil
	}
	text, element, err := symbolText(data)
	if err != nil {
		return nil, gozxing.NewFormatException("databar: %v", err)
	}
	c.decoded = true
	c = s.measureHeight(c)
	res := s.result(c, text, element)
	res.PutMetadata(gozxing.ResultMetadataType_OTHER, Info{Linked: data[0]>>11&1 == 1})
	return res, nil
}
