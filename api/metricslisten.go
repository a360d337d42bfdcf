package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// metricsAddress resolves [api] metrics_listen into an address to listen
// on: "" is off; a port alone ("9464" or ":9464") is the loopback
// address, so that exposing the metrics to the network takes a host
// written out ("0.0.0.0:9464", "[::]:9464", or one interface's address).
// Hosts are IP literals or "localhost": no name is looked up.
func metricsAddress(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	if !strings.Contains(s, ":") {
		s = ":" + s
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", fmt.Errorf("%q: want PORT or HOST:PORT, like 127.0.0.1:9464", s)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		if port != "0" { // 0: any free port (tests)
			return "", fmt.Errorf("%q: the port must be a number from 1 to 65535", s)
		}
	}
	switch {
	case host == "":
		host = "127.0.0.1"
	case host == "localhost":
	case net.ParseIP(host) == nil:
		return "", fmt.Errorf("%q: the host must be an IP address or localhost", s)
	}
	return net.JoinHostPort(host, strconv.Itoa(n)), nil
}

// listenMetrics opens the metrics listener when one is configured.
func (s *Server) listenMetrics() (net.Listener, error) {
	addr, err := metricsAddress(s.cfg.MetricsListen)
	if err != nil || addr == "" {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics listener: %w", err)
	}
	s.log.Info("serving /metrics over TCP", "addr", ln.Addr().String())
	return ln, nil
}

// newMetricsServer serves only GET /metrics: what Prometheus scrapes,
// without the socket's barcode results or admin endpoints, to peers the
// socket's permissions cannot name.
func (s *Server) newMetricsServer() *http.Server {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path != "/metrics":
			http.Error(w, "not found: this listener serves only /metrics", http.StatusNotFound)
		case r.Method != http.MethodGet && r.Method != http.MethodHead:
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		default:
			s.metrics.handler().ServeHTTP(w, r)
		}
	})
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout.D(),
		WriteTimeout:      s.cfg.WriteTimeout.D(),
		IdleTimeout:       s.cfg.IdleTimeout.D(),
		MaxHeaderBytes:    s.cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
}

// serveMetrics answers on the metrics listener until Close; a failure is
// logged and leaves the socket API running.
func (s *Server) serveMetrics(ln net.Listener) {
	if err := s.metricsHTTP.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		s.log.Error("metrics listener failed", "err", err)
	}
}

// MetricsAddr returns the metrics listener's address, or nil when there
// is none.
func (s *Server) MetricsAddr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.metricsLn == nil {
		return nil
	}
	return s.metricsLn.Addr()
}
