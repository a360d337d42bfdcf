// Package hint reads gozxing decode hints the same way in every reader of
// the engine.
package hint

import (
	"image"

	"github.com/makiuchi-d/gozxing"
)

// Set reports whether h is given in hints and not given as false (gozxing
// takes any other value, or none, as set).
func Set(hints map[gozxing.DecodeHintType]interface{}, h gozxing.DecodeHintType) bool {
	v, ok := hints[h]
	if !ok {
		return false
	}
	b, isBool := v.(bool)
	return !isBool || b
}

// TryHarder reports whether hints ask for the thorough search.
func TryHarder(hints map[gozxing.DecodeHintType]interface{}) bool {
	return Set(hints, gozxing.DecodeHintType_TRY_HARDER)
}

// DottedModules is a hint of the engine's own, beyond gozxing's: the
// Data Matrix symbols sought may have modules of separate dots
// (dot-peened, laser or ink-jet marked parts, "DPM").
const DottedModules gozxing.DecodeHintType = 0x4450 // "DP"

// Dotted reports whether hints ask for symbols of dotted modules.
func Dotted(hints map[gozxing.DecodeHintType]interface{}) bool {
	return Set(hints, DottedModules)
}

// Regions is a hint of the engine's own: the value, an []image.Rectangle
// in the image's pixels, bounds where a reader need look for a symbol to
// start (the engine's region proposals); a symbol found there may reach
// outside them.
const Regions gozxing.DecodeHintType = 0x5247 // "RG"

// RegionsOf returns the regions hints bound the search to, or nil for
// the whole image.
func RegionsOf(hints map[gozxing.DecodeHintType]interface{}) []image.Rectangle {
	r, _ := hints[Regions].([]image.Rectangle)
	return r
}

// QuarterTurns is a hint of the engine's own: a reader that reads along
// rows also reads along columns, the symbols turned a quarter.
const QuarterTurns gozxing.DecodeHintType = 0x5154 // "QT"

// Finders is a hint of the engine's own: the value, a
// *qrfinder.Shared, holds the finder pattern searches of the QR family
// already run on the binarized image the engine binds it to, so that the
// readers of that family search it once between them.
const Finders gozxing.DecodeHintType = 0x4650 // "FP"

// Columns is a hint of the engine's own: the value, a
// *bitrow.SharedColumns, holds the columns of the binarized image the
// engine binds it to, so that the readers that search that image along
// its columns transpose it once between them.
const Columns gozxing.DecodeHintType = 0x434c // "CL"

// Rows is a hint of the engine's own: the value, a *bitrow.SharedRows,
// holds the rows of the binarized image the engine binds it to, so that
// the readers that read that image's rows copy each of them out of the
// matrix once between them.
const Rows gozxing.DecodeHintType = 0x5257 // "RW"

// Modules is a hint of the engine's own: the value, a [2]float64, bounds
// the module (in the image's pixels) of the symbols sought, from below
// and above; for the GS1 Composite reader, the module of the linear
// components beside which it searches, which a 2D component shares.
const Modules gozxing.DecodeHintType = 0x4d44 // "MD"

// ModulesOf returns the least and the greatest module hints give, and
// whether they give them.
func ModulesOf(hints map[gozxing.DecodeHintType]interface{}) (lo, hi float64, ok bool) {
	m, ok := hints[Modules].([2]float64)
	return m[0], m[1], ok
}

// Facing is a hint of the engine's own: the value, a [][2]float64 of
// unit vectors in the image's pixels, gives the directions the rows of
// the symbols sought run in, read left to right; a reader that searches
// views of the image turned every way may leave out those that face away
// from all of them. For the GS1 Composite reader, the directions of the
// linear components beside which it searches: a 2D component's rows run
// as its linear component's, above it (ISO/IEC 24723).
const Facing gozxing.DecodeHintType = 0x4644 // "FD"

// FacingOf returns the directions hints give, or nil for any.
func FacingOf(hints map[gozxing.DecodeHintType]interface{}) [][2]float64 {
	f, _ := hints[Facing].([][2]float64)
	return f
}

// Erase is a hint of the engine's own: the value, an []image.Rectangle
// in the image's pixels, covers what a reader may take as light: the bars
// of the 1D symbols read already, on which no other symbol is printed.
const Erase gozxing.DecodeHintType = 0x4552 // "ER"

// EraseOf returns the rectangles hints give to take as light.
func EraseOf(hints map[gozxing.DecodeHintType]interface{}) []image.Rectangle {
	r, _ := hints[Erase].([]image.Rectangle)
	return r
}

// ComponentColumns is a hint of the engine's own for the GS1 Composite
// reader: the value, a uint8, has bit n set for each number of columns n
// (2 to 4) the CC-A and CC-B components sought may have. A linear
// component fixes its 2D component's columns (ISO/IEC 24723: four above
// EAN-13, UPC-A, GS1-128 and GS1 DataBar Omnidirectional and Expanded,
// three above EAN-8 and GS1 DataBar Limited, two above UPC-E and GS1
// DataBar Stacked). Without it, any.
const ComponentColumns gozxing.DecodeHintType = 0x4343 // "CC"

// ComponentColumnsOf returns the columns hints give, 0 for any.
func ComponentColumnsOf(hints map[gozxing.DecodeHintType]interface{}) uint8 {
	c, _ := hints[ComponentColumns].(uint8)
	return c
}
