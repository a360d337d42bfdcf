// Package scanner is the domain of scannerd: frames, symbologies, results,
// decode options, and the Engine that decodes frames in a worker pool.
//
// It imports no other scannerd package; capture, licensing and api depend on
// it for its types.
package scanner

import "errors"

// Errors callers branch on.
var (
	// ErrUnknownSymbology: a symbology name that scannerd does not know.
	ErrUnknownSymbology = errors.New("unknown symbology")
)
