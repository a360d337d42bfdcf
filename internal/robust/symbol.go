package robust

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"

	"github.com/scannerd/scannerd/internal/symboltest"
	"github.com/scannerd/scannerd/scanner"
)

// ErrNoZint: the symbology is drawn by zint, which is not installed.
var ErrNoZint = errors.New("zint is not installed (Debian package zint)")

// Raster is a symbol as a grid of dark and light cells, PerModule cells
// to a module, without quiet zone.
type Raster struct {
	Width, Height int
	PerModule     float64
	dark          []bool
}

// Modules returns the symbol's size in modules.
func (r *Raster) Modules() (w, h float64) {
	return float64(r.Width) / r.PerModule, float64(r.Height) / r.PerModule
}

// Dark reports whether cell (x, y) is dark; outside the grid is light.
func (r *Raster) Dark(x, y int) bool {
	if x < 0 || y < 0 || x >= r.Width || y >= r.Height {
		return false
	}
	return r.dark[y*r.Width+x]
}

// Symbol is one symbol of the suite: its raster, and the texts a reader may
// report for it (with or without what readers differ on, such as Codabar's
// start and stop characters).
type Symbol struct {
	Sym    scanner.Symbology
	Raster *Raster
	Want   []string
}

// Matches reports whether text is the symbol's.
func (s *Symbol) Matches(text string) bool {
	for _, w := range s.Want {
		if text == w {
			return true
		}
	}
	return false
}

// zintTypes are the zint symbology numbers (zint --types) of the
// symbologies the test encoders do not write.
var zintTypes = map[scanner.Symbology]int{
	scanner.PDF417:          55,
	scanner.MicroQR:         97,
	scanner.MaxiCode:        57,
	scanner.MicroPDF417:     84,
	scanner.HanXin:          116,
	scanner.DotCode:         115,
	scanner.DataBarExpanded: 31, // 81 for the stacked form
	scanner.POSTNET:         40,
	scanner.PLANET:          82,
	scanner.USPSIMB:         85,
	scanner.AustraliaPost:   63,
	scanner.RM4SCC:          70,
	scanner.KIX:             90,
}

// NewSymbol makes a symbol of sym with random data from rng: by the test
// encoders (gozxing's writers, scannerd's own Aztec and DataBar), or by
// zint, an encoder independent of ours, for the others.
func NewSymbol(sym scanner.Symbology, rng *rand.Rand) (*Symbol, error) {
	text, want := randomText(sym, rng)
	if _, ok := zintTypes[sym]; ok {
		return zintSymbol(sym, text, want, rng)
	}
	s, err := symboltest.Encode(sym, text)
	if err != nil {
		return nil, err
	}
	r := &Raster{Width: s.Width, Height: s.Height, PerModule: 1, dark: make([]bool, s.Width*s.Height)}
	for y := 0; y < s.Height; y++ {
		for x := 0; x < s.Width; x++ {
			r.dark[y*s.Width+x] = s.Dark(x, y)
		}
	}
	return &Symbol{Sym: sym, Raster: r, Want: want}, nil
}

// zintSymbol draws the symbol with zint as a PNG of one pixel a module
// (MaxiCode, hexagons and rings, at about ten pixels a module; DotCode,
// round dots, at ten).
func zintSymbol(sym scanner.Symbology, text string, want []string, rng *rand.Rand) (*Symbol, error) {
	if _, err := exec.LookPath("zint"); err != nil {
		return nil, ErrNoZint
	}
	kind := zintTypes[sym]
	args := []string{"--notext", "--scale=0.5", "--direct", "--filetype=png"}
	switch sym {
	case scanner.MaxiCode:
		args[1] = "--scale=1"
	case scanner.DotCode:
		// Dots of 0.8 module (zint's default) on a grid of 2·5 pixels a
		// module, round enough that a scene's sampling of them is a
		// disc's.
		args[1] = "--scale=5"
	case scanner.DataBarExpanded:
		if rng.IntN(2) == 1 {
			kind = 81
			args = append(args, "--cols="+strconv.Itoa(2+rng.IntN(2)))
		}
	}
	args = append(args, "-b", strconv.Itoa(kind), "-d", text)
	var out, errb bytes.Buffer
	cmd := exec.Command("zint", args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("zint %v: %w: %s", args, err, errb.String())
	}
	img, err := png.Decode(&out)
	if err != nil {
		return nil, fmt.Errorf("zint %v: %w", args, err)
	}
	b := img.Bounds()
	r := &Raster{Width: b.Dx(), Height: b.Dy(), PerModule: 1, dark: make([]bool, b.Dx()*b.Dy())}
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			c, _, _, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			r.dark[y*b.Dx()+x] = c < 0x8000
		}
	}
	switch sym {
	case scanner.MaxiCode:
		// 30 modules across (ISO/IEC 16023).
		r.PerModule = float64(r.Width) / 30
	case scanner.DotCode:
		// zint draws a dotty symbol 2·scale pixels a module and one
		// pixel over, its dots centred on the modules' centres: the
		// raster's centre is the symbol's.
		r.PerModule = 10
	}
	return &Symbol{Sym: sym, Raster: r, Want: want}, nil
}

// randomText returns data for sym and the texts readers report for it.
func randomText(sym scanner.Symbology, rng *rand.Rand) (text string, want []string) {
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		return string(b)
	}
	from := func(alphabet string, lo, hi int) string {
		n := lo + rng.IntN(hi-lo+1)
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	const text2D = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -./:"
	switch sym {
	case scanner.QRCode, scanner.PDF417:
		t := from(text2D, 8, 40)
		return t, []string{t}
	case scanner.DataMatrix, scanner.Aztec:
		// From one character, which the smallest sizes hold (Data
		// Matrix 10×10: three digits or one letter; Aztec compact
		// 15×15), to 40.
		t := from(text2D, 1, 40)
		return t, []string{t}
	case scanner.MicroPDF417:
		// From one column (a few characters) to four.
		t := from(text2D, 4, 40)
		return t, []string{t}
	case scanner.HanXin:
		// Versions 1 to about 5, zint's choice for the text.
		t := from(text2D, 8, 40)
		return t, []string{t}
	case scanner.DotCode:
		// zint chooses the width and height for the text: from
		// 17 by 12 modules to 42 by 29.
		t := from(text2D, 4, 40)
		return t, []string{t}
	case scanner.MaxiCode:
		t := from(upper+" ", 8, 30)
		return t, []string{t}
	case scanner.MicroQR:
		// One in four numeric, up to the five digits of M1 (11×11, the
		// smallest, numeric only); the others M2 to M4.
		if rng.IntN(4) == 0 {
			t := from("0123456789", 1, 5)
			return t, []string{t}
		}
		t := from(upper, 3, 12)
		return t, []string{t}
	case scanner.EAN13:
		d := digits(12)
		if d[0] == '0' {
			// The EAN-13 symbol of a leading 0 is, bar for bar, the
			// UPC-A symbol of the other twelve digits, and readers
			// report it as that.
			d = "1" + d[1:]
		}
		t := withCheck(d)
		return t, []string{t}
	case scanner.EAN8:
		t := withCheck(digits(7))
		return t, []string{t}
	case scanner.UPCA:
		t := withCheck(digits(11))
		return t, []string{t, "0" + t}
	case scanner.UPCE:
		// Number system 0, a check digit over the UPC-A code it stands for.
		d := digits(6)
		t := "0" + d + string(upceCheck("0"+d))
		return t, []string{t}
	case scanner.Code39:
		t := from(upper+"-. ", 4, 16)
		t = strings.TrimSpace(t) + "X" // no leading or trailing space
		return t, []string{t}
	case scanner.Code93:
		t := from(upper+"-. $/+%", 4, 16)
		return t, []string{t}
	case scanner.Code128:
		t := from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#%&()*+,-./:;<=>?@[]_ ", 4, 20)
		return t, []string{t}
	case scanner.Codabar:
		start := string("ABCD"[rng.IntN(4)])
		stop := string("ABCD"[rng.IntN(4)])
		d := from("0123456789-$:/.+", 4, 16)
		return start + d + stop, []string{d, start + d + stop}
	case scanner.ITF:
		t := digits(6 + 2*rng.IntN(5))
		return t, []string{t}
	case scanner.DataBar:
		d := digits(13)
		return d, []string{d + string(gs1Check(d))}
	case scanner.POSTNET:
		// ZIP, ZIP+4, ZIP+4 and delivery point; read without the check
		// digit.
		t := digits([]int{5, 9, 11}[rng.IntN(3)])
		return t, []string{t}
	case scanner.PLANET:
		t := digits(11 + 2*rng.IntN(2))
		return t, []string{t}
	case scanner.USPSIMB:
		// The tracking code (barcode identifier, its second digit 0 to 4;
		// service type, mailer identifier and serial number, 18 digits)
		// and a routing code of 0, 5, 9 or 11 digits; read as one number.
		track := digits(1) + string(byte('0'+rng.IntN(5))) + digits(18)
		route := digits([]int{0, 5, 9, 11}[rng.IntN(4)])
		return track + "-" + route, []string{track + route}
	case scanner.AustraliaPost:
		// The standard customer barcode (FCC 11): a DPID of 8 digits.
		t := digits(8)
		return t, []string{"11" + t}
	case scanner.RM4SCC:
		// A postcode and delivery point; read without the check
		// character.
		t := from(upper, 5, 9)
		return t, []string{t}
	case scanner.KIX:
		// A Dutch postcode (four digits, the first not 0, and two
		// letters) and a house number: without start and stop, the
		// postcode first is what tells the reading direction.
		t := string(byte('1'+rng.IntN(9))) + digits(3) + from(upper[:26], 2, 2) + digits(1+rng.IntN(5))
		return t, []string{t}
	case scanner.DataBarExpanded:
		gtin := digits(13)
		gtin += string(gs1Check(gtin))
		weight := digits(6)
		return "[01]" + gtin + "[3103]" + weight, []string{"(01)" + gtin + "(3103)" + weight}
	}
	return "", nil
}

// withCheck appends the GS1 mod-10 check digit.
func withCheck(d string) string { return d + string(gs1Check(d)) }

func gs1Check(d string) byte {
	s := 0
	for i := len(d) - 1; i >= 0; i -= 2 {
		s += 3 * int(d[i]-'0')
	}
	for i := len(d) - 2; i >= 0; i -= 2 {
		s += int(d[i] - '0')
	}
	return byte('0' + (10-s%10)%10)
}

// upceCheck returns the check digit of a UPC-E code (number system and six
// digits): that of the UPC-A code it abbreviates.
func upceCheck(e string) byte {
	d := e[1:]
	var a string
	switch d[5] {
	case '0', '1', '2':
		a = d[:2] + d[5:6] + "0000" + d[2:5]
	case '3':
		a = d[:3] + "00000" + d[3:5]
	case '4':
		a = d[:4] + "00000" + d[4:5]
	default:
		a = d[:5] + "0000" + d[5:6]
	}
	return gs1Check(e[:1] + a)
}
