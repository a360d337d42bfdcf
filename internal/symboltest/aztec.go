package symboltest

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common/reedsolomon"

	"github.com/scannerd/scannerd/internal/aztecspec"
)

// Aztec Code (ISO/IEC 24778) encoding for tests: text to bits through the
// character modes and binary shift (§7.3.1), bits to codewords with bit
// stuffing and Reed-Solomon check words (§7.3.1.2, §7.3.2), and the
// codewords laid out in layers round the bull's-eye, with the mode
// message and, in full-range symbols, the reference grid (§6, §7.2).

// ErrAztecTooLong: the text does not fit the requested or largest symbol.
var ErrAztecTooLong = errors.New("aztec: text does not fit")

// AztecSpec chooses an Aztec symbol: Layers is 0 for the smallest symbol
// that fits, −1…−4 for a compact symbol, 1…32 for a full-range one;
// ECPercent is the share of check words (23 when 0); ReaderInit marks the
// symbol as reader programming.
type AztecSpec struct {
	Layers     int
	ECPercent  int
	ReaderInit bool
}

// AztecWriter is a gozxing.Writer for Aztec Code. It honours
// gozxing.EncodeHintType_AZTEC_LAYERS and _ERROR_CORRECTION (a percentage)
// and returns one pixel per module without quiet zone.
type AztecWriter struct{}

var _ gozxing.Writer = AztecWriter{}

func (AztecWriter) EncodeWithoutHint(contents string, format gozxing.BarcodeFormat, width, height int) (*gozxing.BitMatrix, error) {
	return AztecWriter{}.Encode(contents, format, width, height, nil)
}

func (AztecWriter) Encode(contents string, format gozxing.BarcodeFormat, width, height int, hints map[gozxing.EncodeHintType]interface{}) (*gozxing.BitMatrix, error) {
	if format != gozxing.BarcodeFormat_AZTEC {
		return nil, fmt.Errorf("aztec: cannot write %v", format)
	}
	var spec AztecSpec
	if v, ok := hints[gozxing.EncodeHintType_AZTEC_LAYERS]; ok {
		n, err := hintInt(v)
		if err != nil {
			return nil, fmt.Errorf("aztec: layers hint: %w", err)
		}
		spec.Layers = n
	}
	if v, ok := hints[gozxing.EncodeHintType_ERROR_CORRECTION]; ok {
		n, err := hintInt(v)
		if err != nil {
			return nil, fmt.Errorf("aztec: error correction hint: %w", err)
		}
		spec.ECPercent = n
	}
	return EncodeAztec(contents, spec)
}

func hintInt(v interface{}) (int, error) {
	switch x := v.(type) {
	case int:
		return x, nil
	case string:
		return strconv.Atoi(x)
	}
	return 0, fmt.Errorf("want an int, have %T", v)
}

// EncodeAztec encodes text as an Aztec symbol: text made of runes up to
// U+00FF is encoded as ISO-8859-1, other text as UTF-8 behind ECI 26.
func EncodeAztec(text string, spec AztecSpec) (*gozxing.BitMatrix, error) {
	data, err := aztecBits(text)
	if err != nil {
		return nil, err
	}
	ec := spec.ECPercent
	if ec == 0 {
		ec = 23
	}
	if ec < 0 || ec > 90 {
		return nil, fmt.Errorf("aztec: error correction %d%% out of range", ec)
	}
	for _, l := range aztecLayerChoices(spec.Layers) {
		compact, layers := l < 0, max(l, -l)
		if spec.ReaderInit && (compact && layers > 1 || !compact && layers > 22) {
			continue
		}
		size := aztecspec.WordSize(layers)
		words := stuffBits(data, size)
		if len(words) == 0 {
			// No data: one codeword of padding (ones, and a zero so that
			// it is not all ones).
			words = []int{1<<size - 2}
		}
		total := aztecspec.LayerBits(layers, compact) / size
		check := total - len(words)
		if check < (len(words)*ec+99)/100+3 {
			continue
		}
		if compact && len(words) > 64 || len(words) > 2048 {
			continue
		}
		return layOutAztec(words, total, layers, compact, spec.ReaderInit), nil
	}
	return nil, fmt.Errorf("%w: %d bits", ErrAztecTooLong, len(data))
}

// aztecLayerChoices lists the symbols to try, smallest first: compact
// layers as negative numbers.
func aztecLayerChoices(layers int) []int {
	if layers != 0 {
		return []int{layers}
	}
	out := []int{-1, -2, -3, -4}
	for l := 1; l <= 32; l++ {
		out = append(out, l)
	}
	return out
}

func aztecField(size int) *reedsolomon.GenericGF {
	switch size {
	case 6:
		return reedsolomon.GenericGF_AZTEC_DATA_6
	case 8:
		return reedsolomon.GenericGF_AZTEC_DATA_8
	case 10:
		return reedsolomon.GenericGF_AZTEC_DATA_10
	}
	return reedsolomon.GenericGF_AZTEC_DATA_12
}

// stuffBits cuts bits into codewords of size bits. A codeword whose first
// size−1 bits are all equal gets the opposite bit last, and the bit that
// would have been last starts the next codeword, so that no codeword is all
// zeros or all ones; the last codeword is filled up with ones (§7.3.1.2).
func stuffBits(bits []bool, size int) []int {
	var words []int
	for i := 0; i < len(bits); {
		w := 0
		for k := 0; k < size-1; k++ {
			w <<= 1
			if i+k >= len(bits) || bits[i+k] {
				w |= 1
			}
		}
		mask := 1<<(size-1) - 1
		switch {
		case w == mask:
			words = append(words, w<<1) // ones, then a zero
			i += size - 1
		case w == 0:
			words = append(words, 1) // zeros, then a one
			i += size - 1
		default:
			last := i+size-1 >= len(bits) || bits[i+size-1]
			w <<= 1
			if last {
				w |= 1
			}
			words = append(words, w)
			i += size
		}
	}
	return words
}
