package wire

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

type device struct {
	id  string
	key *ecdh.PrivateKey
}

func newDevice(t testing.TB) device {
	t.Helper()
	k, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return device{id: uuid.NewString(), key: k}
}

func newLTS(t testing.TB) LTSPrivateKey {
	t.Helper()
	k, err := GenerateLTSKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func nonce(t testing.TB) []byte {
	n := make([]byte, NonceSize)
	rand.Read(n)
	return n
}

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func authReq(t testing.TB, d device) *AuthorizeRequest {
	return &AuthorizeRequest{Version: Version, Device: d.id, DeviceKey: d.key.PublicKey().Bytes(),
		Nonce: nonce(t), Time: t0, HandshakeCode: "ACME-1234", Domain: "plant.example.com"}
}

func TestRequestRoundTrip(t *testing.T) {
	lts, d := newLTS(t), newDevice(t)
	req := authReq(t, d)
	body, err := SealRequest(lts.Public(), d.id, req)
	if err != nil {
		t.Fatal(err)
	}
	env, err := ParseEnvelope(body)
	if err != nil {
		t.Fatal(err)
	}
	got, err := OpenAuthorize(lts, env)
	if err != nil {
		t.Fatal(err)
	}
	if got.HandshakeCode != req.HandshakeCode || got.Domain != req.Domain || !got.Time.Equal(req.Time) {
		t.Fatalf("opened %+v, sealed %+v", got, req)
	}
	if _, err := OpenUsage(lts, env); !errors.Is(err, ErrMalformed) {
		t.Fatalf("authorize envelope opened as usage: %v", err)
	}
}

func TestRequestRefusals(t *testing.T) {
	lts, d := newLTS(t), newDevice(t)
	other := newLTS(t)
	seal := func(lk LTSKey, mutate func(*AuthorizeRequest)) []byte {
		r := authReq(t, d)
		if mutate != nil {
			mutate(r)
		}
		b, err := SealRequest(lk, d.id, r)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tamper := func(b []byte) []byte {
		var env Envelope
		json.Unmarshal(b, &env)
		env.Sealed[len(env.Sealed)-3] ^= 1
		out, _ := json.Marshal(env)
		return out
	}
	relabel := func(b []byte) []byte {
		var env Envelope
		json.Unmarshal(b, &env)
		env.Device = uuid.NewString()
		out, _ := json.Marshal(env)
		return out
	}
	tests := []struct {
		name string
		body []byte
		want error
	}{
		{"wrong LTS key", seal(other.Public(), nil), ErrSeal},
		{"tampered seal", tamper(seal(lts.Public(), nil)), ErrSeal},
		{"envelope names another device", relabel(seal(lts.Public(), nil)), ErrSeal},
		{"body names another device", seal(lts.Public(), func(r *AuthorizeRequest) { r.Device = uuid.NewString() }), ErrWrongDevice},
		{"short nonce", seal(lts.Public(), func(r *AuthorizeRequest) { r.Nonce = r.Nonce[:4] }), ErrMalformed},
		{"no handshake code", seal(lts.Public(), func(r *AuthorizeRequest) { r.HandshakeCode = "" }), ErrMalformed},
		{"future version", seal(lts.Public(), func(r *AuthorizeRequest) { r.Version = 2 }), ErrVersion},
		{"not JSON", []byte("hello"), ErrMalformed},
		{"unknown field", []byte(`{"v":1,"kind":"authorize","device":"` + d.id + `","sealed":"AA==","x":1}`), ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := ParseEnvelope(tt.body)
			if err == nil {
				_, err = OpenAuthorize(lts, env)
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestReplyChecks(t *testing.T) {
	lts, d, other := newLTS(t), newDevice(t), newDevice(t)
	pins := []LTSKey{lts.Public()}
	n := nonce(t)
	ack := &Reply{Device: d.id, Nonce: n, Time: t0, Ack: &UsageAck{ReportID: "r1"}}
	body, err := SealReply(lts, d.key.PublicKey().Bytes(), ack)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := OpenReply(d.key, pins, d.id, n, body); err != nil || r.Ack.ReportID != "r1" {
		t.Fatalf("OpenReply = %+v, %v", r, err)
	}
	forged := newLTS(t)
	forgedBody, _ := SealReply(forged, d.key.PublicKey().Bytes(), ack)
	otherBody, _ := SealReply(lts, other.key.PublicKey().Bytes(), &Reply{Device: other.id, Nonce: n, Ack: &UsageAck{}})
	misnamed, _ := SealReply(lts, d.key.PublicKey().Bytes(), &Reply{Device: other.id, Nonce: n, Ack: &UsageAck{}})
	empty, _ := SealReply(lts, d.key.PublicKey().Bytes(), &Reply{Device: d.id, Nonce: n})
	revoking := &Reply{Device: d.id, Nonce: n, Ack: &UsageAck{ReportID: "r1", Standing: StandingRevoked}}
	forgedRevoking, _ := SealReply(forged, d.key.PublicKey().Bytes(), revoking)
	strange, _ := SealReply(lts, d.key.PublicKey().Bytes(), &Reply{Device: d.id, Nonce: n, Ack: &UsageAck{ReportID: "r1", Standing: "suspended"}})
	tests := []struct {
		name  string
		body  []byte
		nonce []byte
		want  error
	}{
		{"replayed reply to another request", body, nonce(t), ErrReplay},
		{"sealed by an unpinned LTS key", forgedBody, n, ErrSeal},
		{"sealed to another device", otherBody, n, ErrSeal},
		{"names another device", misnamed, n, ErrSeal},
		{"holds nothing", empty, n, ErrMalformed},
		{"revocation sealed by an unpinned LTS key", forgedRevoking, n, ErrSeal},
		{"standing the device does not know", strange, n, ErrMalformed},
		{"truncated", body[:len(body)/2], n, ErrMalformed},
		{"unsealed error", ErrorEnvelope(d.id, CodeBadSeal, "no"), n, &Error{Code: CodeBadSeal}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := OpenReply(d.key, pins, d.id, tt.nonce, tt.body)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestAuthorizationBinding(t *testing.T) {
	lts, d, other := newLTS(t), newDevice(t), newDevice(t)
	pins := []LTSKey{lts.Public()}
	a := &Authorization{Version: Version, Device: d.id, DeviceKey: d.key.PublicKey().Bytes(), Nonce: nonce(t),
		HandshakeCode: "X", Licenses: []string{"L1"}, Issued: t0, Expires: t0.Add(7 * 24 * time.Hour), Symbologies: []string{"QR_CODE"}}
	s, err := Sign(lts.Sign, ContextAuthorization, a)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := VerifyAuthorization(s, pins, d.id, d.key.PublicKey().Bytes()); err != nil || !got.Expires.Equal(a.Expires) {
		t.Fatalf("VerifyAuthorization = %+v, %v", got, err)
	}
	if _, err := VerifyAuthorization(s, pins, other.id, other.key.PublicKey().Bytes()); !errors.Is(err, ErrWrongDevice) {
		t.Fatalf("another device's authorization: %v", err)
	}
	tampered := *s
	tampered.Payload = []byte(string(s.Payload[:len(s.Payload)-1]) + `,"x":1}`)
	if _, err := VerifyAuthorization(&tampered, pins, d.id, d.key.PublicKey().Bytes()); !errors.Is(err, ErrSignature) {
		t.Fatalf("tampered authorization: %v", err)
	}
	// A signature made for another kind of document never verifies as an
	// authorization.
	asLicense, _ := Sign(lts.Sign, ContextLicense, a)
	if _, err := VerifyAuthorization(asLicense, pins, d.id, d.key.PublicKey().Bytes()); !errors.Is(err, ErrSignature) {
		t.Fatalf("cross-context signature: %v", err)
	}
}

func TestLicenseFile(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	l := &License{ID: "L-1", Customer: "Acme", Type: LicensePerScan, ScansPerPeriod: 1000, Period: PeriodMonth,
		NotBefore: t0, Expires: t0.AddDate(1, 0, 0), Symbologies: []string{"QR_CODE", "EAN_13"}}
	file, err := IssueLicense(priv, l)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := ParseLicense(file, []VendorKey{VendorKey(pub)})
	if err != nil {
		t.Fatal(err)
	}
	if got.ScansPerPeriod != 1000 || got.ID != "L-1" || len(got.Symbologies) != 2 {
		t.Fatalf("parsed %+v", got)
	}
	otherPub, _, _ := ed25519.GenerateKey(rand.Reader)
	if _, _, err := ParseLicense(file, []VendorKey{VendorKey(otherPub)}); !errors.Is(err, ErrSignature) {
		t.Fatalf("wrong vendor key: %v", err)
	}
	bad := []*License{
		{ID: "a", Type: "seat", NotBefore: t0, Expires: t0.Add(time.Hour)},
		{ID: "a", Type: LicensePerDevice, NotBefore: t0, Expires: t0.Add(time.Hour)},
		{ID: "a", Type: LicensePerScan, ScansPerPeriod: 1, Period: "fortnight", NotBefore: t0, Expires: t0.Add(time.Hour)},
		{ID: "a", Type: LicensePerDevice, MaxDevices: 1, NotBefore: t0, Expires: t0},
		{ID: "a", Type: LicensePerDevice, MaxDevices: 1, NotBefore: t0, Expires: t0.Add(time.Hour), Devices: []string{"not-a-uuid"}},
		{ID: "a", Type: LicensePerDevice, MaxDevices: 1, NotBefore: t0, Expires: t0.Add(time.Hour), Features: []string{"Unmetered_Uploads"}},
		{ID: "a", Type: LicensePerDevice, MaxDevices: 1, NotBefore: t0, Expires: t0.Add(time.Hour), Features: []string{""}},
		{ID: "a", Type: LicensePerDevice, MaxDevices: 1, NotBefore: t0, Expires: t0.Add(time.Hour), Features: []string{"a", "a"}},
		{ID: "a", Type: LicensePerDevice, MaxDevices: 1, NotBefore: t0, Expires: t0.Add(time.Hour), Features: []string{strings.Repeat("f", 33)}},
	}
	for i, l := range bad {
		if _, err := IssueLicense(priv, l); !errors.Is(err, ErrMalformed) {
			t.Errorf("bad license %d: %v", i, err)
		}
	}
}

func TestKeysText(t *testing.T) {
	lts := newLTS(t)
	pub := lts.Public()
	got, err := ParseLTSKey(pub.String())
	if err != nil || got.String() != pub.String() {
		t.Fatalf("ParseLTSKey = %v, %v", got, err)
	}
	pemBytes, err := lts.MarshalPEM()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseLTSPrivateKeyPEM(pemBytes)
	if err != nil || back.Public().String() != pub.String() {
		t.Fatalf("PEM round trip: %v", err)
	}
	for _, s := range []string{"", "lts1:", "lts1:AAAA", "ed25519:" + pub.String()[5:], "lts2:" + pub.String()[5:]} {
		if _, err := ParseLTSKey(s); !errors.Is(err, ErrKey) {
			t.Errorf("ParseLTSKey(%q) = %v", s, err)
		}
	}
}

// TestReplySealerKeepsKeys: a sealer's replies open for their device
// whether its key was kept or made again, and a key is bound to the device
// UUID: the same device key under another UUID does not open them.
func TestReplySealerKeepsKeys(t *testing.T) {
	lts, d, other := newLTS(t), newDevice(t), newDevice(t)
	pins := []LTSKey{lts.Public()}
	s := NewReplySealer(lts, 1)
	for i, dev := range []device{d, other, d, d} { // the second device pushes the first out
		n := nonce(t)
		body, err := s.Seal(dev.key.PublicKey().Bytes(), &Reply{Device: dev.id, Nonce: n, Time: t0, Ack: &UsageAck{ReportID: "r"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := OpenReply(dev.key, pins, dev.id, n, body); err != nil {
			t.Fatalf("reply %d: %v", i, err)
		}
	}
	n := nonce(t)
	body, _ := s.Seal(d.key.PublicKey().Bytes(), &Reply{Device: other.id, Nonce: n, Ack: &UsageAck{}})
	if _, err := OpenReply(d.key, pins, d.id, n, body); !errors.Is(err, ErrSeal) {
		t.Fatalf("reply sealed for another UUID: %v", err)
	}
}

// TestFeaturesAreSigned: a feature is granted only by the signer. It
// survives the license file and the authorization, a feature added to
// either afterwards breaks the signature, a device reads a feature it
// does not know as no grant, and a malformed name is refused.
func TestFeaturesAreSigned(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	vendors := []VendorKey{VendorKey(pub)}
	l := &License{ID: "F", Type: LicensePerDevice, MaxDevices: 1, NotBefore: t0, Expires: t0.AddDate(1, 0, 0),
		Features: []string{FeatureUnmeteredUploads, "from_a_newer_vendor"}}
	file, err := IssueLicense(priv, l)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := ParseLicense(file, vendors)
	if err != nil || !got.Grants(FeatureUnmeteredUploads) || got.Grants("other") {
		t.Fatalf("parsed %+v, %v", got, err)
	}
	plain, _ := IssueLicense(priv, &License{ID: "P", Type: LicensePerDevice, MaxDevices: 1, NotBefore: t0, Expires: t0.AddDate(1, 0, 0)})
	if bytes.Contains(plain, []byte("features")) {
		t.Errorf("a license without features names them: %s", plain)
	}
	var s Signed
	json.Unmarshal(plain, &s)
	s.Payload = bytes.Replace(s.Payload, []byte(`"v":`), []byte(`"features":["unmetered_uploads"],"v":`), 1)
	forged, _ := json.Marshal(&s)
	if _, _, err := ParseLicense(forged, vendors); !errors.Is(err, ErrSignature) {
		t.Fatalf("a feature added to a signed license: %v", err)
	}

	lts, d := newLTS(t), newDevice(t)
	pins := []LTSKey{lts.Public()}
	a := &Authorization{Version: Version, Device: d.id, DeviceKey: d.key.PublicKey().Bytes(), Nonce: nonce(t),
		HandshakeCode: "X", Licenses: []string{"F"}, Issued: t0, Expires: t0.Add(time.Hour), Features: []string{FeatureUnmeteredUploads}}
	signed, _ := Sign(lts.Sign, ContextAuthorization, a)
	if got, err := VerifyAuthorization(signed, pins, d.id, d.key.PublicKey().Bytes()); err != nil || !got.Grants(FeatureUnmeteredUploads) {
		t.Fatalf("authorization %+v, %v", got, err)
	}
	a.Features = []string{"Bad Name"}
	signed, _ = Sign(lts.Sign, ContextAuthorization, a)
	if _, err := VerifyAuthorization(signed, pins, d.id, d.key.PublicKey().Bytes()); !errors.Is(err, ErrMalformed) {
		t.Fatalf("malformed feature name: %v", err)
	}
}
