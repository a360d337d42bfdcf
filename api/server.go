package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/scannerd/scannerd/scanner"
)

// Server is the local socket API. NewServer starts nothing; Listen opens
// the socket, Serve answers on it until its context ends or Close is
// called. The pipeline feeds it through Publish and ObserveFrame.
type Server struct {
	cfg      Config
	daemon   Daemon
	license  License
	exporter DebugExporter
	log      *slog.Logger
	clock    func() time.Time

	hub     *hub
	metrics *metrics
	refused refusals // live frames the license refused, for /v1/scan
	admin   adminPolicy
	decodes chan struct{} // semaphore of uploads waiting for or in decoding
	budget  *memoryBudget // memory of upload bodies
	limiter *rateLimiter  // uploads per peer
	pool    *scanner.PlanePool
	routes  map[string][]route
	http    *http.Server
	// metricsHTTP serves metricsLn, the optional TCP listener for /metrics.
	metricsHTTP *http.Server

	mu        sync.Mutex
	ln        net.Listener
	metricsLn net.Listener
	owned     *ownedSocket
	closed    bool
	serving   bool
	done      chan struct{} // closed by Close
	closeOnce sync.Once
	wg        sync.WaitGroup // Serve's helpers
}

// NewServer returns a server for the daemon. license and exporter may be
// nil: their endpoints then answer 503 license_disabled and
// debug_export_disabled. logger and clock default to slog.Default and
// time.Now.
func NewServer(cfg Config, daemon Daemon, license License, exporter DebugExporter, logger *slog.Logger, clock func() time.Time) (*Server, error) {
	if daemon == nil {
		return nil, errors.New("api: NewServer needs a Daemon")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = slog.Default()
	}
	if clock == nil {
		clock = time.Now
	}
	s := &Server{
		cfg: cfg, daemon: daemon, license: license, exporter: exporter,
		log: logger, clock: clock,
		decodes: make(chan struct{}, cfg.MaxDecodes),
		budget:  &memoryBudget{limit: cfg.MaxUploadMemory},
		limiter: newRateLimiter(cfg.UploadRate, cfg.UploadBurst, clock),
		pool:    scanner.NewPlanePool(-1), // uploads come in any size: keep none
		done:    make(chan struct{}),
	}
	s.metrics = newMetrics(s.status, func() int { return s.hub.subscriberCount() }, func() int { return s.hub.heldCount() },
		s.budget.used.Load)
	s.hub = newHub(cfg, clock, s.metrics)
	var note string
	s.admin, note = newAdminPolicy(cfg.AdminGroup)
	if note != "" {
		logger.Info(note)
	}
	s.routes = s.routeTable()
	s.http = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout.D(),
		IdleTimeout:       cfg.IdleTimeout.D(),
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ConnContext:       s.connContext,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelDebug),
	}
	s.metricsHTTP = s.newMetricsServer()
	return s, nil
}

// Listen opens the socket: ln when it is not nil (a listener systemd
// passed, see SystemdListener; its mode and group are the socket unit's),
// otherwise a new socket at cfg.Socket with cfg.SocketMode and
// cfg.SocketGroup, replacing a stale socket that nothing answers on. With
// cfg.MetricsListen set it also opens the TCP listener for /metrics.
func (s *Server) Listen(ln net.Listener) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		if ln != nil {
			ln.Close()
		}
		return ErrServerClosed
	}
	if s.ln != nil {
		return errors.New("api: Listen called twice")
	}
	mln, err := s.listenMetrics()
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		return err
	}
	if ln == nil {
		uln, owned, err := listenUnix(s.cfg, s.log.Info)
		if err != nil {
			if mln != nil {
				mln.Close()
			}
			return err
		}
		ln, s.owned = uln, owned
	}
	s.metricsLn = mln
	s.ln = &watchedListener{Listener: ln, writeTimeout: s.cfg.WriteTimeout.D()}
	return nil
}

// Addr returns the socket's address once listening.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Serve answers requests until ctx ends or Close is called, then shuts
// down like Close. It returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context) error {
	s.mu.Lock()
	switch {
	case s.closed:
		s.mu.Unlock()
		return ErrServerClosed
	case s.ln == nil:
		s.mu.Unlock()
		return errors.New("api: Serve before Listen")
	case s.serving:
		s.mu.Unlock()
		return errors.New("api: Serve called twice")
	}
	s.serving = true
	ln, mln := s.ln, s.metricsLn
	// The goroutines Close waits for are counted under the lock that
	// Close takes before it waits: counted after it, an Add from zero
	// would race with Close's Wait (a Close as Serve starts).
	n := 1
	if mln != nil {
		n++
	}
	s.wg.Add(n)
	s.mu.Unlock()

	if mln != nil {
		go func() {
			defer s.wg.Done()
			s.serveMetrics(mln)
		}()
	}
	go func() {
		defer s.wg.Done()
		s.purgeLoop()
	}()
	// The watcher is Serve's own: Close must not wait for it, since the
	// watcher is what calls Close when ctx ends.
	var watcher sync.WaitGroup
	watcher.Add(1)
	go func() {
		defer watcher.Done()
		select {
		case <-ctx.Done():
			s.Close()
		case <-s.done:
		}
	}()
	err := s.http.Serve(ln)
	if !errors.Is(err, http.ErrServerClosed) {
		s.log.Error("api server failed", "err", err)
		s.Close()
		watcher.Wait()
		return fmt.Errorf("api serve: %w", err)
	}
	<-s.done // Close is still draining
	watcher.Wait()
	return nil
}

// purgeLoop drops results past their TTL even when nothing is published or
// read, so they do not linger in memory.
func (s *Server) purgeLoop() {
	every := min(max(s.cfg.ResultTTL.D()/4, 50*time.Millisecond), 5*time.Second)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.hub.purge()
		case <-s.done:
			return
		}
	}
}

// Close stops the server: subscribers get a last event and are
// disconnected, other requests may finish within the write timeout, and
// the socket file the server created is removed. It is safe to call more
// than once and from any goroutine.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		owned := s.owned
		ln, mln := s.ln, s.metricsLn
		s.mu.Unlock()
		s.hub.close()
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.WriteTimeout.D())
		defer cancel()
		if err := s.http.Shutdown(ctx); err != nil {
			s.http.Close()
		}
		if err := s.metricsHTTP.Shutdown(ctx); err != nil {
			s.metricsHTTP.Close()
		}
		if ln != nil {
			ln.Close() // when Serve never ran
		}
		if mln != nil {
			mln.Close()
		}
		owned.remove()
		close(s.done)
		s.wg.Wait()
	})
	return nil
}

// Publish hands the server results the pipeline delivered (after the
// dedup filter) and returns the IDs it gave them, so that other outlets
// (the result sinks) name each result as the API does. It never blocks on
// subscribers.
func (s *Server) Publish(results []scanner.Result) []uint64 {
	if len(results) == 0 {
		return nil
	}
	ids := s.hub.publish(results)
	for i := range results {
		s.metrics.countResults(results[i].Symbology.String(), results[i].Source, 1)
	}
	return ids
}

// Notify sends an event other than a result to every event stream: an SSE
// event named n.Event with n.Data as JSON, or an NDJSON line of n.Data's
// members with "event": n.Event. It never blocks.
func (s *Server) Notify(n Notice) { s.hub.notify(n) }

// ObserveFrame records a live frame's report in the metrics, and a frame
// the license refused for the scans waiting (see handleScan): a scan that
// takes its source's results answers the refusal at once.
func (s *Server) ObserveFrame(rep *scanner.FrameReport) {
	if rep != nil {
		s.metrics.observeFrame(rep)
		if errors.Is(rep.Err, scanner.ErrRefused) {
			s.refused.note(rep.Source, rep.Err)
			s.hub.refuse(rep.Source, nil, rep.Err)
		}
	}
}

// RefuseResults tells the waiting scans that the license refused to
// deliver results (the meter: the device's scans used up): a scan whose
// filter takes one of them answers 403 license_refused at once, since
// what it waited for was read and will not come. err says why; it is
// wrapped in scanner.ErrRefused when it is not already. Nothing of the
// results is kept.
func (s *Server) RefuseResults(results []scanner.Result, err error) {
	if len(results) == 0 {
		return
	}
	if !errors.Is(err, scanner.ErrRefused) {
		err = fmt.Errorf("%w: %w", scanner.ErrRefused, err)
	}
	bySource := map[string][]scanner.Symbology{}
	for i := range results {
		bySource[results[i].Source] = append(bySource[results[i].Source], results[i].Symbology)
	}
	for source, syms := range bySource {
		s.hub.refuse(source, syms, err)
	}
}

// Subscribers returns the number of open event streams and waiting scans.
func (s *Server) Subscribers() int { return s.hub.subscriberCount() }

// sourceNames returns the names of the daemon's sources, which result
// filters may name.
func (s *Server) sourceNames() []string {
	var names []string
	for _, src := range s.daemon.Status().Sources {
		names = append(names, src.Name)
	}
	return names
}

func (s *Server) status() Status {
	st := s.daemon.Status()
	st.Subscribers = s.hub.subscriberCount()
	return st
}

// connContext attaches the peer's credentials to each connection. It runs
// in the loop that accepts connections, so it only asks the kernel
// (SO_PEERCRED); whether the peer is an admin, which may read the group
// database, is decided per request and only where it matters (serve).
func (s *Server) connContext(ctx context.Context, c net.Conn) context.Context {
	wc, _ := c.(*watchedConn)
	if wc != nil {
		ctx = context.WithValue(ctx, watchedKey{}, wc)
		c = wc.Conn
	}
	p, err := readPeer(c)
	if err != nil {
		s.log.Warn("api connection without credentials", "err", err)
		return ctx
	}
	return context.WithValue(ctx, peerKey{}, p)
}
