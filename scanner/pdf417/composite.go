package pdf417

import (
	"fmt"
	"math/big"

	"github.com/scannerd/scannerd/scanner/composite"
)

// GS1 Composite symbols (ISO/IEC 24723) carry their 2D component in
// PDF417's codewords:
//
//   - CC-A: rows like MicroPDF417's, two to four columns (three without a
//     left RAP: cca3Layout), sizes and error correction of their own, and
//     the bit string in base 928, 69 bits to 7 codewords (§5.2).
//   - CC-B: a MicroPDF417 symbol whose data start with codeword 920, then
//     the bit string in byte compaction (§5.1).
//   - CC-C: a PDF417 symbol whose data start with codeword 920, then the
//     bit string in byte compaction (§5.1).
//
// The composite readers read these and only these: their results' text is
// the component's element string, and Metadata.Component names the kind.

// cwComposite is the first data codeword of CC-B and CC-C.
const cwComposite = 920

// Component kinds, as Metadata.Component names them.
const (
	ComponentA = "CC-A"
	ComponentB = "CC-B"
	ComponentC = "CC-C"
)

// ccaVariants are the CC-A sizes and their error correction codewords
// (ISO/IEC 24723 clause 8): 2 columns of 5 to 12 rows, 3 of 4 to 8, 4 of
// 3 to 7.
var ccaVariants = [...]microVariant{
	{2, 5, 4, ComponentA}, {2, 6, 4, ComponentA}, {2, 7, 5, ComponentA}, {2, 8, 5, ComponentA},
	{2, 9, 6, ComponentA}, {2, 10, 6, ComponentA}, {2, 12, 7, ComponentA},
	{3, 4, 4, ComponentA}, {3, 5, 5, ComponentA}, {3, 6, 6, ComponentA}, {3, 7, 7, ComponentA}, {3, 8, 7, ComponentA},
	{4, 3, 4, ComponentA}, {4, 4, 5, ComponentA}, {4, 5, 6, ComponentA}, {4, 6, 7, ComponentA}, {4, 7, 8, ComponentA},
}

// variantsOf returns the sizes of rows rows in the layout (see
// microLayouts) the reader decodes: MicroPDF417's, or for the composite
// reader CC-B's (the MicroPDF417 sizes of two columns or more) and
// CC-A's, whose rows of three columns are in a layout of their own.
func variantsOf(layout, rows int, composite bool) []microVariant {
	var out []microVariant
	if layout == cca3Layout {
		if !composite {
			return nil
		}
	} else if v, ok := microVariantOf(layout, rows); ok {
		if !composite {
			return []microVariant{v}
		}
		if layout >= 2 {
			v.kind = ComponentB
			out = append(out, v)
		}
	}
	if composite {
		cols := layoutCols(layout)
		for _, v := range ccaVariants {
			// A CC-A of three columns has no left RAP.
			if v.cols == cols && v.rows == rows && (cols == 3) == (layout == cca3Layout) {
				out = append(out, v)
			}
		}
	}
	return out
}

// componentData interprets the data codewords of a CC-B or CC-C from
// codewords[start]: 920, then byte compaction of the bit string.
func componentData(codewords []int, start int, kind string) (*decodedData, error) {
	if len(codewords) <= start || codewords[start] != cwComposite {
		return nil, fmt.Errorf("%w: no GS1 Composite component", errBadData)
	}
	d, err := decodeDataFrom(codewords, start+1)
	if err != nil {
		return nil, err
	}
	if d.hasECI || d.macro != nil || d.readerInit {
		return nil, fmt.Errorf("%w: ECI or control codewords in a composite component", errBadData)
	}
	bits := make([]byte, 0, 8*len(d.raw))
	for _, c := range d.raw {
		for i := 7; i >= 0; i-- {
			bits = append(bits, c>>i&1)
		}
	}
	return elementData(bits, kind)
}

// ccaData interprets the data codewords of a CC-A: groups of up to seven
// codewords, each a base-928 number of 10·n−1 bits for n codewords.
func ccaData(codewords []int) (*decodedData, error) {
	var bits []byte
	var v, limit big.Int
	radix := big.NewInt(928)
	for i := 0; i < len(codewords); i += 7 {
		group := codewords[i:min(i+7, len(codewords))]
		v.SetInt64(0)
		for _, c := range group {
			if c >= 928 {
				return nil, fmt.Errorf("%w: CC-A codeword %d", errBadData, c)
			}
			v.Mul(&v, radix)
			v.Add(&v, big.NewInt(int64(c)))
		}
		n := 10*len(group) - 1
		if limit.Lsh(big.NewInt(1), uint(n)); v.Cmp(&limit) >= 0 {
			return nil, fmt.Errorf("%w: CC-A group over %d bits", errBadData, n)
		}
		for b := n - 1; b >= 0; b-- {
			bits = append(bits, byte(v.Bit(b)))
		}
	}
	return elementData(bits, ComponentA)
}

// elementData reads a component's bit string.
func elementData(bits []byte, kind string) (*decodedData, error) {
	element, err := composite.Decode(bits)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errBadData, err)
	}
	return &decodedData{text: element, raw: []byte(element), component: kind}, nil
}
