package scanner

import (
	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/eanaddon"
	"github.com/scannerd/scannerd/scanner/linear"
)

// mainModules is the width of an EAN-13 or UPC-A symbol, guard bar to
// guard bar, in modules, or of a UPC-E symbol.
func mainModules(sym Symbology) float64 {
	if sym == UPCE {
		return 51
	}
	return 95
}

// readAddOn reads the add-on beside an EAN-13, UPC-A or UPC-E symbol the
// linear reader read as s in runs, unless add-ons are ignored: its guard
// starts 7 to 12 modules after the main symbol's last bar.
func (d *decoder) readAddOn(sym Symbology, runs []int, s *linear.Symbol) string {
	if d.addOns == AddOnIgnore || !hasAddOns(sym) || s.Last+2 >= len(runs) {
		return ""
	}
	module := float64(sumRuns(runs[s.First:s.Last+1])) / mainModules(sym)
	a, ok := eanaddon.At(runs, s.Last+2, module)
	if !ok {
		return ""
	}
	return a.Text
}

func sumRuns(rs []int) int {
	n := 0
	for _, r := range rs {
		n += r
	}
	return n
}

// voteAddOn counts one row's add-on (none when a is empty) toward the
// hit's: the majority of the rows that read one wins.
func (h *lineHit) voteAddOn(a string) {
	switch {
	case a == "":
	case h.addOnVotes == 0:
		h.addOn, h.addOnVotes = a, 1
	case h.addOn == a:
		h.addOnVotes++
	default:
		h.addOnVotes--
	}
}

// confirmedAddOn returns the hit's add-on when two rows read it (one when
// only one row read the symbol), else "".
func (h *lineHit) confirmedAddOn() string {
	if h.addOnVotes >= 2 || h.addOnVotes == 1 && h.rows == 1 {
		return h.addOn
	}
	return ""
}

// confirmAddOn looks for the add-on of a hit that fewer than two rows
// read, where the main symbol need not read (its narrow bars blur
// first): past the end of the main symbol, 4 to 18 of its modules on,
// along rows two pixels apart through the hit's rows when one row read
// an add-on, else along eight rows across them (most symbols have none).
func (d *decoder) confirmAddOn(src gozxing.LuminanceSource, h *lineHit) {
	if d.addOns == AddOnIgnore || !hasAddOns(h.sym) || h.addOnVotes >= 2 {
		return
	}
	first, last, step, most := max(0, h.y0-8), min(src.GetHeight()-1, h.y1+8), 2, 32
	if h.addOnVotes == 0 {
		step, most = max(2, (last-first)/8), 8
	}
	width := src.GetWidth()
	module := (h.x1 - h.x0) / mainModules(h.sym) * subpixel
	end := h.x1 * subpixel // where the main symbol ends in the rows as read
	if h.reversed {
		end = (float64(width) - h.x0) * subpixel
	}
	rows := &d.probeScan
	for y, n := first, 0; y <= last && n < most && h.addOnVotes < 2; y, n = y+step, n+1 {
		if !rows.runs(src, y) {
			continue
		}
		for _, v := range rows.views() {
			if v.reversed != h.reversed || v.inverted != h.inverted {
				continue
			}
			if a, ok := eanaddon.Read(v.runs, end+4*module, end+18*module); ok {
				h.voteAddOn(a.Text)
			}
		}
	}
}
