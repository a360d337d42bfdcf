package licensing

import (
	"fmt"
	"time"

	"github.com/scannerd/scannerd/licensing/wire"
	bolt "go.etcd.io/bbolt"
)

// Status is the license state as served by /v1/license and summarized in
// STATUS= and "scanctl license".
type Status struct {
	State   State  `json:"state"`
	Message string `json:"message,omitempty"` // what is wrong and how to fix it; empty when authorized
	Mode    Mode   `json:"mode"`
	Device  string `json:"device"`

	// HandshakeCode is the configured handshake code. When the
	// authorization (its licenses, quota and state) was granted under
	// another, one the config has changed since, AuthorizedHandshakeCode
	// names that one until the LTS authorizes the configured code.
	HandshakeCode           string    `json:"handshake_code,omitempty"`
	AuthorizedHandshakeCode string    `json:"authorized_handshake_code,omitempty"`
	Licenses                []string  `json:"licenses,omitempty"`
	Issued                  time.Time `json:"issued,omitzero"`
	Expires                 time.Time `json:"expires,omitzero"` // device time the authorization or offline license ends
	// OfflineLeft is how long the device may still decode without reaching
	// the LTS, in seconds and in words.
	OfflineLeftSeconds int64       `json:"offline_left_seconds"`
	OfflineLeft        string      `json:"offline_left"`
	Symbologies        []string    `json:"symbologies"`
	Quota              *wire.Quota `json:"quota,omitempty"`
	// Lease is the device's share of the scan quota (when there is one):
	// what it may meter in the period, and what it metered.
	Lease *LeaseStatus `json:"lease,omitempty"`
	// Features are those the license grants (wire.FeatureUnmeteredUploads).
	Features []string `json:"features,omitempty"`
	// Uploads says whether uploads through the local API are metered, and
	// why.
	Uploads UploadMetering `json:"uploads"`

	// Pending usage, not yet acknowledged by the LTS, per symbology.
	Pending        map[string]uint64 `json:"pending"`
	PendingScans   uint64            `json:"pending_scans"`
	PendingReports int               `json:"pending_reports"`

	// LTSURL is the LTS URL that answered last, and LTSAnswered when.
	LTSURL        string    `json:"lts_url,omitempty"`
	LTSAnswered   time.Time `json:"lts_answered,omitzero"`
	LastSync      time.Time `json:"last_sync,omitzero"`
	LastSyncError string    `json:"last_sync_error,omitempty"`
	LTSMessage    string    `json:"lts_message,omitempty"` // the LTS's last refusal, if any
	NextSync      time.Time `json:"next_sync,omitzero"`

	// StoreRecovered says when and why the store was last rebuilt: moved
	// aside because it did not open or verify, or caught up from the
	// rollback mark because an older copy was put back. It stays until the
	// next rebuild.
	StoreRecovered string `json:"store_recovered,omitempty"`
	// RollbackMark names the rollback mark file; RollbackMarkError says why
	// it could not be written (then a restored copy would go unnoticed).
	RollbackMark      string `json:"rollback_mark"`
	RollbackMarkError string `json:"rollback_mark_error,omitempty"`
}

// LeaseStatus is the scan lease in Status.
type LeaseStatus struct {
	Period string    `json:"period"`
	Ends   time.Time `json:"ends"`
	Scans  uint64    `json:"scans"`
	Used   uint64    `json:"used"`
}

// Status returns the current license state.
func (c *Client) Status() Status {
	wall := c.now()
	_, permitErr := c.Permit(wall, "")
	g := c.gate.Load()
	st := Status{State: g.state, Mode: c.cfg.Mode(), Device: c.Device(), Pending: map[string]uint64{}, Symbologies: []string{}}
	if permitErr != nil {
		st.Message = permitErr.Error()
		if st.State == StateAuthorized {
			st.State = stateOf(permitErr) // run out, or the scan lease used up
		}
	}
	st.HandshakeCode = c.cfg.HandshakeCode
	if g.auth != nil {
		st.Licenses, st.Issued = g.auth.Licenses, g.auth.Issued
		if g.auth.HandshakeCode != c.cfg.HandshakeCode {
			st.AuthorizedHandshakeCode = g.auth.HandshakeCode
		}
		if g.auth.Quota.Limit > 0 {
			q := g.auth.Quota
			st.Quota = &q
		}
	}
	if g.offline != nil {
		st.Licenses, st.Issued, st.Features = []string{g.offline.ID}, g.offline.Issued, g.offline.Features
	}
	if g.auth != nil {
		st.Features = g.auth.Features
	}
	st.Uploads = c.uploadMetering(g)
	if !g.until.IsZero() {
		st.Expires = g.until
		if left := g.until.Sub(c.clock.at(wall)); left > 0 {
			st.OfflineLeftSeconds = int64(left / time.Second)
			st.OfflineLeft = offlineLeftWords(left)
		} else {
			st.OfflineLeft = "0s"
		}
	}
	for _, s := range g.allowed.All() {
		st.Symbologies = append(st.Symbologies, s.String())
	}
	c.commits.mu.Lock()
	if r := c.lease.rec; r != nil {
		st.Lease = &LeaseStatus{Period: r.Period, Ends: r.End, Scans: r.Scans, Used: r.Used + c.lease.pending}
	}
	c.commits.mu.Unlock()
	// A read lock: the tick loop writes the clock and the rollback mark,
	// each with an fsync, under a read lock of its own, and Status must
	// not wait for them.
	c.storeMu.RLock()
	if c.store != nil {
		if rec, err := c.authRecord(); err == nil && rec != nil && rec.Quota.Limit > 0 {
			q := rec.Quota
			st.Quota = &q
		}
		// As the writer, so that no fold moves counts from the journal
		// to the store between reading one and the other.
		c.commits.exclusive(func() error {
			u := c.journal.pending()
			u.eachCount(func(name string, n uint64) { st.Pending[name] += n })
			return c.store.db.View(func(tx *bolt.Tx) error {
				tx.Bucket(bucketCounters).ForEach(func(k, v []byte) error {
					if len(k) > 8 {
						st.Pending[string(k[8:])] += u64(v)
					}
					return nil
				})
				return tx.Bucket(bucketReports).ForEach(func(k, v []byte) error {
					var r pendingReport
					if jsonUnmarshal(v, &r) == nil {
						st.PendingReports++
						for _, uc := range r.Counts {
							st.Pending[uc.Symbology] += uc.Count
						}
					}
					return nil
				})
			})
		})
	}
	c.storeMu.RUnlock()
	for _, n := range st.Pending {
		st.PendingScans += n
	}
	c.mu.Lock()
	st.LastSync, st.LastSyncError, st.NextSync, st.StoreRecovered, st.LTSMessage = c.lastSync, c.lastErr, c.nextSync, c.recovered, c.ltsNote
	if st.State == StateNotAuthorized && c.ltsCode != "" {
		// The LTS said why: that, not the generic advice, is what to do.
		if advice := refusalAdvice(c.ltsCode); advice != "" {
			st.Message = advice
		}
	}
	c.mu.Unlock()
	st.LTSURL, st.LTSAnswered = c.ltsURLs.lastAnswered()
	st.RollbackMark = c.mark.path
	if p := c.mark.failed.Load(); p != nil {
		st.RollbackMarkError = (*p).Error()
	}
	return st
}

// Totals returns the number of scans ever metered, per symbology: what the LTS will have counted once every report is sent.
func (c *Client) Totals() (map[string]uint64, error) {
	c.storeMu.RLock()
	defer c.storeMu.RUnlock()
	if c.store == nil {
		return nil, ErrClosed
	}
	out := map[string]uint64{}
	err := c.commits.exclusive(func() error {
		u := c.journal.pending()
		u.eachCount(func(name string, n uint64) { out[name] += n })
		return c.store.db.View(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketTotals).ForEach(func(k, v []byte) error {
				out[string(k)] += u64(v)
				return nil
			})
		})
	})
	return out, err
}

// Document returns Status as the full license document the local API serves
// at /v1/license.
func (c *Client) Document() any { return c.Status() }

// offlineLeftWords is the offline time left in words, rounded down so it
// never shows more time than is left: to the minute, or to the second
// in the last minute.
func offlineLeftWords(left time.Duration) string {
	if left < time.Minute {
		return left.Truncate(time.Second).String()
	}
	return left.Truncate(time.Minute).String()
}

// refusalAdvice says what to do about the LTS refusing to authorize the
// device, by the LTS's reason; "" for reasons with nothing better to say
// than the generic advice.
func refusalAdvice(code wire.Code) string {
	var what string
	switch code {
	case wire.CodeDeviceQuota:
		what = "the LTS has no free device slot for this device: an LTS operator frees one (ltsd device list, ltsd device remove UUID) or adds a license to the handshake code (ltsd handshake add-license)"
	case wire.CodeUnknownCode:
		what = "the LTS knows no such handshake code: check handshake_code in the [license] config"
	case wire.CodeWrongPassword:
		what = "the handshake code's session password is missing or wrong: check password or password_file in the [license] config"
	case wire.CodeRateLimited:
		what = "the LTS refuses for now after too many failures from this device or address: fix the cause (scanctl license shows the last sync error), wait, then sync"
	case wire.CodeDomain:
		what = "the handshake code's domain binding refuses this device: check domain in the [license] config, or ask the LTS operator"
	case wire.CodeNoLicense:
		what = "no license of the handshake code is valid now: an LTS operator adds one (ltsd handshake add-license)"
	case wire.CodeExpired:
		what = "every license of the handshake code has expired: an LTS operator adds a valid one (ltsd handshake add-license)"
	case wire.CodeClockSkew:
		what = "the device clock is too far from the LTS's: set the device clock (NTP)"
	case wire.CodeBadSeal:
		what = "the LTS cannot open the device's requests: check that lts_keys in the [license] config holds this LTS's key"
	case wire.CodeBadVersion:
		what = "the LTS does not speak this scannerd's protocol version: update the LTS or scannerd"
	default:
		return ""
	}
	return fmt.Sprintf("%s (the LTS refused: %s); then scanctl license sync", what, code)
}
