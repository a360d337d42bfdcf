package wire

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// License types.
const (
	LicensePerDevice = "device" // at most MaxDevices active devices
	LicensePerScan   = "scan"   // at most ScansPerPeriod scans per period
)

// Periods of a per-scan license. Unused quota does not roll over.
const (
	PeriodDay   = "day"
	PeriodMonth = "month"
	PeriodYear  = "year"
)

// Features a license may grant beyond decoding. A device ignores names it
// does not know, so that a vendor may grant features a newer scannerd has.
const (
	// FeatureUnmeteredUploads lets the operator of a device leave the
	// images uploaded through the local API unmetered ([license]
	// unmetered_uploads): only the vendor can grant it, since whoever may
	// upload could otherwise decode without counting.
	FeatureUnmeteredUploads = "unmetered_uploads"
)

// DefaultInactivityDays is how long a device may stay unseen before it no
// longer counts against a device quota.
const DefaultInactivityDays = 365

// License is a vendor-signed grant. A license that lists Devices is an
// offline license: those devices decode without contacting any LTS.
type License struct {
	Version        int       `json:"v"`
	ID             string    `json:"id"`
	Customer       string    `json:"customer"`
	Type           string    `json:"type"`                       // LicensePerDevice or LicensePerScan
	MaxDevices     int       `json:"max_devices,omitempty"`      // per-device licenses
	ScansPerPeriod uint64    `json:"scans_per_period,omitempty"` // per-scan licenses
	Period         string    `json:"period,omitempty"`           // per-scan licenses: day, month, year
	Symbologies    []string  `json:"symbologies,omitempty"`      // empty: all
	Issued         time.Time `json:"issued"`
	NotBefore      time.Time `json:"not_before"`
	Expires        time.Time `json:"expires"`
	InactivityDays int       `json:"inactivity_days,omitempty"` // 0: DefaultInactivityDays
	Devices        []string  `json:"devices,omitempty"`         // offline license: bound device UUIDs
	Features       []string  `json:"features,omitempty"`        // granted features, e.g. FeatureUnmeteredUploads
}

// Validate checks that the license is self-consistent.
func (l *License) Validate() error {
	if l.Version != Version {
		return fmt.Errorf("license: %w: %d", ErrVersion, l.Version)
	}
	if err := checkString("id", l.ID, true); err != nil {
		return fmt.Errorf("license: %w", err)
	}
	if err := checkString("customer", l.Customer, false); err != nil {
		return fmt.Errorf("license: %w", err)
	}
	switch l.Type {
	case LicensePerDevice:
		if l.MaxDevices <= 0 {
			return fmt.Errorf("license: %w: per-device license needs max_devices > 0", ErrMalformed)
		}
	case LicensePerScan:
		if l.ScansPerPeriod == 0 {
			return fmt.Errorf("license: %w: per-scan license needs scans_per_period > 0", ErrMalformed)
		}
		switch l.Period {
		case PeriodDay, PeriodMonth, PeriodYear:
		default:
			return fmt.Errorf("license: %w: period %.20q (want day, month or year)", ErrMalformed, l.Period)
		}
	default:
		return fmt.Errorf("license: %w: type %.20q (want device or scan)", ErrMalformed, l.Type)
	}
	if l.Expires.IsZero() || !l.Expires.After(l.NotBefore) {
		return fmt.Errorf("license: %w: expires must be after not_before", ErrMalformed)
	}
	if l.InactivityDays < 0 {
		return fmt.Errorf("license: %w: negative inactivity_days", ErrMalformed)
	}
	if len(l.Symbologies) > maxListLength || len(l.Devices) > 100000 || len(l.Features) > maxListLength {
		return fmt.Errorf("license: %w: list too long", ErrMalformed)
	}
	for _, s := range l.Symbologies {
		if err := checkSymbologyName(s); err != nil {
			return fmt.Errorf("license: %w", err)
		}
	}
	for _, d := range l.Devices {
		if err := CheckDeviceID(d); err != nil {
			return fmt.Errorf("license: %w", err)
		}
	}
	if err := checkFeatureNames(l.Features); err != nil {
		return fmt.Errorf("license: %w", err)
	}
	return nil
}

// Grants reports whether the license grants a feature.
func (l *License) Grants(feature string) bool { return slices.Contains(l.Features, feature) }

// Inactivity returns the license's device inactivity period.
func (l *License) Inactivity() time.Duration {
	days := l.InactivityDays
	if days == 0 {
		days = DefaultInactivityDays
	}
	return time.Duration(days) * 24 * time.Hour
}

// ValidAt reports whether t falls within the license's validity.
func (l *License) ValidAt(t time.Time) bool {
	return !t.Before(l.NotBefore) && t.Before(l.Expires)
}

// BindsDevice reports whether an offline license names the device.
func (l *License) BindsDevice(device string) bool {
	for _, d := range l.Devices {
		if d == device {
			return true
		}
	}
	return false
}

// IssueLicense signs a license with the vendor key and returns the license
// file contents.
func IssueLicense(vendor ed25519.PrivateKey, l *License) ([]byte, error) {
	l.Version = Version
	if err := l.Validate(); err != nil {
		return nil, err
	}
	s, err := Sign(vendor, ContextLicense, l)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// ParseLicense verifies a license file against the trusted vendor keys and
// returns the license and its signed form.
func ParseLicense(data []byte, vendors []VendorKey) (*License, *Signed, error) {
	if len(data) > MaxBodyBytes {
		return nil, nil, fmt.Errorf("license: %w: larger than %d bytes", ErrMalformed, MaxBodyBytes)
	}
	var s Signed
	if err := decodeStrict(data, &s); err != nil {
		return nil, nil, fmt.Errorf("license: %w", err)
	}
	keys := make([]ed25519.PublicKey, 0, len(vendors))
	for _, v := range vendors {
		keys = append(keys, ed25519.PublicKey(v))
	}
	var l License
	if _, err := s.Verify(keys, ContextLicense, &l); err != nil {
		return nil, nil, fmt.Errorf("license: %w", err)
	}
	if err := l.Validate(); err != nil {
		return nil, nil, err
	}
	return &l, &s, nil
}
