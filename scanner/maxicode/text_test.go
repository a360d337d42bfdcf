package maxicode

import "testing"

// TestCodeSets decodes hand-built symbol value sequences, one rule of
// ISO/IEC 16023 §4.6 each.
func TestCodeSets(t *testing.T) {
	cases := []struct {
		name string
		vals []byte
		want string
	}{
		{"set A", []byte{1, 2, 3, 32, 48, 57, 58, 0}, "ABC 09:\r"},
		{"latch B and back", []byte{1, 63, 1, 2, 63, 3}, "AabC"},
		{"shift B", []byte{1, 59, 1, 2}, "AaB"},
		{"two shift A", []byte{63, 1, 56, 1, 2, 3}, "aABc"},
		{"three shift A", []byte{63, 57, 1, 2, 3, 4}, "ABCd"},
		{"shift A from B", []byte{63, 59, 1, 1}, "Aa"},
		{"shift C and D", []byte{60, 0, 61, 0, 1}, "ÀàA"},
		{"lock C then latch A", []byte{60, 60, 0, 1, 58, 1}, "ÀÁA"},
		{"lock D then latch B", []byte{61, 61, 0, 1, 63, 1}, "àáa"},
		{"shift E controls", []byte{62, 9, 62, 30, 62, 32}, "\t\x1b\x1c"},
		{"lock E then shift C", []byte{62, 62, 1, 60, 0, 2}, "\x01À\x02"},
		{"numeric shift", []byte{1, 31, 0, 0, 0, 1, 2}, "A000000066"},
		{"pads dropped", []byte{1, 33, 33, 2}, "AB"},
		{"space in C", []byte{60, 60, 59, 0}, " À"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var m message
			if err := decodeCodeSets(tc.vals, &m); err != nil {
				t.Fatal(err)
			}
			if got := m.text(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCodeSetsErrors(t *testing.T) {
	for _, vals := range [][]byte{
		{1, 31, 0, 0}, // numeric shift past the end
		{27},          // ECI without designator
		{27, 0x3c},    // ECI designator of an unknown length
		{27, 0x20},    // two-value ECI cut short
	} {
		var m message
		if err := decodeCodeSets(vals, &m); err == nil {
			t.Errorf("%v: no error", vals)
		}
	}
}

func TestCarrierFields(t *testing.T) {
	// Mode 2: postcode 152382802 of 9 digits, country 840, service 1.
	var v uint64 = 2 | 152382802<<4 | 9<<34 | 840<<40 | 1<<50
	if got, want := carrierFields(v, 2), "152382802\x1d840\x1d001\x1d"; got != want {
		t.Errorf("mode 2: got %q, want %q", got, want)
	}
	// Mode 2 keeps leading zeros up to the stated length.
	v = 2 | 1234<<4 | 5<<34 | 1<<40 | 2<<50
	if got, want := carrierFields(v, 2), "01234\x1d001\x1d002\x1d"; got != want {
		t.Errorf("mode 2 zeros: got %q, want %q", got, want)
	}
}
