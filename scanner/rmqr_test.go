package scanner_test

import (
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner"
)

// rmqrCases are rMQR symbols of every height and several widths, at both
// error correction levels, with numeric, alphanumeric, byte, kanji and
// GS1 data.
var rmqrCases = []zintCase{
	{sym: scanner.RMQR, args: []string{"-b", "RMQR", "--vers=1", "-d", "0123456"}, text: "0123456", anyAngle: true},
	{sym: scanner.RMQR, args: []string{"-b", "RMQR", "--vers=7", "--secure=4", "-d", "LOT 42A"}, text: "LOT 42A", anyAngle: true},
	{sym: scanner.RMQR, args: []string{"-b", "RMQR", "--vers=11", "-d", "R11x27"}, text: "R11x27", anyAngle: true},
	{sym: scanner.RMQR, args: []string{"-b", "RMQR", "--vers=20", "-d", "Expires 2027-03-31"}, text: "Expires 2027-03-31", anyAngle: true},
	{sym: scanner.RMQR, args: []string{"-b", "RMQR", "--vers=26", "--secure=4", "-d", "漢字 and bytes: Zürich"}, text: "漢字 and bytes: Zürich", anyAngle: true},
	{sym: scanner.RMQR, args: []string{"-b", "RMQR", "--vers=32", "--gs1", "-d", "[01]09501101530003[17]270331[10]AB-12"}, text: "01095011015300031727033110AB-12", anyAngle: true},
}

// TestZintRMQR reads rMQR symbols from zint's drawings at several sizes,
// any turn, and blurs.
func TestZintRMQR(t *testing.T) {
	roundTrip(t, rmqrCases)
}

// TestZintRMQRSmallModules reads rMQR symbols of 2.2 pixels a module, a
// third of a module blurred, at turns off the axes: the size at which the
// binarized timing patterns and version information come out too ragged
// to follow, and the reader looks again at double size.
func TestZintRMQRSmallModules(t *testing.T) {
	zint.Need(t)
	ok, all := 0, 0
	for i, c := range rmqrCases {
		r := zint.ImageAt(t, 1, c.args...)
		for k, angle := range []float64{4, 97, 188, 281, 333} {
			s := zintScene{module: 2.2, angle: angle + float64(i), blur: 2.2 / 3}
			read, got := readZint(t, r, c, s, uint64(k))
			all++
			if read {
				ok++
			} else {
				t.Logf("missed %q at %v: read %s", c.text, s, got)
			}
		}
	}
	if ok*10 < all*8 {
		t.Errorf("read %d of %d rMQR symbols of 2.2 px modules, want at least 80 %%", ok, all)
	}
}

// TestZintRMQRBlurredFinders reads an rMQR symbol at quarter turns, of
// 2.4 and 2.8 pixels a module blurred by a third of a module: the
// binarized finder's dark runs widen until its light ring is a pixel wide
// along the rows or columns through its centre, which the finder search
// must still take for 1:1:3:1:1.
func TestZintRMQRBlurredFinders(t *testing.T) {
	zint.Need(t)
	c := rmqrCases[2]
	r := zint.ImageAt(t, 1, c.args...)
	for _, m := range []float64{2.4, 2.8} {
		for _, angle := range []float64{0, 90, 180, 270} {
			s := zintScene{module: m, angle: angle, blur: m / 3}
			if read, got := readZint(t, r, c, s, 1); !read {
				t.Errorf("%q at %v: read %s", c.text, s, got)
			}
		}
	}
}
