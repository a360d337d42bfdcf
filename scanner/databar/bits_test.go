package databar

import (
	"strconv"
	"strings"
	"testing"
)

// charsFromBits packs a string of '0' and '1' (spaces ignored, zero-filled
// to whole characters) into 12-bit data characters.
func charsFromBits(bits string) []int {
	bits = strings.ReplaceAll(bits, " ", "")
	for len(bits)%12 != 0 {
		bits += "0"
	}
	var out []int
	for i := 0; i < len(bits); i += 12 {
		v, _ := strconv.ParseInt(bits[i:i+12], 2, 32)
		out = append(out, int(v))
	}
	return out
}

func TestDecodeElementString(t *testing.T) {
	tests := []struct {
		name    string
		bits    string
		lenient bool
		want    string // element string, GS as \x1d
		wantErr bool
	}{
		{
			// (10)A (15)991231 with a redundant numeric latch after FNC1.
			name:    "redundant latch after fnc1, lenient",
			bits:    "0 00 00 0010011 0000 100000 01111 000 0011000 1110100 0010101 0101010",
			lenient: true,
			want:    "10A\x1d15991231",
		},
		{
			name: "fnc1 then numeric, strict",
			bits: "0 00 00 0010011 0000 100000 01111 0011000 1110100 0010101 0101010",
			want: "10A\x1d15991231",
		},
		{
			name:    "fnc1 then numeric, lenient",
			bits:    "0 00 00 0010011 0000 100000 01111 0011000 1110100 0010101 0101010",
			lenient: true,
			want:    "10A\x1d15991231",
		},
		{
			// (10)1234567890123: 7 digit pairs, then the last digit in 4
			// bits as 4–6 bits remain in the last character.
			name: "final 4-bit digit",
			bits: "0 00 00 0010011 0010101 0101101 1000101 1011101 1101011 0010101 0100 00",
			want: "101234567890123",
		},
		{
			name: "trailing fnc1 dropped",
			bits: "0 00 00 0010011 0101000 0000 00100 00100",
			want: "102",
		},
		{
			// ISO/IEC 646: latch alpha, latch ISO, 'a' '!' ' '.
			name: "iso646 characters",
			bits: "0 00 00 0010011 0000 00100 1011010 11101000 11111100",
			want: "10a! ",
		},
		{
			name: "alpha punctuation and numeric latch",
			bits: "0 00 00 0010011 0000 111010 111011 111100 111101 111110 000 0011000",
			want: "10*,-./15",
		},
		{
			name: "3103",
			bits: "0 0100 0000000001 0011101010 1000110111 1101111010 000011011010110",
			want: "0190012345678908" + "3103001750",
		},
		{
			name: "320x below and above 10000",
			bits: "0 0101 0000000001 0011101010 1000110111 1101111010 010011100100111",
			want: "0190012345678908" + "3203000023",
		},
		{
			// 310x with 20-bit weight 2·100000+1750 and no date (38400).
			name: "310x without date",
			bits: "0 0111000 0000000001 0011101010 1000110111 1101111010 00110001010000010110 1001011000000000",
			want: "0190012345678908" + "3102001750",
		},
		{
			// Date 10-03-12: 10·384 + 2·32 + 12.
			name: "320x with date 17",
			bits: "0 0111111 0000000001 0011101010 1000110111 1101111010 00110001010000010110 0000111101001100",
			want: "0190012345678908" + "3202001750" + "17100312",
		},
		{
			name: "393x currency and price",
			bits: "0 01101 00 0000000001 0011101010 1000110111 1101111010 10 1111010010 0010011",
			want: "0190012345678908" + "3932978" + "10",
		},
		{
			name: "method 1 with indicator digit",
			bits: "0 1 00 0000 0000000001 0011101010 1000110111 1101111010 0000",
			want: "01" + "00012345678905",
		},
		{name: "indicator digit above 9", bits: "0 1 00 1010 0000000001 0011101010 1000110111 1101111010", wantErr: true},
		{name: "numeric 4-bit value above 10", bits: "0 00 00 0010011 0010011 1111 0", wantErr: true},
		{name: "alpha value 63", bits: "0 00 00 0010011 0000 111111", wantErr: true},
		{name: "iso646 value above 252", bits: "0 00 00 0010011 0000 00100 11111111", wantErr: true},
		{name: "price missing", bits: "0 01100 00 0000000001 0011101010 1000110111 1101111010 10 0000 00100", wantErr: true},
		{name: "weight field cut short", bits: "0 0100 0000000001 0011101010 1000110111 1101111010", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeElementString(charsFromBits(tc.bits), tc.lenient)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("got %q, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestHumanReadable(t *testing.T) {
	tests := []struct {
		name, element, want string
		wantErr             bool
	}{
		{name: "fixed fields", element: "0190012345678908" + "3103001750", want: "(01)90012345678908(3103)001750"},
		{name: "variable then fnc1", element: "10ABC\x1d21XYZ", want: "(10)ABC(21)XYZ"},
		{name: "fnc1 after fixed field", element: "0190012345678908\x1d10A", want: "(01)90012345678908(10)A"},
		{name: "maximum length without fnc1", element: "10" + "ABCDEFGHIJKLMNOPQRST" + "21XYZ", want: "(10)ABCDEFGHIJKLMNOPQRST(21)XYZ"},
		{name: "over-long amount kept whole", element: "3922" + strings.Repeat("8", 30), want: "(3922)" + strings.Repeat("8", 30)},
		{name: "four-digit AIs", element: "8110)2345672(1*813", want: "(8110))2345672(1*813"},
		{name: "three-digit AI", element: "420azaaaaa\"agaa&a3", want: "(420)azaaaaa\"agaa&a3"},
		{name: "company internal", element: "99ABC", want: "(99)ABC"},
		{name: "unlisted AI of a known family", element: "7099X", want: "(7099)X"},
		{name: "unknown prefix", element: "14ABC", wantErr: true},
		{name: "fixed field too short", element: "0112345", wantErr: true},
		{name: "empty field", element: "10\x1d21A", wantErr: true},
		{name: "letter in AI", element: "1A2345", wantErr: true},
		{name: "fnc1 inside a fixed field", element: "11000\x1d00", wantErr: true},
		{name: "only fnc1", element: "\x1d\x1d", wantErr: true},
		{name: "dangling digit", element: "0190012345678908" + "1", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := humanReadable(tc.element)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("got %q, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
