package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

// backend is what the administrative commands act on: the store file when no
// server holds it, else the admin API of the running server.
type backend interface {
	ImportLicense(data []byte, code string) (*wire.License, lts.ImportOutcome, error)
	Licenses() ([]lts.LicenseRecord, error)
	CreateHandshake(h *lts.Handshake) error
	AddLicenses(code string, ids []string) error
	Handshakes() ([]lts.HandshakeView, error)
	Devices(code string) ([]lts.Device, error)
	// SetDeviceState reports whether the action changed the device.
	SetDeviceState(id, action string) (changed bool, err error)
	Usage(by, code string) ([]lts.UsageRow, error)
	Close() error
}

// openBackend opens the store of the config, or, when a running ltsd holds
// it, talks to that server's admin API.
func (m *Main) openBackend(cfgPath string) (backend, error) {
	cfg, st, err := openStore(context.Background(), cfgPath)
	if err == nil {
		vendors, _ := cfg.Vendors()
		return &storeBackend{ctx: context.Background(), st: st, vendors: vendors, now: m.Now}, nil
	}
	if !errors.Is(err, lts.ErrStoreBusy) {
		return nil, err
	}
	api, aerr := newAPIBackend(cfg)
	if aerr != nil {
		return nil, fmt.Errorf("%w, and its admin API is not usable: %w", err, aerr)
	}
	return api, nil
}

// storeBackend acts on the store directly.
type storeBackend struct {
	ctx     context.Context
	st      lts.Store
	vendors []wire.VendorKey
	now     func() time.Time
}

func (b *storeBackend) ImportLicense(data []byte, code string) (*wire.License, lts.ImportOutcome, error) {
	l, signed, err := wire.ParseLicense(data, b.vendors)
	if err != nil {
		return nil, lts.LicenseImported, err
	}
	outcome, err := b.st.ImportLicense(b.ctx, l, signed, b.now())
	if err == nil && code != "" {
		err = b.st.AddLicenses(b.ctx, code, []string{l.ID})
	}
	return l, outcome, err
}

func (b *storeBackend) Licenses() ([]lts.LicenseRecord, error) { return b.st.Licenses(b.ctx) }
func (b *storeBackend) CreateHandshake(h *lts.Handshake) error {
	return b.st.CreateHandshake(b.ctx, h)
}
func (b *storeBackend) AddLicenses(code string, ids []string) error {
	return b.st.AddLicenses(b.ctx, code, ids)
}
func (b *storeBackend) Devices(code string) ([]lts.Device, error) {
	if err := lts.KnownHandshake(b.ctx, b.st, code); err != nil {
		return nil, err
	}
	return b.st.Devices(b.ctx, code)
}
func (b *storeBackend) Usage(by, code string) ([]lts.UsageRow, error) {
	if err := lts.KnownHandshake(b.ctx, b.st, code); err != nil {
		return nil, err
	}
	return b.st.Usage(b.ctx, lts.UsageQuery{Granularity: by, Handshake: code})
}
func (b *storeBackend) Close() error { return b.st.Close() }

func (b *storeBackend) Handshakes() ([]lts.HandshakeView, error) {
	hs, err := b.st.Handshakes(b.ctx)
	out := make([]lts.HandshakeView, 0, len(hs))
	for _, h := range hs {
		out = append(out, lts.ViewOf(h))
	}
	return out, err
}

func (b *storeBackend) SetDeviceState(id, action string) (bool, error) {
	return b.st.SetDeviceState(b.ctx, id, lts.DeviceAction(action), b.now())
}

// apiBackend uses the admin API of the server the config describes. It
// trusts exactly the certificate in the config's tls_cert.
type apiBackend struct {
	base  string
	token string
	http  *http.Client
}

func newAPIBackend(cfg Config) (*apiBackend, error) {
	token, err := cfg.AdminToken()
	if err != nil {
		return nil, err
	}
	if token == "" {
		return nil, errors.New("admin_token_file is not set")
	}
	tlsCfg, err := cfg.TLSConfig()
	if err != nil {
		return nil, err
	}
	want := lts.CertFingerprint(tlsCfg.Certificates[0])
	addr := cfg.Listen
	if cfg.AdminListen != "" {
		addr = cfg.AdminListen
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true, // replaced by the exact-certificate check below
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 || lts.CertFingerprint(tls.Certificate{Certificate: [][]byte{cs.PeerCertificates[0].Raw}}) != want {
				return errors.New("server certificate is not the configured tls_cert")
			}
			return nil
		},
	}}}
	return &apiBackend{base: "https://" + net.JoinHostPort(host, port), token: token, http: client}, nil
}

func (a *apiBackend) do(method, path string, body io.Reader, out any) error {
	req, err := http.NewRequest(method, a.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := a.http.Do(req)
	if err != nil {
		return fmt.Errorf("admin API: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		json.Unmarshal(data, &e)
		return fmt.Errorf("admin API: %s: %s", resp.Status, e.Error.Message)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(data, out)
}

func (a *apiBackend) ImportLicense(data []byte, code string) (*wire.License, lts.ImportOutcome, error) {
	var out struct {
		License   *wire.License `json:"license"`
		Renewed   bool          `json:"renewed"`
		Unchanged bool          `json:"unchanged"`
	}
	err := a.do("POST", "/admin/v1/licenses?handshake="+url.QueryEscape(code), bytes.NewReader(data), &out)
	outcome := lts.LicenseImported
	switch {
	case out.Unchanged:
		outcome = lts.LicenseUnchanged
	case out.Renewed:
		outcome = lts.LicenseRenewed
	}
	return out.License, outcome, err
}

func (a *apiBackend) Licenses() ([]lts.LicenseRecord, error) {
	var out struct{ Licenses []lts.LicenseRecord }
	err := a.do("GET", "/admin/v1/licenses", nil, &out)
	return out.Licenses, err
}

func (a *apiBackend) CreateHandshake(h *lts.Handshake) error {
	body, err := json.Marshal(h)
	if err != nil {
		return err
	}
	var out struct{ Code string }
	if err := a.do("POST", "/admin/v1/handshakes", bytes.NewReader(body), &out); err != nil {
		return err
	}
	h.Code = out.Code
	return nil
}

func (a *apiBackend) AddLicenses(code string, ids []string) error {
	body, _ := json.Marshal(map[string][]string{"licenses": ids})
	return a.do("POST", "/admin/v1/handshakes/"+url.PathEscape(code)+"/licenses", bytes.NewReader(body), nil)
}

func (a *apiBackend) Handshakes() ([]lts.HandshakeView, error) {
	var out struct{ Handshakes []lts.HandshakeView }
	err := a.do("GET", "/admin/v1/handshakes", nil, &out)
	return out.Handshakes, err
}

func (a *apiBackend) Devices(code string) ([]lts.Device, error) {
	var out struct{ Devices []lts.Device }
	err := a.do("GET", "/admin/v1/devices?handshake="+url.QueryEscape(code), nil, &out)
	return out.Devices, err
}

func (a *apiBackend) SetDeviceState(id, action string) (bool, error) {
	var out struct {
		Changed bool `json:"changed"`
	}
	err := a.do("POST", "/admin/v1/devices/"+url.PathEscape(id)+"/"+action, nil, &out)
	return out.Changed, err
}

func (a *apiBackend) Usage(by, code string) ([]lts.UsageRow, error) {
	var out struct{ Usage []lts.UsageRow }
	err := a.do("GET", "/admin/v1/usage?by="+by+"&handshake="+url.QueryEscape(code), nil, &out)
	return out.Usage, err
}

func (a *apiBackend) Close() error { return nil }
