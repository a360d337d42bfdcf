// Package aztecspec holds the Aztec Code symbol geometry of ISO/IEC 24778
// that both the reader (scanner/aztec) and the test encoder
// (internal/symboltest) follow, so that neither depends on the other.
package aztecspec

// WordSize is the codeword size in bits of a symbol with this many data
// layers (ISO/IEC 24778 Table 3).
func WordSize(layers int) int {
	switch {
	case layers <= 2:
		return 6
	case layers <= 8:
		return 8
	case layers <= 22:
		return 10
	}
	return 12
}

// LayerBits is the number of bits the data layers of a symbol hold: each
// layer is a ring two modules wide round the core.
func LayerBits(layers int, compact bool) int {
	core := 112
	if compact {
		core = 88
	}
	return (core + 16*layers) * layers
}
