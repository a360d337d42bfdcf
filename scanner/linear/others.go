package linear

import (
	"math/bits"

	"github.com/scannerd/scannerd/scanner/code11"
	"github.com/scannerd/scannerd/scanner/databar"
	"github.com/scannerd/scannerd/scanner/internal/bars"
	"github.com/scannerd/scannerd/scanner/msi"
	"github.com/scannerd/scannerd/scanner/pharmacode"
	"github.com/scannerd/scannerd/scanner/telepen"
	"github.com/scannerd/scannerd/scanner/twooffive"
)

// The less common linear symbologies have decoders in packages of their
// own, which read the same lines: each looks for its symbol at a dark
// run, as the readers here do.
var others = [numFormats]bars.Decoder{
	Code11:         code11.DecodeAt,
	MSI:            msi.DecodeAt,
	Pharmacode:     pharmacode.DecodeAt,
	Industrial25:   twooffive.IndustrialAt,
	Matrix25:       twooffive.MatrixAt,
	IATA25:         twooffive.IATAAt,
	Telepen:        telepen.DecodeAt,
	DataBarLimited: databar.LimitedAt,
	DataBar:        databar.OmniAt,
}

// TextureProne are the formats whose symbols texture imitates along one
// line now and then: they have no start pattern or check strong enough
// (Pharmacode has neither). The engine reads them only when asked, and
// only once several rows agree; Pharmacode's bars it checks in two
// dimensions too.
const TextureProne = Formats(1<<Code11 | 1<<MSI | 1<<Pharmacode | 1<<Industrial25 | 1<<Matrix25 | 1<<IATA25)

// otherFormats is the set of the formats in others.
const otherFormats = Formats(1<<Code11 | 1<<MSI | 1<<Pharmacode | 1<<Industrial25 | 1<<Matrix25 | 1<<IATA25 |
	1<<Telepen | 1<<DataBarLimited | 1<<DataBar)

// readOthers reads a symbol of one of the other formats whose first bar
// is run k.
func readOthers(runs []int, k int, formats Formats) (Symbol, bool) {
	for fs := formats & otherFormats; fs != 0; fs &= fs - 1 {
		f := Format(bits.TrailingZeros32(uint32(fs)))
		// The decoders' first tests, made here inline (and again by the
		// decoders): at nearly every dark run of every line they fail,
		// and the call is saved. Code 11's, Pharmacode's and DataBar's are
		// not small enough.
		switch f {
		case MSI:
			if !msi.MayStartAt(runs, k) {
				continue
			}
		case Industrial25:
			if !twooffive.IndustrialMayStartAt(runs, k) {
				continue
			}
		case Matrix25:
			if !twooffive.MatrixMayStartAt(runs, k) {
				continue
			}
		case IATA25:
			if !twooffive.IATAMayStartAt(runs, k) {
				continue
			}
		case Telepen:
			if !telepen.MayStartAt(runs, k) {
				continue
			}
		case DataBarLimited:
			if !databar.LimitedMayStartAt(runs, k) {
				continue
			}
		}
		if s, ok := others[f](runs, k); ok {
			return Symbol{Format: f, Text: s.Text, ID: s.ID, First: s.First, Last: s.Last, Linked: s.Linked}, true
		}
	}
	return Symbol{}, false
}
