package linear

import (
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
// run, as the readers here do (readOthers).

// TextureProne are the formats whose symbols texture imitates along one
// line now and then: they have no start pattern or check strong enough
// (Pharmacode has neither). The engine reads them only when asked, and
// only once several rows agree; Pharmacode's bars it checks in two
// dimensions too.
const TextureProne = Formats(1<<Code11 | 1<<MSI | 1<<Pharmacode | 1<<Industrial25 | 1<<Matrix25 | 1<<IATA25)

// otherFormats is the set of the formats readOthers reads.
const otherFormats = Formats(1<<Code11 | 1<<MSI | 1<<Pharmacode | 1<<Industrial25 | 1<<Matrix25 | 1<<IATA25 |
	1<<Telepen | 1<<DataBarLimited | 1<<DataBar)

// readOthers reads a symbol of one of the other formats whose first bar
// is run k, trying the formats in their order. Each decoder's first test
// (its MayStartAt: the start pattern's proportions, and for most the
// quiet zone before it, in integers) is made here inline, and again by
// the decoder: at nearly every dark run of every line they fail, and the
// call is saved. DataBar's is not small enough.
func readOthers(runs []int, k int, formats Formats) (Symbol, bool) {
	fs := formats & otherFormats
	if fs.Has(Code11) && code11.MayStartAt(runs, k) {
		if s, ok := code11.DecodeAt(runs, k); ok {
			return symbolOf(Code11, s), true
		}
	}
	if fs.Has(MSI) && msi.MayStartAt(runs, k) {
		if s, ok := msi.DecodeAt(runs, k); ok {
			return symbolOf(MSI, s), true
		}
	}
	if fs.Has(Pharmacode) && pharmacode.MayStartAt(runs, k) {
		if s, ok := pharmacode.DecodeAt(runs, k); ok {
			return symbolOf(Pharmacode, s), true
		}
	}
	if fs.Has(Industrial25) && twooffive.IndustrialMayStartAt(runs, k) {
		if s, ok := twooffive.IndustrialAt(runs, k); ok {
			return symbolOf(Industrial25, s), true
		}
	}
	if fs.Has(Matrix25) && twooffive.MatrixMayStartAt(runs, k) {
		if s, ok := twooffive.MatrixAt(runs, k); ok {
			return symbolOf(Matrix25, s), true
		}
	}
	if fs.Has(IATA25) && twooffive.IATAMayStartAt(runs, k) {
		if s, ok := twooffive.IATAAt(runs, k); ok {
			return symbolOf(IATA25, s), true
		}
	}
	if fs.Has(Telepen) && telepen.MayStartAt(runs, k) {
		if s, ok := telepen.DecodeAt(runs, k); ok {
			return symbolOf(Telepen, s), true
		}
	}
	if fs.Has(DataBarLimited) && databar.LimitedMayStartAt(runs, k) {
		if s, ok := databar.LimitedAt(runs, k); ok {
			return symbolOf(DataBarLimited, s), true
		}
	}
	if fs.Has(DataBar) {
		if s, ok := databar.OmniAt(runs, k); ok {
			return symbolOf(DataBar, s), true
		}
	}
	return Symbol{}, false
}

func symbolOf(f Format, s bars.Symbol) Symbol {
	return Symbol{Format: f, Text: s.Text, ID: s.ID, First: s.First, Last: s.Last, Linked: s.Linked}
}
