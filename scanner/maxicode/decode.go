package maxicode

import (
	"fmt"
	"strconv"
)

// Control characters of the structured carrier message (ISO/IEC 15434).
const (
	gs = "\x1d"
	// scmHeader opens a message in the ISO/IEC 15434 format 01; the
	// postcode, country and service class then go after its two-digit
	// year, as ZXing formats them.
	scmHeader = "[)>\x1e01\x1d"
)

// decoded is what a symbol says, after error correction.
type decoded struct {
	text string
	mode int
	eci  bool
	// Structured append position (1-based) and count, 0 when absent.
	saIndex, saCount int
}

// primaryValue packs the ten primary data codewords into one number, the
// first codeword lowest: the structured carrier message fields lie in it
// at fixed bit offsets (ISO/IEC 16023 §4.7.1, Figure 7).
func primaryValue(cw []byte) uint64 {
	var v uint64
	for i := primaryData - 1; i >= 0; i-- {
		v = v<<6 | uint64(cw[i]&63)
	}
	return v
}

// decodeMessage interprets corrected codewords of the given mode.
func decodeMessage(cw *[numCodewords]byte, mode int) (decoded, error) {
	dataLen, _, ok := secondaryLayout(mode)
	if !ok {
		return decoded{}, fmt.Errorf("maxicode: unsupported mode %d", mode)
	}
	d := decoded{mode: mode}
	var vals []byte
	if mode == 2 || mode == 3 {
		vals = append(vals, cw[primaryTotal:primaryTotal+dataLen]...)
	} else {
		vals = append(vals, cw[1:primaryData]...)
		vals = append(vals, cw[primaryTotal:primaryTotal+dataLen]...)
	}
	vals = d.structuredAppend(vals)
	var m message
	if err := decodeCodeSets(vals, &m); err != nil {
		return decoded{}, err
	}
	d.eci = len(m.switches) > 0
	if mode == 2 || mode == 3 {
		scm := carrierFields(primaryValue(cw[:primaryData]), mode)
		at := 0
		if len(m.bytes) >= len(scmHeader)+2 && string(m.bytes[:len(scmHeader)]) == scmHeader {
			at = len(scmHeader) + 2
		}
		m.insert(at, scm)
	}
	d.text = m.text()
	return d, nil
}

// structuredAppend strips a structured append indicator (ISO/IEC 16023
// §4.9.2: a leading PAD in code set A then a value holding the position
// and count, three bits each, less one) and records it.
func (d *decoded) structuredAppend(vals []byte) []byte {
	if len(vals) >= 2 && vals[0] == 33 {
		d.saIndex = int(vals[1]>>3&7) + 1
		d.saCount = int(vals[1]&7) + 1
		return vals[2:]
	}
	return vals
}

// carrierFields formats the postcode, country code and service class of a
// mode 2 or 3 primary message, each followed by GS.
func carrierFields(v uint64, mode int) string {
	var post string
	if mode == 2 {
		n := v >> 4 & (1<<30 - 1)
		length := int(v >> 34 & 63)
		post = fmt.Sprintf("%0*d", length, n)
	} else {
		b := make([]byte, 0, 6)
		for shift := 34; shift >= 4; shift -= 6 {
			if c := codeSets[setA][v>>uint(shift)&63]; c >= 0 {
				b = append(b, byte(c))
			}
		}
		post = string(b)
	}
	country := v >> 40 & 1023
	service := v >> 50 & 1023
	return post + gs + pad3(country) + gs + pad3(service) + gs
}

func pad3(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for len(s) < 3 {
		s = "0" + s
	}
	return s
}
