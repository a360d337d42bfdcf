package databar

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
)

// Rendering of test symbols: element layout of single-row and stacked
// symbols (ISO/IEC 24724 §5.4 and §5.5), module grids, and images with the
// distortions a camera adds.

// pairElements returns the 21 (or 13) elements of pair p in reading order.
func pairElements(values []int, p int, seq []finderID) []int {
	var el []int
	left, _ := characterWidths(values[2*p])
	el = append(el, left[:]...)
	f := seq[p]
	fw := finderWidths[f.pattern()]
	for i := 0; i < 5; i++ {
		if f.version() == 1 {
			el = append(el, fw[i])
		} else {
			el = append(el, fw[4-i])
		}
	}
	if 2*p+1 < len(values) {
		right, _ := characterWidths(values[2*p+1])
		for i := 7; i >= 0; i-- {
			el = append(el, right[i])
		}
	}
	return el
}

// layoutModules lays the symbol out as rows of modules (true = dark), left
// to right in the image. pairsPerRow 0 makes a single-row symbol; stacked
// rows alternate direction as encoders write them, and separator rows of
// one module go between them (3 per gap).
func layoutModules(values []int, pairsPerRow int) [][]bool {
	n := (len(values) + 1) / 2
	seq := finderSequences[n]
	if pairsPerRow <= 0 || pairsPerRow > n {
		pairsPerRow = n
	}
	var rows [][]bool
	rowCount := (n + pairsPerRow - 1) / pairsPerRow
	for r := 0; r < rowCount; r++ {
		first, last := r*pairsPerRow, min(n, (r+1)*pairsPerRow)
		// The last row of a stacked symbol reads left to right, with one
		// more leading space, where reversing it would misalign colours.
		special := r == rowCount-1 && r%2 == 1 && pairsPerRow%2 == 0 && (last-first)%2 == 1
		rtl := pairsPerRow%2 == 0 && r%2 == 1 && !special
		el := []int{1, 1}
		if special {
			el[0] = 2
		}
		for p := first; p < last; p++ {
			el = append(el, pairElements(values, p, seq)...)
		}
		el = append(el, 1, 1)
		dark := first%2 == 1 // guard colour: the first pair's start colour
		var mods []bool
		for _, w := range el {
			for i := 0; i < w; i++ {
				mods = append(mods, dark)
			}
			dark = !dark
		}
		if rtl {
			for i, j := 0, len(mods)-1; i < j; i, j = i+1, j-1 {
				mods[i], mods[j] = mods[j], mods[i]
			}
		}
		rows = append(rows, mods)
	}
	return rows
}

// renderSymbol draws rows of modules with a quiet zone. rowHeight is in
// modules; separators of stacked symbols are drawn between rows.
func renderSymbol(rows [][]bool, module float64, rowHeight, quiet int) *image.Gray {
	width := 0
	for _, r := range rows {
		width = max(width, len(r))
	}
	// Module grid, separators included.
	var grid [][]bool
	for i, r := range rows {
		if i > 0 {
			grid = append(grid, separator(rows[i-1], width), alternating(width), separator(r, width))
		}
		line := make([]bool, width)
		copy(line, r)
		for j := 0; j < rowHeight; j++ {
			grid = append(grid, line)
		}
	}
	w := int(math.Ceil(float64(width+2*quiet) * module))
	h := int(math.Ceil(float64(len(grid)+2*quiet) * module))
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			// Area coverage of the pixel by dark modules, for fractional
			// module sizes.
			dark := 0.0
			for sy := 0; sy < 3; sy++ {
				for sx := 0; sx < 3; sx++ {
					mx := int((float64(x)+(float64(sx)+0.5)/3)/module) - quiet
					my := int((float64(y)+(float64(sy)+0.5)/3)/module) - quiet
					if my >= 0 && my < len(grid) && mx >= 0 && mx < width && grid[my][mx] {
						dark++
					}
				}
			}
			img.SetGray(x, y, color.Gray{Y: uint8(255 - dark*255/9)})
		}
	}
	return img
}

// separator is the complement of the adjacent row, light for four modules
// at each end.
func separator(row []bool, width int) []bool {
	s := make([]bool, width)
	for i := 4; i < len(row)-4; i++ {
		s[i] = !row[i]
	}
	return s
}

func alternating(width int) []bool {
	s := make([]bool, width)
	for i := 5; i < width-4; i += 2 {
		s[i] = true
	}
	return s
}

// rotateQuarter turns img by quarter turns counter-clockwise.
func rotateQuarter(img *image.Gray, turns int) *image.Gray {
	for ; turns > 0; turns-- {
		b := img.Bounds()
		out := image.NewGray(image.Rect(0, 0, b.Dy(), b.Dx()))
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				out.SetGray(y, b.Dx()-1-x, img.GrayAt(x, y))
			}
		}
		img = out
	}
	return img
}

// rotateSmall turns img by deg degrees about its centre on a larger white
// canvas, sampling bilinearly.
func rotateSmall(img *image.Gray, deg float64) *image.Gray {
	b := img.Bounds()
	a := deg * math.Pi / 180
	sin, cos := math.Sin(a), math.Cos(a)
	w := int(math.Abs(float64(b.Dx())*cos) + math.Abs(float64(b.Dy())*sin) + 2)
	h := int(math.Abs(float64(b.Dx())*sin) + math.Abs(float64(b.Dy())*cos) + 2)
	out := image.NewGray(image.Rect(0, 0, w, h))
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	ox, oy := float64(w)/2, float64(h)/2
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := float64(x)-ox, float64(y)-oy
			sx, sy := cos*dx+sin*dy+cx, -sin*dx+cos*dy+cy
			out.SetGray(x, y, color.Gray{Y: sample(img, sx, sy)})
		}
	}
	return out
}

func sample(img *image.Gray, x, y float64) uint8 {
	b := img.Bounds()
	x0, y0 := math.Floor(x-0.5), math.Floor(y-0.5)
	fx, fy := x-0.5-x0, y-0.5-y0
	at := func(xi, yi float64) float64 {
		if xi < 0 || yi < 0 || int(xi) >= b.Dx() || int(yi) >= b.Dy() {
			return 255
		}
		return float64(img.GrayAt(int(xi), int(yi)).Y)
	}
	v := at(x0, y0)*(1-fx)*(1-fy) + at(x0+1, y0)*fx*(1-fy) + at(x0, y0+1)*(1-fx)*fy + at(x0+1, y0+1)*fx*fy
	return uint8(math.Round(v))
}

// addNoise adds gaussian noise of deviation sigma and lowers contrast to
// the range lo..hi.
func addNoise(img *image.Gray, sigma float64, lo, hi uint8, seed uint64) *image.Gray {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := image.NewGray(img.Bounds())
	for i, v := range img.Pix {
		f := float64(lo) + float64(v)*float64(hi-lo)/255 + rng.NormFloat64()*sigma
		out.Pix[i] = uint8(math.Max(0, math.Min(255, math.Round(f))))
	}
	return out
}

// blur applies a box blur of the given radius horizontally and vertically.
func blur(img *image.Gray, radius int) *image.Gray {
	b := img.Bounds()
	pass := func(src *image.Gray, dx, dy int) *image.Gray {
		out := image.NewGray(b)
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				sum, n := 0, 0
				for k := -radius; k <= radius; k++ {
					xx, yy := x+k*dx, y+k*dy
					if xx >= 0 && yy >= 0 && xx < b.Dx() && yy < b.Dy() {
						sum += int(src.GrayAt(xx, yy).Y)
						n++
					}
				}
				out.SetGray(x, y, color.Gray{Y: uint8(sum / n)})
			}
		}
		return out
	}
	return pass(pass(img, 1, 0), 0, 1)
}

// placeOn draws img onto a larger canvas of size w×h at (x, y).
func placeOn(img *image.Gray, w, h, x, y int, background uint8) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, w, h))
	for i := range out.Pix {
		out.Pix[i] = background
	}
	b := img.Bounds()
	for yy := 0; yy < b.Dy() && y+yy < h; yy++ {
		for xx := 0; xx < b.Dx() && x+xx < w; xx++ {
			out.SetGray(x+xx, y+yy, img.GrayAt(xx, yy))
		}
	}
	return out
}
