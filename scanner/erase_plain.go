//go:build !goexperiment.runtimesecret

package scanner

// ErasesDecoderMemory reports whether this build erases the memory image
// decoders allocate: this one does not (build with
// GOEXPERIMENT=runtimesecret, as the Makefile does).
const ErasesDecoderMemory = false

// decodeErased runs f; this build cannot erase what f leaves behind.
func decodeErased(f func()) { f() }
