package scanner

import "testing"

func TestCode39FullASCII(t *testing.T) {
	for _, tc := range []struct {
		in, want  string
		converted bool
	}{
		{"ABC-123", "ABC-123", false},
		{"E+X+T+E+N+D+E+D /A%J/J/C", "Extended !?*#", true},
		{"12+A+B", "12ab", true},
		{"%U$M$J%V%W%T", "\x00\r\n@`\x7f", true},
		{"/Z/O%K%O%P", ":/[_{", true},
		{"12/34", "12/34", false}, // "/3" is no escape: read as printed
		{"A+", "A+", false},
		{"%%", "%%", false},
		{"$5.00", "$5.00", false},
	} {
		got, ok := code39FullASCII(tc.in)
		if got != tc.want || ok != tc.converted {
			t.Errorf("code39FullASCII(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.converted)
		}
	}
}
