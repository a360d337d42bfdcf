package bitrow

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

func TestRuns(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		first   int
		runs    []int
	}{
		{"..##.###....#", 2, []int{2, 1, 3, 4, 1}},
		{"###..", 0, []int{3}},
		{".....", 5, nil},
		{"#.#.#", 0, []int{1, 1, 1, 1, 1}},
	} {
		row := gozxing.NewBitArray(len(tc.pattern))
		for i, c := range tc.pattern {
			if c == '#' {
				row.Set(i)
			}
		}
		first, runs := Runs(row.GetBitArray(), len(tc.pattern), nil)
		if first != tc.first || !slices.Equal(runs, tc.runs) {
			t.Errorf("%s: first %d runs %v, want %d %v", tc.pattern, first, runs, tc.first, tc.runs)
		}
	}
}

// TestLengths checks the word-at-a-time run lengths against a pixel by
// pixel count, on rows of every width round the word size.
func TestLengths(t *testing.T) {
	for width := 1; width <= 100; width++ {
		for seed := uint64(0); seed < 20; seed++ {
			row := gozxing.NewBitArray(width + int(seed%3)) // wider than width at times
			for x := 0; x < row.GetSize(); x++ {
				if (seed*2654435761+uint64(x*x)*40503)%7 < 3 {
					row.Set(x)
				}
			}
			var want []int
			run, dark := 0, false
			for x := 0; x < width; x++ {
				if row.Get(x) != dark {
					want = append(want, run)
					run, dark = 0, !dark
				}
				run++
			}
			want = append(want, run)
			if got := Lengths(row.GetBitArray(), width, nil); !slices.Equal(got, want) {
				t.Fatalf("width %d seed %d: %v, want %v", width, seed, got, want)
			}
		}
	}
}

func TestWindows(t *testing.T) {
	const pattern = "..#.###.#...#.#"
	row := gozxing.NewBitArray(len(pattern))
	for i, c := range pattern {
		if c == '#' {
			row.Set(i)
		}
	}
	type hit struct {
		win    []int
		centre float64
	}
	var got []hit
	Windows(row.GetBitArray(), len(pattern), 5, nil, func(win []int, centre float64) {
		got = append(got, hit{slices.Clone(win), centre})
	})
	// Runs from x = 2: # . ### . # ... # . #
	want := []hit{{[]int{1, 1, 3, 1, 1}, 5.5}, {[]int{3, 1, 1, 3, 1}, 8.5}, {[]int{1, 3, 1, 1, 1}, 12.5}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if !slices.Equal(got[i].win, want[i].win) || got[i].centre != want[i].centre {
			t.Errorf("window %d: %v, want %v", i, got[i], want[i])
		}
	}
}

// TestWindowsCentres checks each window's centre, which Windows keeps as
// the window moves, against the runs before it summed afresh, on random
// rows and window lengths.
func TestWindowsCentres(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	for n := 0; n < 200; n++ {
		width := 1 + rng.IntN(150)
		row := gozxing.NewBitArray(width)
		for x := range width {
			if rng.IntN(3) == 0 {
				row.Set(x)
			}
		}
		k := 1 + 2*rng.IntN(6)
		pos, runs := Runs(row.GetBitArray(), width, nil)
		runs = slices.Clone(runs)
		i := 0
		Windows(row.GetBitArray(), width, k, nil, func(win []int, centre float64) {
			start := pos
			for _, r := range runs[:i+k/2] {
				start += r
			}
			if want := float64(start) + float64(runs[i+k/2])/2; !slices.Equal(win, runs[i:i+k]) || centre != want {
				t.Fatalf("row %d, window %d of %d runs: %v at %v, want %v at %v", n, i, k, win, centre, runs[i:i+k], want)
			}
			i += 2
		})
		if want := max(0, (len(runs)-k)/2+1); len(runs) < k && i != 0 || len(runs) >= k && i != 2*want {
			t.Fatalf("row %d: %d windows of %d runs among %d", n, i/2, k, len(runs))
		}
	}
}

// BenchmarkLengths measures Lengths on 640-pixel rows of about 50 runs,
// as a photo's rows across a barcode show them.
func BenchmarkLengths(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	const width = 640
	rows := make([][]uint32, 64)
	for i := range rows {
		row := make([]uint32, (width+31)/32)
		dark := false
		for x := range width {
			if rng.Float64() < 0.08 {
				dark = !dark
			}
			if dark {
				row[x/32] |= 1 << (x % 32)
			}
		}
		rows[i] = row
	}
	buf := make([]int, 0, width+1)
	for i := 0; b.Loop(); i++ {
		buf = Lengths(rows[i%len(rows)], width, buf)
	}
}

// TestLengthsLetGoCleared: a row of more runs than the array given has
// room for has it cleared as it is let go, not dropped with the row
// before's lengths in it.
func TestLengthsLetGoCleared(t *testing.T) {
	row := []uint32{0x0f0f0f0f, 0x0f0f0f0f, 0x0f0f0f0f}
	few := Lengths([]uint32{0xff00}, 32, nil)
	held := scrubtest.Hold("lengths", &few)
	scrubtest.NeedHeld(t, held)
	few = Lengths(row, 96, few)
	scrubtest.LetGoCleared(t, held)
}
