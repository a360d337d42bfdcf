package wire

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
)

// Contexts separate what a signature is for, so a signature made for one kind
// of document never verifies as another.
const (
	ContextLicense       = "scannerd license v1"
	ContextAuthorization = "scannerd authorization v1"
)

// Signed is a signed document: the payload bytes exactly as signed, and an
// Ed25519 signature over the context string, a zero byte and the payload in
// compact JSON form. Because the signed bytes travel with the signature, no
// party re-encodes anything before verifying: the signer's encoding (Go
// encoding/json of a fixed struct: fixed field order, no maps, UTC times) is
// the canonical one. Insignificant whitespace is removed before verifying, so
// a re-indented license file still verifies; any other change does not.
type Signed struct {
	Payload   json.RawMessage `json:"payload"`
	Signature []byte          `json:"signature"`
}

// Sign encodes v and signs it under context.
func Sign(key ed25519.PrivateKey, context string, v any) (*Signed, error) {
	payload, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", context, err)
	}
	return &Signed{Payload: payload, Signature: ed25519.Sign(key, signedMessage(context, payload))}, nil
}

func signedMessage(context string, payload []byte) []byte {
	m := make([]byte, 0, len(context)+1+len(payload))
	m = append(m, context...)
	m = append(m, 0)
	return append(m, payload...)
}

// Verify checks the signature against any of keys and decodes the payload
// into v, refusing unknown fields. It returns the key that verified.
func (s *Signed) Verify(keys []ed25519.PublicKey, context string, v any) (ed25519.PublicKey, error) {
	if s == nil || len(s.Payload) == 0 {
		return nil, fmt.Errorf("%w: empty signed document", ErrMalformed)
	}
	if len(s.Signature) != ed25519.SignatureSize {
		return nil, fmt.Errorf("%w: signature is %d bytes", ErrSignature, len(s.Signature))
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, s.Payload); err != nil {
		return nil, fmt.Errorf("%w: payload: %w", ErrMalformed, err)
	}
	msg := signedMessage(context, compact.Bytes())
	var signer ed25519.PublicKey
	for _, k := range keys {
		if len(k) == ed25519.PublicKeySize && ed25519.Verify(k, msg, s.Signature) {
			signer = k
			break
		}
	}
	if signer == nil {
		return nil, fmt.Errorf("%w: %s", ErrSignature, context)
	}
	if err := decodeStrict(compact.Bytes(), v); err != nil {
		return nil, err
	}
	return signer, nil
}

// decodeStrict decodes exactly one JSON value with no unknown fields.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: trailing data", ErrMalformed)
	}
	return nil
}
