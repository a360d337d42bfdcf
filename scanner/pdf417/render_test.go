package pdf417

import (
	"image"
	"math"
	"math/rand/v2"

	"github.com/makiuchi-d/gozxing"
)

// drawSymbol renders module rows as a gray image: module px wide, rowHeight
// modules high per row, with a quiet zone of quiet modules all round.
func drawSymbol(modules [][]bool, module float64, rowHeight, quiet int) *image.Gray {
	cols := len(modules[0])
	w := int(math.Ceil(float64(cols+2*quiet) * module))
	h := int(math.Ceil(float64(len(modules)*rowHeight+2*quiet) * module))
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		my := int(float64(y)/module) - quiet
		r := -1
		if my >= 0 {
			r = my / rowHeight
		}
		for x := 0; x < w; x++ {
			mx := int(float64(x)/module) - quiet
			c := uint8(255)
			if r >= 0 && r < len(modules) && mx >= 0 && mx < cols && modules[r][mx] {
				c = 0
			}
			img.Pix[y*img.Stride+x] = c
		}
	}
	return img
}

// warp maps src into a new w×h image through inv, which takes an output
// pixel centre to a source position; bilinear sampling, white outside.
func warp(src *image.Gray, w, h int, inv func(x, y float64) (float64, float64)) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, w, h))
	sw, sh := src.Bounds().Dx(), src.Bounds().Dy()
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= sw || y >= sh {
			return 255
		}
		return float64(src.Pix[y*src.Stride+x])
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sx, sy := inv(float64(x)+0.5, float64(y)+0.5)
			sx -= 0.5
			sy -= 0.5
			x0, y0 := math.Floor(sx), math.Floor(sy)
			fx, fy := sx-x0, sy-y0
			ix, iy := int(x0), int(y0)
			v := at(ix, iy)*(1-fx)*(1-fy) + at(ix+1, iy)*fx*(1-fy) +
				at(ix, iy+1)*(1-fx)*fy + at(ix+1, iy+1)*fx*fy
			out.Pix[y*out.Stride+x] = uint8(math.Round(v))
		}
	}
	return out
}

// rotateRight turns an image by quarter turns clockwise.
func rotateRight(src *image.Gray, quarters int) *image.Gray {
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	switch quarters % 4 {
	case 1:
		return warp(src, h, w, func(x, y float64) (float64, float64) { return y, float64(h) - x })
	case 2:
		return warp(src, w, h, func(x, y float64) (float64, float64) { return float64(w) - x, float64(h) - y })
	case 3:
		return warp(src, h, w, func(x, y float64) (float64, float64) { return float64(w) - y, x })
	}
	return src
}

// tilt rotates an image by deg degrees about its centre, on a canvas large
// enough to hold it.
func tilt(src *image.Gray, deg float64) *image.Gray {
	w, h := float64(src.Bounds().Dx()), float64(src.Bounds().Dy())
	a := deg * math.Pi / 180
	cos, sin := math.Cos(a), math.Sin(a)
	ow := math.Abs(w*cos) + math.Abs(h*sin)
	oh := math.Abs(w*sin) + math.Abs(h*cos)
	return warp(src, int(ow)+1, int(oh)+1, func(x, y float64) (float64, float64) {
		dx, dy := x-ow/2, y-oh/2
		return cos*dx + sin*dy + w/2, -sin*dx + cos*dy + h/2
	})
}

// perspective squeezes the right side of an image vertically by factor,
// as a symbol seen at an angle.
func perspective(src *image.Gray, factor float64) *image.Gray {
	w, h := float64(src.Bounds().Dx()), float64(src.Bounds().Dy())
	return warp(src, int(w), int(h), func(x, y float64) (float64, float64) {
		s := 1 - (1-factor)*x/w // vertical scale at this column
		return x, h/2 + (y-h/2)/s
	})
}

// addNoise flips the given fraction of pixels to random gray levels and
// blurs nothing: the binarizer sees speckles.
func addNoise(img *image.Gray, fraction float64, rng *rand.Rand) {
	for i := range img.Pix {
		if rng.Float64() < fraction {
			img.Pix[i] = uint8(rng.IntN(256))
		}
	}
}

// invert swaps dark and light.
func invert(img *image.Gray) *image.Gray {
	out := image.NewGray(img.Bounds())
	for i, p := range img.Pix {
		out.Pix[i] = 255 - p
	}
	return out
}

// onCanvas places an image at (x, y) on a larger light canvas.
func onCanvas(img *image.Gray, w, h, x, y int) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, w, h))
	for i := range out.Pix {
		out.Pix[i] = 255
	}
	b := img.Bounds()
	for yy := 0; yy < b.Dy() && y+yy < h; yy++ {
		for xx := 0; xx < b.Dx() && x+xx < w; xx++ {
			out.Pix[(y+yy)*out.Stride+x+xx] = img.Pix[yy*img.Stride+xx]
		}
	}
	return out
}

// bitmap binarizes an image as the decode engine does first.
func bitmap(img image.Image) *gozxing.BinaryBitmap {
	src := gozxing.NewLuminanceSourceFromImage(img)
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	if err != nil {
		panic(err)
	}
	return bmp
}
