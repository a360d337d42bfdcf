package pdf417

import (
	"reflect"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

func TestMacroRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		meta   MacroMetadata
		fileID []int
	}{
		{"minimal", MacroMetadata{SegmentIndex: 0, FileID: "017053", SegmentCount: -1, Timestamp: -1, FileSize: -1, Checksum: -1}, []int{17, 53}},
		{"every field, last segment", MacroMetadata{
			SegmentIndex: 3, FileID: "001002003", LastSegment: true, SegmentCount: 4,
			FileName: "ticket.txt", Timestamp: 1700000000, Sender: "Gate 12", Addressee: "Kiosk",
			FileSize: 123456, Checksum: 0xBEEF,
		}, []int{1, 2, 3}},
		{"large index", MacroMetadata{SegmentIndex: 99998, FileID: "899", SegmentCount: 99999, Timestamp: -1, FileSize: -1, Checksum: -1}, []int{899}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data, err := encodeSegments([]segment{textSeg("PART")})
			if err != nil {
				t.Fatal(err)
			}
			data = append(data, macroCodewords(tc.meta, tc.fileID)...)
			spec := symbolSpec{cols: 6, ecLevel: 3}
			matrix, err := layoutSymbol(data, spec)
			if err != nil {
				t.Fatal(err)
			}
			img := drawSymbol(symbolModules(matrix, spec), 2, 3, 2)
			res, err := decodeOne(t, img, nil)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if res.GetText() != "PART" {
				t.Errorf("text %q, want %q", res.GetText(), "PART")
			}
			md, _ := res.GetResultMetadata()[gozxing.ResultMetadataType_PDF417_EXTRA_METADATA].(*Metadata)
			if md == nil || md.Macro == nil {
				t.Fatal("no macro metadata")
			}
			if !reflect.DeepEqual(*md.Macro, tc.meta) {
				t.Errorf("macro\n got %+v\nwant %+v", *md.Macro, tc.meta)
			}
		})
	}
}

func TestReaderInit(t *testing.T) {
	data := append([]int{cwReaderInit}, packTextValues([]int{0, 1, 2})...)
	spec := symbolSpec{cols: 3, ecLevel: 1}
	matrix, err := layoutSymbol(data, spec)
	if err != nil {
		t.Fatal(err)
	}
	res, err := decodeOne(t, drawSymbol(symbolModules(matrix, spec), 2, 3, 2), nil)
	if err != nil {
		t.Fatal(err)
	}
	md := res.GetResultMetadata()[gozxing.ResultMetadataType_PDF417_EXTRA_METADATA].(*Metadata)
	if !md.ReaderInit || res.GetText() != "ABC" {
		t.Errorf("text %q reader init %v, want ABC and true", res.GetText(), md.ReaderInit)
	}
}
