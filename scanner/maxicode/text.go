package maxicode

import (
	"fmt"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/eci"
)

// message is the decoded content of a symbol before it becomes text: bytes
// in ISO/IEC 8859-1 unless an ECI switches the character set at an offset.
type message struct {
	bytes    []byte
	switches []eci.Switch
}

// decodeCodeSets turns symbol values into characters, following the code
// set rules of ISO/IEC 16023 §4.6: latches change the current set, shifts
// change it for one (or two, three) values, lock keeps a shifted set, NS
// packs nine digits into five values, ECI selects a character set.
func decodeCodeSets(vals []byte, m *message) error {
	set, base := setA, setA
	shiftLeft := 0 // values still to read in a shifted set
	for i := 0; i < len(vals); i++ {
		v := codeSets[set][vals[i]&63]
		if shiftLeft > 0 {
			shiftLeft--
		}
		next := base // the set of the following value
		if shiftLeft > 0 {
			next = set
		}
		switch {
		case v >= 0:
			m.bytes = append(m.bytes, byte(v))
		case v == fnPad:
		case v == fnNS:
			if i+5 >= len(vals) {
				return gozxing.NewFormatException("maxicode: numeric shift past the end")
			}
			n := 0
			for k := 1; k <= 5; k++ {
				n = n<<6 | int(vals[i+k]&63)
			}
			m.bytes = fmt.Appendf(m.bytes, "%09d", n)
			i += 5
		case v == fnECI:
			n, used, err := readECI(vals[i+1:])
			if err != nil {
				return err
			}
			m.switches = append(m.switches, eci.Switch{At: len(m.bytes), ECI: n})
			i += used
		case v == fnLatchA, v == fnLatchB:
			base, next, shiftLeft = setA, setA, 0
			if v == fnLatchB {
				base, next = setB, setB
			}
		case v == fnLock:
			base, next, shiftLeft = set, set, 0
		case v == fnShift2A:
			next, shiftLeft = setA, 2
		case v == fnShift3A:
			next, shiftLeft = setA, 3
		default: // fnShiftA..fnShiftE
			next, shiftLeft = setA+int(fnShiftA-v), 1
		}
		set = next
	}
	return nil
}

// readECI reads an ECI designator of one to four values (ISO/IEC 16023
// §4.8.1): the leading bits of the first value give the length.
func readECI(v []byte) (eci, used int, err error) {
	if len(v) == 0 {
		return 0, 0, gozxing.NewFormatException("maxicode: ECI past the end")
	}
	first := int(v[0] & 63)
	switch {
	case first&0x20 == 0:
		return first, 1, nil
	case first&0x30 == 0x20:
		used = 2
		eci = first & 0x0f
	case first&0x38 == 0x30:
		used = 3
		eci = first & 0x07
	case first&0x3c == 0x38:
		used = 4
		eci = first & 0x03
	default:
		return 0, 0, gozxing.NewFormatException("maxicode: bad ECI designator")
	}
	if len(v) < used {
		return 0, 0, gozxing.NewFormatException("maxicode: ECI past the end")
	}
	for _, b := range v[1:used] {
		eci = eci<<6 | int(b&63)
	}
	return eci, used, nil
}

// text converts the message to a Go string, byte runs in their character
// sets. Unknown ECIs fall back to ISO/IEC 8859-1.
func (m *message) text() string { return eci.Text(m.bytes, m.switches) }

// insert puts plain ASCII text at byte offset at, moving later ECI switches.
func (m *message) insert(at int, s string) {
	if at > len(m.bytes) {
		at = len(m.bytes)
	}
	m.bytes = append(m.bytes[:at], append([]byte(s), m.bytes[at:]...)...)
	for i := range m.switches {
		if m.switches[i].At >= at && !(at == 0 && m.switches[i].At == 0) {
			m.switches[i].At += len(s)
		}
	}
}
