package lts

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/scannerd/scannerd/licensing/wire"
)

// Files written by Init, relative to its directory: the layout ltsd's
// configuration defaults to.
const (
	KeyFile        = "lts.key"     // the LTS key pair
	TLSCertFile    = "tls.crt"     // the self-signed certificate
	TLSKeyFile     = "tls.key"     // its key
	StoreFile      = "lts.db"      // the bbolt store, made on first use
	AdminTokenFile = "admin.token" // the admin API's bearer token
	VendorKeyFile  = "vendor.key"  // trial vendor private key: signs trial licenses
	ConfigFile     = "ltsd.toml"
	// ExampleFile is the documented configuration (packaging/ltsd.toml:
	// every key with its default), which the config refers to. Written
	// beside it rather than referred to where a package installs it, so
	// that the reference holds without the package too.
	ExampleFile = "ltsd.example.toml"
)

// DefaultListen is the address the config Init writes listens on when it
// names no host: loopback only.
const DefaultListen = "127.0.0.1:8443"

// InitResult is what Init made.
type InitResult struct {
	Config     string // path of the config file
	URL        string // where devices reach the server, for their config
	LTSKey     wire.LTSKey
	VendorKey  wire.VendorKey
	CertSHA256 string
}

// Init creates dir with a new LTS key pair, a trial vendor key pair, a
// self-signed certificate for 127.0.0.1, ::1 and localhost (plus hosts),
// an admin token, a config file and example, the documented configuration
// the config refers to (ExampleFile). It refuses to overwrite existing
// files.
// With hosts the config listens on every interface and names the first
// host in its url, the URL devices are given.
func Init(dir string, hosts []string, example []byte, now time.Time) (*InitResult, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	for _, f := range []string{KeyFile, VendorKeyFile, TLSCertFile, TLSKeyFile, AdminTokenFile, ConfigFile, ExampleFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return nil, fmt.Errorf("init %s: %s exists: refusing to overwrite", dir, f)
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	key, err := wire.GenerateLTSKey()
	if err != nil {
		return nil, err
	}
	keyPEM, err := key.MarshalPEM()
	if err != nil {
		return nil, err
	}
	vendorPub, vendorPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	vendorPEM, err := wire.MarshalEd25519PEM(vendorPriv)
	if err != nil {
		return nil, err
	}
	certPEM, certKeyPEM, fingerprint, err := selfSigned(hosts, now)
	if err != nil {
		return nil, err
	}
	token := make([]byte, 24)
	rand.Read(token)
	vendor := wire.VendorKey(vendorPub)
	listen, deviceURL, urlLine := DefaultListen, "https://"+DefaultListen, ""
	if len(hosts) > 0 && hosts[0] != "" {
		// Named for devices elsewhere: listen where they can reach it.
		_, port, _ := net.SplitHostPort(DefaultListen)
		listen = ":" + port
		deviceURL = "https://" + net.JoinHostPort(hosts[0], port)
		urlLine = fmt.Sprintf("url = %q\n", deviceURL)
	}
	cfg := fmt.Sprintf(`# ltsd configuration, made by "ltsd init". Every key is described, with
# its default, in %s beside this file; relative paths are relative to
# this file.
listen = %q
%stls_cert = %q
tls_key = %q
key = %q
admin_token_file = %q
# The trial vendor key made by "ltsd init"; add the vendor's key for
# purchased licenses.
vendor_keys = [%q]
# The store, last: to move to PostgreSQL, replace the line below with
#   [store]
#   url = "postgres://..."
# (a [table] takes every key after it, so tables go after the keys above).
store = %q
`, ExampleFile, listen, urlLine, TLSCertFile, TLSKeyFile, KeyFile, AdminTokenFile, vendor.String(), StoreFile)
	files := []struct {
		name string
		data []byte
	}{
		{KeyFile, keyPEM}, {VendorKeyFile, vendorPEM}, {TLSKeyFile, certKeyPEM}, {TLSCertFile, certPEM},
		{AdminTokenFile, []byte(hex.EncodeToString(token) + "\n")}, {ExampleFile, example}, {ConfigFile, []byte(cfg)},
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o600); err != nil {
			return nil, err
		}
	}
	return &InitResult{Config: filepath.Join(dir, ConfigFile), URL: deviceURL, LTSKey: key.Public(), VendorKey: vendor, CertSHA256: fingerprint}, nil
}

func selfSigned(hosts []string, now time.Time) (certPEM, keyPEM []byte, fingerprint string, err error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, "", err
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "ltsd trial"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else if h != "" {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		return nil, nil, "", err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, nil, "", err
	}
	sum := sha256.Sum256(der)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), "sha256:" + hex.EncodeToString(sum[:]), nil
}

// CertFingerprint returns "sha256:" and the hex SHA-256 of the leaf
// certificate, the form devices pin with lts_cert_sha256.
func CertFingerprint(cert tls.Certificate) string {
	if len(cert.Certificate) == 0 {
		return ""
	}
	sum := sha256.Sum256(cert.Certificate[0])
	return "sha256:" + hex.EncodeToString(sum[:])
}
