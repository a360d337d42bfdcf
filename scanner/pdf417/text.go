package pdf417

// Text compaction (ISO/IEC 15438 §5.4.2): each codeword below 900 carries
// two values 0..29, read in one of four sub-modes.

type subMode uint8

const (
	alphaMode subMode = iota
	lowerMode
	mixedMode
	punctMode
)

// Values with a meaning other than a character.
const (
	valLatchLower = 27 // in alpha and mixed
	valLatchMixed = 28 // in alpha and lower; AL in mixed
	valShiftPunct = 29 // in alpha, lower and mixed; AL in punctuation
	valShiftAlpha = 27 // in lower
	valLatchPunct = 25 // in mixed
	valLatchAlpha = 28 // in mixed
)

// mixedChars and punctChars give the characters of the mixed and
// punctuation sub-modes (§5.4.2.2, Table 4); 0 marks a control value.
var (
	mixedChars = [30]byte{'0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
		'&', '\r', '\t', ',', ':', '#', '-', '.', '$', '/', '+', '%', '*', '=', '^', 0, ' ', 0, 0, 0}
	punctChars = [30]byte{';', '<', '>', '@', '[', '\\', ']', '_', '`', '~',
		'!', '\r', '\t', ',', ':', '\n', '-', '.', '$', '/', '"', '|', '*', '(', ')', '?', '{', '}', '\'', 0}
)

// textDecoder holds the sub-mode, which survives an ECI or a byte shift
// inside a run of text compaction.
type textDecoder struct {
	mode    subMode
	shifted bool    // the next value is read in shiftTo, then mode resumes
	shiftTo subMode // alpha or punctuation
}

// reset returns to the alpha sub-mode, as at the start of a symbol and after
// each latch codeword 900.
func (d *textDecoder) reset() { *d = textDecoder{} }

// value decodes one value 0..29 and appends its character, if any, to out.
func (d *textDecoder) value(v int, out []byte) []byte {
	mode := d.mode
	if d.shifted {
		mode = d.shiftTo
		d.shifted = false
	}
	switch mode {
	case alphaMode:
		switch {
		case v < 26:
			return append(out, byte('A'+v))
		case v == 26:
			return append(out, ' ')
		case v == valLatchLower:
			d.mode = lowerMode
		case v == valLatchMixed:
			d.mode = mixedMode
		case v == valShiftPunct:
			d.shift(punctMode)
		}
	case lowerMode:
		switch {
		case v < 26:
			return append(out, byte('a'+v))
		case v == 26:
			return append(out, ' ')
		case v == valShiftAlpha:
			d.shift(alphaMode)
		case v == valLatchMixed:
			d.mode = mixedMode
		case v == valShiftPunct:
			d.shift(punctMode)
		}
	case mixedMode:
		switch v {
		case valLatchPunct:
			d.mode = punctMode
		case valLatchLower:
			d.mode = lowerMode
		case valLatchAlpha:
			d.mode = alphaMode
		case valShiftPunct:
			d.shift(punctMode)
		default:
			return append(out, mixedChars[v])
		}
	case punctMode:
		if v == valShiftPunct { // AL
			d.mode = alphaMode
			return out
		}
		return append(out, punctChars[v])
	}
	return out
}

func (d *textDecoder) shift(to subMode) {
	d.shifted = true
	d.shiftTo = to
}
