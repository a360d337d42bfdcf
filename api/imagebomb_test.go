package api_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/apitest"
	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/internal/imagebomb"
	"github.com/scannerd/scannerd/scanner"
)

// A 145-byte PNG whose header declares 5000×5000 16-bit RGBA pixels
// (within max_image_pixels) made the daemon's decoder allocate 200 MB
// before finding the data short. It is refused on its header and size,
// with the error scanctl decode gives, and the daemon serves on.
func TestUploadBombIsRefusedBeforeDecoding(t *testing.T) {
	ts := startServer(t)
	bomb := imagebomb.PNG(5000, 5000, 16, imagebomb.RGBA, false, 64<<10)
	status, code, body := ts.rawRequest(t, "POST", "/v1/decode", http.Header{"Content-Type": {"image/png"}}, bomb)
	if status != http.StatusBadRequest || code != "bad_image" ||
		!strings.Contains(string(body), "bytes of image data cannot hold the 200005000 of 5000×5000 pixels") {
		t.Errorf("bomb upload: %d %s %s, want 400 bad_image from the size check", status, code, body)
	}
	ts.waitUploadMemory(t, 0)
	d, err := ts.client.Decode(context.Background(), bytes.NewReader(symbolPNG(t, scanner.QRCode, "after")), client.DecodeOptions{ContentType: "image/png"})
	if err != nil || len(d.Results) != 1 {
		t.Errorf("an upload after the bomb: %+v, %v", d, err)
	}
}

// loadedDaemon converts each upload to a frame; the first it holds until
// released, as a long decode does.
type loadedDaemon struct {
	*daemon
	held             atomic.Bool
	entered, release chan struct{}
}

func (h *loadedDaemon) Decode(ctx context.Context, load func() (*scanner.Frame, error), opts scanner.Options) ([]scanner.Result, error) {
	f, err := load()
	if err != nil {
		return nil, err
	}
	if h.held.CompareAndSwap(false, true) {
		h.entered <- struct{}{}
		<-h.release
	}
	f.Purge()
	return nil, nil
}

// A decode takes the memory its image needs (the decoder's image and the
// frame) from max_upload_memory while it runs, beside the upload's body:
// a second upload whose decode does not fit in what is left is answered
// 429 busy instead of growing the heap, and the memory comes back once
// the first is done.
func TestUploadDecodeMemoryCountsAgainstBudget(t *testing.T) {
	cfg := apitest.Config(t)
	cfg.MaxBodyBytes = 64 << 10
	cfg.MaxUploadMemory = 1 << 20
	held := &loadedDaemon{daemon: newDaemon(t), entered: make(chan struct{}, 1), release: make(chan struct{})}
	ts := &testServer{socket: cfg.Socket, clock: newClock()}
	ts.Server = apitest.Serve(t, cfg, held, nil, nil, nil)
	ts.client = apiDoc(t).Client(t, cfg.Socket)

	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 600, 500))); err != nil {
		t.Fatal(err)
	}
	img := b.Bytes()
	cfgImg, _, err := image.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	decoding := scanner.DecodeMemory(cfgImg) // 600 kB: one fits in 1 MiB, two do not
	done := make(chan error, 1)
	go func() {
		_, err := ts.client.Decode(context.Background(), bytes.NewReader(img), client.DecodeOptions{ContentType: "image/png"})
		done <- err
	}()
	<-held.entered
	if v := metricValue(t, ts, "scannerd_api_upload_memory_bytes", nil); v < float64(len(img)+int(decoding)) {
		t.Errorf("while an upload decodes, uploads hold %v bytes, want its body and %d bytes for its pixels", v, decoding)
	}
	_, err = ts.client.Decode(context.Background(), bytes.NewReader(img), client.DecodeOptions{ContentType: "image/png"})
	var apiErr *client.Error
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusTooManyRequests || !errors.Is(err, api.ErrBusy) ||
		!strings.Contains(err.Error(), "decoding 600×500 pixels takes") {
		t.Errorf("a second upload while the first holds its decode's memory: %v, want 429 busy", err)
	}
	close(held.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ts.waitUploadMemory(t, 0)
	if _, err := ts.client.Decode(context.Background(), bytes.NewReader(img), client.DecodeOptions{ContentType: "image/png"}); err != nil {
		t.Errorf("the same upload once the first is done: %v", err)
	}
}
