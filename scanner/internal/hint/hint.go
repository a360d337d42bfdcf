// Package hint reads gozxing decode hints the same way in every reader of
// the engine.
package hint

import "github.com/makiuchi-d/gozxing"

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
