package aztec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ringAngleRef is ringAngle as one loop over the angles, each summing
// over the points: the plain computation angleSums stands for.
func ringAngleRef(pts []ringPoint, c point) float64 {
	best, bestVar := 0.0, math.Inf(1)
	for deg := 0.0; deg < 90; deg += 1 {
		sin, cos := math.Sincos(deg * math.Pi / 180)
		var s, ss float64
		for _, p := range pts {
			q := p.p.sub(c)
			half := float64(p.ring) - 0.5
			x, y := q.x*cos+q.y*sin, -q.x*sin+q.y*cos
			r := math.Max(math.Abs(x), math.Abs(y)) / half
			s += r
			ss += r * r
		}
		n := float64(len(pts))
		v := ss/n - (s/n)*(s/n)
		if v < bestVar {
			best, bestVar = deg, v
		}
	}
	return best * math.Pi / 180
}

// TestRingAngleMatchesReference checks the angle sums, in vector
// registers where they are used and one angle at a time, bit for bit
// against each other, and the angle against the reference's, on rings
// of boundary points turned, skewed and jittered, with points on the
// axes (coordinates of zero) among them.
func TestRingAngleMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for n := 0; n < 60; n++ {
		c := point{100 * rng.Float64(), 100 * rng.Float64()}
		turn, m := rng.Float64()*math.Pi/2, 2+4*rng.Float64()
		var pts []ringPoint
		for ring := 1; ring <= 4; ring++ {
			for i := range rayCount {
				phi := 2 * math.Pi * float64(i) / rayCount
				// A point on the square boundary, turned.
				dx, dy := math.Cos(phi), math.Sin(phi)
				k := (float64(ring) - 0.5) * m / math.Max(math.Abs(dx), math.Abs(dy))
				x, y := dx*k+rng.NormFloat64()*0.3, dy*k+rng.NormFloat64()*0.3
				if rng.IntN(10) == 0 {
					x = 0
				}
				if rng.IntN(10) == 0 {
					y = math.Copysign(0, -1)
				}
				sin, cos := math.Sincos(turn)
				pts = append(pts, ringPoint{point{c.x + x*cos - y*sin, c.y + x*sin + y*cos}, ring})
			}
		}
		if n%7 == 0 {
			pts = pts[:rng.IntN(len(pts))+1]
		}
		var qs []ringOffset
		for _, p := range pts {
			q := p.p.sub(c)
			qs = append(qs, ringOffset{q.x, q.y, float64(p.ring) - 0.5})
		}
		var wide, plain angleSums
		for deg := range 90 {
			wide.sin[deg], wide.cos[deg] = math.Sincos(float64(deg) * math.Pi / 180)
		}
		plain.sin, plain.cos = wide.sin, wide.cos
		if wide.addWide(qs) {
			plain.add(qs)
			for deg := range 90 {
				if math.Float64bits(wide.s[deg]) != math.Float64bits(plain.s[deg]) || math.Float64bits(wide.ss[deg]) != math.Float64bits(plain.ss[deg]) {
					t.Fatalf("ring %d, %d°: sums %v %v in vectors, %v %v one angle at a time", n, deg, wide.s[deg], wide.ss[deg], plain.s[deg], plain.ss[deg])
				}
			}
		} else if angleVectors {
			t.Fatal("addWide did nothing where vectors are used")
		}
		if got, want := ringAngle(pts, c), ringAngleRef(pts, c); got != want {
			t.Fatalf("ring %d: angle %v, the reference %v", n, got, want)
		}
	}
}
