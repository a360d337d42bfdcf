// Package qrlocate finds QR Code symbols (ISO/IEC 18004) by the outlines
// of their three finder patterns, not by the finders' centres and one
// module size: a symbol seen at a steep angle has finders squashed along
// the tilt and smaller towards the far edge, which the centre-based
// detector (gozxing's, after ZXing's) rejects or samples with an affine
// grid that drifts by modules at the far corner.
//
// Each finder's dark ring is a square of 7 by 7 modules whose four image
// corners fix a projective map of its own; the three together, 12 points
// spread over the symbol, fix the symbol's. Which finder is the top-left
// one, how each is turned and how many modules the symbol has come from
// mapping the other finders' centres through each finder's own map; the
// timing patterns settle the module count; the alignment patterns, found
// by matching their 5x5 modules near where the map puts them, pin down
// the far side. gozxing's decoder reads the sampled modules. Where no
// one map of the symbol reads, as on a curved surface, the edges along
// the timing patterns and through the finders place its columns and rows
// one by one (warp.go).
package qrlocate

import (
	"math"
	"sort"
	"strconv"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"

	"github.com/scannerd/scannerd/scanner/internal/geom"
	"github.com/scannerd/scannerd/scanner/internal/guard"
	"github.com/scannerd/scannerd/scanner/internal/qrcenters"
	"github.com/scannerd/scannerd/scanner/internal/qrfinder"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// maxFinders bounds the finders tried in triples (their number cubed).
const maxFinders = 12

// Reader reads QR Code symbols located by their finders' outlines. Use
// NewReader; a Reader keeps scratch space and serves one goroutine.
type Reader struct {
	finders qrfinder.Scanner
	// columns searches down the columns where the rows show no
	// symbol's finders (withColumns); both holds the two searches'.
	columns qrfinder.Scanner
	both    []qrfinder.Finder
	centers qrcenters.Scanner // gozxing's finder search, for DecodeDetected
	dec     *qrdecoder.Decoder
	pts     []geom.Correspondence
	// The bent grid's edges and knots (readWarped).
	edges, cols, rows []float64
	// The most finders both, points pts, edges and knots (cols and rows
	// each) held since the last Wipe: where the image's finders,
	// alignment patterns and modules lie, which Wipe clears that far,
	// not to the capacity the busiest image left.
	bothHeld, ptsHeld, edgesHeld, knotsHeld int
}

// NewReader returns a Reader.
func NewReader() *Reader { return &Reader{dec: qrdecoder.NewDecoder()} }

// Wipe zeroes what the reads since the last Wipe kept of their images:
// the finders found along the rows and down the columns, the finders'
// corners and the alignment patterns' image points, the edges traced and
// the bent grid's knots. Its owner calls it once the images read are
// done with; the next read works as before.
func (r *Reader) Wipe() {
	r.finders.Wipe()
	r.columns.Wipe()
	clear(scrub.UpTo(r.both, r.bothHeld))
	clear(scrub.UpTo(r.pts, max(r.ptsHeld, len(r.pts))))
	clear(scrub.UpTo(r.edges, r.edgesHeld))
	clear(scrub.UpTo(r.cols, r.knotsHeld))
	clear(scrub.UpTo(r.rows, r.knotsHeld))
	r.both, r.pts, r.edges, r.cols, r.rows = r.both[:0], r.pts[:0], r.edges[:0], r.cols[:0], r.rows[:0]
	r.bothHeld, r.ptsHeld, r.edgesHeld, r.knotsHeld = 0, 0, 0, 0
}

// outline is a finder pattern with the image corners of its dark ring,
// clockwise on screen, and its own maps (see ownMap) in each turn.
type outline struct {
	f       qrfinder.Finder
	corners [4][2]float64
	own     [4]geom.Homography
	ownOK   [4]bool
}

func newOutline(f qrfinder.Finder, corners [4][2]float64) outline {
	o := outline{f: f, corners: corners}
	for rot := range o.own {
		o.own[rot], o.ownOK[rot] = ownMap(o, rot)
	}
	return o
}

// DecodeMultiple returns every symbol read, each from three finders no
// other symbol used.
func (r *Reader) DecodeMultiple(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}) (out []*gozxing.Result, err error) {
	defer guard.Recover("qrlocate", &out, &err)
	bm, err := guard.Matrix("qrlocate", image)
	if err != nil {
		return nil, err
	}
	// Every other row: a finder's dark middle, three modules tall, spans
	// three rows or more down to a pixel a module, squashed or not.
	const step = 2
	fs := r.finders.FindShared(bm, step, hints)
	if len(fs) > 0 && len(fs) < maxFinders && !anySimilar(fs) {
		fs = r.withColumns(bm, fs, step, hints)
	}
	if len(fs) < 3 {
		return nil, guard.NotFound
	}
	if len(fs) > maxFinders {
		fs = fs[:maxFinders]
	}
	// Outlined when first in a triple of similar finders: most finders
	// of an image without a QR Code are in none.
	outs := make([]outline, len(fs))
	state := make([]int8, len(fs)) // 0 not yet outlined, 1 outlined, -1 no corners, 2 used
	outlined := func(i int) bool {
		if state[i] == 0 {
			state[i] = -1
			if c, ok := qrfinder.CornersShared(bm, fs[i], hints); ok {
				outs[i], state[i] = newOutline(fs[i], c), 1
			}
		}
		return state[i] == 1
	}
	for i := range fs {
		for j := i + 1; j < len(fs); j++ {
			for k := j + 1; k < len(fs); k++ {
				if !similar(fs[i], fs[j], fs[k]) || !outlined(i) || !outlined(j) || !outlined(k) {
					continue
				}
				if res := r.decodeTriple(bm, [3]outline{outs[i], outs[j], outs[k]}, hints); res != nil {
					out = append(out, res)
					state[i], state[j], state[k] = 2, 2, 2
				}
			}
		}
	}
	if len(out) == 0 {
		return nil, guard.NotFound
	}
	return out, nil
}

// anySimilar reports whether three of the finders are similar.
func anySimilar(fs []qrfinder.Finder) bool {
	for i := range fs {
		for j := i + 1; j < len(fs); j++ {
			for k := j + 1; k < len(fs); k++ {
				if similar(fs[i], fs[j], fs[k]) {
					return true
				}
			}
		}
	}
	return false
}

// withColumns returns the finders found along the rows, fs, and after
// them those found down the columns that none of fs repeats. A symbol
// smeared along its rows over a module and a half shows one finder or
// two on them, the others' light rings closed beside their centres;
// down its columns, all three. DecodeMultiple searches them only where
// the rows show some finder but no triple (and fewer than it tries):
// smeared over two modules, a symbol shows none on its rows, but its
// modules no longer read either (none of the robustness suite's 24
// samples at 2 modules did with the columns searched).
func (r *Reader) withColumns(bm *gozxing.BitMatrix, fs []qrfinder.Finder, step int, hints map[gozxing.DecodeHintType]interface{}) []qrfinder.Finder {
	cs := r.columns.FindColumns(bm, step, hints)
	r.both = append(scrub.Room(r.both, len(fs)+len(cs)), fs...)
	for _, c := range cs {
		seen := false
		for _, f := range fs {
			if math.Abs(f.X-c.X) < 2*f.Module && math.Abs(f.Y-c.Y) < 2*f.Module {
				seen = true
				break
			}
		}
		if !seen {
			r.both = append(r.both, c)
		}
	}
	r.bothHeld = max(r.bothHeld, len(r.both))
	return r.both
}

// similar reports whether three finders can be one symbol's: seen at up
// to about 60 degrees, the near finder's modules are at most about twice
// the far one's.
func similar(a, b, c qrfinder.Finder) bool {
	lo := math.Min(a.Module, math.Min(b.Module, c.Module))
	hi := math.Max(a.Module, math.Max(b.Module, c.Module))
	return hi <= 2.5*lo
}

// frame is one reading of three finders as a symbol: which is which, how
// each one's corners lie on the symbol's grid, and the module count the
// finders' own maps suggest.
type frame struct {
	tl, tr, bl outline
	// rot[i] is the index of the corner of finder i (tl, tr, bl) at its
	// square's top-left module corner.
	rot [3]int
	dim float64
	err float64
}

// ownMap returns the map from image to the module coordinates of finder
// o's own square, its corner rot at (0, 0).
func ownMap(o outline, rot int) (geom.Homography, bool) {
	var pts [4]geom.Correspondence
	for i, m := range qrfinder.Square {
		c := o.corners[(rot+i)%4]
		pts[i] = geom.Correspondence{X: c[0], Y: c[1], U: m[0], V: m[1]}
	}
	return geom.FitHomography(pts[:])
}

// frameOf finds the reading of the three finders under which each
// finder's own map puts the other two where a QR Code has them: the
// top-left finder sees the top-right one along its row and the
// bottom-left one down its column, and so on round.
func frameOf(o [3]outline) (frame, bool) {
	best := frame{err: math.Inf(1)}
	for t := 0; t < 3; t++ {
		for _, p := range [2][2]int{{(t + 1) % 3, (t + 2) % 3}, {(t + 2) % 3, (t + 1) % 3}} {
			tl, tr, bl := o[t], o[p[0]], o[p[1]]
			// The top-left finder's turn: the other two must lie right
			// (x) and down (y) of it, in line with its middle.
			var f frame
			f.tl, f.tr, f.bl = tl, tr, bl
			f.err = math.Inf(1)
			for rot := 0; rot < 4; rot++ {
				m, ok := tl.own[rot], tl.ownOK[rot]
				if !ok {
					continue
				}
				xr, yr := m.Apply(tr.f.X, tr.f.Y)
				xb, yb := m.Apply(bl.f.X, bl.f.Y)
				if xr < 10 || yb < 10 {
					continue
				}
				dr, db := xr+3.5, yb+3.5
				e := (math.Abs(yr-3.5)/dr + math.Abs(xb-3.5)/db)
				if e < f.err {
					f.err, f.rot[0], f.dim = e, rot, (dr+db)/2
				}
			}
			if math.IsInf(f.err, 1) {
				continue
			}
			// The others' turns: the top-left finder lies left of the
			// top-right one, in line with its middle, and above the
			// bottom-left one.
			dims := []float64{f.dim}
			for i, o := range [2]outline{tr, bl} {
				be, bd := math.Inf(1), 0.0
				for rot := 0; rot < 4; rot++ {
					m, ok := o.own[rot], o.ownOK[rot]
					if !ok {
						continue
					}
					// The top-left finder's middle in the other's square
					// coordinates: (3.5 - (d-7), 3.5) from the top-right
					// one, (3.5, 3.5 - (d-7)) from the bottom-left one.
					along, across := m.Apply(tl.f.X, tl.f.Y)
					if i == 1 {
						along, across = across, along
					}
					if along > -6 {
						continue
					}
					d := 10.5 - along
					if e := math.Abs(across-3.5) / d; e < be {
						be, bd, f.rot[i+1] = e, d, rot
					}
				}
				if math.IsInf(be, 1) {
					f.err = math.Inf(1)
					break
				}
				f.err += be
				dims = append(dims, bd)
			}
			if math.IsInf(f.err, 1) {
				continue
			}
			sum := 0.0
			for _, d := range dims {
				sum += d
			}
			f.dim = sum / float64(len(dims))
			if f.err < best.err {
				best = f
			}
		}
	}
	// Each finder's middle within about a module and a half of the line
	// its neighbour's map draws (the error is a share of the module
	// count).
	return best, best.err < 0.3
}

// squareAt is where each finder's square lies on a grid of dim modules.
func squareAt(i, dim int) (x, y float64) {
	switch i {
	case 1:
		return float64(dim - 7), 0
	case 2:
		return 0, float64(dim - 7)
	}
	return 0, 0
}

// finderPoints returns the 12 corners of the finders' dark rings on a
// grid of dim modules, with their image points.
func (f *frame) finderPoints(dim int, pts []geom.Correspondence) []geom.Correspondence {
	for i, o := range [3]outline{f.tl, f.tr, f.bl} {
		ox, oy := squareAt(i, dim)
		for k, m := range qrfinder.Square {
			c := o.corners[(f.rot[i]+k)%4]
			pts = append(pts, geom.Correspondence{X: ox + m[0], Y: oy + m[1], U: c[0], V: c[1]})
		}
	}
	return pts
}

// setFinderPoints sets r.pts to f's finderPoints on a grid of dim
// modules, counting first how many points it held (see ptsHeld): the
// alignment patterns' may have followed the finders'. The 12 points fit
// in the room made for them.
func (r *Reader) setFinderPoints(f *frame, dim int) {
	r.ptsHeld = max(r.ptsHeld, len(r.pts))
	r.pts = f.finderPoints(dim, scrub.Room(r.pts, 12))
}

// timingScore is the share of the timing patterns' modules (row and
// column 6 between the separators) that show as they should through h.
func timingScore(bm *gozxing.BitMatrix, h *geom.Homography, dim int) float64 {
	good, n := 0, 0
	for i := 8; i < dim-8; i++ {
		want := i%2 == 0
		for _, p := range [2][2]float64{{float64(i), 6}, {6, float64(i)}} {
			x, y := h.Apply(p[0]+0.5, p[1]+0.5)
			if qrfinder.Dark(bm, x, y) == want {
				good++
			}
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(good) / float64(n)
}

// decodeTriple reads the symbol three finders may be of.
func (r *Reader) decodeTriple(bm *gozxing.BitMatrix, o [3]outline, hints map[gozxing.DecodeHintType]interface{}) *gozxing.Result {
	f, ok := frameOf(o)
	if !ok {
		return nil
	}
	// The module counts (4v + 17) nearest the finders' estimate, the one
	// whose timing patterns show best first.
	type cand struct {
		dim   int
		h     geom.Homography
		score float64
	}
	var cands []cand
	v0 := int(math.Round((f.dim - 17) / 4))
	for v := v0 - 1; v <= v0+1; v++ {
		if v < 1 || v > 40 {
			continue
		}
		dim := 4*v + 17
		r.setFinderPoints(&f, dim)
		h, ok := geom.FitHomography(r.pts)
		if !ok {
			continue
		}
		cands = append(cands, cand{dim, h, timingScore(bm, &h, dim)})
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	for _, c := range cands {
		if c.score < 0.6 {
			break
		}
		r.setFinderPoints(&f, c.dim)
		h, aligned := r.align(bm, c.h, c.dim)
		if res := r.read(bm, &h, c.dim, hints); res != nil {
			return res
		}
		if aligned {
			if res := r.read(bm, &c.h, c.dim, hints); res != nil {
				return res
			}
		}
	}
	return r.readWarped(bm, &f, hints)
}

// read samples the dim x dim modules through h and decodes them.
func (r *Reader) read(bm *gozxing.BitMatrix, h *geom.Homography, dim int, hints map[gozxing.DecodeHintType]interface{}) *gozxing.Result {
	return r.readWith(bm, dim, h.Apply, hints)
}

// readWith samples the dim x dim modules where at maps them, from module
// coordinates to the image's, and decodes them.
func (r *Reader) readWith(bm *gozxing.BitMatrix, dim int, at func(x, y float64) (float64, float64), hints map[gozxing.DecodeHintType]interface{}) *gozxing.Result {
	bits, err := gozxing.NewSquareBitMatrix(dim)
	if err != nil {
		return nil
	}
	for y := 0; y < dim; y++ {
		for x := 0; x < dim; x++ {
			u, v := at(float64(x)+0.5, float64(y)+0.5)
			if qrfinder.Dark(bm, u, v) {
				bits.Set(x, y)
			}
		}
	}
	dr, err := r.dec.Decode(bits, hints)
	bits.Clear()
	if err != nil {
		return nil
	}
	point := func(x, y float64) gozxing.ResultPoint {
		u, v := at(x, y)
		return gozxing.NewResultPoint(u, v)
	}
	d := float64(dim)
	// Where gozxing's detector puts its points: the finders' centres,
	// bottom-left, top-left, top-right, then the bottom-right alignment
	// pattern's.
	pts := []gozxing.ResultPoint{point(3.5, d-3.5), point(3.5, 3.5), point(d-3.5, 3.5)}
	if dim > 21 {
		pts = append(pts, point(d-6.5, d-6.5))
	}
	return NewResult(dr, pts)
}

// NewResult turns a decoded symbol into a result with the metadata
// gozxing's QR Code reader gives, its points mirrored back when the
// symbol was read mirrored.
func NewResult(dr *common.DecoderResult, pts []gozxing.ResultPoint) *gozxing.Result {
	if md, ok := dr.GetOther().(*qrdecoder.QRCodeDecoderMetaData); ok {
		md.ApplyMirroredCorrection(pts)
	}
	res := gozxing.NewResult(dr.GetText(), dr.GetRawBytes(), pts, gozxing.BarcodeFormat_QR_CODE)
	if segs := dr.GetByteSegments(); len(segs) > 0 {
		res.PutMetadata(gozxing.ResultMetadataType_BYTE_SEGMENTS, segs)
	}
	if ec := dr.GetECLevel(); ec != "" {
		res.PutMetadata(gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL, ec)
	}
	if dr.HasStructuredAppend() {
		res.PutMetadata(gozxing.ResultMetadataType_STRUCTURED_APPEND_SEQUENCE, dr.GetStructuredAppendSequenceNumber())
		res.PutMetadata(gozxing.ResultMetadataType_STRUCTURED_APPEND_PARITY, dr.GetStructuredAppendParity())
	}
	res.PutMetadata(gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER, "]Q"+strconv.Itoa(dr.GetSymbologyModifier()))
	return res
}
