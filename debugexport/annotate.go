package debugexport

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Annotate draws a sidecar's results onto its frame, for looking at: each
// symbol's outline (its first corner marked), and its symbology and text.
// Results are drawn in turn in a few colours so neighbours stay apart. The
// region of interest is a thin yellow frame, the regions the decoder
// proposed thin cyan ones.
func Annotate(frame image.Image, sc *Sidecar) *image.RGBA {
	b := frame.Bounds()
	out := image.NewRGBA(b)
	draw.Draw(out, b, frame, b.Min, draw.Src)
	palette := []color.RGBA{{230, 30, 30, 255}, {20, 160, 40, 255}, {30, 90, 230, 255}, {220, 140, 0, 255}, {170, 40, 200, 255}}
	proposal := color.RGBA{0, 200, 220, 255}
	for _, r := range sc.Proposals {
		rect(out, r[0], r[1], r[2], r[3], proposal)
	}
	if r := sc.Options.Region; len(r) == 4 {
		// The region of interest, thin: only inside it is decoded.
		rect(out, r[0], r[1], r[2], r[3], color.RGBA{255, 220, 0, 255})
	}
	for i, r := range sc.Results {
		c := palette[i%len(palette)]
		for k := 0; k < 4; k++ {
			a, z := r.Points[k], r.Points[(k+1)%4]
			line(out, a[0], a[1], z[0], z[1], c, 2)
		}
		p := r.Points[0]
		disc(out, p[0], p[1], 4, c)
		label := fmt.Sprintf("%s %s", r.Symbology, r.Text)
		if len(label) > 60 {
			label = label[:57] + "..."
		}
		text(out, int(p[0]), int(p[1])-6, label, c)
	}
	text(out, 4, 14, fmt.Sprintf("%s frame %d: %d read, %d candidates", sc.Source, sc.Frame, len(sc.Results), sc.Candidates), color.RGBA{255, 255, 0, 255})
	return out
}

// rect draws the thin outline of the rectangle x, y, w, h.
func rect(img *image.RGBA, x, y, w, h int, c color.RGBA) {
	x0, y0, x1, y1 := float64(x), float64(y), float64(x+w), float64(y+h)
	line(img, x0, y0, x1, y0, c, 1)
	line(img, x1, y0, x1, y1, c, 1)
	line(img, x1, y1, x0, y1, c, 1)
	line(img, x0, y1, x0, y0, c, 1)
}

func line(img *image.RGBA, x0, y0, x1, y1 float64, c color.RGBA, width float64) {
	n := int(math.Max(math.Abs(x1-x0), math.Abs(y1-y0))) + 1
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		disc(img, x0+(x1-x0)*t, y0+(y1-y0)*t, width/2, c)
	}
}

func disc(img *image.RGBA, cx, cy, r float64, c color.RGBA) {
	for y := int(cy - r); y <= int(cy+r); y++ {
		for x := int(cx - r); x <= int(cx+r); x++ {
			if (float64(x)-cx)*(float64(x)-cx)+(float64(y)-cy)*(float64(y)-cy) <= r*r+0.5 {
				if image.Pt(x, y).In(img.Bounds()) {
					img.SetRGBA(x, y, c)
				}
			}
		}
	}
}

// text writes s with a dark halo so it reads on any background.
func text(img *image.RGBA, x, y int, s string, c color.RGBA) {
	y = max(y, 12)
	for _, d := range []image.Point{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
		drawString(img, x+d.X, y+d.Y, s, color.RGBA{0, 0, 0, 255})
	}
	drawString(img, x, y, s, c)
}

func drawString(img *image.RGBA, x, y int, s string, c color.RGBA) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}
