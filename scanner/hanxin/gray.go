package hanxin

import (
	"math"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/geom"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// DecodeGray reads the symbols of bm as DecodeMultiple does, bm binarized
// from src (the same pixels): where a group's grid, sampled from bm,
// fails to decode, its modules are read again from src's gray levels
// (equalized; see sampleGray). The engine's binarizers threshold each
// pixel against the mean of the blocks round it, which under a blur of
// half a module loses the modules that differ from all their neighbours.
func (r *Reader) DecodeGray(src gozxing.LuminanceSource, bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}) ([]*gozxing.Result, error) {
	if src != nil && (src.GetWidth() != bm.GetWidth() || src.GetHeight() != bm.GetHeight()) {
		src = nil
	}
	r.eq.src = src
	defer func() { r.eq.src = nil }()
	return r.DecodeMultiple(bm, hints)
}

// equalizer holds what sampleGray reads: the gray view (set only during
// DecodeGray), the rows it read of it and the modules' levels and
// decisions, with a ring of one module round the symbol (its quiet zone,
// light).
type equalizer struct {
	src          gozxing.LuminanceSource
	row, pix     []byte
	x0, y0, w, h int
	level        []float64
	known, dark  []int8 // known: -1 data or function information, else 0 light, 1 dark
	held         bool   // pix and level hold image data since the last Wipe
}

func (e *equalizer) wipe() {
	if e.held {
		clear(e.row[:cap(e.row)])
		clear(e.pix[:cap(e.pix)])
		clear(e.level[:cap(e.level)])
		clear(e.dark[:cap(e.dark)])
		// The box of the rows read is where the symbol lay.
		e.x0, e.y0, e.w, e.h = 0, 0, 0, 0
		e.held = false
	}
}

// sampleGray reads the grid's modules through h from the gray view, and
// reports whether it could. A blur of half a module leaves a module that
// differs from its neighbours under half the symbol's contrast, past
// which they pull it: its level is what its own state and its
// neighbours' make together. So each module's level is modelled as
// a + b0·dark + b1·(dark edge neighbours) + b2·(dark corner neighbours),
// the four weights fitted by least squares to the function modules
// whose neighbours are all known (the finder patterns, their separators,
// the alignment patterns and the light quiet zone round the symbol, ISO/IEC
// 20830 §5.3, §5.4), the blur's and the contrast's own measure; then,
// from a threshold halfway, each data module is set to whichever state
// its level lies nearer given its neighbours' states, in sweeps until none
// changes (decision feedback). Without blur b1 and b2 are near zero and
// it is a threshold at the symbol's own mid-level.
func (r *Reader) sampleGray(h *geom.Homography, l *layout) bool {
	e := &r.eq
	size := l.size
	n := size + 2
	if !e.load(h, size) {
		return false
	}
	e.level = grow(e.level, n*n)
	e.known = grow(e.known, n*n)
	e.dark = grow(e.dark, n*n)
	var ata [4][4]float64
	var atb [4]float64
	for row := -1; row <= size; row++ {
		for col := -1; col <= size; col++ {
			i := (row+1)*n + col + 1
			x, y := h.Apply(float64(col)+0.5, float64(row)+0.5)
			e.level[i] = e.at(x, y)
			e.known[i] = 0
			if row >= 0 && col >= 0 && row < size && col < size {
				switch l.mod[row*size+col] {
				case fnDark:
					e.known[i] = 1
				case fnLight:
				default:
					e.known[i] = -1
				}
			}
		}
	}
	for row := 1; row < n-1; row++ {
		for col := 1; col < n-1; col++ {
			i := row*n + col
			if e.known[i] < 0 {
				continue
			}
			edge, corner, ok := neighbours(e.known, n, i)
			if !ok {
				continue
			}
			v := [4]float64{1, float64(e.known[i]), float64(edge), float64(corner)}
			for p := range 4 {
				for q := range 4 {
					ata[p][q] += v[p] * v[q]
				}
				atb[p] += v[p] * e.level[i]
			}
		}
	}
	w, ok := solve4(ata, atb)
	if !ok || w[1] == 0 {
		return false
	}
	a, b0, b1, b2 := w[0], w[1], w[2], w[3]
	// The first decisions: halfway between a module dark and light among
	// neighbours half dark.
	mid := a + b0/2 + 2*b1 + 2*b2
	for i := range n * n {
		e.dark[i] = e.known[i]
		if e.known[i] < 0 {
			e.dark[i] = 0
			if (e.level[i] < mid) == (b0 < 0) {
				e.dark[i] = 1
			}
		}
	}
	// Each sweep only moves a module to the state whose level lies nearer
	// its own; a module and its neighbour may trade places back and forth,
	// so the sweeps are bounded.
	for range 8 {
		changed := false
		for row := 1; row < n-1; row++ {
			for col := 1; col < n-1; col++ {
				i := row*n + col
				if e.known[i] >= 0 {
					continue
				}
				edge, corner, _ := neighbours(e.dark, n, i)
				light := a + b1*float64(edge) + b2*float64(corner)
				var d int8
				if math.Abs(e.level[i]-light-b0) < math.Abs(e.level[i]-light) {
					d = 1
				}
				if d != e.dark[i] {
					e.dark[i], changed = d, true
				}
			}
		}
		if !changed {
			break
		}
	}
	g := r.grid(size)
	for row := range size {
		for col := range size {
			g.dark[row*size+col] = e.dark[(row+1)*n+col+1] == 1
		}
	}
	return true
}

// neighbours counts the dark edge and corner neighbours of module i in
// states (n a row), and reports whether all eight are known.
func neighbours(states []int8, n, i int) (edge, corner int, ok bool) {
	ok = true
	for _, d := range [4]int{-n, n, -1, 1} {
		s := states[i+d]
		ok = ok && s >= 0
		edge += int(max(s, 0))
	}
	for _, d := range [4]int{-n - 1, -n + 1, n - 1, n + 1} {
		s := states[i+d]
		ok = ok && s >= 0
		corner += int(max(s, 0))
	}
	return edge, corner, ok
}

// load reads the rows of the gray view the grid (and its ring of quiet
// zone) lies on, with a pixel to spare for the interpolation.
func (e *equalizer) load(h *geom.Homography, size int) bool {
	if e.src == nil {
		return false
	}
	W, H := e.src.GetWidth(), e.src.GetHeight()
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	s := float64(size)
	for _, c := range [4][2]float64{{-1, -1}, {s + 1, -1}, {s + 1, s + 1}, {-1, s + 1}} {
		x, y := h.Apply(c[0], c[1])
		x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
	}
	ix0, iy0 := max(0, int(math.Floor(x0))-1), max(0, int(math.Floor(y0))-1)
	ix1, iy1 := min(W, int(math.Ceil(x1))+2), min(H, int(math.Ceil(y1))+2)
	if ix0 >= ix1 || iy0 >= iy1 || math.IsNaN(x0+y0+x1+y1) {
		return false
	}
	e.x0, e.y0, e.w, e.h = ix0, iy0, ix1-ix0, iy1-iy0
	e.pix = grow(e.pix, e.w*e.h)
	e.held = true
	for y := iy0; y < iy1; y++ {
		row, err := e.src.GetRow(y, e.row)
		if err != nil || len(row) < W {
			return false
		}
		e.row = row
		copy(e.pix[(y-iy0)*e.w:(y-iy0+1)*e.w], row[ix0:ix1])
	}
	return true
}

// at interpolates the gray level at image point (x, y), pixel (i, j)
// covering [i, i+1) x [j, j+1); points off the rows read take the
// nearest pixel's.
func (e *equalizer) at(x, y float64) float64 {
	x, y = x-0.5-float64(e.x0), y-0.5-float64(e.y0)
	fx, fy := math.Floor(x), math.Floor(y)
	ix, iy := int(fx), int(fy)
	fx, fy = x-fx, y-fy
	px := func(i, j int) float64 {
		i, j = min(max(i, 0), e.w-1), min(max(j, 0), e.h-1)
		return float64(e.pix[j*e.w+i])
	}
	return (px(ix, iy)*(1-fx)+px(ix+1, iy)*fx)*(1-fy) + (px(ix, iy+1)*(1-fx)+px(ix+1, iy+1)*fx)*fy
}

// solve4 solves m·x = b by Gaussian elimination with partial pivoting,
// and reports whether m is regular.
func solve4(m [4][4]float64, b [4]float64) ([4]float64, bool) {
	for col := range 4 {
		p := col
		for row := col + 1; row < 4; row++ {
			if math.Abs(m[row][col]) > math.Abs(m[p][col]) {
				p = row
			}
		}
		if math.Abs(m[p][col]) < 1e-9 {
			return b, false
		}
		m[col], m[p] = m[p], m[col]
		b[col], b[p] = b[p], b[col]
		for row := range 4 {
			if row == col {
				continue
			}
			f := m[row][col] / m[col][col]
			for k := range 4 {
				m[row][k] -= f * m[col][k]
			}
			b[row] -= f * b[col]
		}
	}
	var x [4]float64
	for i := range 4 {
		x[i] = b[i] / m[i][i]
	}
	return x, true
}

func grow[T any](s []T, n int) []T {
	return scrub.Room(s, n)[:n] // an array outgrown is cleared as it is let go
}
