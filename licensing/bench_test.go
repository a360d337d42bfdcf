package licensing

import (
	"syscall"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
)

func authorizedClient(b *testing.B) *Client { return authorizedClientSync(b, "") }

// authorizedClientSync is an authorized client with meter_sync set to sync.
func authorizedClientSync(b *testing.B, sync string) *Client {
	e := newEnvB(b)
	cfg := e.config()
	cfg.MeterSync = sync
	c, err := New(cfg, Options{Now: e.lts.Clock.Now, HTTPClient: e.client})
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
		c.Record([]scanner.Symbology{scanner.QRCode})
	}
}

// BenchmarkMeterCountParallel is the same with every core counting at once.
func BenchmarkMeterCountParallel(b *testing.B) {
	c := authorizedClient(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Record([]scanner.Symbology{scanner.EAN13})
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

// processCPU is the CPU time (user and system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkMeterShareOfDecode compares what licensing costs per result with
// what decoding costs: N decodes of a QR code in a 1920×1080 gray frame
// with gozxing, then N gate checks and N results metered one at a time —
// the worst case for the group commit, every result a write of its own —
// and one fold of the journal into the store, as the meter makes every
// second. It reports the CPU time of each (process time, user and system,
// with nothing else running in the process), licensing's share, the CPU of
// the fold alone, and the wall time a delivery waits for its count.
//
// The sub-benchmarks are the two meter_sync settings and, for comparison
// in the same run, "store": every result folded into the store at once,
// one bbolt transaction per result, which is what metering cost before the
// journal.
func BenchmarkMeterShareOfDecode(b *testing.B) {
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
	for _, mode := range []struct {
		name, sync  string
		foldEachOne bool
	}{
		{"sync=second", MeterSyncSecond, false},
		{"sync=delivery", MeterSyncDelivery, false},
		{"store", MeterSyncSecond, true},
	} {
		b.Run(mode.name, func(b *testing.B) {
			c := authorizedClientSync(b, mode.sync)
			now := c.now() // the test LTS clock
			b.ResetTimer()
			c0 := processCPU()
			for i := 0; i < b.N; i++ {
				src, _ := gozxing.NewPlanarYUVLuminanceSource(gray, w, h, 0, 0, w, h, false)
				bmp, _ := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
				if _, err := reader.Decode(bmp, nil); err != nil {
					b.Fatal(err)
				}
			}
			c1 := processCPU()
			t1 := time.Now()
			for i := 0; i < b.N; i++ {
				set, err := c.Permit(now, "")
				if err != nil || !set.Has(scanner.QRCode) {
					b.Fatal(err)
				}
				if _, err := c.Record([]scanner.Symbology{scanner.QRCode}); err != nil {
					b.Fatal(err)
				}
				if mode.foldEachOne {
					if err := c.fold(); err != nil {
						b.Fatal(err)
					}
				}
			}
			wait := time.Since(t1)
			c2 := processCPU()
			if err := c.fold(); err != nil {
				b.Fatal(err)
			}
			c3 := processCPU()
			decode, license, fold := c1-c0, c3-c1, c3-c2
			b.ReportMetric(float64(license.Nanoseconds())/float64(b.N), "license-cpu-ns/result")
			b.ReportMetric(float64(decode.Nanoseconds())/float64(b.N), "decode-cpu-ns/result")
			b.ReportMetric(100*float64(license)/float64(decode), "license-cpu-%-of-decode")
			b.ReportMetric(float64(fold.Nanoseconds()), "fold-cpu-ns")
			b.ReportMetric(float64(wait.Microseconds())/float64(b.N), "delivery-wait-us/result")
		})
	}
}

// BenchmarkRecordGroupCommit meters results from many goroutines at once,
// as the daemon's deliveries and uploads do under load, and reports how
// many results one journal record carries.
func BenchmarkRecordGroupCommit(b *testing.B) {
	c := authorizedClient(b)
	before := c.journal.next
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Record([]scanner.Symbology{scanner.EAN13}); err != nil {
				b.Error(err)
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/float64(c.journal.next-before), "results/write")
}

func newEnvB(b *testing.B) *env { return newEnv(b, wire.License{}, lts.Handshake{}) }
