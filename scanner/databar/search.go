package databar

import (
	"math"

	"github.com/makiuchi-d/gozxing"
)

// Scan-line schedule. Coarse lines cover the image; where one crosses
// DataBar pairs, lines at about a module's spacing explore up and down
// until no pair has been seen for gapModules, which collects every row of
// a stacked symbol and several readings of each character to vote on.
const (
	coarseLines     = 32  // without TRY_HARDER
	coarseLinesHard = 160 // with TRY_HARDER
	gapModules      = 20  // explore this far past the last pair seen
	exploreBudget   = 700 // most lines one exploration scans
	maxExplorations = 6   // explorations per image
)

// search is the state of one Decode call.
type search struct {
	r            *Reader
	img          *gozxing.BinaryBitmap
	height       int
	lines        int // coarse line count
	explorations int
}

func newSearch(r *Reader, img *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}) *search {
	s := &search{r: r, img: img, height: img.GetHeight(), lines: coarseLines}
	if _, ok := hints[gozxing.DecodeHintType_TRY_HARDER]; ok {
		s.lines = coarseLinesHard
	}
	if cap(r.scanned) < s.height {
		r.scanned = make([]bool, s.height)
	}
	r.scanned = r.scanned[:s.height]
	clear(r.scanned)
	r.clusters = r.clusters[:0]
	return s
}

// coarseRows lists the coarse scan lines, middle first, then alternately
// below and above.
func (s *search) coarseRows() []int {
	step := max(1, s.height/s.lines)
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
	r.obs = r.rows.scanRow(s.img, y, smooth, r.obs[:0])
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

// file adds p to the cluster it touches, merging clusters it joins, or
// starts a new one.
func (s *search) file(p *pairObs) *cluster {
	r := s.r
	gap := int(gapModules * p.module)
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
	if c.explored || s.explorations >= maxExplorations {
		return nil, nil
	}
	c.explored = true
	s.explorations++
	return s.explore(c)
}

// explore scans lines about a module apart above and below c.
func (s *search) explore(c *cluster) (*gozxing.Result, error) {
	step := max(1, int(math.Round(c.module)))
	budget := exploreBudget
	var failure error
	for _, dir := range [2]int{-1, 1} {
		y, last := c.y0-step, c.y0
		if dir > 0 {
			y, last = c.y1+step, c.y1
		}
		for ; y >= 0 && y < s.height && budget > 0; y += dir * step {
			gap := int(gapModules * c.module)
			if (y-last)*dir > gap {
				break
			}
			budget--
			touched := s.scan(y, true)
			c = c.live()
			if c.decoded {
				return nil, nil
			}
			if !containsCluster(touched, c) {
				continue
			}
			last = y
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

// decodeCluster assembles c and decodes the first arrangement whose data
// is valid.
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
	return s.result(c, text, element), nil
}

// symbolText decodes data characters to the human readable text and the
// element string. The lenient reading of FNC1 goes first; the strict one
// serves when the lenient reading gives no valid element string.
func symbolText(data []int) (text, element string, err error) {
	for _, lenient := range [2]bool{true, false} {
		element, err = decodeElementString(data, lenient)
		if err != nil {
			continue
		}
		text, err = humanReadable(element)
		if err == nil {
			return text, element, nil
		}
	}
	return "", "", err
}

// measureHeight extends c's vertical extent to the ends of its bars, for
// the corner points: a symbol often decodes from the first line crossing
// it. Lines about two modules apart are read until two in a row miss.
func (s *search) measureHeight(c *cluster) *cluster {
	step := max(1, int(math.Round(2*c.module)))
	for _, dir := range [2]int{-1, 1} {
		misses := 0
		for n := 0; misses < 2 && n < exploreBudget; n++ {
			y := c.y0 - step
			if dir > 0 {
				y = c.y1 + step
			}
			y += (misses) * step * dir
			if y < 0 || y >= s.height {
				break
			}
			if containsCluster(s.scan(y, false), c) {
				c = c.live()
				misses = 0
			} else {
				misses++
			}
		}
	}
	return c
}

// result builds the gozxing result for a decoded cluster. The corner
// points follow the symbol's own orientation: when it reads right to left
// in the image it lies upside down.
func (s *search) result(c *cluster, text, element string) *gozxing.Result {
	pad := 2 * c.module // guard patterns beyond the outer characters
	x0, x1 := math.Max(0, c.x0-pad), math.Min(float64(s.img.GetWidth()-1), c.x1+pad)
	y0, y1 := float64(c.y0), float64(c.y1)
	tl := gozxing.NewResultPoint(x0, y0)
	bl := gozxing.NewResultPoint(x0, y1)
	br := gozxing.NewResultPoint(x1, y1)
	tr := gozxing.NewResultPoint(x1, y0)
	points := []gozxing.ResultPoint{tl, bl, br, tr}
	if c.rtlA1 > c.ltrA1 {
		points = []gozxing.ResultPoint{br, tr, tl, bl}
	}
	res := gozxing.NewResult(text, []byte(element), points, gozxing.BarcodeFormat_RSS_EXPANDED)
	res.PutMetadata(gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER, "]e0")
	return res
}
