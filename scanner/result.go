package scanner

import (
	"fmt"
	"image"
	"math"
	"strings"
	"time"
)

// Options choose what the engine looks for in a frame and how hard it tries.
// Strategies run cheapest first and stop as soon as the expected count is
// found; see Engine.
type Options struct {
	// Symbologies to look for; empty means DefaultSymbologies.
	Symbologies SymbologySet
	// TryHarder scans more rows for 1D codes and searches 2D codes more
	// thoroughly, and adds the downscaled pass for large frames.
	TryHarder bool
	// TryInverted also looks for light codes on dark backgrounds.
	TryInverted bool
	// TryRotated also scans 1D codes a quarter turn round (vertical bars
	// run horizontally). 2D codes are read in any orientation regardless.
	TryRotated bool
	// ExpectedCount stops the search once this many barcodes are found. Zero
	// means: finish the first strategy that finds anything.
	ExpectedCount int
	// Region restricts the search to a rectangle of the frame; empty means
	// the whole frame. Points in results are always frame coordinates. A
	// region not inside the frame is refused with ErrRegion: decoding part
	// of it, or the whole frame, would not be what was asked for.
	Region image.Rectangle
	// AddOns says what to do with the EAN-2 and EAN-5 add-ons printed
	// beside EAN-13, UPC-A and UPC-E symbols; they are read by default.
	AddOns AddOnMode
	// MSICheck is the check digit scheme MSI Plessey symbols must pass;
	// none by default.
	MSICheck MSICheck
	// TelepenNumeric reads Telepen symbols as starting in numeric mode
	// (two digits a character); they start in ASCII mode by default.
	// Nothing in a symbol says which.
	TelepenNumeric bool
	// DPM also reads Data Matrix symbols whose modules are separate dots
	// (dot-peened, laser or ink-jet marked parts): when the search finds
	// no Data Matrix symbol, it searches again with the dots joined. Off
	// by default: that second search costs CPU on every such frame.
	DPM bool
	// Adaptive, for live video, searches only where a frame looks like
	// barcodes: the first pass reads the regions it proposes, and when it
	// reads nothing the strategies of TryHarder, TryInverted and TryRotated
	// run over those regions one by one (see adaptive.go). It has no effect
	// with TryHarder, which searches the whole frame every way. The
	// engine applies it to live frames (Submit) only.
	Adaptive bool
	// Budget bounds the time one frame's decode may take, 0 none: the
	// decode stops between two steps once it is spent and returns what it
	// read. An adaptive decode's first look at its largest region always
	// completes. The engine applies it to live frames only, counting the
	// live worker's thread CPU time.
	Budget time.Duration
	// Rescan, with Adaptive, lets the engine search a live frame only
	// where it changed since the source's earlier frames were searched
	// there, or where a symbol was read there, and search every part of
	// it again at least once every Rescan, a part each frame (see
	// scene.go); 0 searches every frame whole. The engine applies it to
	// live frames only, remembering each source's scene.
	Rescan time.Duration
}

// AddOnMode says whether EAN-13, UPC-A and UPC-E symbols are read with
// their two- or five-digit add-ons (a book's price, a periodical's issue).
type AddOnMode uint8

// The add-on modes. The zero value reads add-ons.
const (
	// AddOnRead reports an add-on in Result.AddOn when there is one.
	AddOnRead AddOnMode = iota
	// AddOnRequire reports EAN-13, UPC-A and UPC-E symbols only with an
	// add-on, for a kiosk that wants the price or issue number.
	AddOnRequire
	// AddOnIgnore does not look for add-ons.
	AddOnIgnore
)

var addOnModeNames = [...]string{AddOnRead: "read", AddOnRequire: "require", AddOnIgnore: "ignore"}

// String returns the mode's name in configurations: "read", "require" or
// "ignore".
func (m AddOnMode) String() string {
	if int(m) < len(addOnModeNames) {
		return addOnModeNames[m]
	}
	return fmt.Sprintf("AddOnMode(%d)", uint8(m))
}

// ParseAddOnMode reads a mode's name; empty is AddOnRead.
func ParseAddOnMode(s string) (AddOnMode, error) {
	if s == "" {
		return AddOnRead, nil
	}
	for m, name := range addOnModeNames {
		if strings.EqualFold(s, name) {
			return AddOnMode(m), nil
		}
	}
	return 0, fmt.Errorf("%w: %q (want read, require or ignore)", ErrBadAddOnMode, s)
}

// hasAddOns reports whether s is a symbology an add-on may follow.
func hasAddOns(s Symbology) bool { return s == EAN13 || s == UPCA || s == UPCE }

// CheckRegion returns ErrRegion unless the region is empty or inside a
// width×height frame.
func (o Options) CheckRegion(width, height int) error {
	if o.Region.Empty() || o.Region.In(image.Rect(0, 0, width, height)) {
		return nil
	}
	r := o.Region
	return fmt.Errorf("%w: region [%d, %d, %d, %d] is not inside the %d×%d frame",
		ErrRegion, r.Min.X, r.Min.Y, r.Dx(), r.Dy(), width, height)
}

// Point is a position in frame pixel coordinates.
type Point struct{ X, Y float64 }

// A Result is one barcode read from a frame.
type Result struct {
	Symbology Symbology
	// Text is the decoded content. Binary payloads map each byte to the
	// code point of the same value (ISO-8859-1), as ZXing does.
	Text string
	// Bytes holds the payload bytes as encoded when the symbol carries
	// binary (byte mode) data; nil otherwise.
	Bytes []byte
	// Points are the symbol's corners in frame coordinates, in the order
	// top-left, top-right, bottom-right, bottom-left of the symbol as read.
	// For a 1D code they bound the rows where it was read.
	Points [4]Point
	// SymbologyID is the AIM symbology identifier ("]Q1", "]E0", …) when the
	// decoder reports one.
	SymbologyID string
	// Strategy names the decode pass that found it ("hybrid", "inverted", …).
	Strategy string
	// AddOn holds the digits of an EAN-2 or EAN-5 add-on read beside an
	// EAN-13, UPC-A or UPC-E symbol; Text is the main symbol's alone.
	AddOn string
	// Sequence, for a symbol of a structured append set, is its place in
	// the set; for the symbols of a set joined in one result, the set.
	Sequence *Sequence
	// component marks a GS1 Composite 2D component read alone, before it
	// is joined with its linear component (see joinComposites).
	component bool
	// unlinked marks a GS1 DataBar symbol whose linkage flag is clear: no
	// 2D component is printed with it.
	unlinked bool
	// signLooked marks a linear result the composite reader looked above
	// for the sign of a 2D component (see componentAbove), and noSign
	// that it saw none.
	signLooked, noSign bool
	// componentFrom is how far above the middle of its rows (in pixels)
	// its component may begin, where fromKnown.
	componentFrom float64
	fromKnown     bool

	Source     string    // source of the frame
	Frame      uint64    // frame number within the source
	CapturedAt time.Time // when the frame was captured
	DecodedAt  time.Time // when decoding of the frame finished
}

// Center returns the mean of the corner points.
func (r *Result) Center() Point {
	var c Point
	for _, p := range r.Points {
		c.X += p.X / 4
		c.Y += p.Y / 4
	}
	return c
}

// extent returns the longest side or diagonal of the corner quadrilateral.
func (r *Result) extent() float64 {
	var d float64
	for i := range r.Points {
		for j := i + 1; j < len(r.Points); j++ {
			d = math.Max(d, math.Hypot(r.Points[i].X-r.Points[j].X, r.Points[i].Y-r.Points[j].Y))
		}
	}
	return d
}

// sameSymbol reports whether two results are one barcode read twice: same
// symbology and text, and overlapping positions. Two equal labels side by
// side stay two results.
func sameSymbol(a, b *Result) bool {
	if a.Symbology != b.Symbology || a.Text != b.Text {
		return false
	}
	ca, cb := a.Center(), b.Center()
	reach := math.Max(a.extent(), b.extent())*0.6 + 4
	return math.Hypot(ca.X-cb.X, ca.Y-cb.Y) <= reach
}
