package dotcode

import "github.com/scannerd/scannerd/scanner/internal/eci"

// Codeword values with the same meaning in code sets A, B and C (ISS
// DotCode §5.2, Table 1).
const (
	cwFNC1     = 107
	cwFNC2     = 108 // ECI, or structured append as the last codeword
	cwFNC3     = 109 // reader initialisation
	cwUpperA   = 110 // the next codeword is a code set A character + 128
	cwUpperB   = 111 // the next codeword is a code set B character + 128
	cwBinLatch = 112
)

type codeSet int

const (
	setC codeSet = iota // the initial set: digit pairs
	setB
	setA
	setBinary
)

// message is a decoded DotCode message.
type message struct {
	bytes    []byte
	switches []eci.Switch
	// gs1 is set when the message starts with data in code set C: an
	// implied FNC1 in first position (§5.2.4); a leading FNC1 says the
	// data are not GS1.
	gs1        bool
	readerInit bool
	eci        bool
	// saIndex and saCount are the structured append position (1-based)
	// and count, 0 without structured append.
	saIndex, saCount int
}

// decodeMessage decodes unmasked data codewords (the mask value not
// included). Padding (latches at the end) decodes to nothing.
func decodeMessage(cw []int) (*message, error) {
	m := &message{}
	// A final FNC2 closes a structured append trailer (§5.2.6): the two
	// codewords before it are the symbol's position and the count, '1' to
	// '9' then 'A' to 'Z' for 10 to 35, as code sets A and B (alike for
	// these) write them. They are read by value: an encoder's padding may
	// have latched to another set before them (zint 2.11 pads with
	// latches between the data and the trailer).
	if n := len(cw); n >= 3 && cw[n-1] == cwFNC2 {
		idx, cnt := saPosition(cw[n-3]), saPosition(cw[n-2])
		if idx == 0 || cnt < 2 || idx > cnt {
			return nil, ErrMessage
		}
		m.saIndex, m.saCount = idx, cnt
		cw = cw[:n-3]
	}
	d := &msgDecoder{m: m, cw: cw}
	if err := d.run(); err != nil {
		return nil, err
	}
	return m, nil
}

type msgDecoder struct {
	m   *message
	cw  []int
	i   int
	set codeSet
	// macro is the macro codeword (97..100) the message began with, 0
	// without one: its trailer goes at the end.
	macro int
	// chars counts characters produced, to know the first position.
	chars int
}

func (d *msgDecoder) next() (int, error) {
	if d.i >= len(d.cw) {
		return 0, ErrMessage
	}
	v := d.cw[d.i]
	d.i++
	return v, nil
}

func (d *msgDecoder) emit(b ...byte) {
	d.m.bytes = append(d.m.bytes, b...)
	d.chars++
}

func (d *msgDecoder) run() error {
	if len(d.cw) > 0 {
		switch v := d.cw[0]; {
		case v < 101:
			d.m.gs1 = true
		case v == cwFNC1:
			d.i++ // not GS1: the data merely start with digits
		case v == cwFNC3:
			d.m.readerInit = true
			d.i++
		}
	}
	for d.i < len(d.cw) {
		v := d.cw[d.i]
		d.i++
		var err error
		switch d.set {
		case setC:
			err = d.setC(v)
		default:
			err = d.setAB(v)
		}
		if err != nil {
			return err
		}
	}
	d.finish()
	return nil
}

func (d *msgDecoder) finish() {
	switch d.macro {
	case 97, 98, 99:
		d.m.bytes = append(d.m.bytes, 0x1e, 0x04)
	case 100:
		d.m.bytes = append(d.m.bytes, 0x04)
	}
}

// saPosition reads a structured append position codeword: 1 to 35, 0 for
// none.
func saPosition(v int) int {
	switch {
	case v >= 17 && v <= 25: // '1'..'9'
		return v - 16
	case v >= 33 && v <= 58: // 'A'..'Z'
		return v - 33 + 10
	}
	return 0
}

// common handles the codewords 107..112, shared by code sets A, B and C.
func (d *msgDecoder) common(v int) error {
	switch v {
	case cwFNC1:
		d.emit(0x1d)
	case cwFNC2:
		return d.eci()
	case cwFNC3:
		// Reader initialisation means something only first.
	case cwUpperA, cwUpperB:
		c, err := d.next()
		if err != nil {
			return err
		}
		set := setA
		if v == cwUpperB {
			set = setB
		}
		ch, ok := charOf(set, c)
		if !ok || len(ch) != 1 {
			return ErrMessage
		}
		d.emit(ch[0] + 128)
	case cwBinLatch:
		d.set = setBinary
		return d.binaryRun()
	default:
		return ErrMessage
	}
	return nil
}

// eci reads the ECI number after FNC2: one codeword below 40, or three
// codewords a, b, c standing for (a−40)·12769 + b·113 + c + 40 (§5.2.3).
func (d *msgDecoder) eci() error {
	a, err := d.next()
	if err != nil {
		return err
	}
	n := a
	if a >= 40 {
		b, err := d.next()
		if err != nil {
			return err
		}
		c, err := d.next()
		if err != nil {
			return err
		}
		n = (a-40)*12769 + b*113 + c + 40
	}
	d.switchTo(n)
	return nil
}

func (d *msgDecoder) switchTo(n int) {
	d.m.eci = true
	d.m.switches = append(d.m.switches, eci.Switch{At: len(d.m.bytes), ECI: n})
}

func (d *msgDecoder) setC(v int) error {
	switch {
	case v < 100:
		d.emit('0'+byte(v/10), '0'+byte(v%10))
	case v == 100:
		// "(17)…(10)": three digit pairs between the two AIs.
		d.emit('1', '7')
		for k := 0; k < 3; k++ {
			p, err := d.next()
			if err != nil || p > 99 {
				return ErrMessage
			}
			d.emit('0'+byte(p/10), '0'+byte(p%10))
		}
		d.emit('1', '0')
	case v == 101:
		d.set = setA
	case v >= 102 && v <= 105:
		return d.shift(setB, v-101)
	case v == 106:
		d.set = setB
	default:
		return d.common(v)
	}
	return nil
}

func (d *msgDecoder) setAB(v int) error {
	if d.set == setB && d.chars == 0 && d.macro == 0 && v >= 97 && v <= 100 {
		return d.startMacro(v)
	}
	if v <= 96 || d.set == setB && v <= 100 {
		ch, ok := charOf(d.set, v)
		if !ok {
			return ErrMessage
		}
		d.emit(ch...)
		return nil
	}
	switch {
	case d.set == setA && v <= 101:
		return d.shift(setB, v-95)
	case d.set == setB && v == 101:
		return d.shift(setA, 1)
	case v == 102:
		if d.set == setA {
			d.set = setB
		} else {
			d.set = setA
		}
	case v >= 103 && v <= 105:
		return d.shift(setC, v-101)
	case v == 106:
		d.set = setC
	default:
		return d.common(v)
	}
	return nil
}

// startMacro opens a message with a macro header (§5.2.5): 97, 98 and 99
// stand for "[)>␞05␝", "[)>␞06␝" and "[)>␞12␝" with "␞␄" at the end; 100
// for "[)>␞" with "␄" at the end, the format digits following as data.
func (d *msgDecoder) startMacro(v int) error {
	d.macro = v
	switch v {
	case 97:
		d.emit([]byte("[)>\x1e05\x1d")...)
	case 98:
		d.emit([]byte("[)>\x1e06\x1d")...)
	case 99:
		d.emit([]byte("[)>\x1e12\x1d")...)
	default:
		d.emit([]byte("[)>\x1e")...)
	}
	return nil
}

// shift decodes n codewords in set, then returns to the current set.
func (d *msgDecoder) shift(set codeSet, n int) error {
	for k := 0; k < n; k++ {
		v, err := d.next()
		if err != nil {
			return err
		}
		if set == setC {
			if v > 99 {
				return ErrMessage
			}
			d.emit('0'+byte(v/10), '0'+byte(v%10))
			continue
		}
		ch, ok := charOf(set, v)
		if !ok {
			return ErrMessage
		}
		d.emit(ch...)
	}
	return nil
}

// charOf returns the character(s) value v stands for in code set A or B.
func charOf(set codeSet, v int) ([]byte, bool) {
	switch {
	case v < 0:
		return nil, false
	case set == setA && v < 64:
		return []byte{byte(v + 32)}, true
	case set == setA && v < 96:
		return []byte{byte(v - 64)}, true
	case set == setB && v < 96:
		return []byte{byte(v + 32)}, true
	case set == setB && v == 96:
		return []byte{'\r', '\n'}, true
	case set == setB && v <= 100:
		return []byte{[4]byte{'\t', 0x1c, 0x1d, 0x1e}[v-97]}, true
	}
	return nil, false
}

// binaryRun decodes binary mode after a Bin Latch (§5.2.2 D): groups of up
// to six base-103 codewords stand for up to five base-259 values (a byte,
// or 256..258 for an ECI of one to three bytes); 103..108 interrupt for
// 2..7 digit pairs; 109, 110 and 111 end binary mode latching to code set
// A, B or C.
func (d *msgDecoder) binaryRun() error {
	var group []int
	var vals []int
	flush := func() error {
		if len(group) == 0 {
			return nil
		}
		if len(group) == 1 {
			return ErrMessage
		}
		acc := uint64(0)
		for _, g := range group {
			acc = acc*103 + uint64(g)
		}
		n := len(group) - 1
		out := make([]int, n)
		for k := n - 1; k >= 0; k-- {
			out[k] = int(acc % 259)
			acc /= 259
		}
		if acc != 0 {
			return ErrMessage
		}
		group = group[:0]
		vals = append(vals, out...)
		return nil
	}
	for d.i < len(d.cw) {
		v := d.cw[d.i]
		d.i++
		switch {
		case v < 103:
			group = append(group, v)
			if len(group) == 6 {
				if err := flush(); err != nil {
					return err
				}
			}
			continue
		case v <= 108:
			if err := flush(); err != nil {
				return err
			}
			if err := d.emitValues(vals); err != nil {
				return err
			}
			vals = vals[:0]
			if err := d.shift(setC, v-101); err != nil {
				return err
			}
			continue
		case v <= 111:
			d.set = [3]codeSet{setA, setB, setC}[v-109]
		default:
			return ErrMessage
		}
		break
	}
	if err := flush(); err != nil {
		return err
	}
	if d.set == setBinary {
		d.set = setA // the message ended in binary mode
	}
	return d.emitValues(vals)
}

// emitValues writes base-259 values: bytes, and ECIs.
func (d *msgDecoder) emitValues(vals []int) error {
	for k := 0; k < len(vals); k++ {
		v := vals[k]
		if v < 256 {
			d.emit(byte(v))
			continue
		}
		n := v - 255
		if k+n >= len(vals) {
			return ErrMessage
		}
		eci := 0
		for j := 1; j <= n; j++ {
			if vals[k+j] > 255 {
				return ErrMessage
			}
			eci = eci<<8 | vals[k+j]
		}
		k += n
		d.switchTo(eci)
	}
	return nil
}

// text converts the message to a Go string, byte runs in their character
// sets; ISO/IEC 8859-1 by default and for unknown ECIs.
func (m *message) text() string { return eci.Text(m.bytes, m.switches) }
