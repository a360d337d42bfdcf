// Package bitrow reads binarized image rows as runs of equal pixels, the
// form finder-pattern searches work on.
package bitrow

import "github.com/makiuchi-d/gozxing"

// Runs appends to buf the lengths of the alternating dark and light runs
// of the first width pixels of row, starting with its first dark run, and
// returns where that run starts. Dark runs sit at even indexes. A row
// without dark pixels gives first == width and no runs.
func Runs(row *gozxing.BitArray, width int, buf []int) (first int, runs []int) {
	runs = buf[:0]
	x := row.GetNextSet(0)
	first = x
	for x < width {
		end := row.GetNextUnset(x)
		runs = append(runs, end-x)
		if end >= width {
			break
		}
		next := row.GetNextSet(end)
		if next >= width {
			break
		}
		runs = append(runs, next-end)
		x = next
	}
	return first, runs
}
