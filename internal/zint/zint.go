// Package zint runs zint, an encoder written independently of scannerd's
// readers, for round-trip tests: a symbol's module pattern (--dump), its
// raster image, and that image as a camera sees it: scaled, turned,
// blurred and noisy. scripts/deps.sh installs zint; tests that need it
// skip where it is missing.
package zint

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/png"
	"os/exec"
	"strings"
	"testing"

	"github.com/scannerd/scannerd/internal/zintdump"
)

// Need skips t when zint is not installed.
func Need(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("zint"); err != nil {
		t.Skip("zint not installed (scripts/deps.sh installs it)")
	}
}

// run runs zint with args and returns its standard output.
func run(t testing.TB, args []string) []byte {
	t.Helper()
	Need(t)
	var out, errb bytes.Buffer
	cmd := exec.Command("zint", args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("zint %q: %v: %s", args, err, errb.Bytes())
	}
	return out.Bytes()
}

// Dump returns the module rows zint's --dump prints for args (which
// choose the symbology and data, e.g. "-b", "CODE11", "-d", "123").
func Dump(t testing.TB, args ...string) [][]bool {
	t.Helper()
	out := run(t, append([]string{"--dump"}, args...))
	return zintdump.Rows(t, string(out), 1<<16)
}

// Runs returns the run lengths of a row of modules drawn px pixels a
// module between light margins of margin modules: light first, as
// bitrow.Lengths gives them.
func Runs(modules []bool, px, margin int) []int {
	runs := []int{margin * px}
	dark := false
	for _, m := range modules {
		if m != dark {
			runs = append(runs, 0)
			dark = m
		}
		runs[len(runs)-1] += px
	}
	if dark {
		runs = append(runs, 0)
	}
	runs[len(runs)-1] += margin * px
	return runs
}

// Raster is a symbol as zint draws it, with its human-readable text, two
// pixels a module (zint's --scale=1) unless drawn larger, dark on light.
type Raster struct {
	Gray *image.Gray
	// scale is zint's --scale: 2·scale pixels a module; 0 means 1.
	scale int
}

// PixelsPerModule is the scale of a Raster from Image.
const PixelsPerModule = 2

// perModule returns the raster's pixels a module.
func (r *Raster) perModule() float64 { return PixelsPerModule * float64(max(1, r.scale)) }

// Image returns zint's raster image for args.
func Image(t testing.TB, args ...string) *Raster {
	t.Helper()
	return ImageAt(t, 1, args...)
}

// ImageAt returns zint's raster image for args at --scale=scale, 2·scale
// pixels a module: symbols drawn in dots (DotCode) need a few pixels a dot
// to keep them round.
func ImageAt(t testing.TB, scale int, args ...string) *Raster {
	t.Helper()
	out := run(t, append([]string{"--direct", "--filetype=PNG", fmt.Sprintf("--scale=%d", scale)}, args...))
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("zint %q: %v", args, err)
	}
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			r, gg, bb, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			g.Pix[y*g.Stride+x] = uint8((299*r + 587*gg + 114*bb) / 1000 >> 8)
		}
	}
	return &Raster{Gray: g, scale: scale}
}

// Modules returns the raster's size in modules.
func (r *Raster) Modules() (w, h float64) {
	b := r.Gray.Bounds()
	return float64(b.Dx()) / r.perModule(), float64(b.Dy()) / r.perModule()
}

// Text returns the human-readable text zint prints beneath the symbol
// args make (from its SVG drawing), the text a reader reports for most
// linear symbologies; "" when zint prints none.
func Text(t testing.TB, args ...string) string {
	t.Helper()
	svg := string(run(t, append([]string{"--direct", "--filetype=SVG"}, args...)))
	i := strings.Index(svg, "<text")
	if i < 0 {
		return ""
	}
	svg = svg[i:]
	start := strings.IndexByte(svg, '>')
	end := strings.Index(svg, "</text>")
	if start < 0 || end < start {
		t.Fatalf("zint %q: unreadable SVG text", args)
	}
	return html.UnescapeString(strings.TrimSpace(svg[start+1 : end]))
}
