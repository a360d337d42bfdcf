// Package maxicode reads MaxiCode symbols (ISO/IEC 16023) for scannerd: it
// finds the bullseye finder in a binarized image, fits its rings to undo
// scale and skew, turns the symbol upright from its orientation patterns,
// samples the 33-row hexagonal grid, corrects errors with Reed–Solomon over
// GF(64) and decodes modes 2 to 6, including the structured carrier message
// of modes 2 and 3, formatted as ZXing formats it.
//
// The Reader implements gozxing.Reader; one Reader serves one goroutine.
package maxicode

import (
	"math"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/guard"
	"github.com/scannerd/scannerd/scanner/internal/hint"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// Reader decodes MaxiCode symbols. Its zero value is not ready; use
// NewReader. A Reader keeps scratch buffers and must not be shared between
// goroutines.
type Reader struct {
	rows  bitrow.Rows
	img   pixels // the image the bullseye search reads
	found []bullseye
	runs  []int
	corr  *corrector
	grid  gridBits
	cw    [numCodewords]byte
	// kept and measured are the most bullseyes and run lengths held
	// since the last Wipe, which clears that many, not the capacity the
	// busiest frame left; sampled: a grid was sampled since, leaving its
	// modules and codewords in grid, cw and the corrector's scratch.
	kept, measured int
	sampled        bool
}

var _ gozxing.Reader = (*Reader)(nil)

// NewReader returns a MaxiCode reader.
func NewReader() *Reader {
	return &Reader{corr: newCorrector()}
}

// Wipe zeroes what the reads since the last Wipe left: where the
// bullseyes lie, the rows' run lengths, the modules sampled and the
// codewords (the data, corrected). The scanner calls it after its
// passes.
func (r *Reader) Wipe() {
	clear(scrub.UpTo(r.found, r.kept))
	clear(scrub.UpTo(r.runs, r.measured))
	if r.measured > 0 {
		r.rows.Done() // a search cut short leaves a row of the image copied
	}
	r.found, r.runs = r.found[:0], r.runs[:0]
	r.kept, r.measured = 0, 0
	r.img = pixels{}
	if r.sampled {
		r.sampled = false
		r.grid = gridBits{}
		r.cw = [numCodewords]byte{}
		clear(r.corr.scratch[:cap(r.corr.scratch)])
		r.corr.scratch = r.corr.scratch[:0]
	}
}

// DecodeWithoutHints decodes the first MaxiCode found in the image.
func (r *Reader) DecodeWithoutHints(image *gozxing.BinaryBitmap) (*gozxing.Result, error) {
	return r.Decode(image, nil)
}

// Reset does nothing: a Reader keeps no state between images besides
// scratch space.
func (r *Reader) Reset() {}

// Decode finds and decodes a MaxiCode symbol. TRY_HARDER scans every row
// instead of every other one and tries more grid fits; PURE_BARCODE lets
// it fall back to a symbol filling the image upright.
func (r *Reader) Decode(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}) (res *gozxing.Result, err error) {
	defer guard.Recover("maxicode", &res, &err)
	bm, err := guard.Matrix("maxicode", image)
	if err != nil {
		return nil, err
	}
	tryHarder := hint.TryHarder(hints)
	pure := hint.Set(hints, gozxing.DecodeHintType_PURE_BARCODE)
	step := 2
	if tryHarder {
		step = 1
	}
	// A noisy frame can hold many ring-like spots, and each costs a search
	// over rotations and scales; a real bullseye is met within the first
	// few, so the search stops after a budget of them.
	budget := maxAttempts
	if tryHarder {
		budget = maxAttemptsHard
	}
	lastErr := guard.NotFound
	for _, b := range r.findBullseyes(bm, step, hints) {
		cx, cy, s, ok := fitEllipse(bm, b)
		if !ok {
			continue
		}
		if budget--; budget < 0 {
			break
		}
		res, err := r.decodeAt(bm, frame{cx: cx, cy: cy, s: s, aspect: 1}, tryHarder)
		if err == nil {
			return res, nil
		}
		lastErr = err
	}
	if pure {
		if f, ok := pureFrame(bm); ok {
			if res, err := r.decodeFrame(bm, &f); err == nil {
				return res, nil
			}
		}
	}
	return nil, lastErr
}

// refineScore is the orientation score (of 18 modules) a fit needs for the
// perspective refinement without TRY_HARDER.
const refineScore = 16

// Bullseyes searched per image.
const (
	maxAttempts     = 4
	maxAttemptsHard = 16
)

// decodeAt searches the rotation and scale of a symbol around a fitted
// bullseye, then tries the best fits and small variations of them.
func (r *Reader) decodeAt(bm *gozxing.BitMatrix, f frame, tryHarder bool) (*gozxing.Result, error) {
	type fit struct {
		angle, scale float64
		score        int
	}
	var best []fit
	for _, modScale := range []float64{0.94, 0.97, 1, 1.03, 1.06} {
		f.scale = 1 / (outerRing * modScale)
		for deg := 0; deg < 360; deg += 2 {
			a := float64(deg) * math.Pi / 180
			f.cos, f.sin = math.Cos(a), math.Sin(a)
			score := orientationScore(bm, &f)
			if score >= 15 {
				best = append(best, fit{a, f.scale, score})
			}
		}
	}
	if len(best) == 0 {
		return nil, guard.NotFound
	}
	// Try the best scoring fits first.
	for i := 1; i < len(best); i++ {
		for j := i; j > 0 && best[j].score > best[j-1].score; j-- {
			best[j], best[j-1] = best[j-1], best[j]
		}
	}
	limit := 4
	if tryHarder {
		limit = 12
	}
	var lastErr error = guard.NotFound
	for i, b := range best {
		if i == limit {
			break
		}
		for _, da := range []float64{0, -0.5, 0.5, -1, 1} {
			for _, ds := range []float64{1, 0.985, 1.015} {
				for _, asp := range []float64{1, 0.985, 1.015} {
					g := f
					a := b.angle + da*math.Pi/180
					g.cos, g.sin = math.Cos(a), math.Sin(a)
					g.scale = b.scale * ds
					g.aspect = asp
					res, err := r.decodeFrame(bm, &g)
					if err == nil {
						return res, nil
					}
					lastErr = err
				}
			}
		}
	}
	// Seen at an angle, the grid drifts from the affine fit: measure the
	// drift and fit a homography. That costs more than everything before,
	// so without TRY_HARDER only a nearly perfect orientation pattern (one
	// that chance in a noisy frame rarely gives) earns it.
	for i, b := range best {
		if i == 2 || !tryHarder && b.score < refineScore {
			break
		}
		g := f
		g.cos, g.sin = math.Cos(b.angle), math.Sin(b.angle)
		g.scale = b.scale
		if h, ok := refine(bm, g); ok {
			res, err := r.decodeFrame(bm, &h)
			if err == nil {
				return res, nil
			}
			lastErr = err
		}
	}
	return nil, lastErr
}

// orientationScore counts the orientation modules that show their colour.
func orientationScore(bm *gozxing.BitMatrix, f *frame) int {
	n := 0
	for _, m := range orientationModules {
		x, y := f.modulePoint(m.row, m.col)
		if dark(bm, x, y) == m.dark {
			n++
		}
	}
	return n
}

// decodeFrame samples the grid through a frame and decodes it.
func (r *Reader) decodeFrame(bm *gozxing.BitMatrix, f *frame) (*gozxing.Result, error) {
	r.sampled = true
	for row := 0; row < gridRows; row++ {
		for col := 0; col < gridCols; col++ {
			if moduleLayout[row][col] == noBit {
				continue
			}
			x, y := f.modulePoint(row, col)
			r.grid[row][col] = dark(bm, x, y)
		}
	}
	return r.decodeGrid(f.corners())
}

// decodeGrid corrects and decodes the sampled grid.
func (r *Reader) decodeGrid(points []gozxing.ResultPoint) (*gozxing.Result, error) {
	r.grid.codewords(&r.cw)
	mode, fixed, err := r.corr.correctAll(&r.cw)
	if err != nil {
		return nil, err
	}
	d, err := decodeMessage(&r.cw, mode)
	if err != nil {
		return nil, gozxing.NewFormatException("%v", err)
	}
	raw := make([]byte, numCodewords)
	copy(raw, r.cw[:])
	res := gozxing.NewResult(d.text, raw, points, gozxing.BarcodeFormat_MAXICODE)
	res.PutMetadata(gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL, string(rune('0'+mode)))
	res.PutMetadata(gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER, symbologyID(d))
	res.PutMetadata(gozxing.ResultMetadataType_OTHER, ErrorsCorrected(fixed))
	if d.saCount > 0 {
		res.PutMetadata(gozxing.ResultMetadataType_STRUCTURED_APPEND_SEQUENCE, (d.saIndex-1)<<4|(d.saCount-1))
	}
	return res, nil
}

// ErrorsCorrected is the number of codewords Reed–Solomon corrected,
// stored under gozxing.ResultMetadataType_OTHER.
type ErrorsCorrected int

// symbologyID is the AIM identifier: ]U1 for modes 2 and 3 (structured
// carrier message), ]U0 otherwise, 2 more when an ECI is present.
func symbologyID(d decoded) string {
	m := 0
	if d.mode == 2 || d.mode == 3 {
		m = 1
	}
	if d.eci {
		m += 2
	}
	return "]U" + string(rune('0'+m))
}

// pureFrame assumes the image holds one upright symbol filling the dark
// pixels' bounding box.
func pureFrame(bm *gozxing.BitMatrix) (frame, bool) {
	rect := bm.GetEnclosingRectangle()
	if rect == nil || rect[2] < 30 || rect[3] < 30 {
		return frame{}, false
	}
	left, top, width, height := float64(rect[0]), float64(rect[1]), float64(rect[2]), float64(rect[3])
	w := width / 30
	half := 16*rowPitch + 1/math.Sqrt(3)
	hy := height / (2 * half)
	f := frame{
		cx: left + 14.5*w, cy: top + height/2,
		s:   [2][2]float64{{w * outerRing, 0}, {0, hy * outerRing}},
		cos: 1, scale: 1 / outerRing, aspect: 1,
	}
	return f, true
}
