package hint

import (
	"testing"

	"github.com/makiuchi-d/gozxing"
)

func TestSet(t *testing.T) {
	for _, tc := range []struct {
		hints map[gozxing.DecodeHintType]interface{}
		want  bool
	}{
		{nil, false},
		{map[gozxing.DecodeHintType]interface{}{}, false},
		{map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}, true},
		{map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: false}, false},
		{map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: "yes"}, true},
		{map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_PURE_BARCODE: true}, false},
	} {
		if got := TryHarder(tc.hints); got != tc.want {
			t.Errorf("TryHarder(%v) = %v, want %v", tc.hints, got, tc.want)
		}
	}
}
