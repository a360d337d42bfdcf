package aztec

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/geom"
)

// fitInverseRef is fitInverse with every sample's position worked out
// from (u, v) as h.apply has it, the plain computation its loop
// rearranges.
func fitInverseRef(d *detector, sm *symbolMap, radius float64, origin point, scale float64) (projective, bool) {
	// Unknowns: g11 g12 g13 g21 g22 g23 g31 g32 δu δv.
	const n = 10
	var ata [n][n]float64
	var atb [n]float64
	count := 0
	// An equation's row has six unknowns that are not zero: g11 g12 g13
	// g31 g32 δu along rows, g21 g22 g23 g31 g32 δv down columns. Only
	// those enter the normal equations; the others would add zeros.
	unknowns := [2][6]int{{0, 1, 2, 6, 7, 8}, {3, 4, 5, 6, 7, 9}}
	// The normal matrix is symmetric: each row adds its products to the
	// upper triangle only (k is ascending), which is mirrored once at the
	// end; both halves would have received the same sums.
	add := func(k *[6]int, row [6]float64, rhs float64) {
		for a, i := range k {
			for b := a; b < len(k); b++ {
				ata[i][k[b]] += row[a] * row[b]
			}
			atb[i] += row[a] * rhs
		}
		count++
	}
	// The orientation takes (x, y) to (±x or ±y, ±y or ±x): where each
	// comes from, in the map's symbol coordinates.
	axes := sm.o.apply(point{1, 2})
	h := &sm.h
	lines := int(radius)
	for pass := 0; pass < 2; pass++ {
		alongRows := pass == 0
		k := &unknowns[pass]
		// Along the line, u and v are each ±t (the position along it) or
		// ±across (the line's own), as pick would have them: uT says u
		// is ±t, uSign its sign.
		uT := (math.Abs(axes.x) == 1) == alongRows
		vT := (math.Abs(axes.y) == 1) == alongRows
		uSign, vSign := math.Copysign(1, axes.x), math.Copysign(1, axes.y)
		for j := -lines; j <= lines; j++ {
			across := float64(j)
			uA, vA := pickAxis(axes.x, across), pickAxis(axes.y, across)
			// pos is the image position at t along the line: sm.h
			// applied to (u, v) as symbolMap.at does, in its very
			// operations, so that every sample lands where it did.
			pos := func(t float64) point {
				u, v := uA, vA
				if uT {
					u = pickAxis(axes.x, t)
				}
				if vT {
					v = pickAxis(axes.y, t)
				}
				return h.apply(u, v)
			}
			length := pos(-radius).sub(pos(radius)).norm()
			if length == 0 {
				continue
			}
			step := 2 * radius / (length * 4) // a quarter pixel
			prev := d.img.darkAt(pos(-radius))
			for t := -radius + step; t <= radius; t += step {
				// pos(t) and darkAt, as symbolMap.at and h.apply work
				// them out.
				u, v := uA, vA
				if uT {
					u = uSign * t
				}
				if vT {
					v = vSign * t
				}
				w := h.g*u + h.h*v + 1
				if w == 0 {
					w = 1e-12
				}
				px, py := (h.a*u+h.b*v+h.c)/w, (h.d*u+h.e*v+h.f)/w
				dark := px >= 0 && py >= 0 && d.img.get(int(px), int(py))
				if dark == prev {
					continue
				}
				prev = dark
				at := t - step/2
				b := math.Round(at+0.5) - 0.5 // nearest boundary between modules
				if math.Abs(at-b) > 0.4 || math.Abs(b) > radius-0.5 {
					continue
				}
				p := pos(at).sub(origin).scale(scale)
				sign := -1.0
				if dark {
					sign = 1
				}
				// u(p) = b + δu·s along rows, v(p) = b + δv·s down columns.
				add(k, [6]float64{p.x, p.y, 1, -b * p.x, -b * p.y, -sign}, b)
			}
		}
	}
	if count < 24 {
		return projective{}, false
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			ata[j][i] = ata[i][j]
		}
	}
	if !geom.Solve(ata[:], atb[:], 1e-9) {
		return projective{}, false
	}
	x := atb
	return projective{a: x[0], b: x[1], c: x[2], d: x[3], e: x[4], f: x[5], g: x[6], h: x[7]}, true
}

// TestFitInverseMatchesReference fits random maps, in each of the eight
// orientations, to random images and checks the fit against the
// reference's, bit for bit.
func TestFitInverseMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	d := &detector{}
	const w, h = 90, 70
	m, _ := gozxing.NewBitMatrix(w, h)
	for y := range h { // blocks of 3 to 5 pixels, as modules
		for x := range w {
			if (x/(3+y%3)+y/4)%3 != 0 && rng.IntN(9) != 0 {
				m.Set(x, y)
			}
		}
	}
	d.img.load(m, nil)
	fits := 0
	for n := 0; n < 64; n++ {
		mod := 2 + 3*rng.Float64()
		sm := symbolMap{
			h: projective{
				a: mod * (1 + 0.1*rng.NormFloat64()), b: mod * 0.2 * rng.NormFloat64(), c: 45 + 5*rng.NormFloat64(),
				d: mod * 0.2 * rng.NormFloat64(), e: mod * (1 + 0.1*rng.NormFloat64()), f: 35 + 5*rng.NormFloat64(),
				g: 0.01 * rng.NormFloat64(), h: 0.01 * rng.NormFloat64(),
			},
			o: orientation{turns: n % 4, mirror: n/4%2 == 1},
		}
		radius := 3 + 10*rng.Float64()
		origin := sm.at(0, 0)
		scale := 1 / mod
		got, ok := d.fitInverse(&sm, radius, origin, scale)
		want, wantOK := fitInverseRef(d, &sm, radius, origin, scale)
		if ok != wantOK || got != want {
			t.Fatalf("map %d: %+v, %v; the reference %+v, %v", n, got, ok, want, wantOK)
		}
		if ok {
			fits++
		}
	}
	if fits < 32 {
		t.Fatalf("%d of 64 maps fitted: too few to tell", fits)
	}
}

// TestLineMapMatchesApply checks lineMap against h.apply on the (u, v)
// it stands for, bit for bit, at points along lines either way, through
// the symbol's centre and on both sides of it.
func TestLineMapMatchesApply(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for n := 0; n < 2000; n++ {
		h := projective{
			a: rng.NormFloat64() * 4, b: rng.NormFloat64(), c: 100 * rng.Float64(),
			d: rng.NormFloat64(), e: rng.NormFloat64() * 4, f: 100 * rng.Float64(),
			g: 0.02 * rng.NormFloat64(), h: 0.02 * rng.NormFloat64(),
		}
		vMoves := n%2 == 0
		uSign, vSign := float64(1-2*rng.IntN(2)), float64(1-2*rng.IntN(2))
		uA, vA := float64(rng.IntN(41)-20), float64(rng.IntN(41)-20)
		line := newLineMap(&h, vMoves, uSign, vSign, uA, vA)
		for _, tt := range []float64{0, math.Copysign(0, -1), rng.NormFloat64() * 20, float64(rng.IntN(41) - 20), rng.Float64()} {
			u, v := uSign*tt, vA
			if vMoves {
				u, v = uA, vSign*tt
			}
			want := h.apply(u, v)
			if x, y := line.at(tt); math.Float64bits(x) != math.Float64bits(want.x) || math.Float64bits(y) != math.Float64bits(want.y) {
				t.Fatalf("%+v, v moves %v, signs %v %v, fixed %v %v, at %v: (%v, %v), apply (%v, %v)", h, vMoves, uSign, vSign, uA, vA, tt, x, y, want.x, want.y)
			}
		}
	}
}

// TestFirstChangeMatchesSamples checks firstChange, four samples at a
// time in vector registers where they are used, against the samples read
// one by one as darkAt reads pos(t): the same first change, on lines
// across random images, through them, past their edges and where the
// map's denominator is 0.
func TestFirstChangeMatchesSamples(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	d := &detector{}
	for _, size := range [][2]int{{1, 1}, {33, 5}, {64, 20}, {90, 70}} {
		w, h := size[0], size[1]
		m, _ := gozxing.NewBitMatrix(w, h)
		for y := range h {
			for x := range w {
				if (x/3+y/4)%2 == 0 || rng.IntN(7) == 0 {
					m.Set(x, y)
				}
			}
		}
		d.img.load(m, nil)
		for n := 0; n < 3000; n++ {
			line := lineMap{
				mw: 0.01 * rng.NormFloat64(), cw: 0.1 * rng.NormFloat64(),
				mx: 4 * rng.NormFloat64(), cx: 10 * rng.NormFloat64(), c: float64(w) * (rng.Float64()*1.4 - 0.2),
				my: 4 * rng.NormFloat64(), cy: 10 * rng.NormFloat64(), f: float64(h) * (rng.Float64()*1.4 - 0.2),
			}
			t0, step := -10*rng.Float64(), 0.05+0.3*rng.Float64()
			end := t0 + 20*rng.Float64()
			prev := rng.IntN(2) == 0
			switch n % 50 {
			case 0: // a denominator of 0: w = 0·t + (−1) + 1
				line.mw, line.cw = 0, -1
			case 1, 2: // along a row or a column, onto whole pixels and the edges
				line = lineMap{mx: 1, f: float64(rng.IntN(h+2) - 1)}
				t0 = float64(w) - 0.5
				if n%50 == 2 {
					line = lineMap{my: 1, c: float64(rng.IntN(w+2) - 1)}
					t0 = float64(h) - 0.5
				}
				step, end = 0.25, t0+1
				if rng.IntN(2) == 0 {
					t0 = -2
				}
			case 3:
				// Pixel (12, 2) at t = −2, −1 and 0, but at t = 1, where
				// w = (2⁻⁵³·1 + 2⁻⁵³) + 1 = 1+2⁻⁵² (2⁻⁵³ + (2⁻⁵³ + 1)
				// would be 1), (11.99…, 1.99…): pixel (11, 1).
				line = lineMap{mw: 0x1p-53, cw: 0x1p-53, c: 12, f: 2}
				t0, step, end = -2, 1, 1
				prev = d.img.darkAt(point{12, 2})
			}
			got, gotDark, gotOK := line.firstChange(&d.img, t0, step, end, prev)
			want, wantDark, wantOK := t0, prev, false
			for tt := t0; tt <= end; tt += step {
				px, py := line.at(tt)
				if dark := d.img.darkAt(point{px, py}); dark != prev {
					want, wantDark, wantOK = tt, dark, true
					break
				}
			}
			if gotOK != wantOK || gotOK && (got != want || gotDark != wantDark) {
				t.Fatalf("%dx%d, %+v from %v by %v to %v, prev %v: %v %v %v; sample by sample %v %v %v",
					w, h, line, t0, step, end, prev, got, gotDark, gotOK, want, wantDark, wantOK)
			}
		}
		d.img.wipe()
	}
}

// TestNormal6MatchesSums checks the normal equations normal6 adds up, in
// vector registers where they are used, against the sums added one by
// one, bit for bit, over equations of mixed magnitudes.
func TestNormal6MatchesSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	var n normal6
	var m [6][6]float64
	var r [6]float64
	for e := 0; e < 500; e++ {
		var row [6]float64
		for i := range row {
			row[i] = rng.NormFloat64() * math.Exp2(float64(rng.IntN(40)-20))
		}
		rhs := rng.NormFloat64() * 10
		n.add(&row, rhs)
		for a := range 6 {
			for b := a; b < 6; b++ {
				m[a][b] += row[a] * row[b]
			}
			r[a] += row[a] * rhs
		}
		for a := range 6 {
			for b := a; b < 6; b++ {
				if math.Float64bits(n.m[a][b]) != math.Float64bits(m[a][b]) {
					t.Fatalf("equation %d: m[%d][%d] = %v, the sums %v", e, a, b, n.m[a][b], m[a][b])
				}
			}
			if math.Float64bits(n.r[a]) != math.Float64bits(r[a]) {
				t.Fatalf("equation %d: r[%d] = %v, the sums %v", e, a, n.r[a], r[a])
			}
		}
	}
}
