package composite

import (
	"testing"

	"github.com/scannerd/scannerd/scanner/databar"
)

// unpack returns the bits of b, most significant first.
func unpack(b []byte) []byte {
	bits := make([]byte, 0, 8*len(b))
	for _, c := range b {
		for i := 7; i >= 0; i-- {
			bits = append(bits, c>>i&1)
		}
	}
	return bits
}

// pack returns bits in bytes, most significant first, zero-padded.
func pack(bits []byte) []byte {
	out := make([]byte, (len(bits)+7)/8)
	for i, b := range bits {
		out[i/8] |= b << (7 - i%8)
	}
	return out
}

// FuzzDecode reads random bit strings: Decode must not panic, and what it
// accepts must be an element string.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"0 " + pair(2, 1) + pair(1, 2) + pair(3, 4) + alphaLatch + pad,
		"10 " + date(20, 12, 31) + "1 " + alphaLatch + alpha("ABC123") + pad,
		"11 11 10 11111 " + field(3, 10) + field(0, 5) + field(1, 5) + field(53, 6) + "11111 " + pair(7, 7) + alphaLatch + pad,
		"11 0 11 00001 1111 " + alpha("X") + "01111 " + pair(1, 2) + alphaLatch + pad,
	} {
		f.Add(pack(bitsOf(s)))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		element, err := Decode(unpack(b))
		if err != nil {
			return
		}
		if element == "" {
			t.Fatal("empty element string without error")
		}
		if _, err := databar.HumanReadable(element); err != nil {
			t.Fatalf("accepted %q: %v", element, err)
		}
	})
}
