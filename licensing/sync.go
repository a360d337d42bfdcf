package licensing

import (
	"bytes"
	"cmp"
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/scannerd/scannerd/internal/backoff"
	"github.com/scannerd/scannerd/licensing/wire"
	bolt "go.etcd.io/bbolt"
)

// Sync authorizes when needed and sends every pending usage report, in
// order. It is what the sync loop runs and what POST /v1/license/sync asks
// for. With an offline license it does nothing: the device never contacts an
// LTS. A sync that had nothing to send renews the authorization instead, so
// every successful sync has reached the LTS: the last sync time in Status is
// the last time the LTS answered. An error that is the LTS's answer refusing
// the device (rather than an LTS not reached) matches ErrLTSRefused.
//
// A Sync asked for while another is under way (the sync loop's, or another
// caller's) waits for that one. When that one could not reach the LTS, it
// returns the same error rather than trying again straight after; otherwise
// it syncs in turn, so that what was counted meanwhile goes too. A sync stops
// at the first request that fails, so with the LTS unreachable or frozen a
// Sync returns within request_timeout per LTS URL, however it was asked for.
func (c *Client) Sync(ctx context.Context) error {
	for {
		c.flightMu.Lock()
		f := c.inflight
		if f == nil {
			break
		}
		c.flightMu.Unlock()
		if c.onJoin != nil {
			c.onJoin()
		}
		select {
		case <-f.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		var refused *wire.Error
		if f.err != nil && !f.abandoned && !errors.As(f.err, &refused) {
			return f.err
		}
	}
	f := &syncCall{done: make(chan struct{})}
	c.inflight = f
	c.flightMu.Unlock()
	f.err = c.syncOnce(ctx)
	f.abandoned = ctx.Err() != nil
	c.flightMu.Lock()
	c.inflight = nil
	c.flightMu.Unlock()
	close(f.done)
	return f.err
}

// syncCall is one sync under way; done is closed once err is set.
type syncCall struct {
	done chan struct{}
	err  error
	// abandoned: the context of the Sync that made it ended during it, so
	// its error may be that caller's giving up, not the LTS's: a Sync
	// that joined it makes its own attempt.
	abandoned bool
}

func (c *Client) syncOnce(ctx context.Context) error {
	c.syncMu.Lock()
	defer c.syncMu.Unlock()
	if c.closed.Load() || c.store == nil {
		return ErrClosed
	}
	switch c.cfg.Mode() {
	case ModeOffline:
		return nil
	case ModeUnconfigured:
		return fmt.Errorf("%w (no license configured)", ErrNotAuthorized)
	}
	err := c.sync(ctx)
	if merr := c.writeMark(); merr != nil {
		c.log.Error("licensing", "err", merr)
	}
	rec := syncRecord{Error: ""}
	c.mu.Lock()
	if err == nil {
		c.lastSync, c.lastErr = c.now(), ""
	} else {
		c.lastErr = err.Error()
	}
	rec.Last, rec.Error = c.lastSync, c.lastErr
	c.mu.Unlock()
	if perr := c.putMeta(keySync, &rec); perr != nil && err == nil {
		err = perr
	}
	return markRefusal(err)
}

// markRefusal marks err as an LTS refusal when it holds the LTS's signed
// answer refusing the device. An LTS that answers it failed (internal) has
// not refused anything; a reply nobody signed never gets here as a
// wire.Error (postTo makes it a transport failure).
func markRefusal(err error) error {
	var e *wire.Error
	if err == nil || !errors.As(err, &e) || e.Code == wire.CodeInternal {
		return err
	}
	return refusal{err}
}

// sync authorizes if needed and reports usage. Usage is reported even when
// the LTS refuses the authorization (a revoked or over-quota device still
// owes its usage); the refusal is returned after.
func (c *Client) sync(ctx context.Context) error {
	var authErr error
	authorized := false
	if c.needsAuthorization() {
		authErr = c.authorize(ctx)
		var refused *wire.Error
		if authErr != nil && !errors.As(authErr, &refused) {
			return authErr // the LTS was not reached, or its reply was bad
		}
		authorized = true
	}
	// Reports cut earlier go first, in order. Only once they are through
	// are the counters cut into a new report: while the LTS is unreachable
	// usage stays in the counters instead of piling up small reports.
	sent, revoked, err := c.sendReports(ctx)
	if err != nil {
		return err
	}
	cut, err := c.cutReports()
	if err != nil {
		return err
	}
	if cut {
		// The mark must know of the new report before the LTS can count
		// it: a rollback would otherwise cut these counts again.
		if err := c.writeMark(); err != nil {
			return err
		}
	}
	more, revokedLater, err := c.sendReports(ctx)
	if err != nil {
		return err
	}
	if !authorized && sent+more == 0 {
		// Nothing went to the LTS: renew the authorization instead, which
		// also brings the quota state up to date.
		return c.authorize(ctx)
	}
	if authErr == nil {
		authErr = cmp.Or(revokedLater, revoked)
	}
	return authErr
}

// needsAuthorization: no authorization, or half its offline period gone,
// or refused for quota or revoked (both may have changed on the LTS), or
// granted under a handshake code other than the configured one.
func (c *Client) needsAuthorization() bool {
	g := c.gate.Load()
	if g.auth == nil || g.state != StateAuthorized || c.leaseLow() || g.auth.HandshakeCode != c.cfg.HandshakeCode {
		return true
	}
	now := c.clock.tick()
	validity := g.auth.Expires.Sub(g.auth.Issued)
	return g.until.Sub(now) < validity/2
}

// authorize asks the LTS for a new authorization. A refusal other than
// "revoked" or "scan quota" keeps the current authorization until it runs out.
func (c *Client) authorize(ctx context.Context) error {
	password, err := c.cfg.password()
	if err != nil {
		return err
	}
	req := &wire.AuthorizeRequest{
		Version: wire.Version, Device: c.id.Device, DeviceKey: c.id.Key.PublicKey().Bytes(), Nonce: newNonce(),
		Time: c.now(), HandshakeCode: c.cfg.HandshakeCode, Password: password, Domain: c.cfg.Domain, Software: c.software,
		Rollback: c.rollbackToReport(),
	}
	if g := c.gate.Load(); g.auth != nil {
		req.Counter = g.auth.Counter
	}
	req.LeasePeriod, req.PeriodScans = c.leaseUse()
	reply, err := c.post(ctx, wire.PathAuthorize, req, req.Nonce)
	if err != nil {
		return fmt.Errorf("authorize: %w", err)
	}
	received := c.clock.tick()
	rec, err := c.authRecord()
	if err != nil {
		return err
	}
	if rec == nil {
		rec = &authRecord{}
	}
	if e := reply.Error; e != nil {
		c.setNote(e.Code, e.Message)
		switch e.Code {
		case wire.CodeRevoked:
			rec = &authRecord{Revoked: true}
		case wire.CodeScanQuota:
			// A refusal for quota, not revocation: a revoked device that
			// was reinstated is no longer revoked, only over quota.
			if rec.Revoked {
				rec = &authRecord{}
			}
			rec.Quota.Exhausted = true
		default:
			return fmt.Errorf("authorize: %w", e)
		}
		if err := c.saveAuth(rec, nil); err != nil {
			return err
		}
		return fmt.Errorf("authorize: %w", e)
	}
	if reply.Authorization == nil {
		return fmt.Errorf("authorize: %w: reply holds no authorization", wire.ErrMalformed)
	}
	a, err := wire.VerifyAuthorization(reply.Authorization, c.pins, c.id.Device, c.id.Key.PublicKey().Bytes())
	if err != nil {
		return pinHint(err)
	}
	if !bytes.Equal(a.Nonce, req.Nonce) {
		return fmt.Errorf("authorize: %w", wire.ErrReplay)
	}
	c.setNote("", "")
	if err := c.saveAuth(&authRecord{Signed: reply.Authorization, Received: received, Quota: a.Quota}, a); err != nil {
		return err
	}
	if req.Rollback != "" {
		c.rollbackReported()
	}
	c.log.Info("licensing authorized", "handshake", a.HandshakeCode, "licenses", a.Licenses, "offline_until", c.gate.Load().until)
	return nil
}

// saveAuth stores an authorization record and, when it holds a new
// authorization (a is set), the lease that comes with it.
func (c *Client) saveAuth(rec *authRecord, a *wire.Authorization) error {
	var lease *leaseRecord
	err := c.update(func(tx *bolt.Tx) error {
		if err := putJSON(tx.Bucket(bucketMeta), keyAuth, rec); err != nil {
			return err
		}
		if a == nil {
			return nil
		}
		var err error
		lease, err = takeLease(tx, a.Lease)
		return err
	})
	if err != nil {
		return fmt.Errorf("save authorization: %w", err)
	}
	if a != nil {
		c.commits.mu.Lock()
		c.setLease(lease)
		c.commits.mu.Unlock()
	}
	c.gate.Store(c.gateFor(rec))
	return nil
}

func (c *Client) setNote(code wire.Code, msg string) {
	c.mu.Lock()
	c.ltsNote, c.ltsCode = msg, code
	c.mu.Unlock()
}

// cutReports moves the counters into pending reports with unique ids, in one
// transaction: a count is either in the counters or in exactly one report.
// It reports whether there was anything to cut.
func (c *Client) cutReports() (bool, error) {
	cut := false
	err := c.update(func(tx *bolt.Tx) error {
		cb := tx.Bucket(bucketCounters)
		var counts []wire.UsageCount
		var keys [][]byte
		err := cb.ForEach(func(k, v []byte) error {
			if len(k) <= 8 {
				return nil
			}
			counts = append(counts, wire.UsageCount{
				Slot:      time.Unix(int64(binary.BigEndian.Uint64(k[:8])), 0).UTC(),
				Symbology: string(k[8:]),
				Count:     u64(v),
			})
			keys = append(keys, append([]byte{}, k...))
			return nil
		})
		if err != nil || len(counts) == 0 {
			return err
		}
		cut = true
		for _, k := range keys {
			if err := cb.Delete(k); err != nil {
				return err
			}
		}
		meta, rb := tx.Bucket(bucketMeta), tx.Bucket(bucketReports)
		seq := u64(meta.Get(keySeq))
		for len(counts) > 0 {
			n := min(len(counts), wire.MaxCounts)
			seq++
			r := pendingReport{ID: uuid.NewString(), Seq: seq, Created: c.now().UTC(), Counts: counts[:n]}
			for _, uc := range r.Counts {
				r.Scans += uc.Count
			}
			if err := putJSON(rb, be64(seq), &r); err != nil {
				return err
			}
			counts = counts[n:]
		}
		return meta.Put(keySeq, be64(seq))
	})
	return cut, err
}

func (c *Client) pendingReports() ([]pendingReport, error) {
	var out []pendingReport
	err := c.store.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketReports).ForEach(func(k, v []byte) error {
			var r pendingReport
			if err := jsonUnmarshal(v, &r); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// sendReports sends the pending reports oldest first and deletes each once
// acknowledged; it returns how many were acknowledged. A report the LTS
// counted whose acknowledgement was lost is sent again and acknowledged as
// a duplicate, never counted twice. An acknowledgement that says the
// device is revoked revokes it at once, in the transaction that deletes
// the report, and the rest of the reports still go (a revoked device still
// owes its usage); the revocation is returned as revoked.
func (c *Client) sendReports(ctx context.Context) (sent int, revoked error, err error) {
	reports, err := c.pendingReports()
	if err != nil {
		return 0, nil, err
	}
	reauthorized := false
	for i := 0; i < len(reports); i++ {
		r := reports[i]
		msg := &wire.UsageReport{
			Version: wire.Version, Device: c.id.Device, DeviceKey: c.id.Key.PublicKey().Bytes(), Nonce: newNonce(),
			Time: c.now(), HandshakeCode: c.cfg.HandshakeCode, ReportID: r.ID, Seq: r.Seq, Counts: r.Counts, Scans: r.Scans,
		}
		reply, err := c.post(ctx, wire.PathUsage, msg, msg.Nonce)
		if err != nil {
			return sent, revoked, fmt.Errorf("report usage: %w", err)
		}
		if e := reply.Error; e != nil {
			if e.Code == wire.CodeNotAuthorized && !reauthorized {
				// The LTS does not know this device key (a new identity,
				// or removed): authorize and send this report again.
				reauthorized = true
				if err := c.authorize(ctx); err != nil {
					return sent, revoked, err
				}
				i--
				continue
			}
			return sent, revoked, fmt.Errorf("report usage: %w", e)
		}
		if reply.Ack == nil || reply.Ack.ReportID != r.ID {
			return sent, revoked, fmt.Errorf("report usage: %w: acknowledgement for another report", wire.ErrMalformed)
		}
		isRevoked := reply.Ack.Standing == wire.StandingRevoked
		if err := c.acknowledged(r.Seq, reply.Ack.Quota, isRevoked); err != nil {
			return sent, revoked, err
		}
		if isRevoked && revoked == nil {
			const msg = "the device was revoked"
			c.setNote(wire.CodeRevoked, msg)
			c.log.Warn("licensing revoked", "by", "usage acknowledgement")
			revoked = fmt.Errorf("report usage: %w", &wire.Error{Code: wire.CodeRevoked, Message: msg})
		}
		sent++
	}
	return sent, revoked, nil
}

// acknowledged deletes an acknowledged report and records the quota state,
// or the revocation the acknowledgement carried: a revoked device keeps no
// authorization, so a restart does not decode again.
func (c *Client) acknowledged(seq uint64, q wire.Quota, revoked bool) error {
	rec, err := c.authRecord()
	if err != nil {
		return err
	}
	changed := false
	switch {
	case revoked:
		if rec == nil || !rec.Revoked {
			rec, changed = &authRecord{Revoked: true}, true
		}
	case rec != nil && rec.Signed != nil && rec.Quota != q:
		rec.Quota, changed = q, true
	}
	err = c.update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketReports).Delete(be64(seq)); err != nil {
			return err
		}
		if changed {
			return putJSON(tx.Bucket(bucketMeta), keyAuth, rec)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete acknowledged report: %w", err)
	}
	if changed || rec != nil && rec.Signed != nil {
		c.gate.Store(c.gateFor(rec))
	}
	return nil
}

// post seals msg to the LTS, posts it and opens the reply. With several
// LTS URLs it goes to the one that answered last, and on to the next while
// one cannot be reached or answers that it failed (internal): a refusal is
// an answer and goes no further.
func (c *Client) post(ctx context.Context, path string, msg any, nonce []byte) (*wire.Reply, error) {
	var reply *wire.Reply
	var err error
	for k, i := range c.ltsURLs.order(c.now()) {
		if k > 0 {
			// The replica that failed may have taken the request before
			// its reply was lost: the next one gets it with a new nonce, or
			// it would refuse it as a replay.
			nonce = renewNonce(msg)
		}
		body, serr := wire.SealRequest(c.pins[0], c.id.Device, msg)
		if serr != nil {
			return nil, serr
		}
		reply, err = c.postTo(ctx, c.ltsURLs.url(i), path, body, nonce)
		if err == nil && (reply.Error == nil || reply.Error.Code != wire.CodeInternal) {
			c.ltsURLs.ok(i, c.now())
			return reply, nil
		}
		c.ltsURLs.failed(i, c.now())
		if ctx.Err() != nil {
			break
		}
	}
	return reply, err
}

// renewNonce gives a request a new nonce and returns it.
func renewNonce(msg any) []byte {
	n := newNonce()
	switch m := msg.(type) {
	case *wire.AuthorizeRequest:
		m.Nonce = n
	case *wire.UsageReport:
		m.Nonce = n
	}
	return n
}

// postTo posts a sealed body to one LTS URL and opens the reply.
func (c *Client) postTo(ctx context.Context, base, path string, body, nonce []byte) (*wire.Reply, error) {
	url := strings.TrimRight(base, "/") + path
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(wire.AcceptHeader, wire.AcceptStanding)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, wire.MaxBodyBytes+1))
	if err != nil {
		return nil, err
	}
	reply, err := wire.OpenReply(c.id.Key, c.pins, c.id.Device, nonce, out)
	err = pinHint(err)
	var unsealed *wire.Error
	switch {
	case errors.As(err, &unsealed):
		// Unauthenticated: a transport failure, never a license decision.
		return nil, fmt.Errorf("LTS could not take the request (HTTP %d, %s): %s", resp.StatusCode, unsealed.Code, unsealed.Message)
	case err != nil && resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("LTS answered HTTP %d: %w", resp.StatusCode, err)
	}
	return reply, err
}

// pinHint adds what to check to an error of an LTS reply or authorization
// that no pinned key opens or verifies: the usual cause is lts_keys holding
// another LTS's key, or a key of this LTS from before it was set up again,
// and it says so, as the LTS's own refusals say what to do.
func pinHint(err error) error {
	if errors.Is(err, wire.ErrSignature) || errors.Is(err, wire.ErrSeal) {
		return fmt.Errorf("%w (check that lts_keys in the [license] config holds this LTS's key: ltsd pin on the LTS prints it)", err)
	}
	return err
}

func newNonce() []byte {
	n := make([]byte, wire.NonceSize)
	crand.Read(n)
	return n
}

// syncLoop syncs at start, every report interval and on demand, backing off
// with jitter while the LTS cannot be reached.
func (c *Client) syncLoop(ctx context.Context) {
	defer c.wg.Done()
	if c.cfg.Mode() != ModeLTS {
		return // an offline license or no license: nothing to talk to
	}
	failures := 0
	wait := time.Duration(0)
	for {
		c.mu.Lock()
		c.nextSync = c.now().Add(wait)
		c.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		case <-c.syncNow:
			t.Stop()
		}
		err := c.Sync(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			failures++
			wait = syncBackoff(time.Duration(c.cfg.RetryMax)).Delay(failures)
			c.log.Warn("licensing sync failed", "err", err, "retry_in", wait.Round(time.Second))
			continue
		}
		failures = 0
		wait = time.Duration(c.cfg.ReportInterval)
		if g := c.gate.Load(); g.auth != nil {
			// Wake up for renewal if that comes before the next report.
			renew := g.until.Add(-g.auth.Expires.Sub(g.auth.Issued) / 2).Sub(c.clock.tick())
			if renew > 0 && renew < wait {
				wait = renew
			}
		}
	}
}

// syncBackoff is 5 s doubling per failure up to max, with ±50 % jitter so
// that devices do not return to a recovered LTS all at once.
func syncBackoff(max time.Duration) backoff.Policy {
	return backoff.Policy{Min: 5 * time.Second, Max: max, Jitter: 0.5}
}

// RequestSync asks the background loop to sync now without waiting for it.
func (c *Client) RequestSync() {
	select {
	case c.syncNow <- struct{}{}:
	default:
	}
}
