package licensing

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/scannerd/scannerd/internal/blackbox"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
)

type result struct {
	sym  scanner.Symbology
	text string
}

// TestNoBarcodeContentLeaves meters results with known barcode texts and
// searches the raw bytes of the device store, the LTS store and every
// request body (sealed, and opened with the LTS key) for any of the texts.
func TestNoBarcodeContentLeaves(t *testing.T) {
	results := []result{
		{scanner.QRCode, "https://intranet.example.com/patient/4711?token=Zx81"},
		{scanner.Code128, "PARCEL-00942-SECRET"},
		{scanner.DataMatrix, "LOT:A77Q-55K SERIAL:0099812"},
		{scanner.EAN13, "4006381333931"},
		{scanner.PDF417, "ANSI 636014040002DL00410278ZC03190008DLDAQY1234568"},
	}
	for _, img := range blackbox.Manifest(t) {
		sym, err := scanner.ParseSymbology(img.Format)
		if err != nil || len(img.Expected) < 8 {
			continue
		}
		results = append(results, result{sym, img.Expected})
	}
	e := newEnv(t, wire.License{ID: "S", Type: wire.LicensePerScan, ScansPerPeriod: 1 << 40, Period: wire.PeriodMonth}, lts.Handshake{})
	c := e.open(t, e.config())
	mustSync(t, c)
	for i, r := range results {
		c.Count(r.sym)
		if i%50 == 0 {
			c.Flush()
		}
	}
	mustSync(t, c)
	e.link.down.Store(true) // leave some usage pending in the device store too
	for _, r := range results[:10] {
		c.Count(r.sym)
	}
	c.Sync(t.Context())
	c.Close()
	e.lts.Stop()

	var blobs []struct {
		name string
		data []byte
	}
	add := func(name string, data []byte) {
		blobs = append(blobs, struct {
			name string
			data []byte
		}{name, data})
	}
	for _, p := range []string{filepath.Join(e.dir, StoreFile), e.lts.StorePath} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		add(p, data)
	}
	e.link.mu.Lock()
	for i, body := range e.link.bodies {
		add("request body", body)
		env, err := wire.ParseEnvelope(body)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		var plain any
		if env.Kind == wire.KindUsage {
			plain, err = wire.OpenUsage(e.lts.PrivateKey, env)
		} else {
			plain, err = wire.OpenAuthorize(e.lts.PrivateKey, env)
		}
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		add("opened request", []byte(mustJSON(t, plain)))
	}
	e.link.mu.Unlock()
	if len(blobs) < 5 {
		t.Fatalf("only %d blobs captured", len(blobs))
	}
	for _, r := range results {
		for _, b := range blobs {
			if bytes.Contains(b.data, []byte(r.text)) {
				t.Errorf("%s holds barcode text %q", b.name, r.text)
			}
		}
	}
	t.Logf("%d texts searched in %d files and bodies", len(results), len(blobs))
}
