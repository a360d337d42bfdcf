package lts

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/scannerd/scannerd/licensing/wire"
)

// Store keeps the records of the LTS: licenses, handshake codes, devices,
// usage totals, the ids of counted usage reports, the nonces of authorize
// requests and failed attempts at secrets. Two implementations pass the
// conformance suite in licensing/lts/storetest: boltstore (one file, one
// ltsd) and pgstore (PostgreSQL, any number of ltsd replicas).
//
// Every method is safe for concurrent use, also from several processes
// where the implementation allows that. The policy (what a license grants)
// lives in this package and runs inside the store's transactions:
// UpdateCode holds one handshake code exclusively, so device and scan
// quotas decided in it are exact; RecordUsage holds the codes of its batch
// shared, so reports are counted concurrently but never while a code is
// being decided on.
//
// Readers (an admin console, metrics) use Catalog, DeviceAdmin and
// UsageReader, and Overview for a summary per handshake code; operators'
// changes go through Catalog and DeviceAdmin. Their reads return what a
// page shows (counts, one page of devices, a range of usage), so that they
// take milliseconds with tens of thousands of devices and years of usage. Something new to keep per
// handshake code or device (per-device scan leases, say) belongs in both
// stores behind new CodeTx methods, decided inside UpdateCode and updated
// inside RecordUsage, with cases in storetest that every store must pass.
type Store interface {
	Catalog
	DeviceAdmin
	UsageReader
	Protocol
	Accounts
	// Prune forgets what can no longer matter at now: report ids past their
	// keep time, nonces past theirs, expired console sessions, and device
	// usage older than DeviceUsageKept says.
	Prune(ctx context.Context, now time.Time) (Pruned, error)
	// Close releases the store. It is idempotent.
	Close() error
}

// Catalog is the licenses and the handshake codes they are bound to.
type Catalog interface {
	// ImportLicense stores a verified license. A license with the same id
	// is replaced by a newer issue of it (renewal) and keeps its handshake
	// binding, so devices change nothing; the issue already held leaves
	// it as it is (LicenseUnchanged); an older issue is refused with
	// ErrLicenseOlder, an offline license with ErrOfflineLicense.
	ImportLicense(ctx context.Context, l *wire.License, signed *wire.Signed, now time.Time) (ImportOutcome, error)
	// Licenses returns every imported license, by id.
	Licenses(ctx context.Context) ([]LicenseRecord, error)
	// CreateHandshake validates and stores a new handshake code and binds
	// its licenses to it (ErrExists, ErrNotFound for a license not
	// imported, ErrLicenseBound for one bound to another code).
	CreateHandshake(ctx context.Context, h *Handshake) error
	// AddLicenses binds more licenses to an existing handshake code.
	AddLicenses(ctx context.Context, code string, ids []string) error
	// Handshake returns one handshake code (ErrNotFound).
	Handshake(ctx context.Context, code string) (*Handshake, error)
	// Handshakes returns every handshake code, by code.
	Handshakes(ctx context.Context) ([]Handshake, error)
}

// DeviceAdmin is what operators see and change of devices.
type DeviceAdmin interface {
	// Devices returns the devices of a handshake code, or of every code
	// when code is empty, oldest first.
	Devices(ctx context.Context, code string) ([]Device, error)
	// SetDeviceState applies an operator's action to every registration of
	// the device UUID (ErrNotFound when there is none), and reports whether
	// that changed any of them, decided in the same transaction. Usage from
	// the device is still counted whatever its state.
	SetDeviceState(ctx context.Context, id string, action DeviceAction, now time.Time) (changed bool, err error)
	// ActiveDevices counts the devices of a handshake code that are neither
	// removed nor revoked and were last seen after since (a read: for
	// deciding on a quota, use CodeTx.ActiveDevices).
	ActiveDevices(ctx context.Context, code string, since time.Time) (int, error)
	// DeviceCounts counts the devices q's Handshake and Search keep, per
	// handshake code (codes without such devices are absent), by state at
	// q's Cutoffs.
	DeviceCounts(ctx context.Context, q *DeviceQuery) (map[string]DeviceCount, error)
	// ListDevices returns one page of the devices q keeps (see DeviceQuery).
	ListDevices(ctx context.Context, q *DeviceQuery) ([]Device, error)
}

// UsageReader reads the usage totals and the counted reports.
type UsageReader interface {
	// Usage returns the scans per handshake code, period and symbology
	// that q selects, sorted (see UsageQuery).
	Usage(ctx context.Context, q UsageQuery) ([]UsageRow, error)
	// Reports calls fn for every report id still kept, in no set order,
	// until fn returns an error.
	Reports(ctx context.Context, fn func(ReportRecord) error) error
	// HasReport reports whether a usage report id of a device is kept.
	HasReport(ctx context.Context, device, reportID string) (bool, error)
	// Used returns the scans counted under a handshake code in the UTC day,
	// month and year holding now.
	Used(ctx context.Context, code string, now time.Time) (Used, error)
	// UsedByCode returns Used of every handshake code with scans in the
	// UTC year holding now.
	UsedByCode(ctx context.Context, now time.Time) (map[string]Used, error)
	// DeviceUsage returns the scans per device and period that q selects,
	// sorted by handshake code, device and period (see DeviceUsageRow).
	DeviceUsage(ctx context.Context, q DeviceUsageQuery) ([]DeviceUsageRow, error)
}

// Protocol is what serving devices needs beyond reading the catalog.
type Protocol interface {
	// UpdateCode runs fn in a transaction that holds the handshake code
	// exclusively: no other UpdateCode or RecordUsage on the code runs
	// between fn's reads and its writes, also on other replicas. When fn
	// returns an error nothing it wrote is kept. fn may run more than once
	// (the store retries transactions that lost a conflict), so it must not
	// have effects outside tx. ErrNotFound when there is no such code.
	UpdateCode(ctx context.Context, code string, fn func(CodeTx) error) error
	// RecordUsage counts each report of the batch once, in one transaction
	// (see UsageBatch), and returns one result per report, in order. An
	// error means nothing of the batch was counted.
	RecordUsage(ctx context.Context, b *UsageBatch) ([]Recorded, error)
	// Attempt runs check, a guess at a secret, unless one of keys has had
	// rule.Max failed guesses in its current window: then it returns an
	// error wrapping ErrTooManyAttempts without running check. Guesses on
	// one key run one at a time, also across replicas, and a failed guess
	// (check returned an error wrapping ErrGuessWrong) is counted against
	// every key before the next guess on it runs; so no more than rule.Max
	// guesses fail per key and window, however many arrive at once. The
	// store keeps at most rule.Capacity keys (0: no bound); when full it
	// refuses guesses on keys it does not track yet (fails closed). Attempt
	// returns check's error. With rule.Max <= 0 nothing is refused.
	Attempt(ctx context.Context, keys []string, rule AttemptRule, check func(context.Context) error) error
}

// CodeTx is a transaction holding one handshake code (see UpdateCode).
// Its methods must not be called after fn returns.
type CodeTx interface {
	// Handshake is the code, as read when the transaction took it.
	Handshake() *Handshake
	// Licenses are the imported licenses bound to the code.
	Licenses() []LicenseRecord
	// Device returns the device registered under the code (false when none).
	Device(id string) (Device, bool, error)
	// PutDevice registers or updates a device under the code.
	PutDevice(d *Device) error
	// ActiveDevices counts the devices of the code that are neither removed
	// nor revoked and were last seen after since.
	ActiveDevices(since time.Time) (int, error)
	// Used returns the scans counted under the code in the UTC day, month
	// and year holding now.
	Used(now time.Time) (Used, error)
	// UseNonce records the nonce of a device's request until keepUntil. It
	// returns false when the nonce was recorded before (a replay).
	UseNonce(device string, nonce []byte, keepUntil time.Time) (fresh bool, err error)
	// Leased returns the scans of quota period period leased to the code's
	// devices (Device.Leased of those whose LeasePeriod is period), and how
	// many devices hold such a lease.
	Leased(period string) (scans uint64, devices int, err error)
}

// LicenseRecord is an imported license and the handshake code it is bound to.
type LicenseRecord struct {
	License   wire.License `json:"license"`
	Signed    *wire.Signed `json:"signed"`
	Handshake string       `json:"handshake,omitempty"`
	Imported  time.Time    `json:"imported"`
}

// Device is a device known to the LTS under one handshake code.
type Device struct {
	ID        string    `json:"id"`
	Handshake string    `json:"handshake"`
	Key       []byte    `json:"key"`
	Domain    string    `json:"domain,omitempty"`
	Address   string    `json:"address,omitempty"`
	Software  string    `json:"software,omitempty"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	// Authorized is the LTS time of the latest authorization, and
	// RequestTime the device's time in the request that got it: together
	// they tell the device's clock.
	Authorized  time.Time `json:"authorized,omitzero"`
	RequestTime time.Time `json:"request_time,omitzero"`
	Removed     bool      `json:"removed,omitempty"` // freed its slot; re-registers on its next authorization
	// RemovedAt is when the operator last removed the device: a request the
	// device made before then never registers it again.
	RemovedAt time.Time `json:"removed_at,omitzero"`
	Revoked   bool      `json:"revoked,omitempty"` // refused authorization until reinstated
	// Counter is the counter of the latest authorization issued to the
	// device (wire.Authorization.Counter); SeenCounter the highest one the
	// device has presented back.
	Counter     uint64 `json:"counter,omitempty"`
	SeenCounter uint64 `json:"seen_counter,omitempty"`
	// Rollbacks counts the times the device came back as an older copy of
	// itself (its state directory put back), LastRollback the latest, with
	// what was seen.
	Rollbacks    int       `json:"rollbacks,omitempty"`
	LastRollback time.Time `json:"last_rollback,omitzero"`
	RollbackNote string    `json:"rollback_note,omitempty"`
	// Leased is the share of the code's scan quota granted to the device in
	// quota period LeasePeriod (wire.Lease.Scans).
	LeasePeriod string `json:"lease_period,omitempty"`
	Leased      uint64 `json:"leased,omitempty"`
}

// DeviceAction is what an operator does to a device.
type DeviceAction string

// The device actions.
const (
	// DeviceRemove frees the device's slot; the device registers again,
	// quota permitting, with its next authorize request (not with one it
	// made before the removal).
	DeviceRemove DeviceAction = "remove"
	// DeviceRevoke refuses the device's authorization until reinstated.
	DeviceRevoke DeviceAction = "revoke"
	// DeviceReinstate undoes a revocation.
	DeviceReinstate DeviceAction = "reinstate"
)

// Apply changes d as the action says, at now.
func (a DeviceAction) Apply(d *Device, now time.Time) error {
	switch a {
	case DeviceRemove:
		d.Removed, d.RemovedAt = true, now
	case DeviceRevoke:
		d.Revoked = true
	case DeviceReinstate:
		d.Revoked = false
	default:
		return errInvalidf("device action %q (want remove, revoke or reinstate)", string(a))
	}
	return nil
}

// Changes reports whether applying a to d would change it: revoking a
// revoked device, reinstating one that is not revoked or removing a removed
// one changes nothing.
func (a DeviceAction) Changes(d *Device) bool {
	switch a {
	case DeviceRemove:
		return !d.Removed
	case DeviceRevoke:
		return !d.Revoked
	case DeviceReinstate:
		return d.Revoked
	}
	return false
}

// UsageRow is the number of scans of one symbology under one handshake code
// in one period.
type UsageRow struct {
	Handshake string `json:"handshake"`
	Period    string `json:"period"` // "2026-11-29", "2026-11" or "2026"
	Symbology string `json:"symbology"`
	Count     uint64 `json:"count"`
}

// UsageQuery selects usage totals.
type UsageQuery struct {
	// Granularity is wire.PeriodDay, PeriodMonth or PeriodYear.
	Granularity string
	// Handshake, when not empty, restricts the rows to one code.
	Handshake string
	// From and To, when not zero, restrict the rows to the periods from
	// the one holding From to the one holding To, both included (UTC).
	From, To time.Time
}

// Validate checks the granularity.
func (q *UsageQuery) Validate() error {
	switch q.Granularity {
	case wire.PeriodDay, wire.PeriodMonth, wire.PeriodYear:
		return nil
	}
	return fmt.Errorf("%w: usage by %q (want day, month or year)", ErrInvalid, q.Granularity)
}

// Days returns the first and last UTC day (DayLayout) of the periods q
// selects ("" when unbounded).
func (q *UsageQuery) Days() (first, last string) {
	if !q.From.IsZero() {
		_, start, _ := periodOf(q.Granularity, q.From)
		first = start.Format(DayLayout)
	}
	if !q.To.IsZero() {
		_, _, end := periodOf(q.Granularity, q.To)
		last = end.AddDate(0, 0, -1).Format(DayLayout)
	}
	return first, last
}

// ReportRecord is a counted usage report, kept to recognise it when the
// device sends it again.
type ReportRecord struct {
	Device    string    `json:"device"`
	ReportID  string    `json:"report_id"`
	Handshake string    `json:"handshake"`
	Seq       uint64    `json:"seq"`
	Scans     uint64    `json:"scans"`
	Received  time.Time `json:"received"`
	KeepUntil time.Time `json:"keep_until"`
}

// Used is the number of scans of a handshake code in the calendar periods
// (UTC) holding one moment.
type Used struct {
	Day, Month, Year uint64
}

// UsageBatch is a batch of usage reports for RecordUsage. A report is
// counted when its device is registered under its handshake code with its
// key, its id was not counted before, and its newest slot is at or after
// CountFrom (older usage is acknowledged as a duplicate, not counted: its id
// may have been pruned). Counts go to the UTC day of their slot, a slot
// after Now to the day of Now. The report id is kept until KeepFor after
// its newest slot: a resend after that is older than its CountFrom (when
// KeepFor is Now-CountFrom, as the server makes it).
type UsageBatch struct {
	Now       time.Time
	CountFrom time.Time
	KeepFor   time.Duration
	Reports   []*wire.UsageReport
}

// Recorded is what RecordUsage did with one report.
type Recorded struct {
	// Refused is set when the report was not taken: an unknown handshake
	// code, a device not registered with this key, or counts that would
	// take a total past MaxTotal.
	Refused   *wire.Error
	Duplicate bool // acknowledged without counting (seen before, or too old)
	// Revoked: the device is revoked (its usage is counted all the same).
	Revoked bool
	// Code is the report's handshake code after the batch; reports of one
	// code share it. Nil when Refused.
	Code *CodeState
}

// CodeState is a handshake code, its licenses and its usage around one
// moment, for the quota state in acknowledgements.
type CodeState struct {
	Handshake Handshake
	Licenses  []LicenseRecord
	Used      Used
}

// AttemptRule says how many failed guesses a key may have per window, and
// how many keys with failures the store tracks at most.
type AttemptRule struct {
	Now      time.Time
	Window   time.Duration
	Max      int
	Capacity int
}

// Pruned counts what Prune removed.
type Pruned struct {
	Reports int
	Nonces  int
	Usage   int // PostgreSQL: usage partitions of months past the window
	// Sessions are expired console sessions; DeviceUsage device totals
	// past DeviceUsageKept.
	Sessions    int
	DeviceUsage int
}

// MaxTotal is the largest usage total a store keeps (per handshake code,
// day and symbology): the int64 range, so that both stores hold the same.
const MaxTotal = 1<<63 - 1

// MaxReportScans bounds the scans of one usage report: more than a device
// can read in the longest offline period. Larger reports are refused as
// malformed, so that no report can take a total near its limit.
const MaxReportScans = 1 << 40

// AddTotal returns a+b, or false when the sum would pass MaxTotal.
func AddTotal(a, b uint64) (uint64, bool) {
	if a > MaxTotal || b > MaxTotal-a {
		return 0, false
	}
	return a + b, true
}

// addSat returns a+b, or the largest uint64 when the sum overflows.
func addSat(a, b uint64) uint64 {
	if a+b < a {
		return ^uint64(0)
	}
	return a + b
}

// ImportOutcome is what importing a license did.
type ImportOutcome int

// The outcomes of ImportLicense.
const (
	// LicenseImported: the license was new.
	LicenseImported ImportOutcome = iota
	// LicenseRenewed: a newer issue replaced the one held.
	LicenseRenewed
	// LicenseUnchanged: the very issue held was imported again.
	LicenseUnchanged
)

// String is "imported", "renewed" or "unchanged".
func (o ImportOutcome) String() string {
	switch o {
	case LicenseRenewed:
		return "renewed"
	case LicenseUnchanged:
		return "unchanged"
	}
	return "imported"
}

// ImportedLicense is the record a store keeps when it imports l at now,
// given the record it holds of the same id (nil: none): a newer issue
// renews the license and keeps its handshake binding; the same issue,
// signed alike, leaves the record as it is; an older one is refused with
// ErrLicenseOlder, an offline license with ErrOfflineLicense.
func ImportedLicense(old *LicenseRecord, l *wire.License, signed *wire.Signed, now time.Time) (LicenseRecord, ImportOutcome, error) {
	if len(l.Devices) > 0 {
		return LicenseRecord{}, LicenseImported, ErrOfflineLicense
	}
	rec := LicenseRecord{License: *l, Signed: signed, Imported: now}
	if old == nil {
		return rec, LicenseImported, nil
	}
	if l.Issued.Before(old.License.Issued) {
		return LicenseRecord{}, LicenseImported, fmt.Errorf("license %s: %w", l.ID, ErrLicenseOlder)
	}
	if l.Issued.Equal(old.License.Issued) && signed != nil && old.Signed != nil && bytes.Equal(signed.Signature, old.Signed.Signature) {
		// Ed25519 signatures are deterministic: the same signature is the
		// same payload under the same key (the payload bytes themselves
		// differ in layout between a file and the store).
		return *old, LicenseUnchanged, nil
	}
	rec.Handshake = old.Handshake
	return rec, LicenseRenewed, nil
}

// BindLicenses binds the licenses ids to a handshake code through a
// store's transaction: get reads a license (nil when there is none), put
// writes it back. A license not imported is ErrNotFound, one bound to
// another code ErrLicenseBound.
func BindLicenses(code string, ids []string, get func(id string) (*LicenseRecord, error), put func(*LicenseRecord) error) error {
	for _, id := range ids {
		r, err := get(id)
		if err != nil {
			return err
		}
		if r == nil {
			return fmt.Errorf("license %s: %w (import it first)", id, ErrNotFound)
		}
		if r.Handshake != "" && r.Handshake != code {
			return fmt.Errorf("license %s: %w %s", id, ErrLicenseBound, r.Handshake)
		}
		r.Handshake = code
		if err := put(r); err != nil {
			return err
		}
	}
	return nil
}
