package microqr

import (
	"fmt"
	"strings"

	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/common/reedsolomon"

	"github.com/scannerd/scannerd/scanner/internal/qrtext"
)

// A test encoder written from ISO/IEC 18004:2015, independent of the
// decoder's reading code: it builds symbols whose content the tests know.

// segment is one run of data in one mode.
type segment struct {
	mode int
	data string
}

type bitWriter struct{ bits []bool }

func (w *bitWriter) put(v, n int) {
	for i := n - 1; i >= 0; i-- {
		w.bits = append(w.bits, v>>i&1 == 1)
	}
}

// encodeSymbol returns the module matrix of a Micro QR symbol.
func encodeSymbol(segs []segment, sym, mask int) ([][]bool, error) {
	s := symbols[sym]
	var w bitWriter
	for _, sg := range segs {
		if s.version > 1 {
			w.put(sg.mode, s.version-1)
		}
		cb := countBits[sg.mode][s.version-1]
		if cb == 0 {
			return nil, fmt.Errorf("mode %d not in M%d", sg.mode, s.version)
		}
		switch sg.mode {
		case modeNumeric:
			w.put(len(sg.data), cb)
			for i := 0; i < len(sg.data); i += 3 {
				chunk := sg.data[i:min(i+3, len(sg.data))]
				v := 0
				for _, c := range chunk {
					v = v*10 + int(c-'0')
				}
				w.put(v, []int{0, 4, 7, 10}[len(chunk)])
			}
		case modeAlphanumeric:
			w.put(len(sg.data), cb)
			for i := 0; i < len(sg.data); i += 2 {
				a := strings.IndexByte(qrtext.AlphanumericChars, sg.data[i])
				if i+1 < len(sg.data) {
					w.put(a*45+strings.IndexByte(qrtext.AlphanumericChars, sg.data[i+1]), 11)
				} else {
					w.put(a, 6)
				}
			}
		case modeByte:
			w.put(len(sg.data), cb)
			for i := 0; i < len(sg.data); i++ {
				w.put(int(sg.data[i]), 8)
			}
		case modeKanji:
			sj, err := common.CharacterSetECI_SJIS.GetCharset().NewEncoder().Bytes([]byte(sg.data))
			if err != nil {
				return nil, err
			}
			w.put(len(sj)/2, cb)
			for i := 0; i+1 < len(sj); i += 2 {
				v := int(sj[i])<<8 | int(sj[i+1])
				if v <= 0x9ffc {
					v -= 0x8140
				} else {
					v -= 0xc140
				}
				w.put((v>>8)*0xc0+v&0xff, 13)
			}
		}
	}
	if len(w.bits) > s.dataBits {
		return nil, fmt.Errorf("%d bits do not fit M%d-%s (%d)", len(w.bits), s.version, s.ecLevel, s.dataBits)
	}
	w.put(0, min(2*s.version+1, s.dataBits-len(w.bits))) // terminator
	// Zero bits to the codeword boundary, then pad codewords.
	nData := s.dataWords()
	data := make([]int, nData)
	for i := 0; i < nData; i++ {
		width, shift := 8, 0
		if s.halfLast() && i == nData-1 {
			width, shift = 4, 4
		}
		v := 0
		for b := 0; b < width; b++ {
			pos := 8*i + b
			v <<= 1
			switch {
			case pos < len(w.bits):
				if w.bits[pos] {
					v |= 1
				}
			case pos >= (len(w.bits)+7)/8*8 && width == 8:
				// A whole pad codeword.
				v = []int{0xec, 0x11}[(i-(len(w.bits)+7)/8)%2]
				b = width
			}
		}
		data[i] = v << shift
	}
	all := make([]int, nData+s.ecWords)
	copy(all, data)
	if err := reedsolomon.NewReedSolomonEncoder(reedsolomon.GenericGF_QR_CODE_FIELD_256).Encode(all, s.ecWords); err != nil {
		return nil, err
	}
	var stream []bool
	for i, v := range all {
		width := 8
		if s.halfLast() && i == nData-1 {
			width = 4
		}
		for b := 7; b >= 8-width; b-- {
			stream = append(stream, v>>b&1 == 1)
		}
	}
	n := s.size()
	m := make([][]bool, n)
	for i := range m {
		m[i] = make([]bool, n)
	}
	// Finder: dark 7x7 ring and 3x3 centre.
	for i := 0; i < 7; i++ {
		for j := 0; j < 7; j++ {
			ring := i == 0 || i == 6 || j == 0 || j == 6
			centre := i >= 2 && i <= 4 && j >= 2 && j <= 4
			m[i][j] = ring || centre
		}
	}
	for i := 8; i < n; i++ {
		m[0][i] = i%2 == 0
		m[i][0] = i%2 == 0
	}
	f := formatCode(sym, mask)
	for i, p := range formatModules() {
		m[p[0]][p[1]] = f>>(14-i)&1 == 1
	}
	for i, p := range dataModules(n) {
		m[p[0]][p[1]] = stream[i] != masked(mask, p[0], p[1])
	}
	return m, nil
}
