package pdf417

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing/common"
)

// Mode and function codewords (ISO/IEC 15438 §5.4, §5.5, §5.6, Annex H).
const (
	cwTextLatch      = 900
	cwByteLatch      = 901
	cwNumericLatch   = 902
	cwByteShift      = 913
	cwReaderInit     = 921
	cwMacroTerm      = 922
	cwMacroOptional  = 923
	cwByteLatch6     = 924
	cwECIUser        = 925
	cwECIGeneral     = 926
	cwECICharset     = 927
	cwMacroBlock     = 928
	maxNumericGroup  = 15 // codewords per numeric compaction group
	byteGroupWords   = 5  // codewords per byte compaction group
	byteGroupBytes   = 6  // bytes per byte compaction group
	defaultECI       = 3  // ISO-8859-1, the standard's default interpretation
	eciUTF8          = 26
	eciBinary        = 899
	firstGeneralECI  = 900
	firstUserECI     = 810900
	macroIndexDigits = 5
)

// errBadData is wrapped by every failure to interpret the data codewords.
var errBadData = errors.New("pdf417: invalid data codewords")

// decodedData is what the data codewords of one symbol say.
type decodedData struct {
	text       string
	raw        []byte // the bytes as encoded, ECI switches not applied
	hasECI     bool
	readerInit bool
	macro      *MacroMetadata
	component  string // the GS1 Composite component kind, "" for none
}

// textBuilder collects decoded bytes and turns each run that shares a
// character set into text when the set changes (ECI, §5.5.3).
type textBuilder struct {
	sb     strings.Builder
	raw    []byte
	eci    int
	start  int // index in raw where the current character set began
	hasECI bool
}

func (b *textBuilder) flush() error {
	seg := b.raw[b.start:]
	b.start = len(b.raw)
	if len(seg) == 0 {
		return nil
	}
	s, err := decodeCharset(seg, b.eci)
	if err != nil {
		return err
	}
	b.sb.WriteString(s)
	return nil
}

func (b *textBuilder) setECI(eci int) error {
	if err := b.flush(); err != nil {
		return err
	}
	b.eci = eci
	b.hasECI = true
	return nil
}

// decodeCharset turns bytes in the character set of an ECI into text.
// ISO-8859-1 and binary map bytes to the same code points, as ZXing does.
func decodeCharset(seg []byte, eci int) (string, error) {
	switch eci {
	case defaultECI, 1, eciBinary:
		return latin1(seg), nil
	case eciUTF8:
		if utf8.Valid(seg) {
			return string(seg), nil
		}
		return latin1(seg), nil
	}
	if eci >= firstGeneralECI {
		// General purpose and user ECIs name no character set.
		return latin1(seg), nil
	}
	cs, err := common.GetCharacterSetECIByValue(eci)
	if err != nil || cs == nil {
		return latin1(seg), nil
	}
	out, err := cs.GetCharset().NewDecoder().Bytes(seg)
	if err != nil {
		return latin1(seg), nil
	}
	return string(out), nil
}

func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// decodeData interprets the data codewords of a symbol: codewords[0] is the
// symbol length descriptor and the rest are data, without padding removed.
func decodeData(codewords []int) (*decodedData, error) {
	return decodeDataFrom(codewords, 1)
}

// decodeDataFrom interprets the data codewords from codewords[start]:
// PDF417 data follows the symbol length descriptor, MicroPDF417 data
// starts at once.
func decodeDataFrom(codewords []int, start int) (*decodedData, error) {
	if len(codewords) < start+1 {
		return nil, fmt.Errorf("%w: no data", errBadData)
	}
	p := parser{cw: codewords, pos: start, start: start}
	p.out.eci = defaultECI
	if err := p.run(); err != nil {
		return nil, err
	}
	if err := p.out.flush(); err != nil {
		return nil, err
	}
	return &decodedData{
		text:       p.out.sb.String(),
		raw:        p.out.raw,
		hasECI:     p.out.hasECI,
		readerInit: p.readerInit,
		macro:      p.macro,
	}, nil
}

type parser struct {
	cw         []int
	pos        int
	start      int // the first data codeword
	out        textBuilder
	text       textDecoder
	readerInit bool
	macro      *MacroMetadata
}

func (p *parser) run() error {
	// A symbol starts in text compaction, alpha sub-mode (§5.4.1).
	mode := cwTextLatch
	for p.pos < len(p.cw) {
		var err error
		switch mode {
		case cwTextLatch:
			err = p.textCompaction()
		case cwByteLatch, cwByteLatch6:
			err = p.byteCompaction(mode)
		case cwNumericLatch:
			err = p.numericCompaction()
		}
		if err != nil {
			return err
		}
		if p.pos >= len(p.cw) {
			break
		}
		c := p.cw[p.pos]
		p.pos++
		switch c {
		case cwTextLatch:
			p.text.reset()
			mode = c
		case cwByteLatch, cwByteLatch6, cwNumericLatch:
			mode = c
		case cwByteShift:
			if p.pos >= len(p.cw) || p.cw[p.pos] >= cwTextLatch {
				return fmt.Errorf("%w: byte shift at end of data", errBadData)
			}
			p.out.raw = append(p.out.raw, byte(p.cw[p.pos]))
			p.pos++
		case cwECICharset, cwECIGeneral, cwECIUser:
			if err := p.eci(c); err != nil {
				return err
			}
		case cwReaderInit:
			if p.pos != p.start+1 { // only as the first data codeword (§5.6)
				return fmt.Errorf("%w: reader initialisation codeword out of place", errBadData)
			}
			p.readerInit = true
		case cwMacroBlock:
			return p.macroBlock()
		case cwMacroOptional, cwMacroTerm:
			return fmt.Errorf("%w: macro field outside a control block", errBadData)
		default:
			if c < cwTextLatch {
				return fmt.Errorf("%w: codeword %d out of place", errBadData, c)
			}
			return fmt.Errorf("%w: reserved codeword %d", errBadData, c)
		}
	}
	return nil
}

// eci reads the value of an ECI designator whose first codeword (c) has just
// been consumed (§5.5.2).
func (p *parser) eci(c int) error {
	need := 1
	if c == cwECIGeneral {
		need = 2
	}
	if p.pos+need > len(p.cw) {
		return fmt.Errorf("%w: truncated ECI", errBadData)
	}
	a := p.cw[p.pos]
	if a >= cwTextLatch || (need == 2 && p.cw[p.pos+1] >= cwTextLatch) {
		return fmt.Errorf("%w: invalid ECI value", errBadData)
	}
	var v int
	switch c {
	case cwECICharset:
		v = a
	case cwECIGeneral:
		v = firstGeneralECI + a*900 + p.cw[p.pos+1]
	case cwECIUser:
		v = firstUserECI + a
	}
	p.pos += need
	return p.out.setECI(v)
}

// textCompaction decodes codewords below 900, plus the byte shift and ECIs
// that may sit inside a text run, up to the next mode codeword.
func (p *parser) textCompaction() error {
	for p.pos < len(p.cw) {
		c := p.cw[p.pos]
		switch {
		case c < cwTextLatch:
			p.out.raw = p.text.value(c/30, p.out.raw)
			p.out.raw = p.text.value(c%30, p.out.raw)
			p.pos++
		case c == cwTextLatch:
			p.text.reset()
			p.pos++
		case c == cwByteShift:
			if p.pos+1 >= len(p.cw) || p.cw[p.pos+1] >= cwTextLatch {
				return fmt.Errorf("%w: byte shift at end of data", errBadData)
			}
			p.out.raw = append(p.out.raw, byte(p.cw[p.pos+1]))
			p.pos += 2
		case c == cwECICharset || c == cwECIGeneral || c == cwECIUser:
			p.pos++
			if err := p.eci(c); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return nil
}

// byteCompaction decodes §5.4.3: five codewords carry six bytes as a base-900
// number. After latch 901 the last one to five bytes are sent one per
// codeword, so a group of five codewords is only a group when more byte
// codewords follow it; after latch 924 every full group is a group.
func (p *parser) byteCompaction(mode int) error {
	for {
		n, done, err := p.nextGroup(byteGroupWords)
		if err != nil || done {
			return err
		}
		more := p.pos+n < len(p.cw) && p.cw[p.pos+n] < cwTextLatch
		if n == byteGroupWords && (mode == cwByteLatch6 || more) {
			var v uint64
			for i := 0; i < n; i++ {
				v = v*900 + uint64(p.cw[p.pos+i])
			}
			if v >= 1<<48 {
				return fmt.Errorf("%w: byte group out of range", errBadData)
			}
			for i := byteGroupBytes - 1; i >= 0; i-- {
				p.out.raw = append(p.out.raw, byte(v>>(8*i)))
			}
			p.pos += n
			continue
		}
		for i := 0; i < n; i++ {
			if p.cw[p.pos+i] > 255 {
				return fmt.Errorf("%w: byte value %d", errBadData, p.cw[p.pos+i])
			}
			p.out.raw = append(p.out.raw, byte(p.cw[p.pos+i]))
		}
		p.pos += n
	}
}

// numericCompaction decodes §5.4.4: groups of up to 15 codewords are a
// base-900 number whose decimal form, after a leading 1, is the digits.
func (p *parser) numericCompaction() error {
	for {
		n, done, err := p.nextGroup(maxNumericGroup)
		if err != nil || done {
			return err
		}
		digits, err := base900ToDigits(p.cw[p.pos : p.pos+n])
		if err != nil {
			return err
		}
		p.out.raw = append(p.out.raw, digits...)
		p.pos += n
	}
}

// nextGroup reads on in byte or numeric compaction: it takes the ECI
// designators at the parser's position, and returns how many data
// codewords (below 900) follow, at most limit, or done when a latch or the
// end of the data ends the mode.
func (p *parser) nextGroup(limit int) (n int, done bool, err error) {
	for p.pos < len(p.cw) {
		c := p.cw[p.pos]
		if c == cwECICharset || c == cwECIGeneral || c == cwECIUser {
			p.pos++
			if err := p.eci(c); err != nil {
				return 0, false, err
			}
			continue
		}
		if c >= cwTextLatch {
			return 0, true, nil
		}
		for n < limit && p.pos+n < len(p.cw) && p.cw[p.pos+n] < cwTextLatch {
			n++
		}
		return n, false, nil
	}
	return 0, true, nil
}

// base900ToDigits converts one numeric compaction group to its digits.
func base900ToDigits(group []int) (string, error) {
	v := new(big.Int)
	k := big.NewInt(900)
	for _, c := range group {
		v.Mul(v, k)
		v.Add(v, big.NewInt(int64(c)))
	}
	s := v.String()
	if len(s) < 2 || s[0] != '1' {
		return "", fmt.Errorf("%w: numeric group without its leading 1", errBadData)
	}
	return s[1:], nil
}

// numberField decodes the codewords of a numeric macro field.
func numberField(group []int) (int64, error) {
	var digits strings.Builder
	for len(group) > 0 {
		n := min(len(group), maxNumericGroup)
		d, err := base900ToDigits(group[:n])
		if err != nil {
			return 0, err
		}
		digits.WriteString(d)
		group = group[n:]
	}
	v, err := strconv.ParseInt(digits.String(), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: macro number field: %w", errBadData, err)
	}
	return v, nil
}
