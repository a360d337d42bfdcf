package lts_test

import (
	"crypto/ecdh"
	"crypto/rand"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/scannerd/scannerd/licensing/lts/ltstest"
	"github.com/scannerd/scannerd/licensing/wire"
)

// device speaks the protocol the way scannerd does, for driving the server.
type device struct {
	id     string
	key    *ecdh.PrivateKey
	code   string
	pass   string
	domain string
	lts    *ltstest.LTS
	client *http.Client
}

func newDevice(l *ltstest.LTS, client *http.Client, code string) *device {
	k, _ := ecdh.X25519().GenerateKey(rand.Reader)
	return &device{id: uuid.NewString(), key: k, code: code, lts: l, client: client}
}

// post seals msg, posts it and opens the reply. A refusal comes back as *wire.Error.
func (d *device) post(path string, msg any, nonce []byte) (*wire.Reply, error) {
	body, err := wire.SealRequest(d.lts.Key, d.id, msg)
	if err != nil {
		return nil, err
	}
	return d.postRaw(path, body, nonce)
}

func (d *device) postRaw(path string, body, nonce []byte) (*wire.Reply, error) {
	return d.lts.Exchange(d.client, d.key, d.id, path, body, nonce)
}

func (d *device) authorizeRequest() *wire.AuthorizeRequest {
	return &wire.AuthorizeRequest{Version: wire.Version, Device: d.id, DeviceKey: d.key.PublicKey().Bytes(), Nonce: ltstest.Nonce(),
		Time: d.lts.Clock.Now(), HandshakeCode: d.code, Password: d.pass, Domain: d.domain}
}

// sealedAuthorize returns a sealed authorize request and its nonce, to post
// (and post again) with postRaw.
func (d *device) sealedAuthorize(t testing.TB) (body, nonce []byte) {
	req := d.authorizeRequest()
	body, err := wire.SealRequest(d.lts.Key, d.id, req)
	if err != nil {
		t.Fatal(err)
	}
	return body, req.Nonce
}

func (d *device) authorize() (*wire.Authorization, error) {
	req := d.authorizeRequest()
	r, err := d.post(wire.PathAuthorize, req, req.Nonce)
	if err != nil {
		return nil, err
	}
	return wire.VerifyAuthorization(r.Authorization, []wire.LTSKey{d.lts.Key}, d.id, d.key.PublicKey().Bytes())
}

func (d *device) usageReport(id string, counts map[string]uint64) *wire.UsageReport {
	rep := &wire.UsageReport{Version: wire.Version, Device: d.id, DeviceKey: d.key.PublicKey().Bytes(), Nonce: ltstest.Nonce(),
		Time: d.lts.Clock.Now(), HandshakeCode: d.code, ReportID: id}
	slot := d.lts.Clock.Now().Truncate(time.Hour)
	for sym, n := range counts {
		rep.Counts = append(rep.Counts, wire.UsageCount{Slot: slot, Symbology: sym, Count: n})
		rep.Scans += n
	}
	return rep
}

func (d *device) report(id string, counts map[string]uint64) (*wire.UsageAck, error) {
	rep := d.usageReport(id, counts)
	r, err := d.post(wire.PathUsage, rep, rep.Nonce)
	if err != nil {
		return nil, err
	}
	return r.Ack, nil
}

func mustAuthorize(t testing.TB, d *device) *wire.Authorization {
	t.Helper()
	a, err := d.authorize()
	if err != nil {
		t.Fatalf("authorize %s: %v", d.id, err)
	}
	return a
}

func reportID(i int) string { return fmt.Sprintf("r-%06d", i) }
