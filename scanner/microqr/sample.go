package microqr

import (
	"math"
	"sort"

	"github.com/makiuchi-d/gozxing"
)

// orientation is one way to lay the symbol over the finder's corners.
type orientation struct {
	h     homography
	score float64
}

// decodeFinder tries the orientations of a finder's corners, best first.
func (r *Reader) decodeFinder(bm *gozxing.BitMatrix, f finder, tryHarder bool) (*gozxing.Result, error) {
	corners, ok := finderCorners(bm, f)
	if !ok {
		return nil, gozxing.NewNotFoundException()
	}
	var cands []orientation
	mirrors := []bool{false}
	if tryHarder {
		mirrors = append(mirrors, true)
	}
	for _, mirror := range mirrors {
		for k := 0; k < 4; k++ {
			var pts [4]correspondence
			for i, m := range [4][2]float64{{0, 0}, {7, 0}, {7, 7}, {0, 7}} {
				j := (k + i) % 4
				if mirror {
					j = (k - i + 4) % 4
				}
				pts[i] = correspondence{X: m[0], Y: m[1], U: corners[j][0], V: corners[j][1]}
			}
			h, ok := fitHomography(pts[:])
			if !ok {
				continue
			}
			if s := frameScore(bm, &h); s >= 0.85 {
				cands = append(cands, orientation{h, s})
			}
		}
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	var lastErr error = gozxing.NewNotFoundException()
	for _, c := range cands {
		res, err := r.decodeOriented(bm, c.h, corners)
		if err == nil {
			return res, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// frameScore is the fraction of the modules around the finder that show
// what a Micro QR symbol has there: the separator and quiet zone light,
// the first timing modules alternating.
func frameScore(bm *gozxing.BitMatrix, h *homography) float64 {
	good, n := 0, 0
	check := func(row, col int, wantDark bool) {
		x, y := h.Apply(float64(col)+0.5, float64(row)+0.5)
		if dark(bm, x, y) == wantDark {
			good++
		}
		n++
	}
	for i := -1; i <= 10; i++ {
		check(-1, i, false) // quiet zone above
		check(i, -1, false) // quiet zone left
	}
	for i := 0; i <= 7; i++ {
		check(7, i, false) // separators
		check(i, 7, false)
	}
	for i := 8; i <= 10; i++ {
		check(0, i, i%2 == 0) // timing
		check(i, 0, i%2 == 0)
	}
	return float64(good) / float64(n)
}

// decodeOriented reads the format information through a finder-only
// homography, refines the grid along the timing patterns, checks the quiet
// zone and decodes.
func (r *Reader) decodeOriented(bm *gozxing.BitMatrix, h0 homography, corners [4][2]float64) (*gozxing.Result, error) {
	// Follow the timing patterns as far as they go: that refines the grid
	// before the format information next to the finder is read.
	h, ok := r.refine(bm, h0, 17)
	if !ok {
		h = h0 // too small or noisy to follow: trust the finder
	}
	sym, mask, ok := readFormat(bm, &h)
	if !ok {
		if sym, mask, ok = readFormat(bm, &h0); !ok {
			return nil, gozxing.NewFormatException("microqr: bad format information")
		}
	}
	s := symbols[sym]
	size := s.size()
	if size < 17 {
		// Refit to this symbol's timing modules only.
		if hs, ok := r.refine(bm, h0, size); ok {
			h = hs
		}
	}
	var lastErr error = gozxing.NewNotFoundException()
	try := func(h *homography) *gozxing.Result {
		if !quietAround(bm, h, size) {
			return nil
		}
		res, err := r.decodeWith(bm, h, s, mask)
		if err != nil {
			lastErr = err
			return nil
		}
		return res
	}
	if res := try(&h); res != nil {
		return res, nil
	}
	if hp, ok := r.perspective(bm, h, size); ok {
		if res := try(&hp); res != nil {
			return res, nil
		}
	}
	// Small or noisy symbols: the finder alone, its corners fitted by an
	// affine map (steadier against corner noise), then exactly.
	var corner [4]correspondence
	for i, m := range [4][2]float64{{0, 0}, {7, 0}, {7, 7}, {0, 7}} {
		u, v := h0.Apply(m[0], m[1])
		corner[i] = correspondence{X: m[0], Y: m[1], U: u, V: v}
	}
	if ha, ok := fitAffine(corner[:]); ok {
		if res := try(&ha); res != nil {
			return res, nil
		}
	}
	if h != h0 {
		if res := try(&h0); res != nil {
			return res, nil
		}
	}
	return nil, lastErr
}

// readFormat reads and decodes the format information through h.
func readFormat(bm *gozxing.BitMatrix, h *homography) (sym, mask int, ok bool) {
	bits := 0
	for _, m := range formatModules() {
		bits <<= 1
		x, y := h.Apply(float64(m[1])+0.5, float64(m[0])+0.5)
		if dark(bm, x, y) {
			bits |= 1
		}
	}
	return decodeFormat(bits, 3)
}

// refine locates the dark timing modules along row 0 and column 0, one
// after the other, and refits the homography to them and the finder.
func (r *Reader) refine(bm *gozxing.BitMatrix, h homography, size int) (homography, bool) {
	r.pts = r.pts[:0]
	for _, m := range [4][2]float64{{0, 0}, {7, 0}, {7, 7}, {0, 7}} {
		x, y := h.Apply(m[0], m[1])
		r.pts = append(r.pts, correspondence{X: m[0], Y: m[1], U: x, V: y})
	}
	lost := [2]bool{}
	found := 0
	for k := 8; k < size; k += 2 {
		for i, alongRow := range []bool{true, false} {
			if lost[i] {
				continue
			}
			if p, ok := locateTiming(bm, &h, k, alongRow); ok {
				r.pts = append(r.pts, p)
				found++
			} else {
				lost[i] = true // past the symbol's end, or lost
			}
		}
		if nh, ok := fitAffine(r.pts); ok {
			h = nh
		}
	}
	return h, found >= 2
}

// locateTiming finds the centre of dark timing module k of row 0 (or
// column 0): the middle of its dark run along the row, moved to half a
// module inside the symbol's outer edge.
func locateTiming(bm *gozxing.BitMatrix, h *homography, k int, alongRow bool) (correspondence, bool) {
	pt := func(a, b float64) (float64, float64) {
		if alongRow {
			return h.Apply(a, b)
		}
		return h.Apply(b, a)
	}
	ck := float64(k) + 0.5
	// Along the row: the dark run nearest the predicted centre.
	x0, y0 := pt(ck-1, 0.5)
	x1, y1 := pt(ck+1, 0.5)
	length := math.Hypot(x1-x0, y1-y0)
	if length < 2 {
		return correspondence{}, false
	}
	steps := int(length * 2)
	at := func(i int) bool {
		t := float64(i) / float64(steps)
		return dark(bm, x0+(x1-x0)*t, y0+(y1-y0)*t)
	}
	// The dark sample nearest the prediction, within 0.8 module, then
	// the whole dark run around it.
	seed := -1
	for d := 0; d <= steps*2/5 && seed < 0; d++ {
		for _, i := range [2]int{steps/2 - d, steps/2 + d} {
			if i >= 0 && i <= steps && at(i) {
				seed = i
				break
			}
		}
	}
	if seed < 0 {
		return correspondence{}, false
	}
	start, end := seed, seed
	for start > 0 && at(start-1) {
		start--
	}
	for end < steps && at(end+1) {
		end++
	}
	if start == 0 || end == steps {
		return correspondence{}, false
	}
	mid := (float64(start+end) / 2) / float64(steps) // 0..1 over two modules
	along := ck - 1 + 2*mid
	// Across: from inside the module outward to the quiet zone.
	xa, ya := pt(along, 0.9)
	xb, yb := pt(along, -0.9)
	length = math.Hypot(xb-xa, yb-ya)
	steps = int(length * 2)
	if steps < 2 {
		return correspondence{}, false
	}
	edge := -1.0
	for i := 0; i <= steps; i++ {
		t := float64(i) / float64(steps)
		if !dark(bm, xa+(xb-xa)*t, ya+(yb-ya)*t) {
			edge = 0.9 - 1.8*t
			break
		}
	}
	if edge < -0.6 || edge > 0.6 {
		return correspondence{}, false
	}
	// The edge is row 0's outer boundary; the centre lies half a module in.
	// The measured centre is where module k's centre really is.
	cx, cy := pt(along, 0.5+edge)
	if alongRow {
		return correspondence{X: ck, Y: 0.5, U: cx, V: cy}, true
	}
	return correspondence{X: 0.5, Y: ck, U: cx, V: cy}, true
}

// quietAround checks that the symbol ends where its size says: light
// modules beyond the timing patterns and along the right and bottom edges.
func quietAround(bm *gozxing.BitMatrix, h *homography, size int) bool {
	light, n := 0, 0
	look := func(row, col int) {
		x, y := h.Apply(float64(col)+0.5, float64(row)+0.5)
		if !dark(bm, x, y) {
			light++
		}
		n++
	}
	for i := 0; i <= size; i++ {
		look(size, i)
		look(i, size)
	}
	look(0, size+1)
	look(size+1, 0)
	return float64(light) >= 0.85*float64(n)
}

// decodeWith samples every module through h and decodes the symbol.
func (r *Reader) decodeWith(bm *gozxing.BitMatrix, h *homography, s symbolInfo, mask int) (*gozxing.Result, error) {
	g := &r.grid
	g.size = s.size()
	for row := 0; row < g.size; row++ {
		for col := 0; col < g.size; col++ {
			x, y := h.Apply(float64(col)+0.5, float64(row)+0.5)
			g.dark[row][col] = dark(bm, x, y)
		}
	}
	// The timing patterns must be there.
	bad := 0
	for i := 8; i < g.size; i++ {
		if g.dark[0][i] != (i%2 == 0) {
			bad++
		}
		if g.dark[i][0] != (i%2 == 0) {
			bad++
		}
	}
	if bad > (g.size-8)/2 {
		return nil, gozxing.NewNotFoundException()
	}
	r.cw = g.codewords(s, mask, r.cw)
	fixed, err := correct(r.rs, s, r.cw, r.ints)
	if err != nil {
		return nil, err
	}
	data := r.cw[:s.dataWords()]
	text, err := decodeBits(data, s)
	if err != nil {
		return nil, err
	}
	n := float64(g.size)
	var pts []gozxing.ResultPoint
	for _, c := range [4][2]float64{{0, 0}, {0, n}, {n, n}, {n, 0}} {
		x, y := h.Apply(c[0], c[1])
		pts = append(pts, gozxing.NewResultPoint(x, y))
	}
	raw := append([]byte(nil), data...)
	res := gozxing.NewResult(text, raw, pts, gozxing.BarcodeFormat_QR_CODE)
	if s.ecLevel != "" {
		res.PutMetadata(gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL, s.ecLevel)
	}
	res.PutMetadata(gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER, "]Q1")
	res.PutMetadata(gozxing.ResultMetadataType_OTHER, Info{Version: s.version, ErrorsCorrected: fixed})
	return res, nil
}

// Info is stored under gozxing.ResultMetadataType_OTHER: the symbol's
// version (1..4 for M1..M4) and how many codewords were corrected.
type Info struct {
	Version         int
	ErrorsCorrected int
}
