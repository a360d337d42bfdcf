package databar

import (
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// charsFromBytes reads pairs of bytes as 12-bit data characters.
func charsFromBytes(b []byte) []int {
	var out []int
	for i := 0; i+1 < len(b) && len(out) < 21; i += 2 {
		out = append(out, (int(b[i])<<8|int(b[i+1]))&0xfff)
	}
	return out
}

func FuzzDecodeElementString(f *testing.F) {
	for _, tc := range roundTripTexts {
		data, err := expandedChars(tc.hri, 0)
		if err != nil {
			f.Fatal(err)
		}
		var b []byte
		for _, v := range data {
			b = append(b, byte(v>>8), byte(v))
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		chars := charsFromBytes(b)
		for _, lenient := range []bool{true, false} {
			element, err := decodeElementString(chars, lenient)
			if err != nil {
				continue
			}
			if element == "" {
				t.Fatal("empty element string without error")
			}
			text, err := humanReadable(element)
			if err == nil && !strings.HasPrefix(text, "(") {
				t.Fatalf("text %q does not start with an AI", text)
			}
		}
	})
}

func FuzzHumanReadable(f *testing.F) {
	for _, s := range []string{
		"0190012345678908" + "3103001750", "10ABC\x1d21XYZ", "3922" + strings.Repeat("8", 40),
		"10ABCDEFGHIJKLMNOPQRST21XYZ", "8110)2345672(1*813", "\x1d\x1d", "99", "7099X",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, element string) {
		text, err := humanReadable(element)
		if err != nil {
			return
		}
		if len(element) > 0 && !strings.HasPrefix(text, "(") {
			t.Fatalf("text %q does not start with an AI", text)
		}
		// Every data character survives, FNC1 goes, and each field adds
		// its two parentheses.
		kept := len(strings.ReplaceAll(element, "\x1d", ""))
		if added := len(text) - kept; added <= 0 || added%2 != 0 {
			t.Fatalf("%q formatted as %q", element, text)
		}
	})
}

// bitmapFromBytes builds a binary image w×h from the bits of data; w comes
// from the first byte.
func bitmapFromBytes(data []byte) (*gozxing.BinaryBitmap, bool) {
	if len(data) < 2 {
		return nil, false
	}
	w := int(data[0])%200 + 1
	pix := data[1:]
	h := (len(pix)*8 + w - 1) / w
	if h == 0 || h > 200 {
		return nil, false
	}
	lum := make([]byte, w*h)
	for i := range lum {
		if i/8 < len(pix) && pix[i/8]>>(i%8)&1 == 1 {
			lum[i] = 0
		} else {
			lum[i] = 255
		}
	}
	src, err := gozxing.NewPlanarYUVLuminanceSource(lum, w, h, 0, 0, w, h, false)
	if err != nil {
		return nil, false
	}
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	return bmp, err == nil
}

func FuzzDecode(f *testing.F) {
	// Seeds: one line of a real symbol at 1 pixel per module, and noise.
	data, err := expandedChars("(01)90012345678908(3103)001750", 0)
	if err != nil {
		f.Fatal(err)
	}
	values, err := symbolValues(data)
	if err != nil {
		f.Fatal(err)
	}
	rows := layoutModules(values, 0)
	line := append(make([]bool, 4), rows[0]...)
	line = append(line, make([]bool, 4)...)
	w := len(line)
	seed := []byte{byte(w - 1)}
	var bits []bool
	for i := 0; i < 8; i++ {
		bits = append(bits, line...)
	}
	for i := 0; i < len(bits); i += 8 {
		var b byte
		for j := 0; j < 8 && i+j < len(bits); j++ {
			if bits[i+j] {
				b |= 1 << j
			}
		}
		seed = append(seed, b)
	}
	f.Add(seed)
	f.Add([]byte{17, 0xaa, 0x55, 0xff, 0x00, 0x0f, 0xf0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		r := NewReader()
		// The same bits as an image of another width too, read by the
		// same Reader: its scratch buffers must fit either.
		other := append([]byte{data[0]/2 + 1}, data[1:]...)
		for _, d := range [][]byte{data, other} {
			bmp, ok := bitmapFromBytes(d)
			if !ok {
				continue
			}
			// The reader turns a panic into an "internal error"; that
			// fails the run as much as a panic would.
			if res, err := r.Decode(bmp, tryHarder); err == nil {
				if !strings.HasPrefix(res.GetText(), "(") {
					t.Fatalf("text %q does not start with an AI", res.GetText())
				}
			} else if strings.Contains(err.Error(), "internal error") {
				t.Fatal(err)
			}
			if _, err := r.DecodeMultiple(bmp, nil); err != nil && strings.Contains(err.Error(), "internal error") {
				t.Fatal(err)
			}
		}
	})
}
