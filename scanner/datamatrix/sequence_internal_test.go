package datamatrix

import "testing"

// TestStructuredAppendBlock: the block is read only when its sequence
// indicator and file identification are in range (ISO/IEC 16022 §5.6).
func TestStructuredAppendBlock(t *testing.T) {
	for _, c := range []struct {
		raw         []byte
		seq, fileID int
		ok          bool
	}{
		{[]byte{233, 0x1e, 12, 34, 66}, 1<<4 | 2, 12<<8 | 34, true}, // 2nd of 3
		{[]byte{233, 0xf1, 1, 254}, 15<<4 | 15, 1<<8 | 254, true},   // 16th of 16
		{[]byte{233, 0x3e, 12, 34}, 0, 0, false},                    // 4th of 3
		{[]byte{233, 0x10, 12, 34}, 0, 0, false},                    // 17 symbols
		{[]byte{233, 0x0f, 12, 34}, 0<<4 | 1, 12<<8 | 34, true},     // 1st of 2
		{[]byte{233, 0x1e, 0, 34}, 0, 0, false},                     // file ID codeword 0
		{[]byte{233, 0x1e, 12, 255}, 0, 0, false},                   // file ID codeword 255
		{[]byte{233, 0x1e, 12}, 0, 0, false},                        // cut short
		{[]byte{66, 0x1e, 12, 34}, 0, 0, false},                     // no block
	} {
		seq, id, ok := structuredAppend(c.raw)
		if ok != c.ok || ok && (seq != c.seq || id != c.fileID) {
			t.Errorf("% x: %#x %#x %v, want %#x %#x %v", c.raw, seq, id, ok, c.seq, c.fileID, c.ok)
		}
	}
}
