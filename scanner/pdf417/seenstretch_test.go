package pdf417

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// sampleSeenByBounds is sampleSeen as it was: each sample's point tested
// against the view's bounds.
func (v *view) sampleSeenByBounds(r *runList, from, n int, prev bool, end lineEnd, sx, sy, rx, ry float64) lineEnd {
	inside := end.inside
	w, h := float64(v.w), float64(v.h)
	states, stride := v.seen.states, v.seen.stride
	for i := from; i < n; i++ {
		d := float64(i) + 0.5
		fx, fy := sx+d*rx, sy+d*ry
		if fx < 0 || fy < 0 || fx >= w || fy >= h {
			if inside {
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
		x, y := int(fx), int(fy)
		inside = true
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
	r.edges = append(r.edges, n)
	return lineEnd{inside: inside}
}

// TestSampleSeenStretch: sampleSeen, which finds where a line leaves the
// view before it reads the samples inside, reads the runs, the line's end
// and the kept samples that testing every sample against the view's
// bounds read, along lines that start and end inside and outside the
// view, graze its corners, run along its edges at whole and half pixels
// and in the axes' directions, whole or from where an earlier part left
// them (extendLine).
func TestSampleSeenStretch(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 368))
	m, _ := gozxing.NewBitMatrix(90, 70)
	for y := range 70 {
		for x := range 90 {
			if (x/3+y/5)%2 == 0 || rng.IntN(9) == 0 {
				m.Set(x, y)
			}
		}
	}
	words, stride, _ := copyWords(m, nil, nil)
	var got, want runList
	var gotSeen, wantSeen samples
	for k := range 3000 {
		tv := newTurnedView(m, rng.Float64()*90, rng.Float64()*70, rng.Float64()*2*math.Pi, 1, 20+rng.IntN(60), 20+rng.IntN(60))
		if k%2 == 0 {
			tv.words, tv.stride = words, stride
		}
		a := rng.Float64() * 2 * math.Pi
		rx, ry := math.Cos(a), math.Sin(a)
		sx, sy := rng.Float64()*float64(tv.w+40)-20, rng.Float64()*float64(tv.h+40)-20
		switch rng.IntN(4) {
		case 0: // along an axis, from a whole or half pixel
			q := float64(rng.IntN(4)) * math.Pi / 2
			rx, ry = math.Cos(q), math.Sin(q)
			if rng.IntN(2) == 0 {
				rx, ry = math.Round(rx), math.Round(ry)
			}
			sx, sy = float64(rng.IntN(2*tv.w+20)-10)/2, float64(rng.IntN(2*tv.h+20)-10)/2
		case 1: // a small slope, as readLine's lines have
			s := rng.Float64()*0.2 - 0.1
			nn := math.Hypot(s, 1)
			rx, ry = 1/nn, -s/nn
			if rng.IntN(2) == 0 {
				rx, ry = -rx, -ry
			}
		}
		n := rng.IntN(3 * (tv.w + tv.h) / 2)
		from := 0
		if n > 0 && rng.IntN(2) == 0 {
			from = rng.IntN(n)
		}
		gotSeen.prepare(tv.w, tv.h)
		wantSeen.prepare(tv.w, tv.h)
		// The samples before from, as sampleLine left them.
		tv.seen = &wantSeen
		want.reset()
		end := tv.sampleSeenByBounds(&want, 0, from, false, lineEnd{}, sx, sy, rx, ry)
		if from > 0 {
			want.edges = want.edges[:len(want.edges)-1]
		}
		got.reset()
		got.edges = append(got.edges, want.edges...)
		got.firstDark = want.firstDark
		prev := from > 0 && want.dark(len(want.edges)-2)
		copy(gotSeen.states, wantSeen.states)
		wantEnd := tv.sampleSeenByBounds(&want, from, n, prev, end, sx, sy, rx, ry)
		tv.seen = &gotSeen
		gotEnd := tv.sampleSeen(&got, from, n, prev, end, sx, sy, rx, ry)
		if gotEnd != wantEnd || !slices.Equal(got.edges, want.edges) || n > 0 && got.firstDark != want.firstDark || !slices.Equal(gotSeen.states, wantSeen.states) {
			t.Fatalf("%d×%d view, line from (%v, %v) step (%v, %v), samples %d to %d after %+v: runs %v %v, end %+v; by bounds %v %v, end %+v; kept samples equal %v",
				tv.w, tv.h, sx, sy, rx, ry, from, n, end, got.firstDark, got.edges, gotEnd, want.firstDark, want.edges, wantEnd, slices.Equal(gotSeen.states, wantSeen.states))
		}
	}
}
