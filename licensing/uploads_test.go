package licensing

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

// TestUnmeteredUploadsNeedTheLicense: unmetered_uploads takes effect only
// while the license the device holds, signed by the LTS or the vendor,
// grants the feature; otherwise uploads stay metered and the status says
// why.
func TestUnmeteredUploadsNeedTheLicense(t *testing.T) {
	granting := wire.License{ID: "U", Type: wire.LicensePerScan, ScansPerPeriod: 1000, Period: wire.PeriodMonth,
		Features: []string{wire.FeatureUnmeteredUploads}}
	plain := wire.License{ID: "P", Type: wire.LicensePerScan, ScansPerPeriod: 1000, Period: wire.PeriodMonth}
	tests := []struct {
		name    string
		lic     wire.License
		asked   bool
		metered bool
		reason  string
	}{
		{"granted and asked", granting, true, false, "handshake code"},
		{"granted, not asked", granting, false, true, "not set"},
		{"asked, not granted", plain, true, true, "does not grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tt.lic, lts.Handshake{})
			cfg := e.config()
			cfg.UnmeteredUploads = tt.asked
			c := e.open(t, cfg)
			if m := c.UploadMetering(); !m.Metered || (tt.asked && !strings.Contains(m.Reason, "no license yet")) {
				t.Errorf("before any authorization: %+v", m)
			}
			mustSync(t, c)
			m := c.UploadMetering()
			if m.Metered != tt.metered || !strings.Contains(m.Reason, tt.reason) {
				t.Errorf("UploadMetering = %+v, want metered %v, reason with %q", m, tt.metered, tt.reason)
			}
			st := c.Status()
			if st.Uploads != m || slices.Contains(st.Features, wire.FeatureUnmeteredUploads) != (tt.lic.ID == "U") {
				t.Errorf("status: uploads %+v, features %v", st.Uploads, st.Features)
			}
		})
	}
}

// TestUnmeteredUploadsFollowTheRenewal: the decision follows the license
// the device holds: a renewal that drops the feature meters the next
// upload, one that grants it again leaves it unmetered.
func TestUnmeteredUploadsFollowTheRenewal(t *testing.T) {
	lic := wire.License{ID: "U", Type: wire.LicensePerScan, ScansPerPeriod: 1000, Period: wire.PeriodMonth,
		Features: []string{wire.FeatureUnmeteredUploads}}
	e := newEnv(t, lic, lts.Handshake{})
	cfg := e.config()
	cfg.UnmeteredUploads = true
	c := e.open(t, cfg)
	for i, features := range [][]string{{wire.FeatureUnmeteredUploads}, nil, {wire.FeatureUnmeteredUploads}} {
		if i > 0 {
			// A newer issue of the same license renews it.
			e.lts.Clock.Advance(time.Minute)
			renewed := lic
			renewed.Features, renewed.Issued, renewed.Expires = features, e.lts.Clock.Now(), e.lts.Clock.Now().AddDate(2, 0, 0)
			e.lts.IssueLicense(t, renewed)
		}
		mustSync(t, c)
		if m := c.UploadMetering(); m.Metered != (features == nil) {
			t.Errorf("issue %d, features %v: %+v", i, features, m)
		}
	}
}

// TestUnmeteredUploadsOfflineLicense: an offline license grants the
// feature the same way, by the vendor's signature.
func TestUnmeteredUploadsOfflineLicense(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	probe := e.open(t, e.config())
	device := probe.Device()
	probe.Close()
	now := e.lts.Clock.Now()
	vendor := wire.VendorKey(e.lts.Vendor.Public().(ed25519.PublicKey))
	for _, features := range [][]string{{wire.FeatureUnmeteredUploads}, nil} {
		l := wire.License{ID: "OFF", Type: wire.LicensePerDevice, MaxDevices: 1, Issued: now, NotBefore: now.Add(-time.Hour),
			Expires: now.Add(30 * day), Devices: []string{device}, Features: features}
		file, err := wire.IssueLicense(e.lts.Vendor, &l)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "offline.lic")
		os.WriteFile(p, file, 0o644)
		c := e.open(t, Config{StateDir: t.TempDir(), MachineIDFile: e.mid, OfflineLicense: p,
			VendorKeys: []string{vendor.String()}, UnmeteredUploads: true})
		mustSync(t, c)
		if m := c.UploadMetering(); m.Metered != (features == nil) || (!m.Metered && !strings.Contains(m.Reason, "offline license OFF")) {
			t.Errorf("features %v: %+v", features, m)
		}
		c.Close()
	}
}
