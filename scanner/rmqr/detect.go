package rmqr

import (
	"math"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/geom"
	"github.com/scannerd/scannerd/scanner/internal/qrfinder"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// homography maps symbol coordinates (x = column, y = row, in modules, the
// symbol's top-left corner at 0,0) to image coordinates.
type homography = geom.Homography

// correspondence pairs a symbol point with the image point it shows at.
type correspondence = geom.Correspondence

var dark = qrfinder.Dark

// decodeFinder tries the orientations of a finder's corners, best first.
func (r *Reader) decodeFinder(bm *gozxing.BitMatrix, f qrfinder.Finder, hints map[gozxing.DecodeHintType]interface{}, tryHarder bool) (*gozxing.Result, error) {
	corners, ok := qrfinder.CornersShared(bm, f, hints)
	if !ok {
		return nil, gozxing.NewNotFoundException()
	}
	score := func(h *homography) float64 { return frameScore(bm, h) }
	cands := qrfinder.OrientationsShared(bm, f, hints, corners, tryHarder, score, 0.75)
	var lastErr error = gozxing.NewNotFoundException()
	for _, h := range cands {
		res, err := r.decodeOriented(bm, h)
		if err == nil {
			return res, nil
		}
		lastErr = err
	}
	// The finder's module along the image rows grows to √2 times its
	// size at 45°: the corners tell the size itself.
	side := 0.0
	for i := range corners {
		j := (i + 1) % 4
		side += math.Hypot(corners[j][0]-corners[i][0], corners[j][1]-corners[i][1]) / 4
	}
	if side/7 < smallModule {
		for i := range cands {
			r.noteSmall(bm, &cands[i])
		}
	}
	return nil, lastErr
}

// frameScore is the fraction of the modules around the finder that show
// what an rMQR symbol has there (§6.3): the quiet zone above and left, the
// separator right of and below the finder (or the quiet zone below a
// seven-row symbol), and the top timing pattern alternating.
func frameScore(bm *gozxing.BitMatrix, h *homography) float64 {
	good, n := 0, 0
	check := func(row, col int, wantDark bool) {
		x, y := h.Apply(float64(col)+0.5, float64(row)+0.5)
		if dark(bm, x, y) == wantDark {
			good++
		}
		n++
	}
	for i := -1; i <= 12; i++ {
		check(-1, i, false) // quiet zone above
	}
	for i := 0; i <= 7; i++ {
		check(i, -1, false) // quiet zone left
		check(7, i, false)  // separator or quiet zone below
		check(i, 7, false)  // separator
	}
	for i := 8; i <= 12; i++ {
		check(0, i, i%2 == 0) // timing
	}
	return float64(good) / float64(n)
}

// decodeOriented reads the version information through a finder-only
// homography, fits the grid to the timing patterns and decodes.
func (r *Reader) decodeOriented(bm *gozxing.BitMatrix, h0 homography) (*gozxing.Result, error) {
	// The first timing modules, the same in every size, steady the map
	// before the version information beside them is read.
	hv, ok := r.followEdges(bm, h0, versions[10], []edge{{Horizontal: true, Line: 0, Outward: -1}}, 16)
	if !ok {
		hv = h0
	}
	vi, level, ok := readVersionNearFinder(bm, &hv)
	if !ok {
		if vi, level, ok = readVersionNearFinder(bm, &h0); !ok {
			return nil, gozxing.NewFormatException("rmqr: bad version information")
		}
	}
	v := versions[vi]
	h, ok := r.fitGrid(bm, h0, v)
	if !ok {
		return nil, gozxing.NewNotFoundException()
	}
	if !quietAround(bm, &h, v) {
		return nil, gozxing.NewNotFoundException()
	}
	return r.decodeWith(bm, &h, v, level)
}

// readVersionNearFinder reads and decodes the version information beside
// the finder through h.
func readVersionNearFinder(bm *gozxing.BitMatrix, h *homography) (vi, level int, ok bool) {
	bits := 0
	for i, m := range versionModules(maxHeight, maxWidth, false) {
		x, y := h.Apply(float64(m[1])+0.5, float64(m[0])+0.5)
		if dark(bm, x, y) {
			bits |= 1 << i
		}
	}
	return decodeVersionInfo(bits, finderSideMask, 3)
}

// edge is a line of function modules along the symbol's boundary whose
// dark modules, flanked by light ones, locate the grid: the top and
// bottom timing patterns and the left edge below the finder.
type edge = qrfinder.Edge

// fitGrid follows the timing patterns from the finder outwards, refitting
// the map to the finder's corners and every timing module found, and
// finally fits a homography when the points span the symbol.
func (r *Reader) fitGrid(bm *gozxing.BitMatrix, h homography, v version) (homography, bool) {
	edges := []edge{
		{Horizontal: true, Line: 0, Outward: -1},
		{Horizontal: false, Line: 0, Outward: -1},
		{Horizontal: true, Line: v.height - 1, Outward: 1},
	}
	// A second pass starts from the first one's map, which sees the far
	// edges the first pass may have lost track of.
	ok := false
	for pass := 0; pass < 2; pass++ {
		var found bool
		if h, found = r.followEdges(bm, h, v, edges, v.width); !found {
			break
		}
		ok = true
		if hp, fits := geom.FitHomography(r.pts); fits && r.consistent(&hp) {
			h = hp
		}
	}
	if !ok {
		return h, false
	}
	// The finder sub-pattern, the corner finder pattern and the alignment
	// patterns, matched where the map puts them, anchor its far end.
	n := len(r.pts)
	for _, w := range anchorWindows(v) {
		if p, found := anchor(bm, &h, v, w); found {
			r.addPoint(p)
		}
	}
	if len(r.pts) > n {
		if hp, fits := geom.FitHomography(r.pts); fits && r.consistent(&hp) {
			return hp, true
		}
		r.pts = r.pts[:n]
	}
	return h, true
}

// window is a rectangle of modules, rows r0 to r1 and columns c0 to c1.
type window struct{ r0, r1, c0, c1 int }

// anchorWindows lists the function patterns away from the finder whose
// position steadies the grid: the finder sub-pattern, the top-right
// corner finder pattern and the alignment patterns at the top and bottom.
func anchorWindows(v version) []window {
	h, w := v.height, v.width
	out := []window{{h - 5, h - 1, w - 5, w - 1}, {0, 2, w - 3, w - 1}}
	for _, c := range alignmentColumns(w) {
		out = append(out, window{0, 2, c - 1, c + 1}, window{h - 3, h - 1, c - 1, c + 1})
	}
	return out
}

// anchor finds the offset, within half a module, at which the function
// modules of a window and the quiet zone beside it best match what the
// symbol has there, and returns the window's centre seen there.
func anchor(bm *gozxing.BitMatrix, h *homography, v version, w window) (correspondence, bool) {
	best, zero, total := -1, 0, 0
	var bx, by float64
	for oy := -0.5; oy <= 0.501; oy += 0.125 {
		for ox := -0.5; ox <= 0.501; ox += 0.125 {
			score, n := 0, 0
			for r := w.r0 - 1; r <= w.r1+1; r++ {
				for c := w.c0 - 1; c <= w.c1+1; c++ {
					inside := r >= 0 && r < v.height && c >= 0 && c < v.width
					if inside && (r < w.r0 || r > w.r1 || c < w.c0 || c > w.c1 || !v.isFunction(r, c) || isVersionModule(v, r, c)) {
						continue // data, or outside the window but inside the symbol
					}
					want := inside && v.functionDark(r, c)
					x, y := h.Apply(float64(c)+0.5+ox, float64(r)+0.5+oy)
					if dark(bm, x, y) == want {
						score++
					}
					n++
				}
			}
			total = n
			if ox == 0 && oy == 0 {
				zero = score
			}
			if score > best || score == best && math.Hypot(ox, oy) < math.Hypot(bx, by) {
				best, bx, by = score, ox, oy
			}
		}
	}
	if best < zero || best*10 < total*9 {
		return correspondence{}, false
	}
	cx, cy := float64(w.c0+w.c1+1)/2, float64(w.r0+w.r1+1)/2
	u, vv := h.Apply(cx+bx, cy+by)
	return correspondence{X: cx, Y: cy, U: u, V: vv}, true
}

// followEdges locates the dark modules along edges, up to position limit,
// refitting an affine map to the finder's corners and the modules found
// after each one. It reports whether it found at least four.
func (r *Reader) followEdges(bm *gozxing.BitMatrix, h homography, v version, edges []edge, limit int) (homography, bool) {
	r.located = true
	r.pts = r.pts[:0]
	for _, m := range qrfinder.Square {
		x, y := h.Apply(m[0], m[1]) // the finder's corners, as first fitted
		r.addPoint(correspondence{X: m[0], Y: m[1], U: x, V: y})
	}
	found := 0
	for _, e := range edges {
		// An edge starts from a map fitted near the finder, where the
		// finder pins it down in both directions; once some of the
		// edge's modules are found, from the map fitted to all. The map's
		// error at the last module found predicts its error at the next:
		// it follows perspective and bends the fit misses.
		start := len(r.pts)
		if nh, ok := r.fitNear(20); ok {
			h = nh
		}
		var shift [2]float64
		missed := 0
		for _, k := range locatorModules(v, e) {
			if k > limit {
				break
			}
			hs := shifted(h, shift)
			p, ok := qrfinder.LocateEdgeModule(bm, &hs, e, k)
			if !ok {
				if missed++; missed > 2 {
					break
				}
				continue
			}
			missed = 0
			r.addPoint(p)
			found++
			if len(r.pts)-start < 3 {
				if nh, ok := r.fitNear(20); ok {
					h = nh
				}
			} else if nh, ok := geom.FitHomography(r.pts); ok && r.consistent(&nh) {
				h = nh
			} else if nh, ok := geom.FitAffine(r.pts); ok {
				h = nh
			}
			x, y := h.Apply(p.X, p.Y)
			shift = [2]float64{p.U - x, p.V - y}
		}
	}
	return h, found >= 4
}

// addPoint adds p to the points found. They are the reader's, kept from
// image to image: an array outgrown is cleared as it is let go, not
// dropped with where a symbol's modules lay.
func (r *Reader) addPoint(p correspondence) { r.pts = append(scrub.Grow(r.pts, 1), p) }

// fitNear fits an affine map to the points found within limit modules of
// the symbol's left edge.
func (r *Reader) fitNear(limit float64) (homography, bool) {
	near := r.near[:0]
	for _, p := range r.pts {
		if p.X <= limit {
			near = append(scrub.Grow(near, 1), p) // see addPoint
		}
	}
	r.near = near
	return geom.FitAffine(near)
}

// shifted returns h followed by a translation of the image by d.
func shifted(h homography, d [2]float64) homography {
	h[0] += d[0] * h[6]
	h[1] += d[0] * h[7]
	h[2] += d[0]
	h[3] += d[1] * h[6]
	h[4] += d[1] * h[7]
	h[5] += d[1]
	return h
}

// consistent reports whether a map puts every located point within a
// third of a module of where it was seen.
func (r *Reader) consistent(h *homography) bool {
	for _, p := range r.pts[4:] {
		x, y := h.Apply(p.X, p.Y)
		if mod := math.Hypot(x-p.U, y-p.V); mod > 0.35*moduleSize(h, p.X, p.Y) {
			return false
		}
	}
	return true
}

// moduleSize is the image length of one module's width at a point.
func moduleSize(h *homography, x, y float64) float64 {
	x0, y0 := h.Apply(x, y)
	x1, y1 := h.Apply(x+1, y)
	return math.Hypot(x1-x0, y1-y0)
}

// locatorModules lists, in order from the finder, the positions along an
// edge of its dark modules whose neighbours along the edge are light.
func locatorModules(v version, e edge) []int {
	n := v.width
	if !e.Horizontal {
		n = v.height
	}
	at := func(k int) bool {
		if e.Horizontal {
			return v.functionDark(e.Line, k)
		}
		return v.functionDark(k, e.Line)
	}
	var out []int
	for k := 8; k < n-1; k++ {
		if at(k) && !at(k-1) && !at(k+1) {
			out = append(out, k)
		}
	}
	return out
}

// quietAround checks that the symbol ends where its size says: light
// modules beyond its right and bottom edges.
func quietAround(bm *gozxing.BitMatrix, h *homography, v version) bool {
	light, n := 0, 0
	look := func(row, col int) {
		x, y := h.Apply(float64(col)+0.5, float64(row)+0.5)
		if !dark(bm, x, y) {
			light++
		}
		n++
	}
	for c := 0; c <= v.width; c++ {
		look(v.height, c)
		look(-1, c)
	}
	for rw := 0; rw < v.height; rw++ {
		look(rw, v.width)
		look(rw, -1)
	}
	return float64(light) >= 0.75*float64(n)
}

// sampleModule reads a module as the majority of its centre and four
// points a fifth of a module from it: one stray pixel of noise or an edge
// moved by blur does not flip it.
func sampleModule(bm *gozxing.BitMatrix, h *homography, row, col int) bool {
	cx, cy := float64(col)+0.5, float64(row)+0.5
	n := 0
	for _, d := range [5][2]float64{{0, 0}, {-0.2, 0}, {0.2, 0}, {0, -0.2}, {0, 0.2}} {
		if x, y := h.Apply(cx+d[0], cy+d[1]); dark(bm, x, y) {
			n++
		}
	}
	return n >= 3
}

// decodeWith samples every module through h, checks the function patterns
// and decodes the symbol.
func (r *Reader) decodeWith(bm *gozxing.BitMatrix, h *homography, v version, level int) (*gozxing.Result, error) {
	g := &r.grid
	r.sampled = true
	g.height, g.width = v.height, v.width
	for row := 0; row < v.height; row++ {
		for col := 0; col < v.width; col++ {
			g.dark[row][col] = sampleModule(bm, h, row, col)
		}
	}
	if bad, n := g.functionErrors(v); bad*6 > n {
		return nil, gozxing.NewNotFoundException()
	}
	// The copy beside the sub-pattern, read now the grid is known, must
	// not name another size.
	if vi2, level2, ok := decodeVersionInfo(g.readVersionInfo(true), subPatternMask, 3); ok && (versions[vi2] != v || level2 != level) {
		return nil, gozxing.NewFormatException("rmqr: the version information copies disagree")
	}
	r.cw = g.codewords(v, r.cw)
	data, fixed, err := correct(r.rs, v, level, r.cw, &r.blocks)
	if err != nil {
		return nil, err
	}
	d, err := decodeBits(data, v)
	if err != nil {
		return nil, err
	}
	var pts []gozxing.ResultPoint
	for _, c := range [4][2]float64{{0, 0}, {0, float64(v.height)}, {float64(v.width), float64(v.height)}, {float64(v.width), 0}} {
		x, y := h.Apply(c[0], c[1])
		pts = append(pts, gozxing.NewResultPoint(x, y))
	}
	res := gozxing.NewResult(d.text, data, pts, gozxing.BarcodeFormat_QR_CODE)
	res.PutMetadata(gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL, "MH"[level:level+1])
	id := "]Q1"
	switch {
	case d.gs1:
		id = "]Q3"
	case d.aim:
		id = "]Q5"
	}
	res.PutMetadata(gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER, id)
	if len(d.bytes) > 0 {
		res.PutMetadata(gozxing.ResultMetadataType_BYTE_SEGMENTS, [][]byte{d.bytes})
	}
	res.PutMetadata(gozxing.ResultMetadataType_OTHER, Info{Version: v.name(), ErrorsCorrected: fixed})
	return res, nil
}
