package licensing

import (
	"errors"
	"fmt"
	"time"

	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
)

// gate is an immutable snapshot of what the device may decode; the client
// swaps in a new one whenever the license state changes.
type gate struct {
	state      State
	err        error // set when state is not StateAuthorized
	allowed    scanner.SymbologySet
	until      time.Time // device time the authorization ends
	expiredErr error
	// from the authorization, for Status
	auth    *wire.Authorization
	offline *wire.License
}

// Permit reports which symbologies may be decoded at wall time now, or an
// error wrapping ErrNotAuthorized, ErrExpired, ErrOverQuota or ErrRevoked
// that says how to fix it. A license covers every source of the device
// alike, so source does not change the answer. It takes no locks and does
// no I/O: the engine calls it for every frame.
func (c *Client) Permit(now time.Time, source string) (scanner.SymbologySet, error) {
	g := c.gate.Load()
	if g.err != nil {
		return 0, g.err
	}
	dev := c.clock.at(now)
	if !dev.Before(g.until) {
		return 0, g.expiredErr
	}
	if err := c.leaseRefusal(dev); err != nil {
		return 0, err
	}
	return g.allowed, nil
}

func symbologySet(names []string) scanner.SymbologySet {
	if len(names) == 0 {
		return scanner.AllSymbologies()
	}
	var set scanner.SymbologySet
	for _, n := range names {
		// Names this build does not know are skipped: an LTS may grant
		// symbologies a newer scannerd reads.
		if s, err := scanner.ParseSymbology(n); err == nil {
			set = set.With(s)
		}
	}
	return set
}

func refusedGate(state State, err error) *gate {
	return &gate{state: state, err: err}
}

// gateFor derives the gate from the stored authorization record.
func (c *Client) gateFor(rec *authRecord) *gate {
	if rec != nil && rec.Revoked {
		return refusedGate(StateRevoked, ErrRevoked)
	}
	if rec != nil && rec.Signed == nil && rec.Quota.Exhausted {
		// Refused for quota with no authorization held (a reinstated
		// device, or a first authorization).
		return refusedGate(StateOverQuota, ErrOverQuota)
	}
	if rec == nil || rec.Signed == nil {
		return refusedGate(StateNotAuthorized, fmt.Errorf("%w (no authorization received yet)", ErrNotAuthorized))
	}
	a, err := wire.VerifyAuthorization(rec.Signed, c.pins, c.id.Device, c.id.Key.PublicKey().Bytes())
	if err != nil {
		return refusedGate(StateNotAuthorized, fmt.Errorf("%w (stored authorization does not verify: %v)", ErrNotAuthorized, pinHint(err)))
	}
	g := &gate{
		state:   StateAuthorized,
		allowed: symbologySet(a.Symbologies),
		until:   rec.Received.Add(a.Expires.Sub(a.Issued)),
		auth:    a,
	}
	g.expiredErr = fmt.Errorf("%w (authorization ran out at %s device time)", ErrExpired, g.until.UTC().Format(time.RFC3339))
	if rec.Quota.Exhausted {
		g.state = StateOverQuota
		g.err = fmt.Errorf("%w (%d of %d scans in period %s)", ErrOverQuota, rec.Quota.Used, rec.Quota.Limit, rec.Quota.Period)
	}
	return g
}

// offlineGate derives the gate from an offline license.
func offlineGate(l *wire.License, device string) *gate {
	if !l.BindsDevice(device) {
		return refusedGate(StateNotAuthorized, fmt.Errorf("%w (offline license %s is not bound to this device, %s)", ErrNotAuthorized, l.ID, device))
	}
	g := &gate{state: StateAuthorized, allowed: symbologySet(l.Symbologies), until: l.Expires, offline: l}
	g.expiredErr = fmt.Errorf("%w (offline license %s expired %s)", ErrExpired, l.ID, l.Expires.UTC().Format(time.RFC3339))
	return g
}

// stateOf names the state a Permit error stands for.
func stateOf(err error) State {
	switch {
	case err == nil:
		return StateAuthorized
	case errors.Is(err, ErrExpired):
		return StateExpired
	case errors.Is(err, ErrOverQuota):
		return StateOverQuota
	case errors.Is(err, ErrRevoked):
		return StateRevoked
	}
	return StateNotAuthorized
}

// logStateChange logs the license state when it changed since last time,
// including a running-out authorization, which no event announces.
func (c *Client) logStateChange() {
	_, err := c.Permit(c.now(), "")
	state := stateOf(err)
	if state == c.loggedState {
		return
	}
	c.loggedState = state
	if err != nil {
		c.log.Warn("license state changed: decoding refused", "state", state, "err", err)
		return
	}
	c.log.Info("license state changed: decoding allowed", "state", state)
}
