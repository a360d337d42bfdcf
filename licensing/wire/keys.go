package wire

import (
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"strings"
)

// LTSKey is the public identity of an LTS that devices pin: an Ed25519 key
// that signs authorizations, and an X25519 key that requests are sealed to
// and replies are keyed with. Its text form is "lts1:" followed by the base64url encoding of
// the two keys (32 bytes each), one copy-pasteable string.
type LTSKey struct {
	Sign ed25519.PublicKey
	Seal *ecdh.PublicKey
}

const ltsKeyPrefix = "lts1:"

// String returns the text form, e.g. "lts1:AbC…".
func (k LTSKey) String() string {
	b := append(append([]byte{}, k.Sign...), k.Seal.Bytes()...)
	return ltsKeyPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// Fingerprint returns a short hex digest of the key for display.
func (k LTSKey) Fingerprint() string {
	sum := sha256.Sum256([]byte(k.String()))
	return hex.EncodeToString(sum[:8])
}

// MarshalText implements encoding.TextMarshaler.
func (k LTSKey) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; see ParseLTSKey.
func (k *LTSKey) UnmarshalText(b []byte) error {
	v, err := ParseLTSKey(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// ParseLTSKey parses the text form written by LTSKey.String.
func ParseLTSKey(s string) (LTSKey, error) {
	s = strings.TrimSpace(s)
	rest, ok := strings.CutPrefix(s, ltsKeyPrefix)
	if !ok {
		return LTSKey{}, fmt.Errorf("%w: LTS key must start with %q", ErrKey, ltsKeyPrefix)
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(b) != ed25519.PublicKeySize+32 {
		return LTSKey{}, fmt.Errorf("%w: LTS key is not 64 base64url-encoded bytes", ErrKey)
	}
	seal, err := ecdh.X25519().NewPublicKey(b[ed25519.PublicKeySize:])
	if err != nil {
		return LTSKey{}, fmt.Errorf("%w: %w", ErrKey, err)
	}
	return LTSKey{Sign: ed25519.PublicKey(b[:ed25519.PublicKeySize]), Seal: seal}, nil
}

// LTSPrivateKey is the LTS key pair: the private halves of LTSKey.
type LTSPrivateKey struct {
	Sign ed25519.PrivateKey
	Seal *ecdh.PrivateKey
}

// GenerateLTSKey makes a new LTS key pair.
func GenerateLTSKey() (LTSPrivateKey, error) {
	_, sign, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return LTSPrivateKey{}, err
	}
	seal, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return LTSPrivateKey{}, err
	}
	return LTSPrivateKey{Sign: sign, Seal: seal}, nil
}

// Public returns the public half that devices pin.
func (k LTSPrivateKey) Public() LTSKey {
	return LTSKey{Sign: k.Sign.Public().(ed25519.PublicKey), Seal: k.Seal.PublicKey()}
}

// MarshalPEM encodes both private keys as PKCS #8 PEM blocks.
func (k LTSPrivateKey) MarshalPEM() ([]byte, error) {
	var out []byte
	for _, key := range []any{k.Sign, k.Seal} {
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, err
		}
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})...)
	}
	return out, nil
}

// ParseLTSPrivateKeyPEM reads what MarshalPEM wrote: one Ed25519 and one
// X25519 PKCS #8 key, in any order.
func ParseLTSPrivateKeyPEM(data []byte) (LTSPrivateKey, error) {
	var k LTSPrivateKey
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return LTSPrivateKey{}, fmt.Errorf("%w: %w", ErrKey, err)
		}
		switch key := key.(type) {
		case ed25519.PrivateKey:
			k.Sign = key
		case *ecdh.PrivateKey:
			if key.Curve() != ecdh.X25519() {
				return LTSPrivateKey{}, fmt.Errorf("%w: seal key is not X25519", ErrKey)
			}
			k.Seal = key
		default:
			return LTSPrivateKey{}, fmt.Errorf("%w: unexpected key type %T", ErrKey, key)
		}
	}
	if k.Sign == nil || k.Seal == nil {
		return LTSPrivateKey{}, fmt.Errorf("%w: need one Ed25519 and one X25519 private key", ErrKey)
	}
	return k, nil
}

// VendorKey is the public Ed25519 key that verifies license files. Its text
// form is "ed25519:" followed by base64url of the 32-byte key.
type VendorKey ed25519.PublicKey

const vendorKeyPrefix = "ed25519:"

// String returns the text form.
func (k VendorKey) String() string {
	return vendorKeyPrefix + base64.RawURLEncoding.EncodeToString(k)
}

// MarshalText implements encoding.TextMarshaler.
func (k VendorKey) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; see ParseVendorKey.
func (k *VendorKey) UnmarshalText(b []byte) error {
	v, err := ParseVendorKey(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// ParseVendorKey parses the text form written by VendorKey.String.
func ParseVendorKey(s string) (VendorKey, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), vendorKeyPrefix)
	if !ok {
		return nil, fmt.Errorf("%w: vendor key must start with %q", ErrKey, vendorKeyPrefix)
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: vendor key is not 32 base64url-encoded bytes", ErrKey)
	}
	return VendorKey(b), nil
}

// MarshalEd25519PEM encodes an Ed25519 private key (the vendor key) as PKCS #8 PEM.
func MarshalEd25519PEM(k ed25519.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ParseEd25519PEM reads an Ed25519 private key written by MarshalEd25519PEM.
func ParseEd25519PEM(data []byte) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block", ErrKey)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKey, err)
	}
	k, ok := key.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%w: not an Ed25519 key", ErrKey)
	}
	return k, nil
}

// ParseLTSKeys parses keys as ParseLTSKey does, failing at the first bad one.
func ParseLTSKeys(keys []string) ([]LTSKey, error) { return parseEach(keys, ParseLTSKey) }

// ParseVendorKeys parses keys as ParseVendorKey does, failing at the first
// bad one.
func ParseVendorKeys(keys []string) ([]VendorKey, error) { return parseEach(keys, ParseVendorKey) }

func parseEach[K any](keys []string, parse func(string) (K, error)) ([]K, error) {
	var out []K
	for _, s := range keys {
		k, err := parse(s)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}
