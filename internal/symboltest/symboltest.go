// Package symboltest holds the test encoders: it encodes, for tests, every
// symbology that the tests draw, through symbols' gozxing writers and its
// own encoders of Aztec Code and GS1 DataBar, which gozxing cannot write
// and the daemon never shows (so it does not link them). Tests draw the
// symbols with symbols.Canvas, the demo camera's renderer.
package symboltest

import (
	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

// dataBarHeight: GS1 DataBar Omnidirectional is 33 modules tall (ISO/IEC
// 24724 §5.3.1).
const dataBarHeight = 33

// Encode encodes text as sym. DataBar takes the 13 digits of a GTIN-14
// before its check digit, or all 14 with a correct check digit.
func Encode(sym scanner.Symbology, text string) (*symbols.Symbol, error) {
	return EncodeWithHints(sym, text, nil)
}

// EncodeWithHints encodes text as sym with writer hints, such as
// gozxing.EncodeHintType_AZTEC_LAYERS.
func EncodeWithHints(sym scanner.Symbology, text string, hints map[gozxing.EncodeHintType]interface{}) (*symbols.Symbol, error) {
	switch sym {
	case scanner.Aztec:
		return symbols.EncodeWith(sym, text, AztecWriter{}, gozxing.BarcodeFormat_AZTEC, 0, hints)
	case scanner.DataBar:
		return symbols.EncodeWith(sym, text, DataBarWriter{}, gozxing.BarcodeFormat_RSS_14, dataBarHeight, hints)
	}
	return symbols.EncodeWithHints(sym, text, hints)
}
