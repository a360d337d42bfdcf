package databar

import (
	"errors"
	"strings"
)

var (
	errUnknownAI = errors.New("unknown application identifier")
	errBadField  = errors.New("element string field too short or empty")
)

// aiFormat is the data field of an application identifier: a fixed number
// of characters, or at most max characters ended by FNC1 (GS) unless last.
type aiFormat struct {
	fixed bool
	max   int
}

// aiDigits gives the length of an AI from its first two digits (GS1
// General Specifications §3.2: the first two digits fix the AI length).
// Zero: no AI starts with these digits.
func aiDigits(p0, p1 byte) int {
	switch p0 {
	case '0':
		if p1 <= '3' {
			return 2
		}
	case '1':
		if p1 != '4' && p1 != '8' && p1 != '9' {
			return 2
		}
	case '2':
		switch p1 {
		case '0', '1', '2':
			return 2
		case '3', '4', '5':
			return 3
		}
	case '3':
		switch p1 {
		case '0', '7':
			return 2
		case '1', '2', '3', '4', '5', '6', '9':
			return 4
		}
	case '4':
		switch p1 {
		case '0', '1', '2':
			return 3
		case '3':
			return 4
		}
	case '7':
		switch p1 {
		case '0', '2':
			return 4
		case '1':
			return 3
		}
	case '8':
		if p1 <= '2' {
			return 4
		}
	case '9':
		return 2
	}
	return 0
}

// aiFormats lists the data fields of the AIs of the GS1 General
// Specifications (§3.2, "GS1 Application Identifiers in numerical order").
// AIs of the families 31nn–36nn and 390n–395n are handled in lookupAI.
var aiFormats = map[string]aiFormat{
	"00": {true, 18}, "01": {true, 14}, "02": {true, 14}, "03": {true, 14},
	"10": {false, 20}, "11": {true, 6}, "12": {true, 6}, "13": {true, 6},
	"15": {true, 6}, "16": {true, 6}, "17": {true, 6},
	"20": {true, 2}, "21": {false, 20}, "22": {false, 20},
	"235": {false, 28}, "240": {false, 30}, "241": {false, 30}, "242": {false, 6},
	"243": {false, 20}, "250": {false, 30}, "251": {false, 30}, "253": {false, 30},
	"254": {false, 20}, "255": {false, 25},
	"30": {false, 8}, "37": {false, 8},
	"400": {false, 30}, "401": {false, 30}, "402": {true, 17}, "403": {false, 30},
	"410": {true, 13}, "411": {true, 13}, "412": {true, 13}, "413": {true, 13},
	"414": {true, 13}, "415": {true, 13}, "416": {true, 13}, "417": {true, 13},
	"420": {false, 20}, "421": {false, 12}, "422": {true, 3}, "423": {false, 15},
	"424": {true, 3}, "425": {false, 15}, "426": {true, 3}, "427": {false, 3},
	"4300": {false, 35}, "4301": {false, 35}, "4302": {false, 70}, "4303": {false, 70},
	"4304": {false, 70}, "4305": {false, 70}, "4306": {false, 70}, "4307": {true, 2},
	"4308": {false, 30}, "4309": {true, 20}, "4310": {false, 35}, "4311": {false, 35},
	"4312": {false, 70}, "4313": {false, 70}, "4314": {false, 70}, "4315": {false, 70},
	"4316": {false, 70}, "4317": {true, 2}, "4318": {false, 20}, "4319": {false, 30},
	"4320": {false, 35}, "4321": {true, 1}, "4322": {true, 1}, "4323": {true, 1},
	"4324": {true, 10}, "4325": {true, 10}, "4326": {true, 6}, "4330": {false, 7},
	"4331": {false, 7}, "4332": {false, 7}, "4333": {false, 7},
	"7001": {true, 13}, "7002": {false, 30}, "7003": {true, 10}, "7004": {false, 4},
	"7005": {false, 12}, "7006": {true, 6}, "7007": {false, 12}, "7008": {false, 3},
	"7009": {false, 10}, "7010": {false, 2}, "7011": {false, 10}, "7020": {false, 20},
	"7021": {false, 20}, "7022": {false, 20}, "7023": {false, 30}, "7040": {true, 4},
	"7041": {false, 4},
	"710":  {false, 20}, "711": {false, 20}, "712": {false, 20}, "713": {false, 20},
	"714": {false, 20}, "715": {false, 20}, "716": {false, 20},
	"7240": {false, 20}, "7241": {true, 2}, "7242": {false, 25}, "7250": {true, 8},
	"7251": {true, 12}, "7252": {true, 1}, "7253": {false, 40}, "7254": {false, 40},
	"7255": {false, 10}, "7256": {false, 90}, "7257": {false, 70}, "7258": {true, 3},
	"7259": {false, 40},
	"8001": {true, 14}, "8002": {false, 20}, "8003": {false, 30}, "8004": {false, 30},
	"8005": {true, 6}, "8006": {true, 18}, "8007": {false, 34}, "8008": {false, 12},
	"8009": {false, 50}, "8010": {false, 30}, "8011": {false, 12}, "8012": {false, 20},
	"8013": {false, 25}, "8014": {false, 25}, "8017": {true, 18}, "8018": {true, 18},
	"8019": {false, 10}, "8020": {false, 25}, "8026": {true, 18}, "8030": {false, 90},
	"8110": {false, 70}, "8111": {true, 4}, "8112": {false, 70}, "8200": {false, 70},
	"90": {false, 30},
}

// lookupAI returns the data field of ai. An AI whose length is defined
// by its prefix but that the table does not list reads as a
// variable-length field of up to 90 characters, so that newer AIs still
// decode.
func lookupAI(ai string) aiFormat {
	if f, ok := aiFormats[ai]; ok {
		return f
	}
	switch {
	case len(ai) == 2 && ai[0] == '9': // 91–99: company internal
		return aiFormat{false, 90}
	case len(ai) == 4 && ai[0] == '3' && ai[1] >= '1' && ai[1] <= '6':
		return aiFormat{true, 6} // measures, decimal point in the 4th digit
	case strings.HasPrefix(ai, "390") || strings.HasPrefix(ai, "392"):
		return aiFormat{false, 15} // amounts
	case strings.HasPrefix(ai, "391") || strings.HasPrefix(ai, "393"):
		return aiFormat{false, 18} // currency and amount
	case strings.HasPrefix(ai, "394"):
		return aiFormat{true, 4}
	case strings.HasPrefix(ai, "395"):
		return aiFormat{true, 6}
	case strings.HasPrefix(ai, "703"):
		return aiFormat{false, 30}
	case strings.HasPrefix(ai, "723"):
		return aiFormat{false, 30}
	}
	return aiFormat{false, 90}
}

// humanReadable writes an element string (AIs and data, GS after
// variable-length fields) in the form "(01)09501101530003(10)ABC", the
// human readable interpretation ZXing-family decoders return.
func humanReadable(element string) (string, error) {
	f := fieldWriter{element: element, parses: map[int]bool{}}
	if err := f.write(0, true); err != nil {
		return "", err
	}
	if f.out.Len() == 0 {
		return "", errEmptyFields
	}
	return f.out.String(), nil
}

// fieldWriter splits an element string into AI fields. parses memoizes,
// by offset, whether the rest of the string splits into fields.
type fieldWriter struct {
	element string
	out     strings.Builder
	parses  map[int]bool
}

// write splits element[at:]; with emit unset it only checks that it can.
func (f *fieldWriter) write(at int, emit bool) error {
	rest := f.element[at:]
	for len(rest) > 0 {
		if rest[0] == groupSeparator { // FNC1 after a fixed-length field
			rest = rest[1:]
			continue
		}
		if len(rest) < 2 {
			return errUnknownAI
		}
		n := aiDigits(rest[0], rest[1])
		if n == 0 || len(rest) < n {
			return errUnknownAI
		}
		ai := rest[:n]
		for i := 0; i < n; i++ {
			if ai[i] < '0' || ai[i] > '9' {
				return errUnknownAI
			}
		}
		rest = rest[n:]
		format := lookupAI(ai)
		size := format.max
		if format.fixed {
			if len(rest) < size || strings.IndexByte(rest[:size], groupSeparator) >= 0 {
				return errBadField
			}
		} else {
			size = strings.IndexByte(rest, groupSeparator)
			if size < 0 {
				size = len(rest)
			}
			if size > format.max && f.restParses(len(f.element)-len(rest)+format.max) {
				// An encoder left out FNC1 after a field of maximum
				// length; what follows is the next AI.
				size = format.max
			}
		}
		if size == 0 {
			return errBadField
		}
		if emit {
			f.out.WriteByte('(')
			f.out.WriteString(ai)
			f.out.WriteByte(')')
			f.out.WriteString(rest[:size])
		}
		rest = rest[size:]
	}
	return nil
}

func (f *fieldWriter) restParses(at int) bool {
	ok, seen := f.parses[at]
	if !seen {
		ok = f.write(at, false) == nil
		f.parses[at] = ok
	}
	return ok
}
