package microqr

import (
	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/guard"
	"github.com/scannerd/scannerd/scanner/internal/qrfinder"
)

// decodeFinder tries the orientations of a finder's corners, best first.
func (r *Reader) decodeFinder(bm *gozxing.BitMatrix, f qrfinder.Finder, hints map[gozxing.DecodeHintType]interface{}, tryHarder bool) (*gozxing.Result, error) {
	corners, ok := qrfinder.CornersShared(bm, f, hints)
	if !ok {
		return nil, guard.NotFound
	}
	score := func(h *homography) float64 { return frameScore(bm, h) }
	cands := qrfinder.OrientationsShared(bm, f, hints, corners, tryHarder, score, 0.85)
	var lastErr error = guard.NotFound
	for _, h := range cands {
		res, err := r.decodeOriented(bm, h, corners)
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
	r.held = true
	// Follow the timing patterns as far as they go: that refines the grid
	// before the format information next to the finder is read.
	h, ok := r.refine(bm, h0, 17)
	if !ok {
		h = h0 // too small or noisy to follow: trust the finder
	}
	// The format information through the refined grid, and through the
	// finder's alone where that reads another: a grid drawn off by a
	// timing module it lost reads a valid but wrong one now and then.
	var formats [][2]int
	for _, g := range []*homography{&h, &h0} {
		if sym, mask, ok := readFormat(bm, g); ok && (len(formats) == 0 || formats[0] != [2]int{sym, mask}) {
			formats = append(formats, [2]int{sym, mask})
		}
	}
	if len(formats) == 0 {
		return nil, gozxing.NewFormatException("microqr: bad format information")
	}
	var lastErr error = guard.NotFound
	for _, fm := range formats {
		res, err := r.decodeFormat(bm, h0, h, symbols[fm[0]], fm[1])
		if err == nil {
			return res, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// decodeFormat samples a symbol of the format read through the grids
// fitted to the finder (h0) and along the timing patterns (h), and decodes
// it.
func (r *Reader) decodeFormat(bm *gozxing.BitMatrix, h0, h homography, s symbolInfo, mask int) (*gozxing.Result, error) {
	size := s.size()
	// Refit to this symbol's timing modules only.
	if hs, ok := r.refine(bm, h0, size); ok {
		h = hs
	}
	var lastErr error = guard.NotFound
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
	// Seen at an angle, the grid's far corner is where the far edges
	// meet: the outline fitted from the finder's map, and once more from
	// that one's; then likewise from the timing patterns' map, which
	// shows where to look when the finder's corners were fitted askew.
	for i, ho := range [2]homography{h0, h} {
		if i == 1 && h == h0 {
			break
		}
		for range 2 {
			var ok bool
			if ho, ok = r.outline(bm, ho, size); !ok {
				break
			}
			if res := try(&ho); res != nil {
				return res, nil
			}
		}
	}
	// Seen at an angle, the timing modules' spacing shrinks towards the
	// far end: a projective map through them follows it where the affine
	// one drifts, and the far edges traced from there pin the far corner.
	hf := h
	if len(r.pts) >= 6 {
		if hp, ok := fitHomography(r.pts); ok {
			if res := try(&hp); res != nil {
				return res, nil
			}
			hf = hp
		}
	}
	if he, ok := r.traceEdges(bm, hf, size); ok {
		if res := try(&he); res != nil {
			return res, nil
		}
		hf = he
	}
	if hp, ok := r.perspective(bm, hf, size); ok {
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
// column 0).
func locateTiming(bm *gozxing.BitMatrix, h *homography, k int, alongRow bool) (correspondence, bool) {
	return qrfinder.LocateEdgeModule(bm, h, qrfinder.Edge{Horizontal: alongRow, Outward: -1}, k)
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
		return nil, guard.NotFound
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
