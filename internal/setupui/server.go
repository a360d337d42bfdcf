// Package setupui serves the setup page of scanctl setup: a page for an
// installer's browser, and a proxy from it to the daemon's socket for the
// few endpoints the page uses. It listens on loopback only and lets in
// one browser: the one that opens the one-time URL it prints.
//
// Who may use the page is decided in three steps. The URL carries a
// random token that works once: the first request with it gets a session
// cookie (HttpOnly, SameSite=Strict) and the token is spent. Every other
// request needs that cookie. And every request must name a loopback host
// (so a DNS rebinding page, whose requests carry its own host name, is
// refused) and, where the browser says where it comes from (Origin,
// Sec-Fetch-Site), come from the page itself: another site, or another
// port of this machine, is refused although the browser would send it the
// cookie.
package setupui

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed page
var pageFiles embed.FS

// cookieName names the session cookie.
const cookieName = "scanctl_setup"

// Proxied are the daemon endpoints the page uses, with their methods:
// nothing else of the socket is reachable through the proxy.
var proxied = map[string][]string{
	"/v1/status":        {http.MethodGet},
	"/v1/events":        {http.MethodGet},
	"/v1/preview":       {http.MethodGet, http.MethodPut},
	"/v1/preview/frame": {http.MethodGet},
	"/v1/setup":         {http.MethodGet, http.MethodPut},
}

// Errors of Listen.
var (
	// ErrNotLoopback: the address to listen on is not a loopback one.
	ErrNotLoopback = errors.New("the setup page listens on loopback only")
)

// Server is the page and its proxy. New starts nothing; Serve answers
// until its context ends.
type Server struct {
	socket string
	log    *slog.Logger
	ln     net.Listener
	proxy  *httputil.ReverseProxy
	static http.Handler

	mu      sync.Mutex
	token   string // "" once spent
	session string // "" until the token is spent
}

// Listen opens the loopback listener at addr ("127.0.0.1:0" for a random
// port) for a proxy to the daemon socket at socket.
func Listen(addr, socket string, log *slog.Logger) (*Server, error) {
	if err := CheckListen(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", listenAddress(addr))
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sub, _ := fs.Sub(pageFiles, "page")
	s := &Server{socket: socket, log: log, ln: ln, token: rand.Text() + rand.Text(), static: http.FileServerFS(sub)}
	dialer := &net.Dialer{}
	s.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme, pr.Out.URL.Host, pr.Out.Host = "http", "scannerd", "scannerd"
			// The daemon refuses requests that look like a browser's; this
			// one was checked here, and the cookie is the proxy's own.
			for _, h := range []string{"Origin", "Referer", "Cookie", "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "Sec-Fetch-User"} {
				pr.Out.Header.Del(h)
			}
		},
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				return dialer.DialContext(ctx, "unix", socket)
			},
			MaxIdleConns: 4,
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if r.Context().Err() == nil {
				log.Warn("setup page: the daemon did not answer", "path", r.URL.Path, "err", err)
			}
			refuse(w, r, http.StatusBadGateway, "the daemon did not answer: "+err.Error())
		},
	}
	return s, nil
}

// listenAddress reads a port alone ("8080") as that port on 127.0.0.1,
// as [api] metrics_listen does; anything else is left as it is.
func listenAddress(addr string) string {
	if n, err := strconv.ParseUint(addr, 10, 16); err == nil {
		return net.JoinHostPort("127.0.0.1", strconv.FormatUint(n, 10))
	}
	return addr
}

// CheckListen returns an error wrapping ErrNotLoopback unless addr is a
// port alone (on 127.0.0.1) or a host:port whose host is a loopback
// address or localhost.
func CheckListen(addr string) error {
	host, _, err := net.SplitHostPort(listenAddress(addr))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotLoopback, err)
	}
	if !loopbackHost(host) {
		return fmt.Errorf("%w: %q is not 127.0.0.1, ::1 or localhost", ErrNotLoopback, host)
	}
	return nil
}

// URL is the one-time address to open: it works for one browser, once.
func (s *Server) URL() string {
	return "http://" + s.ln.Addr().String() + "/?token=" + s.token
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Serve answers until ctx ends, then stops: open event streams and
// waiting requests end with it.
func (s *Server) Serve(ctx context.Context) error {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(s.ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		srv.Close()
	}
	<-done
	return nil
}

// loopbackHost reports whether host names this machine's loopback.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// ServeHTTP checks who asks, then serves the page or proxies to the
// daemon.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'")
	if msg := s.checkOrigin(r); msg != "" {
		s.log.Info("setup page: request refused", "host", r.Host, "origin", r.Header.Get("Origin"), "path", r.URL.Path, "why", msg)
		refuse(w, r, http.StatusForbidden, msg)
		return
	}
	if tok := r.URL.Query().Get("token"); tok != "" && r.URL.Path == "/" {
		s.exchange(w, r, tok)
		return
	}
	if !s.hasSession(r) {
		refuse(w, r, http.StatusForbidden, "no session: open the URL that scanctl setup printed (it works once; run scanctl setup again for a new one)")
		return
	}
	if methods, ok := proxied[r.URL.Path]; ok {
		for _, m := range methods {
			if r.Method == m {
				s.proxy.ServeHTTP(w, r)
				return
			}
		}
		h.Set("Allow", strings.Join(methods, ", "))
		refuse(w, r, http.StatusMethodNotAllowed, r.Method+" is not allowed here")
		return
	}
	if strings.HasPrefix(r.URL.Path, "/v1/") || strings.HasPrefix(r.URL.Path, "/metrics") {
		refuse(w, r, http.StatusNotFound, "the setup page does not reach "+r.URL.Path)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		refuse(w, r, http.StatusMethodNotAllowed, r.Method+" is not allowed here")
		return
	}
	s.static.ServeHTTP(w, r)
}

// checkOrigin returns why a request is refused for where it comes from,
// or "".
func (s *Server) checkOrigin(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	if !loopbackHost(host) {
		return "the setup page answers only to 127.0.0.1, ::1 or localhost, not " + truncate(r.Host)
	}
	if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host {
		return "a request from another site (" + truncate(o) + ")"
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Header.Get("Origin") == "" {
		return "a " + r.Method + " without an Origin header"
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return "a request from another site or port (Sec-Fetch-Site: " + truncate(r.Header.Get("Sec-Fetch-Site")) + ")"
	}
	return ""
}

// exchange spends the token for a session cookie, once, and sends the
// browser to the page without the token in its address.
func (s *Server) exchange(w http.ResponseWriter, r *http.Request, tok string) {
	s.mu.Lock()
	ok := s.token != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.token)) == 1
	if ok {
		s.token = ""
		s.session = rand.Text() + rand.Text()
	}
	session := s.session
	s.mu.Unlock()
	if !ok {
		s.log.Info("setup page: a token refused", "host", r.Host)
		refuse(w, r, http.StatusForbidden, "this link was used already or is wrong: run scanctl setup again for a new one")
		return
	}
	s.log.Info("setup page: opened", "remote", r.RemoteAddr)
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: session, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) hasSession(r *http.Request) bool {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return false
	}
	s.mu.Lock()
	session := s.session
	s.mu.Unlock()
	return session != "" && subtle.ConstantTimeCompare([]byte(c.Value), []byte(session)) == 1
}

// refuse answers an error: JSON like the daemon's for the page's own
// requests, and the message as plain text to a browser that opened a URL
// (a spent link, a reload without the session), which would otherwise
// show the JSON.
func refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if strings.Contains(r.Header.Get("Accept"), "text/html") {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "scannerd setup: %s\n", msg)
		return
	}
	b, _ := json.Marshal(map[string]map[string]string{"error": {"code": "setup_page", "message": msg}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
