package lts

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/scannerd/scannerd/licensing/wire"
)

// Defaults of ServerOptions.
const (
	DefaultMaxClockSkew     = time.Hour
	DefaultPasswordAttempts = 5
	DefaultPasswordWindow   = 15 * time.Minute
	// DefaultAttemptCapacity is how many keys (handshake codes, source
	// addresses) with failed attempts the store tracks at most.
	DefaultAttemptCapacity = 100_000
)

// replyKeysKept is how many devices' reply keys a server keeps (64 bytes
// and an AES key schedule each): a fleet's worth.
const replyKeysKept = 100_000

// MaxGuessing bounds the authorize requests of one server that are inside
// Store.Attempt at once: guesses on one key queue in the store, and a flood
// of them must not take every store connection.
const MaxGuessing = 8

// ServerOptions configures a Server. Zero values take the defaults above.
type ServerOptions struct {
	Store      Store
	Key        wire.LTSPrivateKey
	Now        func() time.Time
	Logger     *slog.Logger
	AdminToken string // bearer token of the admin API; empty disables it
	// MaxClockSkew is how far an authorize request's time may be from the
	// LTS clock; its nonce is kept that long, so that it is never accepted
	// twice. Usage reports are not checked: they are idempotent.
	MaxClockSkew time.Duration
	// PasswordAttempts failed attempts (a wrong session password, an
	// unknown handshake code) per handshake code and per source address
	// (IPv6: per /64) within PasswordWindow block further attempts until
	// the window passes. A negative value disables the limit.
	PasswordAttempts int
	PasswordWindow   time.Duration
	// AttemptCapacity bounds the keys with failed attempts the store
	// tracks; when full, attempts from new keys are refused.
	AttemptCapacity int
	// UsageWindow is how old usage may be and still be counted; report
	// ids are kept that long.
	UsageWindow time.Duration
	// VendorKeys verify license files imported through the admin API.
	VendorKeys []wire.VendorKey
}

// Server serves the device protocol and the admin API. It serves static data
// only: nothing it receives is executed.
type Server struct {
	store    Store
	key      wire.LTSPrivateKey
	now      func() time.Time
	log      *slog.Logger
	token    string
	skew     time.Duration
	attempts AttemptRule
	guessing chan struct{}
	password *passwordCache
	usage    *batcher
	vendors  []wire.VendorKey
	metrics  *metrics
	replies  *wire.ReplySealer
}

// NewServer returns a server over an open store.
func NewServer(o ServerOptions) *Server {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxClockSkew == 0 {
		o.MaxClockSkew = DefaultMaxClockSkew
	}
	if o.PasswordAttempts == 0 {
		o.PasswordAttempts = DefaultPasswordAttempts
	}
	if o.PasswordWindow == 0 {
		o.PasswordWindow = DefaultPasswordWindow
	}
	if o.AttemptCapacity == 0 {
		o.AttemptCapacity = DefaultAttemptCapacity
	}
	if o.UsageWindow == 0 {
		o.UsageWindow = DefaultUsageWindow
	}
	s := &Server{
		store: o.Store, key: o.Key, now: o.Now, log: o.Logger, token: o.AdminToken, skew: o.MaxClockSkew,
		attempts: AttemptRule{Window: o.PasswordWindow, Max: o.PasswordAttempts, Capacity: o.AttemptCapacity},
		guessing: make(chan struct{}, MaxGuessing), vendors: o.VendorKeys, password: newPasswordCache(PasswordCacheFor),
	}
	s.metrics = newMetrics(o.Store, o.Now, o.Logger)
	s.replies = wire.NewReplySealer(o.Key, replyKeysKept)
	s.usage = &batcher{store: o.Store, now: o.Now, window: o.UsageWindow, observe: func(n int, d time.Duration) {
		s.metrics.batchSize.Observe(float64(n))
		s.metrics.storeSeconds.WithLabelValues(opRecordUsage).Observe(d.Seconds())
	}}
	return s
}

// RegisterMetrics adds a collector (the console's alerts) to the server's
// metrics.
func (s *Server) RegisterMetrics(c prometheus.Collector) error { return s.metrics.reg.Register(c) }

// MetricsHandler serves the server's metrics in the Prometheus text format.
func (s *Server) MetricsHandler() http.Handler { return s.metrics.h }

// Maintain prunes the store now and every interval until ctx ends.
func (s *Server) Maintain(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		p, err := s.store.Prune(ctx, s.now())
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Error("prune store", "err", err)
		case p != Pruned{}:
			s.log.Info("store pruned", "reports", p.Reports, "nonces", p.Nonces, "usage_partitions", p.Usage)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Handler returns the HTTP handler of the server on one listener: the
// device protocol, the admin API and /metrics, both behind the admin token.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.deviceRoutes(mux)
	s.adminRoutes(mux)
	mux.Handle("GET /metrics", s.admin(nil, s.metrics.h))
	return jsonMisses(mux)
}

// DeviceHandler serves the device protocol only, for a listener that
// devices reach when the admin API has a listener of its own.
func (s *Server) DeviceHandler() http.Handler {
	mux := http.NewServeMux()
	s.deviceRoutes(mux)
	return jsonMisses(mux)
}

// AdminHandler serves the admin API (behind the admin token) and /metrics,
// for the admin listener.
func (s *Server) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	s.adminRoutes(mux)
	mux.Handle("GET /metrics", s.metrics.h)
	return jsonMisses(mux)
}

func (s *Server) deviceRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST "+wire.PathAuthorize, s.handleDevice(wire.KindAuthorize))
	mux.HandleFunc("POST "+wire.PathUsage, s.handleDevice(wire.KindUsage))
	mux.HandleFunc("GET "+wire.PathKey, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, s.key.Public().String())
	})
}

func (s *Server) adminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/v1/usage", s.admin(s.adminUsage, nil))
	mux.HandleFunc("GET /admin/v1/devices", s.admin(s.adminDevices, nil))
	mux.HandleFunc("GET /admin/v1/handshakes", s.admin(s.adminHandshakes, nil))
	mux.HandleFunc("GET /admin/v1/licenses", s.admin(s.adminLicenses, nil))
	mux.HandleFunc("POST /admin/v1/licenses", s.admin(s.adminImportLicense, nil))
	mux.HandleFunc("POST /admin/v1/handshakes", s.admin(s.adminCreateHandshake, nil))
	mux.HandleFunc("POST /admin/v1/handshakes/{code}/licenses", s.admin(s.adminAddLicenses, nil))
	mux.HandleFunc("POST /admin/v1/devices/{id}/{action}", s.admin(s.adminDeviceState, nil))
}

var codeStatus = map[wire.Code]int{
	wire.CodeBadRequest:    http.StatusBadRequest,
	wire.CodeBadVersion:    http.StatusBadRequest,
	wire.CodeBadSeal:       http.StatusBadRequest,
	wire.CodeClockSkew:     http.StatusBadRequest,
	wire.CodeReplayed:      http.StatusForbidden,
	wire.CodeUnknownCode:   http.StatusForbidden,
	wire.CodeWrongPassword: http.StatusForbidden,
	wire.CodeRateLimited:   http.StatusTooManyRequests,
	wire.CodeDomain:        http.StatusForbidden,
	wire.CodeNoLicense:     http.StatusForbidden,
	wire.CodeExpired:       http.StatusForbidden,
	wire.CodeDeviceQuota:   http.StatusForbidden,
	wire.CodeScanQuota:     http.StatusForbidden,
	wire.CodeRevoked:       http.StatusForbidden,
	wire.CodeNotAuthorized: http.StatusForbidden,
	wire.CodeInternal:      http.StatusInternalServerError,
}

func status(c wire.Code) int {
	if s, ok := codeStatus[c]; ok {
		return s
	}
	return http.StatusBadRequest
}

func (s *Server) handleDevice(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, wire.MaxBodyBytes))
		if err != nil {
			writeRaw(w, http.StatusRequestEntityTooLarge, wire.ErrorEnvelope("", wire.CodeBadRequest, "body too large"))
			return
		}
		env, err := wire.ParseEnvelope(body)
		if err == nil && env.Kind != kind {
			err = fmt.Errorf("%w: %s envelope posted to %s", wire.ErrMalformed, env.Kind, r.URL.Path)
		}
		if err != nil {
			code := wire.CodeBadRequest
			if errors.Is(err, wire.ErrVersion) {
				code = wire.CodeBadVersion
			}
			s.metrics.reject(kind, code)
			writeRaw(w, status(code), wire.ErrorEnvelope("", code, err.Error()))
			return
		}
		addr := remoteAddr(r)
		now := s.now()
		var (
			reply     *wire.Reply
			deviceKey []byte
			nonce     []byte
		)
		switch kind {
		case wire.KindAuthorize:
			req, err := wire.OpenAuthorize(s.key, env)
			if err != nil {
				s.refuseUnopened(w, kind, env, err)
				return
			}
			deviceKey, nonce = req.DeviceKey, req.Nonce
			reply = s.authorize(r.Context(), req, addr, now)
		case wire.KindUsage:
			rep, err := wire.OpenUsage(s.key, env)
			if err != nil {
				s.refuseUnopened(w, kind, env, err)
				return
			}
			deviceKey, nonce = rep.DeviceKey, rep.Nonce
			reply = s.usageReport(r.Context(), rep, now, acceptsStanding(r))
		}
		reply.Device, reply.Nonce, reply.Time = env.Device, nonce, now
		out, err := s.replies.Seal(deviceKey, reply)
		if err != nil {
			s.log.Error("seal reply", "device", env.Device, "err", err)
			writeRaw(w, http.StatusInternalServerError, wire.ErrorEnvelope(env.Device, wire.CodeInternal, "cannot seal reply"))
			return
		}
		code := http.StatusOK
		if reply.Error != nil {
			code = status(reply.Error.Code)
		}
		writeRaw(w, code, out)
	}
}

func (s *Server) refuseUnopened(w http.ResponseWriter, kind string, env *wire.Envelope, err error) {
	code := wire.CodeBadRequest
	switch {
	case errors.Is(err, wire.ErrSeal):
		code = wire.CodeBadSeal
	case errors.Is(err, wire.ErrVersion):
		code = wire.CodeBadVersion
	}
	s.log.Warn("refused request", "device", env.Device, "code", code, "err", err)
	s.metrics.reject(kind, code)
	writeRaw(w, status(code), wire.ErrorEnvelope(env.Device, code, err.Error()))
}

func (s *Server) authorize(ctx context.Context, req *wire.AuthorizeRequest, addr netip.Addr, now time.Time) *wire.Reply {
	refuse := func(code wire.Code, msg string) *wire.Reply {
		s.log.Info("authorization refused", "device", req.Device, "address", addr, "code", code)
		s.metrics.reject(wire.KindAuthorize, code)
		return &wire.Reply{Error: &wire.Error{Code: code, Message: msg}}
	}
	if d := now.Sub(req.Time); d > s.skew || -d > s.skew {
		return refuse(wire.CodeClockSkew, fmt.Sprintf("device clock is %v off the LTS clock (%s): fix the device time (NTP)", d.Round(time.Second), now.UTC().Format(time.RFC3339)))
	}
	h, err := s.checkSecrets(ctx, req, addr, now)
	var refused *wire.Error
	switch {
	case errors.As(err, &refused):
		return refuse(refused.Code, refused.Message)
	case err != nil:
		s.log.Error("authorize", "device", req.Device, "err", err)
		return refuse(wire.CodeInternal, "LTS store failure")
	}
	if !h.Allows(req.Domain, addr) {
		return refuse(wire.CodeDomain, fmt.Sprintf("handshake code is bound to other domains or networks (device reported domain %q from %s)", req.Domain, addr))
	}
	var g *grant
	start := time.Now()
	err = s.store.UpdateCode(ctx, h.Code, func(tx CodeTx) error {
		var err error
		g, refused, err = authorizeIn(tx, req, addr.String(), now, s.skew)
		return err
	})
	s.metrics.timeStore(opUpdateCode, start)
	if err != nil {
		s.log.Error("authorize", "device", req.Device, "err", err)
		return refuse(wire.CodeInternal, "LTS store failure")
	}
	if refused != nil {
		return refuse(refused.Code, refused.Message)
	}
	auth := g.auth
	if g.rollback != "" {
		s.log.Warn("device put back to an older copy of itself", "device", req.Device, "handshake", req.HandshakeCode, "seen", g.rollback)
	}
	signed, err := wire.Sign(s.key.Sign, wire.ContextAuthorization, auth)
	if err != nil {
		return refuse(wire.CodeInternal, "cannot sign authorization")
	}
	s.log.Info("authorized", "device", req.Device, "handshake", req.HandshakeCode, "expires", auth.Expires)
	s.metrics.authorized.Inc()
	return &wire.Reply{Authorization: signed}
}

// checkSecrets looks the handshake code up and checks the session password.
// Both are guesses at a secret: an unknown code counts against the source
// address, a wrong password against the address and the code, and each key
// takes its guesses one at a time (Store.Attempt), so that concurrency gets
// no more guesses through than PasswordAttempts. A refusal is a *wire.Error.
func (s *Server) checkSecrets(ctx context.Context, req *wire.AuthorizeRequest, addr netip.Addr, now time.Time) (*Handshake, error) {
	lookup := func(ctx context.Context) (*Handshake, error) {
		h, err := s.store.Handshake(ctx, req.HandshakeCode)
		if errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("%w: %w", ErrGuessWrong, &wire.Error{Code: wire.CodeUnknownCode, Message: "unknown handshake code: check handshake_code in the device config"})
		}
		return h, err
	}
	wrongPassword := fmt.Errorf("%w: %w", ErrGuessWrong, &wire.Error{Code: wire.CodeWrongPassword, Message: "session password missing or wrong: check the device's session password"})
	if s.attempts.Max < 0 {
		h, err := lookup(ctx)
		if err == nil && h.Password != nil && !s.password.check(h.Code, h.Password, req.Password, now) {
			err = wrongPassword
		}
		return h, err
	}
	select {
	case s.guessing <- struct{}{}:
		defer func() { <-s.guessing }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	rule := s.attempts
	rule.Now = now
	var h *Handshake
	defer s.metrics.timeStore(opAttempt, time.Now())
	err := s.store.Attempt(ctx, []string{AddressKey(addr)}, rule, func(ctx context.Context) error {
		var err error
		if h, err = lookup(ctx); err != nil || h.Password == nil {
			return err
		}
		// Code keys are bounded by the handshake codes in the store, not by
		// what guessers send: they need no room in the table.
		codeRule := rule
		codeRule.Capacity = 0
		return s.store.Attempt(ctx, []string{"code:" + h.Code}, codeRule, func(context.Context) error {
			if !s.password.check(h.Code, h.Password, req.Password, now) {
				return wrongPassword
			}
			return nil
		})
	})
	if errors.Is(err, ErrTooManyAttempts) {
		return nil, &wire.Error{Code: wire.CodeRateLimited, Message: "too many failed attempts from this address or for this handshake code: wait and retry"}
	}
	return h, err
}

// AddressKey is the attempt key of a source address: IPv4 addresses one by
// one, IPv6 addresses by /64, since one host commonly holds a whole /64.
func AddressKey(addr netip.Addr) string {
	addr = addr.Unmap()
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return "addr:" + p.String()
	}
	return "addr:" + addr.String()
}

// acceptsStanding reports whether the device named the standing member of
// usage acknowledgements among those it understands (wire.AcceptHeader).
func acceptsStanding(r *http.Request) bool {
	for _, v := range r.Header.Values(wire.AcceptHeader) {
		for name := range strings.SplitSeq(v, ",") {
			if strings.TrimSpace(name) == wire.AcceptStanding {
				return true
			}
		}
	}
	return false
}

// usageReport counts a report. With standing set, the acknowledgement says
// whether the device is revoked, so that a device that always has usage to
// send learns of a revocation at its next sync.
func (s *Server) usageReport(ctx context.Context, rep *wire.UsageReport, now time.Time, standing bool) *wire.Reply {
	if refused := checkReport(rep, now); refused != nil {
		s.log.Warn("usage report refused", "device", rep.Device, "report", rep.ReportID, "err", refused.Message)
		s.metrics.reject(wire.KindUsage, refused.Code)
		return &wire.Reply{Error: refused}
	}
	rec, err := s.usage.record(ctx, rep)
	if err != nil {
		s.log.Error("usage", "device", rep.Device, "err", err)
		s.metrics.reject(wire.KindUsage, wire.CodeInternal)
		return &wire.Reply{Error: &wire.Error{Code: wire.CodeInternal, Message: "LTS store failure"}}
	}
	if rec.Refused != nil {
		s.metrics.reject(wire.KindUsage, rec.Refused.Code)
		return &wire.Reply{Error: rec.Refused}
	}
	result := "counted"
	if rec.Duplicate {
		result = "duplicate"
	}
	s.metrics.reports.WithLabelValues(result).Inc()
	ack := &wire.UsageAck{ReportID: rep.ReportID, Duplicate: rec.Duplicate, Quota: rec.Code.QuotaState(now)}
	if standing {
		ack.Standing = wire.StandingActive
		if rec.Revoked {
			ack.Standing = wire.StandingRevoked
		}
	}
	return &wire.Reply{Ack: ack}
}

func remoteAddr(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

func writeRaw(w http.ResponseWriter, code int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(body)
}

// admin wraps an admin handler with the bearer-token check; with raw set,
// raw serves the request instead of h.
func (s *Server) admin(h func(*http.Request) (any, error), raw http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if s.token == "" || !ok || subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) != 1 {
			writeAdminError(w, http.StatusUnauthorized, "unauthorized", "admin API needs the bearer token")
			return
		}
		if raw != nil {
			raw.ServeHTTP(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, wire.MaxBodyBytes)
		v, err := h(r)
		if err != nil {
			status, code := adminErrorCode(err)
			writeAdminError(w, status, code, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, v)
	}
}

// adminErrors maps the admin API's errors to their HTTP status and stable
// code (docs/licensing.md, Admin HTTP API); the first that matches with
// errors.Is wins, and anything else is 500 internal.
var adminErrors = []struct {
	err    error
	status int
	code   string
}{
	{ErrNotFound, http.StatusNotFound, "not_found"},
	{ErrExists, http.StatusConflict, "exists"},
	{ErrLicenseBound, http.StatusConflict, "license_bound"},
	{ErrLicenseOlder, http.StatusConflict, "license_older"},
	{ErrOfflineLicense, http.StatusBadRequest, "offline_license"},
	{wire.ErrSignature, http.StatusBadRequest, "bad_signature"},
	{wire.ErrVersion, http.StatusBadRequest, "bad_version"},
	{ErrInvalid, http.StatusBadRequest, "invalid"},
	{wire.ErrMalformed, http.StatusBadRequest, "invalid"},
}

func adminErrorCode(err error) (status int, code string) {
	for _, e := range adminErrors {
		if errors.Is(err, e.err) {
			return e.status, e.code
		}
	}
	return http.StatusInternalServerError, "internal"
}

// writeAdminError answers {"error": {"code": …, "message": …}}.
func writeAdminError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// jsonMisses answers a request that no route of mux takes as JSON, 404
// not_found or 405 method_not_allowed (with its Allow header), as every
// other error of the listener is, where ServeMux answers plain text.
func jsonMisses(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// ServeMux's own answer says which of the two it is.
		rec := &statusRecorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		if rec.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", rec.header.Get("Allow"))
			writeAdminError(w, http.StatusMethodNotAllowed, "method_not_allowed", fmt.Sprintf("%s is not allowed on %s", r.Method, r.URL.Path))
			return
		}
		writeAdminError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no such endpoint: %s", r.URL.Path))
	})
}

// statusRecorder keeps the status and headers of an answer, not its body.
type statusRecorder struct {
	header http.Header
	status int
}

func (s *statusRecorder) Header() http.Header         { return s.header }
func (s *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (s *statusRecorder) WriteHeader(status int)      { s.status = status }

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func (s *Server) adminUsage(r *http.Request) (any, error) {
	by := r.URL.Query().Get("by")
	switch by {
	case "":
		by = wire.PeriodMonth
	case wire.PeriodDay, wire.PeriodMonth, wire.PeriodYear:
	default:
		return nil, fmt.Errorf("%w: by=%q (want day, month or year)", ErrInvalid, by)
	}
	code := r.URL.Query().Get("handshake")
	if err := KnownHandshake(r.Context(), s.store, code); err != nil {
		return nil, err
	}
	rows, err := s.store.Usage(r.Context(), UsageQuery{Granularity: by, Handshake: code})
	return map[string]any{"by": by, "usage": rows}, err
}

func (s *Server) adminDevices(r *http.Request) (any, error) {
	code := r.URL.Query().Get("handshake")
	if err := KnownHandshake(r.Context(), s.store, code); err != nil {
		return nil, err
	}
	ds, err := s.store.Devices(r.Context(), code)
	return map[string]any{"devices": ds}, err
}

// KnownHandshake returns ErrNotFound, naming code, when the store has no
// such handshake code: asked for the usage or devices of a code it does not
// have, the admin API and ltsd say so rather than answer an empty list.
// The empty code (every code) is known.
func KnownHandshake(ctx context.Context, st Catalog, code string) error {
	if code == "" {
		return nil
	}
	if _, err := st.Handshake(ctx, code); err != nil {
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("no handshake code %q: %w (ltsd handshake list)", code, ErrNotFound)
		}
		return err
	}
	return nil
}

func (s *Server) adminHandshakes(r *http.Request) (any, error) {
	hs, err := s.store.Handshakes(r.Context())
	out := make([]HandshakeView, 0, len(hs))
	for _, h := range hs {
		out = append(out, ViewOf(h))
	}
	return map[string]any{"handshakes": out}, err
}

func (s *Server) adminLicenses(r *http.Request) (any, error) {
	ls, err := s.store.Licenses(r.Context())
	out := make([]map[string]any, 0, len(ls))
	for _, l := range ls {
		out = append(out, map[string]any{"license": l.License, "handshake": l.Handshake, "imported": l.Imported})
	}
	return map[string]any{"licenses": out}, err
}
