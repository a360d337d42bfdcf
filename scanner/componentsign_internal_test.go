package scanner

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
)

// TestSignAgreement: the share of two lines' samples on the same side of
// the threshold, taken from their packed dark bits, is what comparing
// them sample by sample gives, at every shift, for lines of lengths round
// the words' bounds.
func TestSignAgreement(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{40, 63, 64, 65, 71, 127, 128, 129, 300} {
		s := signSampler{n: n, ring: make([][]byte, 2), dark: make([][]uint64, 2), packed: make([]bool, 2)}
		for trial := range 20 {
			s.mid = []int{128, 0, 1, 127, 129, 200, 255, 256}[trial%8]
			for i := range s.ring {
				s.ring[i] = make([]byte, n)
				for k := range s.ring[i] {
					s.ring[i][k] = byte(rng.IntN(256))
				}
				if trial%2 == 1 && i == 1 { // mostly alike: a line further up the same bars
					copy(s.ring[1], s.ring[0])
					s.ring[1][rng.IntN(n)] ^= 0x80
				}
				s.packed[i] = false
			}
			for slack := range 2 {
				if got, want := s.agreement(0, 1, slack), agreementBySample(&s, slack); got != want {
					t.Errorf("%d samples, slack %d: agreement %v, want %v", n, slack, got, want)
				}
			}
		}
	}
}

// agreementBySample is agreement compared sample by sample.
func agreementBySample(s *signSampler, slack int) float64 {
	a, b := s.ring[0], s.ring[1]
	best := 0
	for shift := -slack; shift <= slack; shift++ {
		same := 0
		for k := max(0, -shift); k < min(len(a), len(b)-shift); k++ {
			if (int(a[k]) < s.mid) == (int(b[k+shift]) < s.mid) {
				same++
			}
		}
		best = max(best, same)
	}
	return float64(best) / float64(len(a))
}

// TestDarkLanes: the bytes of a word below a threshold, found all at once,
// are those found one by one, for thresholds and bytes at and round the
// bounds of their high and low halves.
func TestDarkLanes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	edge := []byte{0, 1, 0x7e, 0x7f, 0x80, 0x81, 0xfe, 0xff}
	for mid := range 256 {
		for trial := range 64 {
			var b [8]byte
			for k := range b {
				b[k] = byte(rng.IntN(256))
				if trial%2 == 0 {
					b[k] = edge[rng.IntN(len(edge))]
				}
				if trial%4 == 1 {
					b[k] = byte(mid + rng.IntN(3) - 1)
				}
			}
			var want uint64
			for k, v := range b {
				if int(v) < mid {
					want |= 1 << k
				}
			}
			if got := darkLanes(binary.LittleEndian.Uint64(b[:]), uint64(mid)*lanes); got != want {
				t.Fatalf("bytes %v below %d: %08b, want %08b", b, mid, got, want)
			}
		}
	}
}

// TestComponentAboveAllocatesNothing: looking for a 2D component's sign
// above an EAN-13 symbol allocates nothing once the decoder's sampler has
// grown, composite or not.
func TestComponentAboveAllocatesNothing(t *testing.T) {
	zint.Need(t)
	for _, args := range [][]string{
		{"-b", "EANX", "-d", "331234567890"},
		{"-b", "EANX_CC", "--mode=1", "--primary=331234567890", "-d", "[99]1234-abcd"},
	} {
		img, _ := zint.Image(t, args...).Render(zint.Scene{Module: 2.5, Angle: 4, Blur: 0.6, Noise: 6})
		f := NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
		d := newDecoder()
		src := newPlaneSource(f, &d.scratch)
		res, _ := d.decodeView(src, img.Rect, Options{Symbologies: compositeLinears})
		if len(res) == 0 || res[0].Symbology != EAN13 {
			t.Fatalf("%s: read %v, want an EAN-13 symbol", args[1], res)
		}
		d.view, d.viewMin = src, img.Rect.Min
		may, _, _ := d.componentAbove(&res[0])
		if want := args[1] == "EANX_CC"; may != want {
			t.Errorf("%s: a component may be above: %v, want %v", args[1], may, want)
		}
		if n := testing.AllocsPerRun(5, func() { d.componentAbove(&res[0]) }); n != 0 {
			t.Errorf("%s: componentAbove allocates %v times, want 0", args[1], n)
		}
		d.scratch.wipe()
		f.Purge()
	}
}

// TestSignEdges: the changes counted along a line, skipping the samples
// within each run, are those counted sample by sample, for lines of
// noise, of bars, and of levels within the band.
func TestSignEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 400 {
		s := signSampler{mid: rng.IntN(256), band: rng.IntN(40)}
		g := make([]byte, rng.IntN(80))
		level := byte(rng.IntN(256))
		for k := range g {
			switch trial % 3 {
			case 0:
				g[k] = byte(rng.IntN(256))
			case 1: // bars, a few samples each
				if rng.IntN(4) == 0 {
					level = byte(rng.IntN(256))
				}
				g[k] = level
			default: // near the threshold
				g[k] = byte(min(255, max(0, s.mid+rng.IntN(2*s.band+3)-s.band-1)))
			}
		}
		if got, want := s.edges(g), edgesBySample(&s, g); got != want {
			t.Fatalf("mid %d, band %d, %v: %d edges, want %d", s.mid, s.band, g, got, want)
		}
	}
}

// edgesBySample is edges counted sample by sample.
func edgesBySample(s *signSampler, g []byte) int {
	n, state := 0, 0 // state: -1 dark, 1 light, 0 not yet known
	for _, v := range g {
		switch {
		case int(v) < s.mid-s.band && state != -1:
			if state != 0 {
				n++
			}
			state = -1
		case int(v) > s.mid+s.band && state != 1:
			if state != 0 {
				n++
			}
			state = 1
		}
	}
	return n
}

// TestSampleLineWide: the pixels sampled four at a time are those the
// scalar code samples, the same nearest pixel each, on lines of every
// direction starting at fractions of a pixel (and at whole ones, where
// the rounding of each step matters most).
func TestSampleLineWide(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const w, h = 301, 203
	pix := make([]byte, w*h)
	for i := range pix {
		pix[i] = byte(rng.IntN(256))
	}
	for trial := range 500 {
		n := 1 + rng.IntN(90)
		a := rng.Float64() * 2 * math.Pi
		dx, dy := math.Cos(a), math.Sin(a)
		if trial%5 == 0 {
			dx, dy = 1, 0
		}
		x := float64(n) + rng.Float64()*float64(w-2*n-2)
		y := float64(n) + rng.Float64()*float64(h-2*n-2)
		if trial%3 == 0 {
			x, y = math.Floor(x), math.Floor(y)
		}
		got := make([]byte, n)
		done := sampleLineWide(got, pix, w, x, y, dx, dy)
		for k := range done {
			if want := pix[int(y+dy*float64(k))*w+int(x+dx*float64(k))]; got[k] != want {
				t.Fatalf("line from (%v, %v) along (%v, %v): sample %d is %d, want %d", x, y, dx, dy, k, got[k], want)
			}
		}
		if done != n/4*4 && done != 0 {
			t.Fatalf("%d samples: %d sampled four at a time", n, done)
		}
	}
}
