package wire

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/hpke"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sync"
)

// Envelope is the body of every request to the LTS. The device UUID travels
// in the clear as well as inside the sealed body, so the LTS can rate-limit
// before opening anything; the two must agree.
type Envelope struct {
	Version int    `json:"v"`
	Kind    string `json:"kind"`
	Device  string `json:"device"`
	Sealed  []byte `json:"sealed"`
}

// ReplyEnvelope is the body of every LTS reply. Sealed holds a signed Reply;
// Error is set instead only when the request could not be opened, and is then
// unauthenticated: a device treats it as a transport failure, never as a
// change of license state.
type ReplyEnvelope struct {
	Version int    `json:"v"`
	Device  string `json:"device,omitempty"`
	Sealed  []byte `json:"sealed,omitempty"`
	Error   *Error `json:"error,omitempty"`
}

// The HPKE suite of RFC 9180 §7: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM.
func suite() (hpke.KDF, hpke.AEAD) { return hpke.HKDFSHA256(), hpke.AES256GCM() }

func requestInfo(kind, device string) []byte {
	return []byte("scannerd/1 request " + kind + " " + device)
}

func replyInfo(device string) []byte { return []byte("scannerd/1 reply " + device) }

func seal(to *ecdh.PublicKey, info, plaintext []byte) ([]byte, error) {
	pk, err := hpke.NewDHKEMPublicKey(to)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	kdf, aead := suite()
	return hpke.Seal(pk, kdf, aead, info, plaintext)
}

func open(key *ecdh.PrivateKey, info, ciphertext []byte) ([]byte, error) {
	sk, err := hpke.NewDHKEMPrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	kdf, aead := suite()
	pt, err := hpke.Open(sk, kdf, aead, info, ciphertext)
	if err != nil {
		return nil, ErrSeal
	}
	return pt, nil
}

// SealRequest encodes msg (an *AuthorizeRequest or *UsageReport), seals it
// to the LTS and returns the envelope to post.
func SealRequest(lts LTSKey, device string, msg any) ([]byte, error) {
	var kind string
	switch msg.(type) {
	case *AuthorizeRequest:
		kind = KindAuthorize
	case *UsageReport:
		kind = KindUsage
	default:
		return nil, fmt.Errorf("seal request: unexpected message %T", msg)
	}
	plaintext, err := json.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("seal request: %w", err)
	}
	sealed, err := seal(lts.Seal, requestInfo(kind, device), plaintext)
	if err != nil {
		return nil, err
	}
	return json.Marshal(&Envelope{Version: Version, Kind: kind, Device: device, Sealed: sealed})
}

// ParseEnvelope decodes a request envelope without opening it.
func ParseEnvelope(body []byte) (*Envelope, error) {
	if len(body) > MaxBodyBytes {
		return nil, fmt.Errorf("%w: body larger than %d bytes", ErrMalformed, MaxBodyBytes)
	}
	var env Envelope
	if err := decodeStrict(body, &env); err != nil {
		return nil, err
	}
	if env.Version != Version {
		return nil, fmt.Errorf("%w: %d", ErrVersion, env.Version)
	}
	if env.Kind != KindAuthorize && env.Kind != KindUsage {
		return nil, fmt.Errorf("%w: kind %.20q", ErrMalformed, env.Kind)
	}
	if err := CheckDeviceID(env.Device); err != nil {
		return nil, err
	}
	if len(env.Sealed) == 0 {
		return nil, fmt.Errorf("%w: nothing sealed", ErrMalformed)
	}
	return &env, nil
}

// OpenAuthorize opens an authorize envelope with the LTS key and validates it.
func OpenAuthorize(key LTSPrivateKey, env *Envelope) (*AuthorizeRequest, error) {
	var req AuthorizeRequest
	if err := openRequest(key, env, KindAuthorize, &req); err != nil {
		return nil, err
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if req.Device != env.Device {
		return nil, fmt.Errorf("%w: envelope and body name different devices", ErrWrongDevice)
	}
	return &req, nil
}

// OpenUsage opens a usage envelope with the LTS key and validates it.
func OpenUsage(key LTSPrivateKey, env *Envelope) (*UsageReport, error) {
	var rep UsageReport
	if err := openRequest(key, env, KindUsage, &rep); err != nil {
		return nil, err
	}
	if err := rep.Validate(); err != nil {
		return nil, err
	}
	if rep.Device != env.Device {
		return nil, fmt.Errorf("%w: envelope and body name different devices", ErrWrongDevice)
	}
	return &rep, nil
}

func openRequest(key LTSPrivateKey, env *Envelope, kind string, v any) error {
	if env.Kind != kind {
		return fmt.Errorf("%w: %s envelope where %s expected", ErrMalformed, env.Kind, kind)
	}
	pt, err := open(key.Seal, requestInfo(env.Kind, env.Device), env.Sealed)
	if err != nil {
		return err
	}
	return decodeStrict(pt, v)
}

// Replies are sealed with AES-256-GCM under a key the LTS and the device
// agree on without sending anything: HKDF-SHA256 of the X25519 shared
// secret of the LTS key and the device key, bound to the device UUID. Only
// the holder of the LTS private key (and the device itself) can make it, so
// a reply that opens comes from the LTS: it needs no signature of its own
// (an authorization in it is signed, as the device keeps it). The LTS keeps
// the key of each device it answers (ReplySealer), so a reply costs no key
// agreement; a random 96-bit nonce per reply keeps GCM safe far past the
// replies a device gets in its life.

func replyAEAD(shared []byte, device string) (cipher.AEAD, error) {
	key, err := hkdf.Key(sha256.New, shared, nil, string(replyInfo(device)), 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// ReplySealer seals replies with an LTS key. It keeps the reply key of up
// to max devices, so that a device's next reply needs no key agreement.
// It is safe for concurrent use.
type ReplySealer struct {
	key LTSPrivateKey
	max int

	mu   sync.Mutex
	keys map[replyKeyID]cipher.AEAD
}

type replyKeyID struct {
	key    [32]byte
	device string
}

// NewReplySealer returns a sealer with key that keeps up to max device keys.
func NewReplySealer(key LTSPrivateKey, max int) *ReplySealer {
	return &ReplySealer{key: key, max: max, keys: map[replyKeyID]cipher.AEAD{}}
}

func (s *ReplySealer) aead(deviceKey []byte, device string) (cipher.AEAD, error) {
	if len(deviceKey) != 32 {
		return nil, fmt.Errorf("seal reply: %w: device key is %d bytes", ErrMalformed, len(deviceKey))
	}
	id := replyKeyID{key: [32]byte(deviceKey), device: device}
	s.mu.Lock()
	a := s.keys[id]
	s.mu.Unlock()
	if a != nil {
		return a, nil
	}
	to, err := ecdh.X25519().NewPublicKey(deviceKey)
	if err != nil {
		return nil, fmt.Errorf("seal reply: %w", err)
	}
	shared, err := s.key.Seal.ECDH(to)
	if err != nil {
		return nil, fmt.Errorf("seal reply: %w", err)
	}
	if a, err = replyAEAD(shared, device); err != nil {
		return nil, err
	}
	s.mu.Lock()
	if len(s.keys) >= s.max {
		for k := range s.keys { // full: forget one, any
			delete(s.keys, k)
			break
		}
	}
	s.keys[id] = a
	s.mu.Unlock()
	return a, nil
}

// Seal seals reply to the device key.
func (s *ReplySealer) Seal(deviceKey []byte, reply *Reply) ([]byte, error) {
	a, err := s.aead(deviceKey, reply.Device)
	if err != nil {
		return nil, err
	}
	reply.Version = Version
	plaintext, err := json.Marshal(reply)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, a.NonceSize(), a.NonceSize()+len(plaintext)+a.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	sealed := a.Seal(nonce, nonce, plaintext, []byte(reply.Device))
	return json.Marshal(&ReplyEnvelope{Version: Version, Device: reply.Device, Sealed: sealed})
}

// SealReply seals reply with the LTS key to the device key (once: a server
// keeps a ReplySealer).
func SealReply(key LTSPrivateKey, deviceKey []byte, reply *Reply) ([]byte, error) {
	return NewReplySealer(key, 1).Seal(deviceKey, reply)
}

// ErrorEnvelope is the unsealed reply for a request that could not be opened.
func ErrorEnvelope(device string, code Code, message string) []byte {
	b, _ := json.Marshal(&ReplyEnvelope{Version: Version, Device: device, Error: &Error{Code: code, Message: message}})
	return b
}

// OpenReply opens the LTS reply to the request with the given nonce: it must
// open with the key of the device key and one of the pinned LTS keys, name
// this device and echo the nonce. An unsealed error envelope is returned as
// an *Error (unauthenticated; see ReplyEnvelope). A sealed error reply is
// returned as a Reply whose Error is set.
func OpenReply(deviceKey *ecdh.PrivateKey, pins []LTSKey, device string, nonce, body []byte) (*Reply, error) {
	if len(body) > MaxBodyBytes {
		return nil, fmt.Errorf("%w: reply larger than %d bytes", ErrMalformed, MaxBodyBytes)
	}
	var env ReplyEnvelope
	if err := decodeStrict(body, &env); err != nil {
		return nil, err
	}
	if env.Version != Version {
		return nil, fmt.Errorf("%w: %d", ErrVersion, env.Version)
	}
	if len(env.Sealed) == 0 {
		if env.Error == nil {
			return nil, fmt.Errorf("%w: reply holds neither a sealed body nor an error", ErrMalformed)
		}
		return nil, &Error{Code: env.Error.Code, Message: truncate(env.Error.Message, maxStringLength)}
	}
	pt, err := openReply(deviceKey, pins, device, env.Sealed)
	if err != nil {
		return nil, err
	}
	var reply Reply
	if err := decodeStrict(pt, &reply); err != nil {
		return nil, err
	}
	if reply.Version != Version {
		return nil, fmt.Errorf("%w: %d", ErrVersion, reply.Version)
	}
	if reply.Device != device {
		return nil, ErrWrongDevice
	}
	if !bytes.Equal(reply.Nonce, nonce) {
		return nil, ErrReplay
	}
	set := 0
	for _, p := range []bool{reply.Authorization != nil, reply.Ack != nil, reply.Error != nil} {
		if p {
			set++
		}
	}
	if set != 1 {
		return nil, fmt.Errorf("%w: reply must hold exactly one of authorization, ack, error", ErrMalformed)
	}
	if a := reply.Ack; a != nil {
		switch a.Standing {
		case "", StandingActive, StandingRevoked:
		default:
			return nil, fmt.Errorf("%w: standing %.40q", ErrMalformed, a.Standing)
		}
	}
	return &reply, nil
}

// openReply opens a sealed reply with the reply key of the device key and
// each pinned LTS key in turn.
func openReply(deviceKey *ecdh.PrivateKey, pins []LTSKey, device string, sealed []byte) ([]byte, error) {
	for _, pin := range pins {
		shared, err := deviceKey.ECDH(pin.Seal)
		if err != nil {
			continue
		}
		a, err := replyAEAD(shared, device)
		if err != nil || len(sealed) < a.NonceSize() {
			continue
		}
		if pt, err := a.Open(nil, sealed[:a.NonceSize()], sealed[a.NonceSize():], []byte(device)); err == nil {
			return pt, nil
		}
	}
	return nil, ErrSeal
}

// VerifyAuthorization checks an authorization against the pinned LTS keys and
// that it was issued to this device and key.
func VerifyAuthorization(s *Signed, pins []LTSKey, device string, deviceKey []byte) (*Authorization, error) {
	var a Authorization
	if _, err := s.Verify(signKeys(pins), ContextAuthorization, &a); err != nil {
		return nil, fmt.Errorf("authorization: %w", err)
	}
	if a.Version != Version {
		return nil, fmt.Errorf("authorization: %w: %d", ErrVersion, a.Version)
	}
	if a.Device != device || !bytes.Equal(a.DeviceKey, deviceKey) {
		return nil, fmt.Errorf("authorization: %w", ErrWrongDevice)
	}
	if !a.Expires.After(a.Issued) {
		return nil, fmt.Errorf("authorization: %w: expires before it is issued", ErrMalformed)
	}
	for _, s := range a.Symbologies {
		if err := checkSymbologyName(s); err != nil {
			return nil, fmt.Errorf("authorization: %w", err)
		}
	}
	if err := checkFeatureNames(a.Features); err != nil {
		return nil, fmt.Errorf("authorization: %w", err)
	}
	return &a, nil
}

func signKeys(pins []LTSKey) []ed25519.PublicKey {
	keys := make([]ed25519.PublicKey, 0, len(pins))
	for _, p := range pins {
		keys = append(keys, p.Sign)
	}
	return keys
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
