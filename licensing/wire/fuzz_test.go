package wire

import (
	"crypto/ecdh"
	"crypto/ed25519"
	"encoding/json"
	"testing"
)

// Fixed keys, so that corpus entries stay meaningful across runs.
func fixedLTS() LTSPrivateKey {
	seal, _ := ecdh.X25519().NewPrivateKey(fill(32, 1))
	return LTSPrivateKey{Sign: ed25519.NewKeyFromSeed(fill(32, 2)), Seal: seal}
}

func fixedDevice() device {
	k, _ := ecdh.X25519().NewPrivateKey(fill(32, 3))
	return device{id: "6f1c2a4e-8d0b-5b7e-9a61-2c3d4e5f6a7b", key: k}
}

func fill(n int, b byte) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b + byte(i)
	}
	return out
}

func FuzzOpenRequest(f *testing.F) {
	lts, d := fixedLTS(), fixedDevice()
	a, _ := SealRequest(lts.Public(), d.id, authReq(f, d))
	u, _ := SealRequest(lts.Public(), d.id, &UsageReport{Version: Version, Device: d.id, DeviceKey: d.key.PublicKey().Bytes(),
		Nonce: fill(NonceSize, 9), Time: t0, HandshakeCode: "C", ReportID: "r", Seq: 1,
		Counts: []UsageCount{{Slot: t0, Symbology: "QR_CODE", Count: 3}}, Scans: 3})
	f.Add(a)
	f.Add(u)
	f.Add([]byte(`{"v":1,"kind":"usage","device":"` + d.id + `","sealed":"AAAA"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := ParseEnvelope(body)
		if err != nil {
			return
		}
		if r, err := OpenAuthorize(lts, env); err == nil && r.Device != env.Device {
			t.Fatalf("opened request for %s in envelope for %s", r.Device, env.Device)
		}
		if r, err := OpenUsage(lts, env); err == nil && r.Validate() != nil {
			t.Fatalf("opened an invalid report")
		}
	})
}

func FuzzOpenReply(f *testing.F) {
	lts, d := fixedLTS(), fixedDevice()
	n := fill(NonceSize, 7)
	b, _ := SealReply(lts, d.key.PublicKey().Bytes(), &Reply{Device: d.id, Nonce: n, Time: t0, Ack: &UsageAck{ReportID: "r"}})
	f.Add(b)
	rb, _ := SealReply(lts, d.key.PublicKey().Bytes(), &Reply{Device: d.id, Nonce: n, Time: t0, Ack: &UsageAck{ReportID: "r", Standing: StandingRevoked}})
	f.Add(rb)
	f.Add(ErrorEnvelope(d.id, CodeBadSeal, "x"))
	f.Add([]byte(`{"v":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := OpenReply(d.key, []LTSKey{lts.Public()}, d.id, n, body)
		if err == nil && (r.Device != d.id || string(r.Nonce) != string(n)) {
			t.Fatalf("accepted a reply for another device or request")
		}
		if err == nil && r.Ack != nil && r.Ack.Standing != "" && r.Ack.Standing != StandingActive && r.Ack.Standing != StandingRevoked {
			t.Fatalf("accepted standing %q", r.Ack.Standing)
		}
	})
}

func FuzzParseLicense(f *testing.F) {
	vendor := ed25519.NewKeyFromSeed(fill(32, 5))
	file, _ := IssueLicense(vendor, &License{ID: "L", Type: LicensePerDevice, MaxDevices: 2, NotBefore: t0, Expires: t0.AddDate(1, 0, 0),
		Devices: []string{fixedDevice().id}})
	f.Add(file)
	granting, _ := IssueLicense(vendor, &License{ID: "F", Type: LicensePerScan, ScansPerPeriod: 9, Period: PeriodDay, NotBefore: t0,
		Expires: t0.AddDate(1, 0, 0), Features: []string{FeatureUnmeteredUploads}})
	f.Add(granting)
	f.Add([]byte(`{"payload":{},"signature":""}`))
	keys := []VendorKey{VendorKey(vendor.Public().(ed25519.PublicKey))}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, _, err := ParseLicense(data, keys)
		if err == nil && l.Validate() != nil {
			t.Fatalf("accepted an invalid license")
		}
	})
}

func FuzzVerifyAuthorization(f *testing.F) {
	lts, d := fixedLTS(), fixedDevice()
	s, _ := Sign(lts.Sign, ContextAuthorization, &Authorization{Version: Version, Device: d.id, DeviceKey: d.key.PublicKey().Bytes(),
		Nonce: fill(NonceSize, 1), HandshakeCode: "C", Issued: t0, Expires: t0.Add(1e9)})
	b, _ := json.Marshal(s)
	f.Add(b)
	s, _ = Sign(lts.Sign, ContextAuthorization, &Authorization{Version: Version, Device: d.id, DeviceKey: d.key.PublicKey().Bytes(),
		Nonce: fill(NonceSize, 1), HandshakeCode: "C", Issued: t0, Expires: t0.Add(1e9), Features: []string{FeatureUnmeteredUploads}})
	b, _ = json.Marshal(s)
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		var s Signed
		if json.Unmarshal(data, &s) != nil {
			return
		}
		a, err := VerifyAuthorization(&s, []LTSKey{lts.Public()}, d.id, d.key.PublicKey().Bytes())
		if err == nil && a.Device != d.id {
			t.Fatalf("accepted another device's authorization")
		}
	})
}

func FuzzParseKeys(f *testing.F) {
	f.Add(fixedLTS().Public().String())
	f.Add(VendorKey(fixedLTS().Sign.Public().(ed25519.PublicKey)).String())
	f.Fuzz(func(t *testing.T, s string) {
		if k, err := ParseLTSKey(s); err == nil {
			if back, err := ParseLTSKey(k.String()); err != nil || back.String() != k.String() {
				t.Fatalf("LTS key does not round-trip: %q", s)
			}
		}
		if k, err := ParseVendorKey(s); err == nil && len(k) != ed25519.PublicKeySize {
			t.Fatalf("vendor key of %d bytes", len(k))
		}
		ParseLTSPrivateKeyPEM([]byte(s))
		ParseEd25519PEM([]byte(s))
	})
}
