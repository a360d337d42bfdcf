package scanner

import (
	"fmt"
	"strings"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/linear"
	"github.com/scannerd/scannerd/scanner/msi"
	"github.com/scannerd/scannerd/scanner/pharmacode"
	"github.com/scannerd/scannerd/scanner/telepen"
)

// The less common linear symbologies: how they map to the linear reader's
// formats, the fewest edges a row across one has, and what the engine
// checks and shapes after the reader has read one.
var otherLinear = [...]struct {
	sym    Symbology
	format linear.Format
	// minEdges is the fewest black/white changes in a row across the
	// shortest symbol.
	minEdges int
}{
	{Code11, linear.Code11, 16},        // start, one character, stop
	{MSI, linear.MSI, 22},              // start, two digits, stop
	{Pharmacode, linear.Pharmacode, 5}, // three bars
	{Industrial25, linear.Industrial25, 30},
	{Matrix25, linear.Matrix25, 22},
	{IATA25, linear.IATA25, 26},
	{Telepen, linear.Telepen, 38}, // start, check and stop characters
	{DataBarLimited, linear.DataBarLimited, 45},
	// DataBar Omnidirectional is read by gozxing's row reader too, which
	// reads the stacked forms.
	{DataBar, linear.DataBar, 45},
}

// fewestEdges returns the fewest black/white changes a row must have to
// cross a symbol of syms: minRowTransitions, or fewer for the shorter
// symbologies off by default.
func fewestEdges(syms SymbologySet) int {
	n := minRowTransitions
	for _, o := range otherLinear {
		if syms.Has(o.sym) {
			n = min(n, o.minEdges)
		}
	}
	return n
}

// shortRowFormats returns, for each count of black/white changes below
// minRowTransitions, the formats of fs read along a row of that many:
// each format is read along the rows it would be with the default
// symbologies and its own the only ones on, those of at least
// minRowTransitions changes or of its own fewest, whichever is fewer.
// With a short symbology on, the rows of fewer changes than the
// defaults' are read for it, not for the formats whose shortest symbol
// has more, which could read nothing there and were tried at each of
// its bars.
func shortRowFormats(fs linear.Formats) (short [minRowTransitions]linear.Formats) {
	for _, o := range otherLinear {
		if !fs.Has(o.format) {
			continue
		}
		for e := o.minEdges; e < minRowTransitions; e++ {
			short[e] |= 1 << o.format
		}
	}
	return short
}

// edges returns the black/white changes of the row v reads.
func (v rowView) edges() int {
	if v.inverted { // after the slot of width 0 that inverts it
		return len(v.runs) - 2
	}
	return len(v.runs) - 1
}

// forwardOnly tells the formats that read as another symbol backwards:
// they are read left to right only (Pharmacode).
const forwardOnly = linear.Formats(1 << linear.Pharmacode)

// shapeChecked are the formats that need more than the rows that read a
// symbol to tell it from texture: Pharmacode.
const shapeChecked = linear.Formats(1 << linear.Pharmacode)

// mayVerifyShape tells whether verifyShape could accept a hit of a format
// of shapeChecked whatever the image: Pharmacode's bars far enough apart.
func mayVerifyShape(h *lineHit) bool {
	return pharmacode.MayVerify(h.x0, h.x1)
}

// verifyShape checks a hit of a format of shapeChecked in the pass's
// binarized image m: Pharmacode's bars stand as a symbol's.
func verifyShape(m *gozxing.BitMatrix, h *lineHit) bool {
	return pharmacode.Verify(m, (h.y0+h.y1)/2, h.x0, h.x1)
}

// finishLinear applies the options that shape what some of the 1D
// symbologies report: the MSI check scheme, which a symbol must pass, and
// Telepen's starting mode. It reports whether to keep the result.
func finishLinear(r *Result, opts Options) bool {
	switch r.Symbology {
	case MSI:
		return msi.Verify(r.Text, msi.Variant(opts.MSICheck))
	case Telepen:
		text, err := telepen.Text(r.Text, opts.TelepenNumeric)
		r.Text = text
		return err == nil
	case DataBar:
		gtin := withoutLinkage(r.Text)
		r.unlinked = gtin == r.Text
		r.Text = gtin
	}
	return true
}

// withoutLinkage returns the GTIN of a GS1 DataBar symbol whose linkage
// flag is set (a 2D component is printed above it): the flag adds 10^13
// to the symbol's value (ISO/IEC 24724 §7.2.3), which gozxing's reader
// reads as a leading 1 before the thirteen digits, and a check digit
// computed over all fourteen.
func withoutLinkage(text string) string {
	if len(text) != 15 || text[0] != '1' || !isDigits(text) {
		return text
	}
	digits := []byte(text[1:14])
	sum := 0
	for i := range digits {
		v := int(digits[len(digits)-1-i] - '0')
		if i%2 == 0 {
			v *= 3
		}
		sum += v
	}
	return string(digits) + string(rune('0'+(10-sum%10)%10))
}

// MSICheck is the check digit scheme MSI Plessey symbols must carry;
// their text is reported as printed, check digits included, either way.
type MSICheck uint8

// The MSI Plessey check digit schemes. Nothing in a symbol says which
// one its printer used; the zero value checks nothing.
const (
	MSICheckNone          = MSICheck(msi.None)
	MSICheckMod10         = MSICheck(msi.Mod10)
	MSICheckMod10Mod10    = MSICheck(msi.Mod10Mod10)
	MSICheckMod11         = MSICheck(msi.Mod11)
	MSICheckMod11Mod10    = MSICheck(msi.Mod11Mod10)
	MSICheckMod11NCR      = MSICheck(msi.Mod11NCR)
	MSICheckMod11NCRMod10 = MSICheck(msi.Mod11NCRMod10)
)

// String returns the scheme's name in configurations: "none", "mod10",
// "mod10_mod10", "mod11", "mod11_mod10", "mod11_ncr", "mod11_ncr_mod10".
func (c MSICheck) String() string { return msi.Variant(c).String() }

// ParseMSICheck reads a scheme's name; empty is MSICheckNone.
func ParseMSICheck(s string) (MSICheck, error) {
	v, err := msi.ParseVariant(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrBadOption, err)
	}
	return MSICheck(v), nil
}
