package pdf417

import (
	"fmt"
	"strconv"
	"strings"
)

// MacroMetadata is the Macro PDF417 control block of a symbol (ISO/IEC 15438
// Annex H): it tells which segment of a larger file the symbol carries. A
// Result carries it under gozxing.ResultMetadataType_PDF417_EXTRA_METADATA.
// Optional numeric fields that the symbol leaves out are -1; optional text
// fields left out are empty.
type MacroMetadata struct {
	SegmentIndex int    // 0-based position of this segment in the file
	FileID       string // identifies the file; every segment carries the same
	LastSegment  bool   // the symbol carries the terminator 922
	SegmentCount int    // number of segments in the file
	FileName     string
	Timestamp    int64 // seconds since 1970-01-01 00:00:00 UTC
	Sender       string
	Addressee    string
	FileSize     int64 // bytes
	Checksum     int   // CRC-16 (CCITT) of the whole file
}

// Optional field designators after codeword 923 (Annex H.2).
const (
	fieldFileName     = 0
	fieldSegmentCount = 1
	fieldTimestamp    = 2
	fieldSender       = 3
	fieldAddressee    = 4
	fieldFileSize     = 5
	fieldChecksum     = 6
)

// macroBlock decodes the control block that starts after codeword 928 and
// runs to the end of the data.
func (p *parser) macroBlock() error {
	m := &MacroMetadata{SegmentCount: -1, Timestamp: -1, FileSize: -1, Checksum: -1}
	// The block runs to the end of the data, before any padding (900).
	for len(p.cw) > p.pos && p.cw[len(p.cw)-1] == cwTextLatch {
		p.cw = p.cw[:len(p.cw)-1]
	}
	const indexWords = 2
	if p.pos+indexWords > len(p.cw) {
		return fmt.Errorf("%w: truncated macro segment index", errBadData)
	}
	idx := p.cw[p.pos : p.pos+indexWords]
	if idx[0] >= cwTextLatch || idx[1] >= cwTextLatch {
		return fmt.Errorf("%w: macro segment index", errBadData)
	}
	digits, err := base900ToDigits(idx)
	if err != nil {
		return err
	}
	if m.SegmentIndex, err = strconv.Atoi(digits); err != nil {
		return fmt.Errorf("%w: macro segment index: %w", errBadData, err)
	}
	p.pos += indexWords

	var id strings.Builder
	for p.pos < len(p.cw) && p.cw[p.pos] < cwTextLatch {
		fmt.Fprintf(&id, "%03d", p.cw[p.pos])
		p.pos++
	}
	m.FileID = id.String()

	for p.pos < len(p.cw) {
		switch p.cw[p.pos] {
		case cwMacroTerm:
			m.LastSegment = true
			p.pos++
		case cwMacroOptional:
			if err := p.optionalField(m); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: codeword %d in macro control block", errBadData, p.cw[p.pos])
		}
	}
	p.macro = m
	return nil
}

// optionalField decodes one 923 field: designator then its codewords up to
// the next 922/923 or the end.
func (p *parser) optionalField(m *MacroMetadata) error {
	p.pos++
	if p.pos >= len(p.cw) {
		return fmt.Errorf("%w: truncated macro field", errBadData)
	}
	designator := p.cw[p.pos]
	p.pos++
	start := p.pos
	for p.pos < len(p.cw) && p.cw[p.pos] != cwMacroOptional && p.cw[p.pos] != cwMacroTerm {
		p.pos++
	}
	body := p.cw[start:p.pos]
	var err error
	switch designator {
	case fieldFileName:
		m.FileName, err = textField(body)
	case fieldSender:
		m.Sender, err = textField(body)
	case fieldAddressee:
		m.Addressee, err = textField(body)
	case fieldSegmentCount:
		var v int64
		v, err = numberField(body)
		m.SegmentCount = int(v)
	case fieldTimestamp:
		m.Timestamp, err = numberField(body)
	case fieldFileSize:
		m.FileSize, err = numberField(body)
	case fieldChecksum:
		var v int64
		v, err = numberField(body)
		m.Checksum = int(v)
	default:
		return fmt.Errorf("%w: macro field designator %d", errBadData, designator)
	}
	return err
}

// textField decodes a text compacted macro field.
func textField(body []int) (string, error) {
	fp := parser{cw: body}
	fp.out.eci = defaultECI
	if err := fp.textCompaction(); err != nil {
		return "", err
	}
	if fp.pos != len(body) {
		return "", fmt.Errorf("%w: codeword %d in macro text field", errBadData, body[fp.pos])
	}
	if err := fp.out.flush(); err != nil {
		return "", err
	}
	return fp.out.sb.String(), nil
}
