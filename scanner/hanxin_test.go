package scanner_test

import (
	"testing"

	"github.com/scannerd/scannerd/scanner"
)

// hanXinCases are Han Xin Code symbols of several versions and error
// correction levels: ASCII, binary bytes and Chinese text.
var hanXinCases = []zintCase{
	{sym: scanner.HanXin, args: []string{"-b", "HANXIN", "-d", "Han Xin Code"}, text: "Han Xin Code", anyAngle: true},
	{sym: scanner.HanXin, args: []string{"-b", "HANXIN", "--vers=4", "--secure=4", "-d", "汉信码 GB 18030"}, text: "汉信码 GB 18030", anyAngle: true},
	{sym: scanner.HanXin, args: []string{"-b", "HANXIN", "--vers=8", "--secure=2", "--binary", "-d", "\x1b\x7fbinary\x80\xff"}, text: "\x1b\x7fbinary\u0080ÿ", anyAngle: true},
	{sym: scanner.HanXin, args: []string{"-b", "HANXIN", "--vers=20", "--secure=1", "-d", "ISO/IEC 20830 汉信码 0123456789 https://example.com/"}, text: "ISO/IEC 20830 汉信码 0123456789 https://example.com/", anyAngle: true},
}

// TestZintHanXin reads Han Xin Code symbols from zint's drawings at
// several sizes, any turn and blurs.
func TestZintHanXin(t *testing.T) {
	roundTrip(t, hanXinCases)
}
