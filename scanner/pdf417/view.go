package pdf417

import (
	"encoding/binary"
	"math"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// rotation names the four ways a symbol can lie in an image. The detector
// always looks for an upright symbol (start pattern on the left, rows
// horizontal) in a view of the image turned by one of these.
type rotation uint8

const (
	rot0   rotation = iota // the image as it is
	rot90                  // rows run down the image: see toImage
	rot180                 // upside down
	rot270
	rotFree // any angle: see newTurnedView
)

// view is the image seen turned by a rotation, without copying it.
type view struct {
	m      *gozxing.BitMatrix
	rot    rotation
	w, h   int // view size
	iw, ih int // image size
	// For rotFree: the view's origin in the image, and its x axis, a
	// vector as long as a view pixel is in image pixels (its y axis is
	// the x axis turned a quarter clockwise).
	ox, oy, ux, uy float64
	// words, when set, is a copy of m's bits, stride words a row (see
	// copyWords): between and fromNearest read it without Get's bounds
	// checks and call per pixel.
	words  []uint32
	stride int
	// blocks, when set with words, tells the 8×8 blocks of the image
	// that are all light or all dark (see uniformBlocks), bstride a row
	// of blocks: fromNearest steps over them.
	blocks  []uint8
	bstride int
	// seen, when set, keeps what sampleFrom read at each view pixel of a
	// turned view (see samples).
	seen *samples
}

// samples keeps the colour of the view pixels a turned view's lines have
// sampled, so that a pixel is weighed between its image pixels (between)
// once: the lines across a candidate symbol are half a pixel to a pixel
// apart, and the other angles tried for it (readSymbol) cross the same
// pixels again, so most pixels are sampled two to four times (three
// quarters of the weighings on the development set). states holds two
// bits a view pixel, stride words a row: 0 not sampled yet, else
// sampleLight or sampleDark.
type samples struct {
	states []uint32
	stride int
	ready  bool // states is cleared for the view
	// dirty is the most states a view was prepared with since the last
	// wipe: those beyond it hold nothing of the image, and wipe leaves
	// them (a view of a large cluster once keeps its array's room).
	dirty int
}

const (
	sampleLight = 1
	sampleDark  = 3
)

// prepare sizes the states for a w×h view and marks every pixel not
// sampled.
func (s *samples) prepare(w, h int) {
	s.stride = (w + 15) / 16
	need := h * s.stride
	if cap(s.states) < need {
		// Made at its full size at once, as copyWords' words are.
		clear(s.states[:cap(s.states)])
		s.states = make([]uint32, need)
	}
	s.states = s.states[:need]
	clear(s.states)
	s.ready = true
	s.dirty = max(s.dirty, need)
}

// wipe clears the colours kept.
func (s *samples) wipe() {
	clear(scrub.UpTo(s.states, s.dirty))
	s.ready, s.dirty = false, 0
}

// copyWords copies the bits of m into words (grown as needed), a row of
// stride words for each row of m, as BitMatrix keeps them.
func copyWords(m *gozxing.BitMatrix, row *gozxing.BitArray, words []uint32) ([]uint32, int, *gozxing.BitArray) {
	w, h := m.GetWidth(), m.GetHeight()
	stride := (w + 31) / 32
	if need := h * stride; cap(words) < need {
		// Made at its full size at once: an array append outgrew would be
		// dropped with rows of the image in it, which nothing clears.
		clear(words[:cap(words)])
		words = make([]uint32, need)
	} else {
		words = words[:need]
	}
	for y := range h {
		row = m.GetRow(y, row)
		copy(words[y*stride:(y+1)*stride], row.GetBitArray()[:stride])
	}
	return words, stride, row
}

// The colours of an 8×8 block of the image in uniformBlocks' map.
const (
	blockMixed uint8 = iota
	blockLight
	blockDark
)

// blockSide is the side of uniformBlocks' blocks: a byte of a word of
// each of eight rows.
const blockSide = 8

// uniformBlocks fills blocks (grown as needed) with the colour of each
// blockSide×blockSide block of the w×h image whose words copyWords made:
// blockLight or blockDark where all its pixels inside the image are, else
// blockMixed. It returns the map and its stride, blocks a row. A block
// the image's right edge cuts is never dark (words holds the pixels
// beyond the edge light); one its bottom edge cuts may be, and
// fromNearest's steps stop at that edge.
func uniformBlocks(words []uint32, stride, w, h int, blocks []uint8) ([]uint8, int) {
	bw, bh := (w+blockSide-1)/blockSide, (h+blockSide-1)/blockSide
	need := bw * bh
	if cap(blocks) < need {
		clear(blocks[:cap(blocks)])
		blocks = make([]uint8, need)
	}
	blocks = blocks[:need]
	for by := range bh {
		y0, y1 := by*blockSide, min(h, (by+1)*blockSide)
		for k := range stride {
			or, and := uint32(0), ^uint32(0)
			if y1-y0 == blockSide {
				// A whole band: its eight words read at one go, without
				// a loop's count and test a row (most bands).
				p := words[y0*stride+k:]
				w0, w1, w2, w3 := p[0], p[stride], p[2*stride], p[3*stride]
				w4, w5, w6, w7 := p[4*stride], p[5*stride], p[6*stride], p[7*stride]
				or = w0 | w1 | w2 | w3 | w4 | w5 | w6 | w7
				and = w0 & w1 & w2 & w3 & w4 & w5 & w6 & w7
			} else {
				for y := y0; y < y1; y++ {
					word := words[y*stride+k]
					or |= word
					and &= word
				}
			}
			bx := k * (32 / blockSide)
			if bx+32/blockSide > bw || (bx+32/blockSide)*blockSide > w {
				// The last word of the row: its blocks past the row's
				// end are not kept, and those the image's edge cuts are
				// never dark.
				for b := range min(32/blockSide, bw-bx) {
					c := blockMixed
					switch sh := uint(b * blockSide); {
					case or>>sh&0xff == 0:
						c = blockLight
					case and>>sh&0xff == 0xff && (bx+b+1)*blockSide <= w:
						c = blockDark
					}
					blocks[by*bw+bx+b] = c
				}
				continue
			}
			// The four blocks at once, a byte each: light where a byte
			// of or is 0, dark where one of and is all ones.
			light, dark := zeroBytes(or), zeroBytes(^and)
			binary.LittleEndian.PutUint32(blocks[by*bw+bx:], light*uint32(blockLight)|dark*uint32(blockDark))
		}
	}
	return blocks, bw
}

// zeroBytes returns 1 in each byte of v that is 0, else 0 there.
func zeroBytes(v uint32) uint32 {
	// The high bit of each byte of nonzero: whether its low seven bits,
	// carried into it, or its own high bit are set; no carry crosses
	// into the next byte.
	nonzero := (v&0x7f7f7f7f + 0x7f7f7f7f | v) & 0x80808080
	return (nonzero ^ 0x80808080) >> 7
}

// newTurnedView returns the w×h view of m whose origin is the image point
// (ox, oy) and whose rows run at angle (radians, clockwise from the
// image's x axis, y pointing down) through the image, each view pixel
// scale image pixels wide (1 but for large modules: see coarseRegions).
func newTurnedView(m *gozxing.BitMatrix, ox, oy, angle, scale float64, w, h int) view {
	return view{m: m, rot: rotFree, w: w, h: h, iw: m.GetWidth(), ih: m.GetHeight(),
		ox: ox, oy: oy, ux: scale * math.Cos(angle), uy: scale * math.Sin(angle)}
}

// degrees returns the angle of the view's rows in the image, clockwise
// from its x axis: 0, 90, 180 or 270 for the quarter turns.
func (v view) degrees() int {
	if v.rot != rotFree {
		return [...]int{0, 90, 180, 270}[v.rot]
	}
	d := int(math.Round(math.Atan2(v.uy, v.ux) * 180 / math.Pi))
	return (d + 360) % 360
}

func newView(m *gozxing.BitMatrix, rot rotation) view {
	v := view{m: m, rot: rot, iw: m.GetWidth(), ih: m.GetHeight()}
	v.w, v.h = v.iw, v.ih
	if rot == rot90 || rot == rot270 {
		v.w, v.h = v.ih, v.iw
	}
	return v
}

// toImage maps view coordinates to image coordinates. For rot90 the view's
// rows are the image's columns read top to bottom, so a symbol whose rows run
// downwards in the image (turned 90° clockwise) is upright in the view.
func (v view) toImage(x, y float64) (float64, float64) {
	switch v.rot {
	case rot90:
		return float64(v.iw) - y, x
	case rot180:
		return float64(v.iw) - x, float64(v.ih) - y
	case rot270:
		return y, float64(v.ih) - x
	case rotFree:
		return v.ox + x*v.ux - y*v.uy, v.oy + x*v.uy + y*v.ux
	}
	return x, y
}

// get reports whether the view pixel (x, y) is dark; outside is light.
func (v *view) get(x, y int) bool {
	if x < 0 || y < 0 || x >= v.w || y >= v.h {
		return false
	}
	switch v.rot {
	case rot90:
		return v.m.Get(v.iw-1-y, x)
	case rot180:
		return v.m.Get(v.iw-1-x, v.ih-1-y)
	case rot270:
		return v.m.Get(y, v.ih-1-x)
	case rotFree:
		return v.between(v.toImage(float64(x)+0.5, float64(y)+0.5))
	}
	return v.m.Get(x, y)
}

// nearestDark reports whether the image pixel holding the point (x, y)
// is dark; outside the image is light.
func (v *view) nearestDark(x, y float64) bool {
	if !(x >= 0 && y >= 0 && x < float64(v.iw) && y < float64(v.ih)) {
		return false
	}
	xi, yi := int(x), int(y)
	if v.words != nil {
		return v.words[yi*v.stride+xi>>5]>>uint(xi&31)&1 != 0
	}
	return v.m.Get(xi, yi)
}

// between reports whether the image is dark at the point (x, y) (pixel
// centres at half units), interpolating bilinearly between the four
// pixels nearest it: a line sampled across a turned symbol then sees its
// edges where they lie between pixels, not on the staircase of the
// pixels' own edges. Outside the image is light.
func (v *view) between(x, y float64) bool {
	x, y = x-0.5, y-0.5
	ix, iy := floorInt(x), floorInt(y)
	x0, y0 := float64(ix), float64(iy)
	var tl, tr, bl, br bool
	if v.words != nil && ix >= 0 && iy >= 0 && ix+1 < v.iw && iy+1 < v.ih {
		k, sh := iy*v.stride+ix>>5, uint(ix&31)
		top, bottom := v.words[k]>>sh, v.words[k+v.stride]>>sh
		if sh == 31 {
			top |= v.words[k+1] << 1
			bottom |= v.words[k+v.stride+1] << 1
		}
		tl, tr, bl, br = top&1 != 0, top&2 != 0, bottom&1 != 0, bottom&2 != 0
	} else {
		// Get is false outside the image.
		tl, tr, bl, br = v.m.Get(ix, iy), v.m.Get(ix+1, iy), v.m.Get(ix, iy+1), v.m.Get(ix+1, iy+1)
	}
	if tl == tr && tl == bl && tl == br {
		return tl // most samples, away from edges: no weighing
	}
	at := func(dark bool) float64 {
		if dark {
			return 1
		}
		return 0
	}
	fx, fy := x-x0, y-y0
	top := at(tl)*(1-fx) + at(tr)*fx
	bottom := at(bl)*(1-fx) + at(br)*fx
	return top*(1-fy)+bottom*fy >= 0.5
}

// sampleLine fills r with the runs of n samples of the view along a
// line: sample i is the view pixel holding the point (sx, sy) + (i+½)·(rx, ry).
// It reads what get would, without a call per sample. The line's end it
// returns lets extendLine sample it further.
func (v *view) sampleLine(r *runList, n int, sx, sy, rx, ry float64) lineEnd {
	r.reset()
	if n <= 0 {
		return lineEnd{}
	}
	return v.sampleFrom(r, 0, n, false, lineEnd{}, sx, sy, rx, ry)
}

// lineEnd is where sampleLine left a line: whether a sample fell inside
// the view, and whether the line had left it again, all further samples
// being light.
type lineEnd struct{ inside, left bool }

// extendLine extends the runs in r of a line's first samples, as
// sampleLine (or extendLine) left them and end, to n samples of the same
// line: the runs sampleLine would fill for n, without sampling the first
// ones again.
func (v *view) extendLine(r *runList, end lineEnd, n int, sx, sy, rx, ry float64) lineEnd {
	last := len(r.edges) - 1
	from := r.edges[last]
	if n <= from {
		return end
	}
	if end.left {
		r.edges[last] = n
		return end
	}
	prev := r.dark(last - 1)
	r.edges = r.edges[:last]
	return v.sampleFrom(r, from, n, prev, end, sx, sy, rx, ry)
}

// sampleFrom samples a line from sample from (> 0 when r holds the runs of
// the samples before it, the last one prev) to n.
func (v *view) sampleFrom(r *runList, from, n int, prev bool, end lineEnd, sx, sy, rx, ry float64) lineEnd {
	// An edge a sample from from on at most, and the line's end.
	r.room(n - from + 1)
	if v.rot == rotFree && v.seen != nil {
		return v.sampleSeen(r, from, n, prev, end, sx, sy, rx, ry)
	}
	inside := end.inside
	w, h := float64(v.w), float64(v.h)
	for i := from; i < n; i++ {
		d := float64(i) + 0.5
		fx, fy := sx+d*rx, sy+d*ry
		if fx < 0 || fy < 0 || fx >= w || fy >= h {
			if inside {
				// Each coordinate moves one way along the line, so
				// the samples inside the view are one stretch: the
				// rest are light too.
				if prev {
					r.edges = append(r.edges, i)
				}
				r.edges = append(r.edges, n)
				return lineEnd{inside: true, left: true}
			}
			r.sample(i, false, prev)
			prev = false
			continue
		}
		// The view pixel: ⌊fx⌋, ⌊fy⌋, both ≥ 0.
		x, y := int(fx), int(fy)
		inside = true
		var p bool
		if v.rot == rotFree {
			px, py := float64(x)+0.5, float64(y)+0.5
			p = v.between(v.ox+px*v.ux-py*v.uy, v.oy+px*v.uy+py*v.ux)
		} else {
			p = v.get(x, y)
		}
		r.sample(i, p, prev)
		prev = p
	}
	r.edges = append(r.edges, n)
	return lineEnd{inside: inside}
}

// sampleSeen is sampleFrom for a turned view that keeps its samples (see
// samples): the loop most of MicroPDF417's and GS1 Composite's lines are
// sampled by, without a test of the view's kind a sample. The samples
// inside the view are one stretch (each coordinate moves one way along
// the line), whose end is found first (insideUntil): the samples in it
// are read without a test of the view's bounds each.
func (v *view) sampleSeen(r *runList, from, n int, prev bool, end lineEnd, sx, sy, rx, ry float64) lineEnd {
	inside := end.inside
	w, h := float64(v.w), float64(v.h)
	states, stride := v.seen.states, v.seen.stride
	i := from
	for ; i < n && !linePointIn(i, sx, sy, rx, ry, w, h); i++ {
		if inside {
			// The line has left the view: the rest is light.
			if prev {
				r.edges = append(r.edges, i)
			}
			r.edges = append(r.edges, n)
			return lineEnd{inside: true, left: true}
		}
		r.sample(i, false, prev)
		prev = false
	}
	if i == n {
		r.edges = append(r.edges, n)
		return lineEnd{inside: inside}
	}
	stop := insideUntil(i, n, sx, sy, rx, ry, w, h)
	for ; i < stop; i++ {
		d := float64(i) + 0.5
		x, y := int(sx+d*rx), int(sy+d*ry)
		k, sh := y*stride+x>>4, uint(x&15)*2
		st := states[k] >> sh & 3
		if st == 0 {
			px, py := float64(x)+0.5, float64(y)+0.5
			st = sampleLight
			if v.between(v.ox+px*v.ux-py*v.uy, v.oy+px*v.uy+py*v.ux) {
				st = sampleDark
			}
			states[k] |= st << sh
		}
		p := st == sampleDark
		r.sample(i, p, prev)
		prev = p
	}
	if stop < n {
		// The line has left the view: the rest is light.
		if prev {
			r.edges = append(r.edges, stop)
		}
		r.edges = append(r.edges, n)
		return lineEnd{inside: true, left: true}
	}
	r.edges = append(r.edges, n)
	return lineEnd{inside: true}
}

// stretchEnd returns where, in samples, the coordinate c + (i+½)·d of a
// line's samples reaches the edge of [0, size) it moves towards: +Inf
// where it does not move.
func stretchEnd(c, d, size float64) float64 {
	switch {
	case d > 0:
		return (size-c)/d - 0.5
	case d < 0:
		return -c/d - 0.5
	}
	return math.Inf(1)
}

// linePointIn reports whether sample i of a line, the point
// (sx, sy) + (i+½)·(rx, ry), lies inside a w×h view.
func linePointIn(i int, sx, sy, rx, ry, w, h float64) bool {
	d := float64(i) + 0.5
	fx, fy := sx+d*rx, sy+d*ry
	return fx >= 0 && fy >= 0 && fx < w && fy < h
}

// insideUntil returns the first sample after i, which lies inside the
// view, that lies outside it (linePointIn), or n where none before n
// does. Each coordinate of the samples moves one way along the line, so
// the samples inside are one stretch: its end is estimated where each
// coordinate reaches the view's edge, and moved to where linePointIn
// says it is.
func insideUntil(i, n int, sx, sy, rx, ry, w, h float64) int {
	est := float64(n)
	if t := stretchEnd(sx, rx, w); t < est {
		est = t
	}
	if t := stretchEnd(sy, ry, h); t < est {
		est = t
	}
	j := n
	if est < float64(n-1) {
		j = i + 1
		if est >= float64(i) {
			j = int(est) + 1
		}
	}
	for j > i+1 && !linePointIn(j-1, sx, sy, rx, ry, w, h) {
		j--
	}
	for j < n && linePointIn(j, sx, sy, rx, ry, w, h) {
		j++
	}
	return j
}

// floorInt is int(math.Floor(f)) for the points between weighs,
// without a call.
func floorInt(f float64) int {
	i := int(f)
	if float64(i) > f {
		i--
	}
	return i
}

// sampleSlant fills r with the runs of n samples of the view along the
// line through a of the given slope: sample i is the view pixel
// (int(x), ⌊a.y+(x−a.x)·slope⌋) at x = x0+i+½. It reads what get would,
// without a call per sample: readLine samples every codeword line so,
// most of them in the upright and upside-down views, which read the
// matrix directly.
func (v *view) sampleSlant(r *runList, n int, x0 float64, a point, slope float64) {
	r.reset()
	if n <= 0 {
		return
	}
	r.room(n + 1) // an edge a sample at most, and the line's end
	prev := false
	for i := range n {
		x := x0 + float64(i) + 0.5
		yf := a.y + (x-a.x)*slope
		y := int(yf) // ⌊yf⌋, without a call
		if float64(y) > yf {
			y--
		}
		var p bool
		switch xi := int(x); v.rot {
		case rot0:
			p = v.m.Get(xi, y)
		case rot180:
			p = v.m.Get(v.iw-1-xi, v.ih-1-y)
		default:
			p = v.get(xi, y)
		}
		r.sample(i, p, prev)
		prev = p
	}
	r.edges = append(r.edges, n)
}
