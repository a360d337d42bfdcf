package licensing

import (
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
)

func authorizedClient(b *testing.B) *Client {
	e := newEnvB(b)
	c, err := New(e.config(), Options{Now: e.lts.Clock.Now, HTTPClient: e.client})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.open(b.Context()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	if err := c.Sync(b.Context()); err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkMeterCount is the cost the meter adds per delivered result.
func BenchmarkMeterCount(b *testing.B) {
	c := authorizedClient(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Count(scanner.QRCode)
	}
}

// BenchmarkMeterCountParallel is the same with every core counting at once.
func BenchmarkMeterCountParallel(b *testing.B) {
	c := authorizedClient(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Count(scanner.EAN13)
		}
	})
}

// BenchmarkMeterPermit is the gate check the engine makes before each frame.
func BenchmarkMeterPermit(b *testing.B) {
	c := authorizedClient(b)
	now := c.now() // the test LTS clock
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Permit(now, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMeterShareOfDecode decodes a QR code in a 1920×1080 gray frame
// with gozxing, gating and metering each result, and reports what share of
// the time licensing takes.
func BenchmarkMeterShareOfDecode(b *testing.B) {
	c := authorizedClient(b)
	const w, h = 1920, 1080
	gray := make([]byte, w*h)
	for i := range gray {
		gray[i] = 200
	}
	m, err := qrcode.NewQRCodeWriter().Encode("https://example.com/item/0042", gozxing.BarcodeFormat_QR_CODE, 400, 400, nil)
	if err != nil {
		b.Fatal(err)
	}
	for y := 0; y < 400; y++ {
		for x := 0; x < 400; x++ {
			if m.Get(x, y) {
				gray[(y+340)*w+x+760] = 20
			}
		}
	}
	reader := qrcode.NewQRCodeReader()
	now := c.now() // the test LTS clock
	var decode, licensing time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		set, err := c.Permit(now, "")
		if err != nil || !set.Has(scanner.QRCode) {
			b.Fatal(err)
		}
		t1 := time.Now()
		src, _ := gozxing.NewPlanarYUVLuminanceSource(gray, w, h, 0, 0, w, h, false)
		bmp, _ := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
		if _, err := reader.Decode(bmp, nil); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		c.Count(scanner.QRCode)
		t3 := time.Now()
		decode += t2.Sub(t1)
		licensing += t1.Sub(t0) + t3.Sub(t2)
	}
	b.ReportMetric(float64(licensing.Nanoseconds())/float64(b.N), "license-ns/result")
	b.ReportMetric(float64(decode.Nanoseconds())/float64(b.N), "decode-ns/result")
	b.ReportMetric(100*float64(licensing)/float64(decode), "license-%-of-decode")
}

func newEnvB(b *testing.B) *env { return newEnv(b, wire.License{}, lts.Handshake{}) }
