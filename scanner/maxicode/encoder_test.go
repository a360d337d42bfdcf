package maxicode

import (
	"fmt"

	"github.com/makiuchi-d/gozxing/common/reedsolomon"
)

// A test encoder written from ISO/IEC 16023: it builds symbols whose
// content the tests know. It uses plain latches for code sets A and B,
// shifts or locks for C, D and E, and numeric shifts for runs of nine
// digits.

// carrier is the structured carrier message of modes 2 and 3.
type carrier struct {
	postcode         string // 9 digits or fewer (mode 2), up to 6 set A characters (mode 3)
	country, service int
}

type symbolSpec struct {
	mode    int
	scm     carrier
	text    string // ISO/IEC 8859-1 characters
	eci     int    // 0 for none
	saIndex int    // structured append position, 0 for none
	saCount int
}

// charCode finds a character's symbol value in a code set, or -1.
func charCode(set int, ch byte) int {
	for v, c := range codeSets[set] {
		if c == int16(ch) {
			return v
		}
	}
	return -1
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// encodeText turns text into symbol values.
func encodeText(text []byte) ([]byte, error) {
	var out []byte
	set := setA
	for i := 0; i < len(text); {
		// Nine digits: numeric shift, from any set.
		if i+9 <= len(text) {
			all := true
			for k := 0; k < 9; k++ {
				all = all && isDigit(text[i+k])
			}
			if all {
				n := 0
				for k := 0; k < 9; k++ {
					n = n*10 + int(text[i+k]-'0')
				}
				out = append(out, 31, byte(n>>24&63), byte(n>>18&63), byte(n>>12&63), byte(n>>6&63), byte(n&63))
				i += 9
				continue
			}
		}
		ch := text[i]
		if v := charCode(set, ch); v >= 0 {
			out = append(out, byte(v))
			i++
			continue
		}
		// Leave a locked C, D or E set for A or B first.
		if set >= setC {
			if charCode(setA, ch) >= 0 || charCode(setB, ch) < 0 {
				out = append(out, 58)
				set = setA
			} else {
				out = append(out, 63)
				set = setB
			}
			continue
		}
		switch {
		case charCode(setA, ch) >= 0 || charCode(setB, ch) >= 0:
			target := setA
			if charCode(setA, ch) < 0 {
				target = setB
			}
			out = append(out, 63) // latch B in A, latch A in B
			set = target
		default:
			target := -1
			for s := setC; s <= setE; s++ {
				if charCode(s, ch) >= 0 {
					target = s
					break
				}
			}
			if target < 0 {
				return nil, fmt.Errorf("character %#x has no code set", ch)
			}
			run := 0
			for k := i; k < len(text) && charCode(target, text[k]) >= 0; k++ {
				run++
			}
			out = append(out, byte(60+target-setC)) // shift C, D or E
			if run >= 4 {
				out = append(out, byte(60+target-setC)) // the same value locks
				set = target
				continue
			}
			out = append(out, byte(charCode(target, ch)))
			i++
		}
	}
	return out, nil
}

// encodeCodewords builds the 144 codewords of a symbol.
func encodeCodewords(sp symbolSpec) ([numCodewords]byte, error) {
	var cw [numCodewords]byte
	var vals []byte
	if sp.eci > 0 {
		switch {
		case sp.eci < 32:
			vals = append(vals, 27, byte(sp.eci))
		case sp.eci < 1024:
			vals = append(vals, 27, byte(0x20|sp.eci>>6), byte(sp.eci&63))
		default:
			vals = append(vals, 27, byte(0x30|sp.eci>>12&7), byte(sp.eci>>6&63), byte(sp.eci&63))
		}
	}
	if sp.saCount > 0 {
		vals = append([]byte{33, byte((sp.saIndex-1)<<3 | (sp.saCount - 1))}, vals...)
	}
	var latin1 []byte
	for _, r := range sp.text {
		if r > 255 {
			return cw, fmt.Errorf("%q is not ISO/IEC 8859-1", r)
		}
		latin1 = append(latin1, byte(r))
	}
	t, err := encodeText(latin1)
	if err != nil {
		return cw, err
	}
	vals = append(vals, t...)
	dataLen, ecLen, ok := secondaryLayout(sp.mode)
	if !ok {
		return cw, fmt.Errorf("mode %d", sp.mode)
	}
	capacity := dataLen
	if sp.mode != 2 && sp.mode != 3 {
		capacity += 9
	}
	if len(vals) > capacity {
		return cw, fmt.Errorf("%d values exceed capacity %d", len(vals), capacity)
	}
	for len(vals) < capacity {
		vals = append(vals, 33) // PAD
	}
	if sp.mode == 2 || sp.mode == 3 {
		var v uint64
		if sp.mode == 2 {
			var n uint64
			for _, c := range sp.scm.postcode {
				n = n*10 + uint64(c-'0')
			}
			v = n<<4 | uint64(len(sp.scm.postcode))<<34
		} else {
			for i := 0; i < 6; i++ {
				c := byte(' ')
				if i < len(sp.scm.postcode) {
					c = sp.scm.postcode[i]
				}
				v |= uint64(charCode(setA, c)) << (34 - 6*i)
			}
		}
		v |= uint64(sp.mode) | uint64(sp.scm.country)<<40 | uint64(sp.scm.service)<<50
		for i := 0; i < primaryData; i++ {
			cw[i] = byte(v >> (6 * i) & 63)
		}
		copy(cw[primaryTotal:], vals)
	} else {
		cw[0] = byte(sp.mode)
		copy(cw[1:primaryData], vals[:9])
		copy(cw[primaryTotal:], vals[9:])
	}
	enc := reedsolomon.NewReedSolomonEncoder(reedsolomon.GenericGF_MAXICODE_FIELD_64)
	prim := make([]int, primaryTotal)
	for i := 0; i < primaryData; i++ {
		prim[i] = int(cw[i])
	}
	if err := enc.Encode(prim, primaryTotal-primaryData); err != nil {
		return cw, err
	}
	for i := primaryData; i < primaryTotal; i++ {
		cw[i] = byte(prim[i])
	}
	for parity := 0; parity < 2; parity++ {
		half := make([]int, (dataLen+ecLen)/2)
		for i := 0; i < dataLen/2; i++ {
			half[i] = int(cw[primaryTotal+parity+2*i])
		}
		if err := enc.Encode(half, ecLen/2); err != nil {
			return cw, err
		}
		for i := dataLen / 2; i < len(half); i++ {
			cw[primaryTotal+parity+2*i] = byte(half[i])
		}
	}
	return cw, nil
}

// encodeGrid places codewords, orientation patterns and the top-right
// filler modules on the grid.
func encodeGrid(cw [numCodewords]byte) gridBits {
	var g gridBits
	for r := range g {
		for c := range g[r] {
			if b := moduleLayout[r][c]; b != noBit {
				g[r][c] = cw[b/6]>>(5-b%6)&1 == 1
			}
		}
	}
	for _, m := range orientationModules {
		g[m.row][m.col] = m.dark
	}
	g[0][28], g[0][29] = true, true
	return g
}
