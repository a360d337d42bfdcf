package aztec_test

import (
	"testing"

	"github.com/scannerd/scannerd/internal/readertest"
	"github.com/scannerd/scannerd/scanner"
	"github.com/scannerd/scannerd/scanner/aztec"
)

func BenchmarkDecode1080pNoSymbol(b *testing.B) {
	readertest.BenchDecode(b, aztec.NewReader(), readertest.Parcel1080(b, scanner.Aztec, ""), nil, false)
}

func BenchmarkDecode1080pNoSymbolTryHarder(b *testing.B) {
	readertest.BenchDecode(b, aztec.NewReader(), readertest.Parcel1080(b, scanner.Aztec, ""), harder, false)
}

func BenchmarkDecode1080pSymbol(b *testing.B) {
	readertest.BenchDecode(b, aztec.NewReader(), readertest.Parcel1080(b, scanner.Aztec, "https://example.com/track?id=0123456789"), nil, true)
}

func BenchmarkDecode1080pSymbolTryHarder(b *testing.B) {
	readertest.BenchDecode(b, aztec.NewReader(), readertest.Parcel1080(b, scanner.Aztec, "https://example.com/track?id=0123456789"), harder, true)
}

func BenchmarkDecode1080pNoise(b *testing.B) {
	readertest.BenchDecode(b, aztec.NewReader(), readertest.Noise1080(), nil, false)
}

func BenchmarkDecode1080pNoiseTryHarder(b *testing.B) {
	readertest.BenchDecode(b, aztec.NewReader(), readertest.Noise1080(), harder, false)
}
