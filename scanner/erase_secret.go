//go:build goexperiment.runtimesecret

package scanner

import "runtime/secret"

// ErasesDecoderMemory reports whether this build erases the memory image
// decoders allocate (built with GOEXPERIMENT=runtimesecret, as the Makefile
// builds; see decodeErased).
const ErasesDecoderMemory = true

// decodeErased runs f so that every heap allocation it makes is zeroed by
// the garbage collector once unreachable, and its stack and registers when
// it returns: image decoders keep rows, windows and whole images in memory
// of their own that nothing else could reach to zero. runtime/secret does
// this on linux/amd64 and linux/arm64; elsewhere it just calls f.
func decodeErased(f func()) { secret.Do(f) }
