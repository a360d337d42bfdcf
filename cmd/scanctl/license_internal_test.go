package main

import (
	"strings"
	"testing"
)

// A device without an authorization (revoked) has no handshake code or
// licenses to show: no blank "handshake code:  (licenses )" line.
func TestPrintLicenseOmitsAnEmptyHandshakeLine(t *testing.T) {
	for _, tc := range []struct {
		doc, want string
	}{
		{`{"state":"revoked","message":"ask them to reinstate it","device":"d"}`, ""},
		{`{"state":"authorized","device":"d","handshake_code":"HC-1","licenses":["L1","L2"]}`, "handshake code:  HC-1 (licenses L1, L2)"},
	} {
		var b strings.Builder
		if !printLicense(&b, []byte(tc.doc)) {
			t.Fatalf("%s: not printed", tc.doc)
		}
		out := b.String()
		if tc.want == "" && strings.Contains(out, "handshake code") {
			t.Errorf("%s: printed\n%s", tc.doc, out)
		}
		if tc.want != "" && !strings.Contains(out, tc.want) {
			t.Errorf("%s: printed\n%s\nwant a line %q", tc.doc, out, tc.want)
		}
	}
}
