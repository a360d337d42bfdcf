package scanner

import "testing"

func TestUPCEToA(t *testing.T) {
	for _, tc := range []struct{ e, a string }{
		{"01234565", "012345000065"}, // last digit 5–9: manufacturer 5 digits
		{"04252614", "042100005264"}, // 0–2: the third digit of the manufacturer
		{"01234531", "012300000451"}, // 3
		{"01234544", "012340000054"}, // 4
	} {
		got, ok := upcEToA(tc.e)
		if !ok || got != tc.a {
			t.Errorf("upcEToA(%q) = %q, %v; want %q", tc.e, got, ok, tc.a)
		}
	}
	for _, bad := range []string{"", "1234567", "21234565", "0123456x"} {
		if got, ok := upcEToA(bad); ok {
			t.Errorf("upcEToA(%q) = %q, want refusal", bad, got)
		}
	}
}
