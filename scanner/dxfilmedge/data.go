package dxfilmedge

import (
	"math"

	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// The data track is read on the gray levels, with the clock track as the
// reference for both where to sample and what a module's gray means: the
// clock's alternating one-module bars and spaces blur about as the data
// track's lone modules do, so halfway between the clock's bars and spaces
// nearby is the data track's threshold, and a module must lie well to one
// side of it. Binarized, a lone space between wider bars closes and a lone
// bar thins away under a blur of a third of a module at two to three
// pixels a module, most of all with one threshold for the whole image.

// Offsets of the lines the data track is read along, from the clock
// track's centre line, in track heights (the data track lies one track
// height beside the clock track, as tall as it): its middle and a quarter
// of a track to either side, clear of the blur of both tracks' edges.
var lineOffsets = [3]float64{0.75, 1, 1.25}

// margin is how far from the threshold a module's gray must lie, as a
// share of the clock's contrast between its bars and spaces there. A lone
// module of the data track lies about half that contrast away whatever
// the blur; sampled a third of a module off its centre under a blur of a
// third of a module, about a quarter.
const margin = 0.25

// geometry is where a clock track lies across the rows, measured on the
// gray image: its centre line, through (x, y), and its height.
type geometry struct {
	x, y   float64
	slope  float64 // of the centre line, rows a column
	height float64 // the track's height along a column
}

// centre returns the row of the clock track's centre line at column x.
func (g *geometry) centre(x float64) float64 { return g.y + g.slope*(x-g.x) }

// readData looks for the data track beside a clock track, on either side,
// along three lines parallel to it; two of them must read alike.
func (r *Reader) readData(c clock) (Symbol, bool) {
	u := (c.x1 - c.x0) / float64(c.n)
	geo, ok := r.measure(c, u)
	if !ok {
		return Symbol{}, false
	}
	// The clock's modules on its centre line, and the threshold and
	// contrast there: the middle of the clock's gray levels.
	var at [longLength][2]float64
	var thr, contrast [longLength]float64
	var clockGray [longLength]float64
	for i := 0; i < c.n; i++ {
		x := c.module(i)
		// Along the bars from row c.y to the centre line.
		y := geo.centre(x)
		x -= (y - float64(c.y)) * geo.slope
		at[i] = [2]float64{x, y}
		clockGray[i] = r.gray.at(x, y)
	}
	// Modules 5 to n-4 alternate, space first; each data module takes the
	// four alternating ones nearest it, two bars and two spaces.
	for i := 0; i < c.n; i++ {
		j := min(max(i-2, 5), c.n-7)
		bar := (clockGray[j] + clockGray[j+2]) / 2
		space := (clockGray[j+1] + clockGray[j+3]) / 2
		if j%2 == 1 { // module j is a space
			bar, space = space, bar
		}
		thr[i], contrast[i] = (bar+space)/2, space-bar
		if contrast[i] <= 0 {
			return Symbol{}, false
		}
	}
	norm := 1 + geo.slope*geo.slope
	for _, dir := range [2]float64{1, -1} {
		var texts [3]string
		for li, off := range lineOffsets {
			d := dir * off * geo.height
			// Across the tracks, perpendicular to the centre line.
			dx, dy := -d*geo.slope/norm, d/norm
			texts[li] = r.decodeLine(c, &at, &thr, &contrast, dx, dy)
		}
		text := ""
		switch {
		case texts[0] != "" && (texts[0] == texts[1] || texts[0] == texts[2]):
			text = texts[0]
		case texts[1] != "" && texts[1] == texts[2]:
			text = texts[1]
		}
		if text == "" {
			continue
		}
		// Corners from the clock track's outer edge to the data track's.
		outer := func(x float64) float64 { return geo.centre(x) - dir*geo.height/2 }
		far := func(x float64) float64 { return geo.centre(x) + dir*1.5*geo.height }
		a, b := [2]float64{c.x0, outer(c.x0)}, [2]float64{c.x1, outer(c.x1)}
		cc, d := [2]float64{c.x1, far(c.x1)}, [2]float64{c.x0, far(c.x0)}
		corners := [4][2]float64{a, b, cc, d} // data below the clock
		if dir < 0 {
			corners = [4][2]float64{d, cc, b, a}
		}
		if c.reversed {
			corners = [4][2]float64{corners[2], corners[3], corners[0], corners[1]}
		}
		return Symbol{Text: text, Corners: corners}, true
	}
	return Symbol{}, false
}

// decodeLine samples the data track at the clock's modules moved (dx, dy)
// across the tracks and decodes it. Every module, and the light beyond
// both ends, must lie clearly to one side of the threshold.
func (r *Reader) decodeLine(c clock, at *[longLength][2]float64, thr, contrast *[longLength]float64, dx, dy float64) string {
	// Room for the track's modules before they are sampled: appended one
	// by one, they would outgrow an array holding the first of them.
	r.bits = scrub.Room(r.bits, c.n)
	for i := 0; i < c.n; i++ {
		v := r.gray.at(at[i][0]+dx, at[i][1]+dy)
		if math.Abs(v-thr[i]) < margin*contrast[i] {
			return ""
		}
		r.bits = append(r.bits, v < thr[i])
	}
	// Light a module beyond both ends.
	last := c.n - 1
	sx, sy := (at[last][0]-at[0][0])/float64(last), (at[last][1]-at[0][1])/float64(last)
	for _, e := range [2]struct{ i, dir int }{{0, -1}, {last, 1}} {
		v := r.gray.at(at[e.i][0]+float64(e.dir)*sx+dx, at[e.i][1]+float64(e.dir)*sy+dy)
		if v < thr[e.i]+margin*contrast[e.i] {
			return ""
		}
	}
	text, ok := Decode(r.bits)
	if !ok {
		return ""
	}
	return text
}

// measure finds the clock track's centre line and height on the gray
// image, at the columns of modules 1 and n-2, where the clock has a bar and
// the data track a space: the rows where the gray crosses halfway from the
// bar's darkest to the quiet zone's light.
func (r *Reader) measure(c clock, u float64) (geometry, bool) {
	y := float64(c.y) + 0.5
	lit := (r.gray.at(c.x0-1.5*u, y) + r.gray.at(c.x1+1.5*u, y)) / 2
	var xs, mids, heights [2]float64
	for k, i := range [2]int{1, c.n - 2} {
		top, bottom, ok := r.gray.barEdges(c.centres[i], c.y, 3*u, lit)
		if !ok {
			return geometry{}, false
		}
		xs[k], mids[k], heights[k] = c.centres[i], (top+bottom)/2, bottom-top
	}
	geo := geometry{x: xs[0], y: mids[0], slope: (mids[1] - mids[0]) / (xs[1] - xs[0]), height: (heights[0] + heights[1]) / 2}
	return geo, geo.height >= u
}
