package pdf417

import (
	"testing"
)

// The codewords of a 1×11 symbol (4 data, 7 check codewords) are those
// of a 1×14 symbol (7 data, 7 check) shifted by three zeros: the sizes
// share the check codewords' generator. Read with a stray row beside it
// and two rows supposed missing, the 11-row symbol must not decode as the
// 14-row one, whose data would run on into its check codewords (a
// misread of "LOT 9" as "LOT 9^9&5,:" in noise); read as it is, it
// decodes, and so does a 14-row symbol whose first three codewords are
// zeros read as such (text that begins with "AAAAAA").
func TestMicroShiftedShorterSizeIsNotRead(t *testing.T) {
	rowsOf := func(text string, dataCodewords int) []microRow {
		data, err := encodeSegments([]segment{textSeg(text)})
		if err != nil {
			t.Fatal(err)
		}
		for len(data) < dataCodewords {
			data = append(data, cwTextLatch) // padding
		}
		if len(data) != dataCodewords {
			t.Fatalf("%q: %d data codewords, want %d", text, len(data), dataCodewords)
		}
		var rows []microRow
		for _, c := range append(data, ecCodewords(data, 7)...) {
			rows = append(rows, microRow{votes: [4]map[int]int{{c: 3}}})
		}
		return rows
	}
	rows := rowsOf("LOT 9", 4)
	if d, err := decodeMicroRows(rows, 1, false); err != nil || d.data.text != "LOT 9" || d.lay.rows != 11 {
		t.Fatalf("the 11 rows: %+v, %v", d, err)
	}
	if d, err := decodeMicroRows(rowsOf("AAAAAALOT 9", 7), 1, false); err != nil || d.data.text != "AAAAAALOT 9" || d.lay.rows != 14 {
		t.Fatalf("14 rows beginning with zeros: %+v, %v", d, err)
	}
	stray := microRow{votes: [4]map[int]int{{613: 3}}}
	for _, stray := range []struct {
		name string
		rows []microRow
	}{
		{"below", append(append([]microRow(nil), rows...), stray)},
		{"above", append([]microRow{stray}, rows...)},
	} {
		d, err := decodeMicroRows(stray.rows, 1, false)
		if err == nil && d.data.text != "LOT 9" {
			t.Errorf("a stray row %s: read %q as %d rows", stray.name, d.data.text, d.lay.rows)
		}
	}
}
