package wire

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Limits on message contents.
const (
	NonceSize       = 16
	MaxCounts       = 10000 // usage counts in one report
	maxStringLength = 256
	maxListLength   = 256
)

// Kinds of request, and the HTTP paths they are posted to.
const (
	KindAuthorize = "authorize"
	KindUsage     = "usage"

	PathAuthorize = "/v1/authorize"
	PathUsage     = "/v1/usage"
	PathKey       = "/v1/key"
)

// AuthorizeRequest asks the LTS to authorize a device under a handshake code.
type AuthorizeRequest struct {
	Version       int       `json:"v"`
	Device        string    `json:"device"`     // device UUID
	DeviceKey     []byte    `json:"device_key"` // X25519 public key the reply is sealed to
	Nonce         []byte    `json:"nonce"`
	Time          time.Time `json:"time"`
	HandshakeCode string    `json:"handshake_code"`
	Password      string    `json:"password,omitempty"`
	Domain        string    `json:"domain,omitempty"`
	Software      string    `json:"software,omitempty"` // e.g. "scannerd 1.2.0", for the operator
	// Counter is the counter of the authorization the device holds (0:
	// none): the LTS tells from it a device put back to an older copy of
	// itself.
	Counter uint64 `json:"counter,omitempty"`
	// LeasePeriod and PeriodScans say how much of its scan lease the device
	// has used: the scans it metered in that quota period.
	LeasePeriod string `json:"lease_period,omitempty"`
	PeriodScans uint64 `json:"period_scans,omitempty"`
	// Rollback, when set, says the device found its state put back from an
	// older copy, and what it did about it.
	Rollback string `json:"rollback,omitempty"`
}

// UsageReport carries the counts a device metered since its previous report.
// It holds symbology names and numbers only: never barcode contents.
type UsageReport struct {
	Version       int          `json:"v"`
	Device        string       `json:"device"`
	DeviceKey     []byte       `json:"device_key"`
	Nonce         []byte       `json:"nonce"`
	Time          time.Time    `json:"time"`
	HandshakeCode string       `json:"handshake_code"`
	ReportID      string       `json:"report_id"` // unique; the LTS counts a report id once
	Seq           uint64       `json:"seq"`       // the device's report sequence, for ordering
	Counts        []UsageCount `json:"counts"`
	Scans         uint64       `json:"scans"` // sum of Counts
}

// UsageCount is the number of scans of one symbology in one time slot.
type UsageCount struct {
	Slot      time.Time `json:"slot"` // start of the slot (an hour, UTC)
	Symbology string    `json:"symbology"`
	Count     uint64    `json:"count"`
}

// Reply is the LTS answer to a request, signed and sealed to the device.
// Exactly one of Authorization, Ack and Error is set.
type Reply struct {
	Version       int       `json:"v"`
	Device        string    `json:"device"`
	Nonce         []byte    `json:"nonce"` // the request nonce
	Time          time.Time `json:"time"`  // LTS time
	Authorization *Signed   `json:"authorization,omitempty"`
	Ack           *UsageAck `json:"ack,omitempty"`
	Error         *Error    `json:"error,omitempty"`
}

// UsageAck acknowledges a usage report. A report id seen before is
// acknowledged again with Duplicate set and is not counted twice.
type UsageAck struct {
	ReportID  string `json:"report_id"`
	Duplicate bool   `json:"duplicate,omitempty"`
	Quota     Quota  `json:"quota"`
	// Standing is the device's standing on the LTS as the report was
	// taken (StandingActive or StandingRevoked). The LTS sets it only for
	// a request posted with AcceptHeader naming AcceptStanding: a device
	// made before the member existed refuses a reply that holds it.
	Standing string `json:"standing,omitempty"`
}

// Standings of a device in a usage acknowledgement. A revoked device's
// usage is still counted (and acknowledged); the device stops decoding.
// Only a new authorization undoes a revocation: StandingActive changes
// nothing on the device.
const (
	StandingActive  = "active"
	StandingRevoked = "revoked"
)

// AcceptHeader is the HTTP request header by which a device names the
// optional reply members it understands, comma-separated. It only widens
// what the reply may hold: the reply itself is sealed and authenticated as
// any other, so the header decides nothing about the device's license.
const (
	AcceptHeader   = "Scannerd-Accept"
	AcceptStanding = "standing"
)

// Quota is the scan quota state of a handshake code in the current period.
type Quota struct {
	Period      string    `json:"period,omitempty"` // e.g. "2026-11" for a monthly period
	PeriodStart time.Time `json:"period_start,omitzero"`
	PeriodEnd   time.Time `json:"period_end,omitzero"`
	Limit       uint64    `json:"limit"` // scans allowed in the period, grace included; 0: unlimited
	Used        uint64    `json:"used"`
	Exhausted   bool      `json:"exhausted,omitempty"` // the LTS refuses further authorization this period
}

// Authorization is what the LTS grants a device: decode these symbologies
// until Expires. It is signed by the LTS and bound to one device and its key.
type Authorization struct {
	Version       int       `json:"v"`
	Device        string    `json:"device"`
	DeviceKey     []byte    `json:"device_key"`
	Nonce         []byte    `json:"nonce"` // the authorize request nonce
	HandshakeCode string    `json:"handshake_code"`
	Licenses      []string  `json:"licenses"`
	Issued        time.Time `json:"issued"`
	Expires       time.Time `json:"expires"`
	Symbologies   []string  `json:"symbologies,omitempty"` // empty: all
	Quota         Quota     `json:"quota"`
	// Counter grows with every authorization the LTS issues to the device.
	Counter uint64 `json:"counter,omitempty"`
	// Lease, set when the code has a scan quota, is the device's share of
	// it: the device meters no more than Lease.Scans scans in the period.
	Lease *Lease `json:"lease,omitempty"`
	// Features are those the licenses of the handshake code grant (see
	// FeatureUnmeteredUploads); set only when one does, so that a device
	// made before features existed is not sent a member it refuses.
	Features []string `json:"features,omitempty"`
}

// Grants reports whether the authorization grants a feature.
func (a *Authorization) Grants(feature string) bool { return slices.Contains(a.Features, feature) }

// Lease is the share of a handshake code's scan quota the LTS granted one
// device in one quota period: the device may meter up to Scans scans in
// the period (all it metered in the period included) and stops there
// until it is granted more. The leases of a period never add up to more
// than the quota, grace included.
type Lease struct {
	Period      string    `json:"period"` // as in Quota, e.g. "2026-11"
	PeriodStart time.Time `json:"period_start"`
	PeriodEnd   time.Time `json:"period_end"`
	Scans       uint64    `json:"scans"`
}

// Validate checks the fields every authorize request must have.
func (r *AuthorizeRequest) Validate() error {
	if err := checkCommon(r.Version, r.Device, r.DeviceKey, r.Nonce, r.Time); err != nil {
		return err
	}
	if err := checkString("handshake_code", r.HandshakeCode, true); err != nil {
		return err
	}
	for name, v := range map[string]string{"password": r.Password, "domain": r.Domain, "software": r.Software,
		"lease_period": r.LeasePeriod, "rollback": r.Rollback} {
		if err := checkString(name, v, false); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks a usage report: common fields, a report id, known-looking
// symbology names, and that Scans is the sum of the counts.
func (r *UsageReport) Validate() error {
	if err := checkCommon(r.Version, r.Device, r.DeviceKey, r.Nonce, r.Time); err != nil {
		return err
	}
	if err := checkString("handshake_code", r.HandshakeCode, true); err != nil {
		return err
	}
	if err := checkString("report_id", r.ReportID, true); err != nil {
		return err
	}
	if len(r.Counts) > MaxCounts {
		return fmt.Errorf("%w: %d counts, at most %d", ErrMalformed, len(r.Counts), MaxCounts)
	}
	var sum uint64
	for _, c := range r.Counts {
		if err := checkSymbologyName(c.Symbology); err != nil {
			return err
		}
		if c.Slot.IsZero() {
			return fmt.Errorf("%w: count without slot", ErrMalformed)
		}
		if sum+c.Count < sum {
			return fmt.Errorf("%w: counts overflow", ErrMalformed)
		}
		sum += c.Count
	}
	if sum != r.Scans {
		return fmt.Errorf("%w: scans %d is not the sum of counts %d", ErrMalformed, r.Scans, sum)
	}
	return nil
}

func checkCommon(version int, device string, key, nonce []byte, t time.Time) error {
	if version != Version {
		return fmt.Errorf("%w: %d", ErrVersion, version)
	}
	if err := CheckDeviceID(device); err != nil {
		return err
	}
	if len(key) != 32 {
		return fmt.Errorf("%w: device key is %d bytes", ErrMalformed, len(key))
	}
	if len(nonce) != NonceSize {
		return fmt.Errorf("%w: nonce is %d bytes", ErrMalformed, len(nonce))
	}
	if t.IsZero() {
		return fmt.Errorf("%w: no time", ErrMalformed)
	}
	return nil
}

// CheckDeviceID reports whether id is a device UUID in canonical lower-case form.
func CheckDeviceID(id string) error {
	u, err := uuid.Parse(id)
	if err != nil || u.String() != id {
		return fmt.Errorf("%w: device id %.40q is not a canonical UUID", ErrMalformed, id)
	}
	return nil
}

func checkString(name, v string, required bool) error {
	if required && v == "" {
		return fmt.Errorf("%w: %s missing", ErrMalformed, name)
	}
	if len(v) > maxStringLength {
		return fmt.Errorf("%w: %s longer than %d bytes", ErrMalformed, name, maxStringLength)
	}
	if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return fmt.Errorf("%w: %s holds control characters", ErrMalformed, name)
	}
	return nil
}

// checkSymbologyName accepts the shape of a stable symbology name (upper-case
// letters, digits, '_'); whether the name is known is the receiver's business.
func checkSymbologyName(s string) error {
	if s == "" || len(s) > 32 {
		return fmt.Errorf("%w: symbology name %.40q", ErrMalformed, s)
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return fmt.Errorf("%w: symbology name %.40q", ErrMalformed, s)
		}
	}
	return nil
}

// checkFeatureNames accepts the shape of feature names (lower-case letters,
// digits, '_'), each once; whether a name is known is the receiver's
// business.
func checkFeatureNames(names []string) error {
	if len(names) > maxListLength {
		return fmt.Errorf("%w: %d features, at most %d", ErrMalformed, len(names), maxListLength)
	}
	for i, s := range names {
		ok := s != "" && len(s) <= 32
		for _, r := range s {
			ok = ok && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_')
		}
		if !ok {
			return fmt.Errorf("%w: feature name %.40q", ErrMalformed, s)
		}
		if slices.Contains(names[:i], s) {
			return fmt.Errorf("%w: feature %q twice", ErrMalformed, s)
		}
	}
	return nil
}
