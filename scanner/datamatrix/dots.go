package datamatrix

import "github.com/makiuchi-d/gozxing"

// closeDots returns a copy of m closed by r pixels: dark grown by r, then
// shrunk by r, along rows and along columns (outside the image counts as
// light while growing and as dark while shrinking). The round dots of a
// dot-peened, laser or ink-jet marked symbol's modules join into the solid
// modules and bars the detector follows, while light gaps wider than 2r
// stay. It works on 32 pixels at a time.
func closeDots(m *gozxing.BitMatrix, r int) *gozxing.BitMatrix {
	w, h := m.GetWidth(), m.GetHeight()
	n := (w + 31) / 32
	// The last word's bits beyond the width.
	var pad uint32
	if w%32 != 0 {
		pad = ^uint32(0) << (w % 32)
	}
	rows := make([][]uint32, h)
	var row *gozxing.BitArray
	for y := range rows {
		row = m.GetRow(y, row)
		rows[y] = append([]uint32(nil), row.GetBitArray()[:n]...)
		rows[y][n-1] &^= pad
	}
	tmp := make([]uint32, n)
	// alongRow grows (or shrinks) each row by one pixel each way.
	alongRow := func(words []uint32, grow bool) {
		if !grow {
			words[n-1] |= pad // beyond the width is dark while shrinking
		}
		copy(tmp, words)
		for i := range words {
			left := tmp[i] << 1 // pixel x-1 moved to x
			right := tmp[i] >> 1
			if i > 0 {
				left |= tmp[i-1] >> 31
			} else if !grow {
				left |= 1
			}
			if i+1 < n {
				right |= tmp[i+1] << 31
			} else if !grow && w%32 == 0 {
				right |= 1 << 31
			}
			if grow {
				words[i] = tmp[i] | left | right
			} else {
				words[i] = tmp[i] & left & right
			}
		}
		words[n-1] &^= pad
	}
	// alongColumns grows (or shrinks) every column by one pixel each way.
	prev := make([]uint32, n)
	alongColumns := func(grow bool) {
		for i := range prev {
			prev[i] = 0
			if !grow {
				prev[i] = ^uint32(0)
			}
		}
		for y := 0; y < h; y++ {
			copy(tmp, rows[y])
			for i := 0; i < n; i++ {
				next := ^uint32(0)
				if grow {
					next = 0
				}
				if y+1 < h {
					next = rows[y+1][i]
				}
				if grow {
					rows[y][i] = prev[i] | tmp[i] | next
				} else {
					rows[y][i] = prev[i] & tmp[i] & next
				}
			}
			copy(prev, tmp)
			rows[y][n-1] &^= pad
		}
	}
	for range r {
		for _, words := range rows {
			alongRow(words, true)
		}
	}
	for range r {
		alongColumns(true)
	}
	for range r {
		for _, words := range rows {
			alongRow(words, false)
		}
	}
	for range r {
		alongColumns(false)
	}
	out, _ := gozxing.NewBitMatrix(w, h)
	line := gozxing.NewBitArray(w)
	for y, words := range rows {
		line.Clear()
		for i, word := range words {
			line.SetBulk(32*i, word)
		}
		out.SetRow(y, line)
		clear(words) // image data: nothing of it outlives the search
	}
	line.Clear()
	row.Clear()
	clear(tmp)
	clear(prev)
	return out
}
