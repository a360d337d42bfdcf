package robust

import (
	"errors"
	"fmt"
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// ErrMisread is what a reader given to ReadCases returns, wrapped, for a
// symbol it read as another text.
var ErrMisread = errors.New("read as another text")

// ReadCases draws each case and reads it with read, which returns nil
// when it read the symbol as drawn. It returns how many read so (ok) of
// how many were drawn (n). A misread (ErrMisread) fails t; a symbol not
// read is logged with why. Without zint the test is skipped.
func ReadCases(t testing.TB, cases []Case, read func(*Symbol, *image.Gray) error) (ok, n int) {
	t.Helper()
	for _, c := range cases {
		s, img, err := c.Image()
		if errors.Is(err, ErrNoZint) {
			t.Skip(err)
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		switch err := read(s, img); {
		case errors.Is(err, ErrMisread):
			t.Errorf("%s %v, sample %d: %v", c.Axis, c.Level, c.Index, err)
		case err != nil:
			t.Logf("%s %v, sample %d: %v", c.Axis, c.Level, c.Index, err)
		default:
			ok++
		}
	}
	t.Logf("read %d of %d", ok, n)
	return ok, n
}

// RawReader reads an image with r alone, as ReadCases wants: the image
// binarized by gozxing's hybrid binarizer, TRY_HARDER on.
func RawReader(r gozxing.Reader) func(*Symbol, *image.Gray) error {
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	return func(s *Symbol, img *image.Gray) error {
		bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(img)))
		if err != nil {
			return err
		}
		res, err := r.Decode(bmp, hints)
		if err != nil {
			return err
		}
		if !s.Matches(res.GetText()) {
			return fmt.Errorf("%w: %q", ErrMisread, res.GetText())
		}
		return nil
	}
}
