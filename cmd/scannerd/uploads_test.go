package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/api/openapitest"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/licensing"
	"github.com/scannerd/scannerd/licensing/lts/ltstest"
	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
)

// TestUnmeteredUploadsOnlyWhenLicensed: with [license] unmetered_uploads
// set, an upload goes unmetered when the license from the LTS grants the
// feature; when it does not, the upload is metered as before, the daemon
// logs why the setting is ignored, and status and license answers say so.
func TestUnmeteredUploadsOnlyWhenLicensed(t *testing.T) {
	s, _ := symbols.Encode(scanner.Code128, "UPLOADED-1")
	cv := symbols.NewCanvas(400, 200, 230)
	cv.Draw(s, symbols.Placement{CX: 200, CY: 100, Module: 2, Dark: 20, Light: 240})
	var img bytes.Buffer
	png.Encode(&img, &image.Gray{Pix: cv.Pix, Stride: 400, Rect: image.Rect(0, 0, 400, 200)})
	for _, tt := range []struct {
		name     string
		features []string
		metered  uint64
	}{
		{"granted", []string{wire.FeatureUnmeteredUploads}, 0},
		{"not granted", nil, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, license := ltstest.StartTrialGranting(t, tt.features...)
			socket := filepath.Join(t.TempDir(), "s.sock")
			m, _, logs := startMain(t, fmt.Sprintf("[api]\nsocket = %q\nsocket_group = \"none\"\n%sunmetered_uploads = true\n", socket, license))
			waitFor(t, "the authorization", func() bool { return m.d.gate.lic.Status().State == licensing.StateAuthorized })
			c := openapitest.NewClient(t, socket)
			defer c.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			dec, err := c.Decode(ctx, bytes.NewReader(img.Bytes()), client.DecodeOptions{})
			if err != nil || len(dec.Results) != 1 || dec.Results[0].Text != "UPLOADED-1" {
				t.Fatalf("upload: %+v %v", dec, err)
			}
			totals, _ := m.d.gate.lic.Totals()
			if totals["CODE_128"] != tt.metered {
				t.Errorf("metered %v, want %d CODE_128", totals, tt.metered)
			}
			st, err := c.Status(ctx)
			if err != nil || st.License.Uploads == nil || st.License.Uploads.Metered != (tt.metered == 1) {
				t.Fatalf("status license %+v, %v", st.License, err)
			}
			doc, err := c.License(ctx)
			if err != nil || doc.Uploads != *st.License.Uploads {
				t.Fatalf("license uploads %+v, status %+v, %v", doc.Uploads, st.License.Uploads, err)
			}
			// The log says what applies to the upload, and why.
			if !strings.Contains(logs.String(), doc.Uploads.Reason) || strings.Contains(doc.Uploads.Reason, "does not grant") != (tt.metered == 1) {
				t.Errorf("reason %q; logs:\n%s", doc.Uploads.Reason, logs.String())
			}
		})
	}
}
