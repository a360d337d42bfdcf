package maxicode

// The five code sets of ISO/IEC 16023 Table 2 (Annex A). A symbol value is
// either a character (an ISO/IEC 8859-1 byte, 0..255) or a function below.
const (
	fnECI = -1 - iota
	fnNS
	fnPad
	fnShiftA
	fnShiftB
	fnShiftC
	fnShiftD
	fnShiftE
	fnShift2A
	fnShift3A
	fnLatchA
	fnLatchB
	fnLock
)

const (
	setA = iota
	setB
	setC
	setD
	setE
)

// codeSets is computed once and only read afterwards.
var codeSets = buildCodeSets()

func buildCodeSets() *[5][64]int16 {
	var s [5][64]int16
	run := func(set, from int, chars ...int) {
		for i, ch := range chars {
			s[set][from+i] = int16(ch)
		}
	}
	seq := func(set, from, first, n int) {
		for i := 0; i < n; i++ {
			s[set][from+i] = int16(first + i)
		}
	}
	// Positions 27..31 are shared by sets A to D.
	for set := setA; set <= setD; set++ {
		run(set, 27, fnECI, 0x1c, 0x1d, 0x1e, fnNS)
	}

	run(setA, 0, '\r')
	seq(setA, 1, 'A', 26)
	run(setA, 32, ' ', fnPad)
	seq(setA, 34, '"', 14) // " # $ % & ' ( ) * + , - . /
	seq(setA, 48, '0', 11) // 0..9 and :
	run(setA, 59, fnShiftB, fnShiftC, fnShiftD, fnShiftE, fnLatchB)

	run(setB, 0, '`')
	seq(setB, 1, 'a', 26)
	run(setB, 32, '{', fnPad, '}', '~', 0x7f, ';', '<', '=', '>', '?', '[', '\\', ']', '^', '_',
		' ', ',', '.', '/', ':', '@', '!', '|', fnPad, fnShift2A, fnShift3A, fnPad,
		fnShiftA, fnShiftC, fnShiftD, fnShiftE, fnLatchA)

	seq(setC, 0, 0xc0, 27)
	seq(setC, 32, 0xdb, 5)
	run(setC, 37, 0xaa, 0xac, 0xb1, 0xb2, 0xb3, 0xb5, 0xb9, 0xba, 0xbc, 0xbd, 0xbe)
	seq(setC, 48, 0x80, 10)
	run(setC, 58, fnLatchA, ' ', fnLock, fnShiftD, fnShiftE, fnLatchB)

	seq(setD, 0, 0xe0, 27)
	seq(setD, 32, 0xfb, 5)
	run(setD, 37, 0xa1, 0xa8, 0xab, 0xaf, 0xb0, 0xb4, 0xb7, 0xb8, 0xbb, 0xbf)
	seq(setD, 47, 0x8a, 11)
	run(setD, 58, fnLatchA, ' ', fnShiftC, fnLock, fnShiftE, fnLatchB)

	seq(setE, 0, 0x00, 27)
	run(setE, 27, fnECI, fnPad, fnPad, 0x1b, fnNS, 0x1c, 0x1d, 0x1e, 0x1f, 0x9f, 0xa0,
		0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa9, 0xad, 0xae, 0xb6)
	seq(setE, 48, 0x95, 10)
	run(setE, 58, fnLatchA, ' ', fnShiftC, fnShiftD, fnLock, fnLatchB)
	return &s
}
