package scanner

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Symbology is a barcode type. Its String form is a stable name used in the
// API, the config, the license protocol and usage reports; names never change
// once published.
type Symbology uint8

// The symbologies scannerd reads. The zero value is Unknown.
const (
	Unknown Symbology = iota
	QRCode
	DataMatrix
	Aztec
	EAN13
	EAN8
	UPCA
	UPCE
	Code39
	Code93
	Code128
	Codabar
	ITF
	DataBar
	DataBarExpanded
	PDF417
	MicroQR
	MaxiCode
	Code11
	MSI
	Pharmacode
	Industrial25
	Matrix25
	IATA25
	Telepen
	DataBarLimited
	POSTNET
	PLANET
	USPSIMB
	AustraliaPost
	RM4SCC
	KIX
	MicroPDF417
	RMQR
	GS1Composite
	HanXin
	DXFilmEdge
	DotCode
	numSymbologies
)

// SymbologyCount is one more than the highest Symbology number: every
// symbology, Unknown included, is below it.
const SymbologyCount = int(numSymbologies)

var symbologyNames = [numSymbologies]string{
	Unknown:         "UNKNOWN",
	QRCode:          "QR_CODE",
	DataMatrix:      "DATA_MATRIX",
	Aztec:           "AZTEC",
	EAN13:           "EAN_13",
	EAN8:            "EAN_8",
	UPCA:            "UPC_A",
	UPCE:            "UPC_E",
	Code39:          "CODE_39",
	Code93:          "CODE_93",
	Code128:         "CODE_128",
	Codabar:         "CODABAR",
	ITF:             "ITF",
	DataBar:         "DATABAR",
	DataBarExpanded: "DATABAR_EXPANDED",
	PDF417:          "PDF_417",
	MicroQR:         "MICRO_QR",
	MaxiCode:        "MAXICODE",
	Code11:          "CODE_11",
	MSI:             "MSI_PLESSEY",
	Pharmacode:      "PHARMACODE",
	Industrial25:    "INDUSTRIAL_2_OF_5",
	Matrix25:        "MATRIX_2_OF_5",
	IATA25:          "IATA_2_OF_5",
	Telepen:         "TELEPEN",
	DataBarLimited:  "DATABAR_LIMITED",
	POSTNET:         "POSTNET",
	PLANET:          "PLANET",
	USPSIMB:         "USPS_IMB",
	AustraliaPost:   "AUSTRALIA_POST",
	RM4SCC:          "RM4SCC",
	KIX:             "KIX",
	MicroPDF417:     "MICRO_PDF_417",
	RMQR:            "RMQR",
	GS1Composite:    "GS1_COMPOSITE",
	HanXin:          "HAN_XIN",
	DXFilmEdge:      "DX_FILM_EDGE",
	DotCode:         "DOTCODE",
}

// String returns the stable name, e.g. "QR_CODE".
func (s Symbology) String() string {
	if s < numSymbologies {
		return symbologyNames[s]
	}
	return fmt.Sprintf("Symbology(%d)", uint8(s))
}

// MarshalText implements encoding.TextMarshaler with the stable name.
func (s Symbology) MarshalText() ([]byte, error) {
	if s == Unknown || s >= numSymbologies {
		return nil, fmt.Errorf("%w: %d", ErrUnknownSymbology, uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; see ParseSymbology.
func (s *Symbology) UnmarshalText(b []byte) error {
	v, err := ParseSymbology(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Is2D reports whether the symbology is a matrix or stacked code, read by
// locating it in two dimensions rather than along scan lines.
func (s Symbology) Is2D() bool {
	switch s {
	case QRCode, DataMatrix, Aztec, PDF417, MicroQR, MaxiCode, MicroPDF417, RMQR, GS1Composite, HanXin, DotCode:
		return true
	}
	return false
}

// ParseSymbology accepts a stable name in any case, with '-' or no separator
// in place of '_' ("qr_code", "QR-CODE", "qrcode"), and the common aliases
// ZXing and zbar use ("RSS_14", "EAN13", "PDF417").
func ParseSymbology(name string) (Symbology, error) {
	key := normalizeName(name)
	for s := QRCode; s < numSymbologies; s++ {
		if normalizeName(symbologyNames[s]) == key {
			return s, nil
		}
	}
	switch key {
	case "QR":
		return QRCode, nil
	case "MICROPDF", "MPDF417":
		return MicroPDF417, nil
	case "COMPOSITE", "GS1COMPOSITESYMBOLOGY", "EANUCCCOMPOSITE":
		return GS1Composite, nil
	case "HANXINCODE", "CHINESESENSIBLE":
		return HanXin, nil
	case "RSS14", "GS1DATABAR":
		return DataBar, nil
	case "RSSEXPANDED", "GS1DATABAREXPANDED", "DATABAREXPANDEDSTACKED", "RSSEXPANDEDSTACKED":
		return DataBarExpanded, nil
	case "INTERLEAVED2OF5", "I25":
		return ITF, nil
	case "MICROQRCODE":
		return MicroQR, nil
	case "RECTANGULARMICROQRCODE", "RMQRCODE":
		return RMQR, nil
	case "DX", "DXFILM", "DXEDGE":
		return DXFilmEdge, nil
	case "USD8":
		return Code11, nil
	case "MSI", "MODIFIEDPLESSEY":
		return MSI, nil
	case "LAETUSPHARMACODE", "PHARMA":
		return Pharmacode, nil
	case "C25IND":
		return Industrial25, nil
	case "C25MATRIX":
		return Matrix25, nil
	case "C25IATA":
		return IATA25, nil
	case "RSSLIMITED", "GS1DATABARLIMITED":
		return DataBarLimited, nil
	case "INTELLIGENTMAIL", "USPSINTELLIGENTMAIL", "IMB", "USPSIMAIL", "ONECODE":
		return USPSIMB, nil
	case "AUSPOST", "AUSTRALIANPOST":
		return AustraliaPost, nil
	case "ROYALMAIL", "ROYALMAIL4STATE":
		return RM4SCC, nil
	}
	return Unknown, fmt.Errorf("%w: %q", ErrUnknownSymbology, name)
}

func normalizeName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SymbologySet is a set of symbologies. The zero value is empty; an empty set
// in Options means the default ones (DefaultSymbologies).
type SymbologySet uint64

// AllSymbologies returns the set of every symbology scannerd reads.
func AllSymbologies() SymbologySet {
	return SymbologySet(1<<numSymbologies-1) &^ 1
}

// offByDefault are the symbologies read only when asked for by name (or
// with "all"): simple codes without a strong check, whose patterns wood
// grain, text, shelf edges and other texture can also make; and
// MicroPDF417, whose search (for the left edge of its rows in four
// orientations) costs more than the rest of a frame's 2D readers; and
// rMQR, whose finder search, a second one beside Micro QR's, adds about
// 1 % to the CPU time of a frame without one; GS1 Composite, whose 2D
// components are searched for as MicroPDF417's are, more finely; Han Xin
// Code, whose search of every row and column for its finders adds about
// 6 %; DX film edge, which only film scanners meet and whose data track
// has a single parity bit; and DotCode, which has no finder pattern: its
// reader looks for a lattice among every small dark patch of the frame.
const offByDefault SymbologySet = 1<<Code11 | 1<<MSI | 1<<Pharmacode |
	1<<Industrial25 | 1<<Matrix25 | 1<<IATA25 | allPostal | 1<<MicroPDF417 | 1<<RMQR | 1<<GS1Composite |
	1<<HanXin | 1<<DXFilmEdge | 1<<DotCode

// DefaultSymbologies returns the symbologies read when none are named:
// every one but those whose patterns texture easily imitates (see the
// README's table).
func DefaultSymbologies() SymbologySet {
	return AllSymbologies() &^ offByDefault
}

// OnByDefault reports whether s is read when no symbologies are named.
func (s Symbology) OnByDefault() bool { return DefaultSymbologies().Has(s) }

// NewSymbologySet returns a set holding the given symbologies.
func NewSymbologySet(syms ...Symbology) SymbologySet {
	var set SymbologySet
	for _, s := range syms {
		set = set.With(s)
	}
	return set
}

// ParseSymbologySet parses a comma-separated list of names ("qr_code,ean_13").
// An empty string is the default symbologies; in a list, "all" stands for
// every symbology and "default" for the default ones ("default,code_11"),
// and a name after "-" is taken out of what the items before it make
// ("all,-qr_code", "default,-ean_8,code_11", "all,-default"). Items apply
// from left to right, so a name added after it was taken out is in the
// set. Refused, wrapping ErrUnknownSymbology: a name scannerd does not know
// (after "-" too) and an empty item (a comma too many); wrapping
// ErrBadSymbologyList: a list that begins by taking out, and one that
// leaves no symbology at all.
func ParseSymbologySet(list string) (SymbologySet, error) {
	list = strings.TrimSpace(list)
	if list == "" {
		return DefaultSymbologies(), nil
	}
	var set SymbologySet
	for i, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		name, out := strings.CutPrefix(item, "-")
		name = strings.TrimSpace(name)
		if out && strings.HasPrefix(name, "-") {
			// ParseSymbology would read "--qr_code" as QR_CODE.
			return 0, fmt.Errorf("%w: %q", ErrUnknownSymbology, item)
		}
		if name == "" && out {
			return 0, fmt.Errorf("%w: a name is missing after \"-\" in %q", ErrUnknownSymbology, list)
		}
		if name == "" {
			// Refused rather than skipped, so that a list cut short
			// ("qr_code,") is noticed; said plainly, since `unknown
			// symbology ""` does not point at the comma.
			return 0, fmt.Errorf("%w: an empty name in %q (a comma too many?)", ErrUnknownSymbology, list)
		}
		var these SymbologySet
		switch {
		case strings.EqualFold(name, "all"):
			these = AllSymbologies()
		case strings.EqualFold(name, "default"):
			these = DefaultSymbologies()
		default:
			s, err := ParseSymbology(name)
			if err != nil {
				if out {
					return 0, fmt.Errorf("%w (taken out by %q)", err, item)
				}
				return 0, err
			}
			these = these.With(s)
		}
		switch {
		case !out:
			set |= these
		case i == 0:
			// Taking out of nothing would leave nothing: the list must
			// say what it takes the name out of.
			return 0, fmt.Errorf("%w: %q takes out of nothing; begin with what to take it out of, as in \"all,%s\" or \"default,%s\"", ErrBadSymbologyList, item, item, item)
		default:
			set &^= these
		}
	}
	if set == 0 {
		return 0, fmt.Errorf("%w: %q leaves no symbology", ErrBadSymbologyList, list)
	}
	return set, nil
}

// ParseSymbologyList is ParseSymbologySet for a list given explicitly, on
// the command line or in a query: an empty one is refused (wrapping
// ErrBadSymbologyList) rather than read as the default symbologies, which
// leaving the list out, or "default", asks for.
func ParseSymbologyList(list string) (SymbologySet, error) {
	if strings.TrimSpace(list) == "" {
		return 0, fmt.Errorf("%w: an empty list; name the symbologies, or \"default\" (or leave the list out) for the default ones", ErrBadSymbologyList)
	}
	return ParseSymbologySet(list)
}

// ParseSymbologyItems is ParseSymbologySet for a list given as items (a
// configuration array, ["all", "-QR_CODE"]), each of which may itself be a
// comma-separated list. No items are the default symbologies; an empty
// item is refused, wrapping ErrUnknownSymbology, by its place in the
// array.
func ParseSymbologyItems(items []string) (SymbologySet, error) {
	for i, item := range items {
		if strings.TrimSpace(item) == "" {
			quoted := make([]string, len(items))
			for j, it := range items {
				quoted[j] = strconv.Quote(it)
			}
			return 0, fmt.Errorf("%w: item %d of [%s] is empty", ErrUnknownSymbology, i+1, strings.Join(quoted, ", "))
		}
	}
	return ParseSymbologySet(strings.Join(items, ","))
}

// With returns the set with s added.
func (set SymbologySet) With(s Symbology) SymbologySet {
	if s == Unknown || s >= numSymbologies {
		return set
	}
	return set | 1<<s
}

// Has reports whether s is in the set.
func (set SymbologySet) Has(s Symbology) bool { return s < numSymbologies && set&(1<<s) != 0 }

// Len returns the number of symbologies in the set.
func (set SymbologySet) Len() int { return bits.OnesCount64(uint64(set)) }

// Intersect returns the symbologies in both sets.
func (set SymbologySet) Intersect(other SymbologySet) SymbologySet { return set & other }

// All returns the members in their declaration order.
func (set SymbologySet) All() []Symbology {
	var out []Symbology
	for s := QRCode; s < numSymbologies; s++ {
		if set.Has(s) {
			out = append(out, s)
		}
	}
	return out
}

// String returns the comma-separated names, the form ParseSymbologySet reads.
func (set SymbologySet) String() string {
	names := make([]string, 0, set.Len())
	for _, s := range set.All() {
		names = append(names, s.String())
	}
	return strings.Join(names, ",")
}
