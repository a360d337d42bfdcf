package console

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
)

// CookieName is the session cookie: the __Host- prefix makes browsers keep
// it only when Secure, for this host, on path "/".
const CookieName = "__Host-ltsd-console"

// roleAny lets every signed-in account in.
const roleAny lts.Role = ""

// session is a signed-in request.
type session struct {
	id      string
	csrf    string
	account *lts.Account
}

// Admin reports whether the session may act, not only look.
func (s *session) Admin() bool { return s != nil && s.account.Role == lts.RoleAdmin }

// Name and Role are the signed-in account's.
func (s *session) Name() string   { return s.account.Name }
func (s *session) Role() lts.Role { return s.account.Role }

// sessionID is the store's name of a session: a hash of the cookie's
// secret, so that the store holds nothing a browser could present.
func sessionID(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// csrfToken is the token forms of a session carry: keyed with the session
// secret, which only the browser and this request know.
func csrfToken(secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("ltsd console form"))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// current returns the request's session, or nil when it has none that is
// valid (no cookie, expired, ended, its account removed).
func (c *Console) current(r *http.Request) (*session, error) {
	ck, err := r.Cookie(CookieName)
	if err != nil || ck.Value == "" || len(ck.Value) > 100 {
		return nil, nil
	}
	st, err := c.store.Session(r.Context(), sessionID(ck.Value), c.now())
	if errors.Is(err, lts.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	a, err := c.store.Account(r.Context(), st.Account)
	if errors.Is(err, lts.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &session{id: st.ID, csrf: csrfToken(ck.Value), account: a}, nil
}

// authed serves h to signed-in accounts of the role (roleAny: every role);
// others go to the sign-in page, or get 403. A POST must carry the
// session's form token.
func (c *Console) authed(role lts.Role, h func(http.ResponseWriter, *http.Request, *session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		s, err := c.current(r)
		if err != nil {
			c.fail(w, r, nil, http.StatusInternalServerError, err)
			return
		}
		if s == nil {
			if r.Method != http.MethodGet {
				c.fail(w, r, nil, http.StatusUnauthorized, errors.New("sign in first"))
				return
			}
			http.Redirect(w, r, Prefix+"sign-in?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := r.ParseMultipartForm(maxForm); err != nil && !errors.Is(err, http.ErrNotMultipart) {
				c.fail(w, r, s, http.StatusBadRequest, fmt.Errorf("form: %w", err))
				return
			}
			if !hmac.Equal([]byte(r.PostFormValue("csrf")), []byte(s.csrf)) {
				c.fail(w, r, s, http.StatusForbidden, errors.New("the form is stale or came from another site: reload the page and try again"))
				return
			}
		}
		if role != roleAny && s.account.Role != role {
			c.fail(w, r, s, http.StatusForbidden, fmt.Errorf("account %s is %s: only admins may do this", s.account.Name, s.account.Role))
			return
		}
		h(w, r, s)
	})
}

// maxForm bounds a form, a license upload included.
const maxForm = 1 << 20

type signInPage struct {
	Next    string
	Name    string
	Message string
}

func (c *Console) signInPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	c.render(w, r, nil, http.StatusOK, "sign-in", &signInPage{Next: safeNext(r.URL.Query().Get("next"))})
}

// safeNext keeps a redirect target inside the console.
func safeNext(next string) string {
	if !strings.HasPrefix(next, Prefix) || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return Prefix
	}
	return next
}

// errWrongPassword is the one message for an unknown account and a wrong
// password, so that the page does not tell which names exist.
var errWrongPassword = errors.New("wrong account name or password")

func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	name, password := r.PostFormValue("name"), r.PostFormValue("password")
	page := &signInPage{Next: safeNext(r.PostFormValue("next")), Name: name}
	var account *lts.Account
	rule := c.attempts
	rule.Now = c.now()
	keys := []string{"console-account:" + strings.ToLower(name), "console-" + lts.AddressKey(remoteAddr(r))}
	err := c.store.Attempt(r.Context(), keys, rule, func(ctx context.Context) error {
		var err error
		account, err = c.checkPassword(ctx, name, password)
		return err
	})
	switch {
	case errors.Is(err, lts.ErrTooManyAttempts):
		c.log.Warn("console sign-in refused: too many failures", "account", name, "address", remoteAddr(r))
		page.Message = fmt.Sprintf("Too many failed sign-ins for this account or from this address: wait %v and try again.", c.attempts.Window)
		c.render(w, r, nil, http.StatusTooManyRequests, "sign-in", page)
		return
	case errors.Is(err, lts.ErrGuessWrong):
		c.log.Info("console sign-in failed", "account", name, "address", remoteAddr(r))
		page.Message = errWrongPassword.Error() + "."
		c.render(w, r, nil, http.StatusUnauthorized, "sign-in", page)
		return
	case err != nil:
		c.fail(w, r, nil, http.StatusInternalServerError, err)
		return
	}
	secret, err := newSecret()
	if err != nil {
		c.fail(w, r, nil, http.StatusInternalServerError, err)
		return
	}
	now := c.now()
	st := &lts.Session{ID: sessionID(secret), Account: account.Name, Created: now, Expires: now.Add(c.lifetime)}
	if err := c.store.CreateSession(r.Context(), st); err != nil {
		c.fail(w, r, nil, http.StatusInternalServerError, err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: secret, Path: "/", MaxAge: int(c.lifetime / time.Second),
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
	c.log.Info("console sign-in", "account", account.Name, "role", account.Role, "address", remoteAddr(r))
	http.Redirect(w, r, page.Next, http.StatusSeeOther)
}

// checkPassword returns the account when password is its password; a wrong
// guess wraps lts.ErrGuessWrong. Unknown names cost a hash check too.
func (c *Console) checkPassword(ctx context.Context, name, password string) (*lts.Account, error) {
	select {
	case c.hashing <- struct{}{}:
		defer func() { <-c.hashing }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	a, err := c.store.Account(ctx, name)
	var hash string
	switch {
	case err == nil:
		hash = a.PasswordHash
	case errors.Is(err, lts.ErrNotFound):
		hash = c.dummyHash()
	default:
		return nil, err
	}
	ok, err := CheckPassword(hash, password)
	if err != nil {
		c.log.Error("console: stored password hash unreadable", "account", name, "err", err)
	}
	if !ok || a == nil || len(password) > maxPassLen {
		return nil, fmt.Errorf("%w: %w", lts.ErrGuessWrong, errWrongPassword)
	}
	return a, nil
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request, s *session) {
	if err := c.store.DeleteSession(r.Context(), s.id); err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1, Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, Prefix+"sign-in", http.StatusSeeOther)
}

func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func remoteAddr(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}
