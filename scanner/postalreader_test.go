package scanner_test

import (
	"testing"

	"github.com/scannerd/scannerd/scanner"
)

// postalCases are postal codes as zint draws them, read at any turn.
var postalCases = []zintCase{
	{sym: scanner.POSTNET, args: []string{"-b", "POSTNET", "-d", "123456789"}, text: "123456789", anyAngle: true},
	{sym: scanner.PLANET, args: []string{"-b", "PLANET", "-d", "12345678901"}, text: "12345678901", anyAngle: true},
	{sym: scanner.USPSIMB, args: []string{"-b", "USPS_IMAIL", "-d", "01234567094987654321-01234567891"}, text: "0123456709498765432101234567891", anyAngle: true},
	{sym: scanner.USPSIMB, args: []string{"-b", "USPS_IMAIL", "-d", "00040123456200800001-987654321"}, text: "00040123456200800001987654321", anyAngle: true},
	{sym: scanner.AustraliaPost, args: []string{"-b", "AUSPOST", "-d", "39987520"}, text: "1139987520", anyAngle: true},
	{sym: scanner.AustraliaPost, args: []string{"-b", "AUSPOST", "-d", "3221132412345678"}, text: "593221132412345678", anyAngle: true},
	{sym: scanner.RM4SCC, args: []string{"-b", "RM4SCC", "-d", "SN34RD1A"}, text: "SN34RD1A", anyAngle: true},
	{sym: scanner.KIX, args: []string{"-b", "KIX", "-d", "2500GG30250"}, text: "2500GG30250", anyAngle: true},
}

// TestZintPostal reads each postal code from zint's drawings at several
// sizes, turns and blurs.
func TestZintPostal(t *testing.T) {
	roundTrip(t, postalCases)
}
