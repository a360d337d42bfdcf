package postal

import (
	"github.com/makiuchi-d/gozxing/common/reedsolomon"
)

// Australia Post customer barcodes: bars of four values (0 full, 1
// ascender, 2 descender, 3 tracker) between the start and stop pairs 1 3.
// After the start: the format control code (two digits), the delivery
// point identifier (eight digits), customer information in the longer
// formats, a filler tracker bar where needed, and four Reed-Solomon check
// symbols over GF(64); each symbol is three bars, a base-4 number. Digits
// are two bars each (the N table), customer letters three (the C table).
// 37 bars carry FCC and DPID, 52 add 16 bars of customer information, 67
// add 31.

// auspostValue maps a bar's states (bit 0 ascender, bit 1 descender) to
// its value.
var auspostValue = [4]int{3: 0, 1: 1, 2: 2, 0: 3}

// nTable is the value pair (4·first+second) of each digit.
var nTable = [10]int{0, 1, 2, 4, 5, 6, 8, 9, 10, 12}

// cTable gives the customer information character of each three-bar
// value (the Australia Post C table).
const cTable = "ABC DEF#GHIabcdeJKLfMNOgPQRhijklSTUmVWXnYZ0opqrs123t456u789vwxyz"

// readAusPost decodes the bars as an Australia Post customer barcode: the
// text is the FCC, the DPID and the customer information.
func readAusPost(st states) (string, bool) {
	n := len(st)
	if n != 37 && n != 52 && n != 67 {
		return "", false
	}
	v := make([]int, n)
	for i, s := range st {
		v[i] = auspostValue[s]
	}
	if v[0] != 1 || v[1] != 3 || v[n-2] != 1 || v[n-1] != 3 {
		return "", false
	}
	// The check symbols cover the bars from the FCC to the filler, three
	// a symbol, and themselves.
	body := v[2 : n-2]
	symbols := make([]int, len(body)/3)
	for i := range symbols {
		symbols[i] = body[3*i]*16 + body[3*i+1]*4 + body[3*i+2]
	}
	rs := reedsolomon.NewReedSolomonDecoder(reedsolomon.GenericGF_AZTEC_DATA_6)
	if err := rs.Decode(symbols, 4); err != nil {
		return "", false
	}
	for i, s := range symbols[:len(symbols)-4] {
		body[3*i], body[3*i+1], body[3*i+2] = s>>4, s>>2&3, s&3
	}
	digit := func(a, b int) (byte, bool) {
		for d, p := range nTable {
			if p == 4*a+b {
				return byte('0' + d), true
			}
		}
		return 0, false
	}
	var out []byte
	// FCC and DPID: ten digits.
	for i := 0; i < 20; i += 2 {
		d, ok := digit(body[i], body[i+1])
		if !ok {
			return "", false
		}
		out = append(out, d)
	}
	info := body[20 : len(body)-12]
	if fcc := string(out[:2]); n == 37 && fcc != "11" && fcc != "45" && fcc != "87" && fcc != "92" ||
		n == 52 && fcc != "59" || n == 67 && fcc != "62" {
		return "", false
	}
	if len(info) > 1 {
		out = append(out, customerInfo(info)...)
	}
	return string(out), true
}

// customerInfo reads the customer information bars: digits (two bars
// each) when every pair is one, else characters of three bars; a trailing
// filler tracker bar is left out.
func customerInfo(bars []int) []byte {
	var digits []byte
	ok := true
	for i := 0; i+1 < len(bars); i += 2 {
		found := false
		for d, p := range nTable {
			if p == 4*bars[i]+bars[i+1] {
				digits, found = append(digits, byte('0'+d)), true
				break
			}
		}
		if !found {
			ok = false
			break
		}
	}
	if ok && (len(bars)%2 == 0 || bars[len(bars)-1] == 3) {
		return digits
	}
	var chars []byte
	for i := 0; i+2 < len(bars); i += 3 {
		chars = append(chars, cTable[bars[i]*16+bars[i+1]*4+bars[i+2]])
	}
	return chars
}
