package guard

import (
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

func TestRecover(t *testing.T) {
	read := func() (res []int, err error) {
		defer Recover("test", &res, &err)
		res = []int{1}
		panic("detector bug")
	}
	res, err := read()
	if res != nil {
		t.Errorf("results %v survived a panic", res)
	}
	if _, ok := err.(gozxing.FormatException); !ok || !strings.Contains(err.Error(), "test: internal error: detector bug") {
		t.Errorf("error %T %v", err, err)
	}
}

func TestMatrixWithoutImage(t *testing.T) {
	if _, err := Matrix("test", nil); err == nil {
		t.Fatal("no error for no image")
	} else if _, ok := err.(gozxing.NotFoundException); !ok {
		t.Errorf("error %T, want a NotFoundException", err)
	}
}
