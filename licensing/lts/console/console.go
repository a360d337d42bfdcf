// Package console is the LTS admin console: web pages that ltsd serves on
// its admin listener, where operators sign in with local accounts and see
// usage against quotas, devices, handshake codes, licenses and alerts.
//
// Every page is rendered on the server, charts included (SVG), from assets
// embedded in the binary; pages carry no script and load nothing from
// elsewhere. Accounts and sessions live in the LTS store, so that replicas
// on one database share them. Sessions are cookies (Secure, HttpOnly,
// SameSite=Strict, __Host- prefixed) holding a random secret whose hash
// names the session in the store; every form carries a token derived from
// that secret, and cross-origin requests are refused besides.
package console

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Store is what the console reads and changes.
type Store interface {
	lts.OverviewStore
	lts.Accounts
	// Attempt limits sign-in guesses (see lts.Protocol).
	Attempt(ctx context.Context, keys []string, rule lts.AttemptRule, check func(context.Context) error) error
}

// Defaults of Options.
const (
	DefaultSessionLifetime = 12 * time.Hour
	DefaultSignInAttempts  = 5
	DefaultSignInWindow    = 15 * time.Minute
	// Prefix is where the console's pages are.
	Prefix = "/console/"
)

// Options configures a Console. Zero values take the defaults.
type Options struct {
	Store  Store
	Now    func() time.Time
	Logger *slog.Logger
	// VendorKeys verify imported license files.
	VendorKeys []wire.VendorKey
	// SessionLifetime is how long a sign-in lasts.
	SessionLifetime time.Duration
	// SignInAttempts failed sign-ins per account name and per source
	// address within SignInWindow block further ones until it passes.
	SignInAttempts int
	SignInWindow   time.Duration
	// Alerts configures the alert checks and their webhook.
	Alerts AlertOptions
}

// Console serves the admin console.
type Console struct {
	store    Store
	now      func() time.Time
	log      *slog.Logger
	vendors  []wire.VendorKey
	lifetime time.Duration
	attempts lts.AttemptRule
	pages    map[string]*template.Template
	hashing  chan struct{} // bounds password checks running at once
	alerts   *alerter
	// dummyHash is checked for unknown accounts, so that they take as
	// long as known ones; made at the first need.
	dummyHash func() string
}

// New returns a console over an open store.
func New(o Options) (*Console, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.SessionLifetime == 0 {
		o.SessionLifetime = DefaultSessionLifetime
	}
	if o.SignInAttempts == 0 {
		o.SignInAttempts = DefaultSignInAttempts
	}
	if o.SignInWindow == 0 {
		o.SignInWindow = DefaultSignInWindow
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	c := &Console{
		store: o.Store, now: o.Now, log: o.Logger, vendors: o.VendorKeys, lifetime: o.SessionLifetime,
		attempts: lts.AttemptRule{Window: o.SignInWindow, Max: o.SignInAttempts, Capacity: lts.DefaultAttemptCapacity},
		pages:    pages, hashing: make(chan struct{}, 2),
		dummyHash: sync.OnceValue(func() string {
			h, _ := HashPassword("no such account", DefaultPasswordParams())
			return h
		}),
	}
	c.alerts, err = newAlerter(o.Store, o.Now, o.Logger, o.Alerts)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Handler serves the console under Prefix; "/" redirects there.
func (c *Console) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFiles, "static")
	mux.Handle("GET "+Prefix+"static/", http.StripPrefix(Prefix+"static/", cacheStatic(http.FileServerFS(static))))
	mux.HandleFunc("GET "+Prefix+"sign-in", c.signInPage)
	mux.HandleFunc("POST "+Prefix+"sign-in", c.signIn)
	mux.Handle("POST "+Prefix+"sign-out", c.authed(roleAny, c.signOut))
	mux.Handle("GET "+Prefix+"{$}", c.authed(roleAny, c.overviewPage))
	mux.Handle("GET "+Prefix+"usage", c.authed(roleAny, c.usagePage))
	mux.Handle("GET "+Prefix+"usage.csv", c.authed(roleAny, c.usageCSV))
	mux.Handle("GET "+Prefix+"devices", c.authed(roleAny, c.devicesPage))
	mux.Handle("POST "+Prefix+"devices/{id}/{action}", c.authed(lts.RoleAdmin, c.deviceAction))
	mux.Handle("GET "+Prefix+"codes", c.authed(roleAny, c.codesPage))
	mux.Handle("POST "+Prefix+"codes", c.authed(lts.RoleAdmin, c.createCode))
	mux.Handle("POST "+Prefix+"codes/{code}/licenses", c.authed(lts.RoleAdmin, c.bindLicense))
	mux.Handle("GET "+Prefix+"licenses", c.authed(roleAny, c.licensesPage))
	mux.Handle("POST "+Prefix+"licenses", c.authed(lts.RoleAdmin, c.importLicense))
	mux.Handle("GET "+Prefix+"alerts", c.authed(roleAny, c.alertsPage))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
	})
	mux.HandleFunc(Prefix, func(w http.ResponseWriter, r *http.Request) {
		c.fail(w, r, nil, http.StatusNotFound, errors.New("no such page"))
	})
	return secureHeaders(http.NewCrossOriginProtection().Handler(mux))
}

// secureHeaders sets the headers every response of the console carries:
// nothing may load from elsewhere or run a script, frame the console, or
// learn its addresses from a Referer.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Strict-Transport-Security", "max-age=31536000")
		next.ServeHTTP(w, r)
	})
}

func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

// Run checks alerts every interval and posts new ones to the webhook,
// until ctx ends.
func (c *Console) Run(ctx context.Context) { c.alerts.run(ctx) }

// Collector returns the Prometheus collector of the console's alerts.
func (c *Console) Collector() *AlertCollector { return &AlertCollector{a: c.alerts} }

// fail renders an error page with status code; s may be nil (signed out).
func (c *Console) fail(w http.ResponseWriter, r *http.Request, s *session, code int, err error) {
	if code >= 500 {
		c.log.Error("console", "path", r.URL.Path, "err", err)
		err = fmt.Errorf("the store could not be read or written: see the ltsd log")
	}
	c.render(w, r, s, code, "error", &errorPage{Status: code, Message: err.Error()})
}

type errorPage struct {
	Status  int
	Message string
}

// statusOf maps store and input errors to HTTP status codes.
func statusOf(err error) int {
	switch {
	case errors.Is(err, lts.ErrInvalid), errors.Is(err, wire.ErrMalformed), errors.Is(err, wire.ErrSignature),
		errors.Is(err, wire.ErrVersion), errors.Is(err, lts.ErrOfflineLicense), errors.Is(err, lts.ErrLicenseOlder):
		return http.StatusBadRequest
	case errors.Is(err, lts.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, lts.ErrExists), errors.Is(err, lts.ErrLicenseBound):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}
