package licensing

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
)

// Options are the injected parts of a Client.
type Options struct {
	// Now is the wall clock; default time.Now.
	Now func() time.Time
	// Logger; default discards.
	Logger *slog.Logger
	// HTTPClient talks to the LTS; default: one built from the config's TLS
	// settings (pinned certificate, CA file or system roots).
	HTTPClient *http.Client
	// Software names the daemon and its version in authorize requests.
	Software string
}

// Client is the device side of licensing: it meters usage, gates decoding
// and syncs with the LTS. It implements the engine's gate (Permit) and meter
// (Count).
type Client struct {
	cfg      Config
	now      func() time.Time
	log      *slog.Logger
	http     *http.Client
	software string
	pins     []wire.LTSKey

	ltsURLs *endpoints

	store   *store
	journal *usageJournal
	id      *Identity
	clock   deviceClock
	commits commitQueue
	lease   leaseState // guarded by commits.mu
	mark    marker
	gate    atomic.Pointer[gate]

	// storeMu guards store against Close, which alone takes it to write;
	// whoever uses the store takes it to read (bbolt orders the writes).
	storeMu     sync.RWMutex
	clockSaved  atomic.Int64 // device time (unix nanos) last written to the store
	loggedState State        // owned by tickLoop
	syncMu      sync.Mutex   // one sync at a time
	flightMu    sync.Mutex   // guards inflight
	inflight    *syncCall    // the sync under way, which a Sync asked for meanwhile joins
	onJoin      func()       // when set (by tests), called as a Sync joins the one under way

	mu        sync.Mutex // guards the fields below
	lastSync  time.Time
	lastErr   string
	nextSync  time.Time
	recovered string
	ltsNote   string    // last refusal message from the LTS
	ltsCode   wire.Code // last refusal code from the LTS

	// crashPoint, when set (by tests), is called at the moments a crash
	// must not lose or double a count: "append" (a record written, its
	// results not delivered yet), "fold" (the store committed, the journal
	// not restarted) and "replay" (the same, at open).
	crashPoint func(point string)

	syncNow chan struct{}
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	closed  atomic.Bool
}

// The engine's gate (scanner.Gate) and the daemon's meter.
var _ interface {
	Permit(now time.Time, source string) (scanner.SymbologySet, error)
	Record([]scanner.Symbology) (int, error)
} = (*Client)(nil)

// New checks cfg and returns a client that is not yet open.
func New(cfg Config, o Options) (*Client, error) {
	cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Software == "" {
		o.Software = "scannerd"
	}
	pins, _ := cfg.ltsKeys()
	c := &Client{cfg: cfg, now: o.Now, log: o.Logger, http: o.HTTPClient, software: o.Software, pins: pins, syncNow: make(chan struct{}, 1)}
	c.ltsURLs = newEndpoints(cfg.ltsURLs(), syncBackoff(time.Duration(cfg.RetryMax)))
	c.clock.now = o.Now
	c.commits.cond.L = &c.commits.mu
	c.mark.path = markPath(&cfg)
	c.gate.Store(refusedGate(StateNotAuthorized, fmt.Errorf("%w (licensing not started)", ErrNotAuthorized)))
	if c.http == nil && cfg.Mode() == ModeLTS {
		hc, err := httpClientFor(&cfg)
		if err != nil {
			return nil, err
		}
		c.http = hc
	}
	return c, nil
}

// httpClientFor builds the HTTPS client the config asks for.
func httpClientFor(cfg *Config) (*http.Client, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.LTSCAFile != "" {
		pem, err := os.ReadFile(cfg.LTSCAFile)
		if err != nil {
			return nil, fmt.Errorf("%w: lts_ca_file: %w", ErrConfig, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%w: lts_ca_file %s holds no certificate", ErrConfig, cfg.LTSCAFile)
		}
		tc.RootCAs = pool
	}
	if pin := cfg.LTSCertSHA256; pin != "" {
		// A pinned certificate replaces chain verification: it is the
		// certificate, not who signed it, that the device trusts.
		tc.InsecureSkipVerify = true
		tc.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("LTS presented no certificate")
			}
			sum := sha256.Sum256(cs.PeerCertificates[0].Raw)
			if got := "sha256:" + hex.EncodeToString(sum[:]); got != pin {
				return fmt.Errorf("LTS certificate %s does not match lts_cert_sha256 %s", got, pin)
			}
			return nil
		}
	}
	return &http.Client{
		Timeout:   time.Duration(cfg.RequestTimeout),
		Transport: &http.Transport{TLSClientConfig: tc, Proxy: http.ProxyFromEnvironment, MaxIdleConns: 2, IdleConnTimeout: time.Minute},
	}, nil
}

// Open opens the store, loads identity and authorization, and starts the
// background work: a once-a-second tick (license state changes, the clock,
// the rollback mark) and the sync loop. A corrupt store is moved aside and a
// store restored from an older copy is caught up from the rollback mark;
// Status reports both.
func (c *Client) Open(ctx context.Context) error {
	if err := c.open(ctx); err != nil {
		return err
	}
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c.cancel = cancel
	c.wg.Add(2)
	go c.tickLoop(bg)
	go c.syncLoop(bg)
	return nil
}

// open does all of Open but start goroutines.
func (c *Client) open(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s, id, err := openStore(c.cfg.StateDir, c.cfg.MachineIDFile, c.now(), c.log)
	if err != nil {
		return err
	}
	c.store, c.id = s, id
	// The rollback check first: when the store is an older copy, the mark
	// says which journal records it already holds.
	if err := c.checkRollback(); err != nil {
		s.close()
		c.store = nil
		return err
	}
	if err := c.openJournal(c.now()); err != nil {
		s.close()
		c.store = nil
		return err
	}
	var rec recoveryRecord
	if found, err := s.getJSON(bucketMeta, keyRecovery, &rec); err == nil && found {
		c.recovered = rec.String()
	}
	var clk clockRecord
	if _, err := s.getJSON(bucketMeta, keyClock, &clk); err != nil {
		c.journal.close()
		s.close()
		c.store = nil
		return fmt.Errorf("open licensing store: %w", err)
	}
	c.clock.restore(clk)
	if err := c.saveClock(); err != nil {
		c.journal.close()
		s.close()
		c.store = nil
		return err
	}
	if err := c.writeMark(); err != nil {
		c.log.Error("rollback mark not written: a restored copy of the state directory would go unnoticed", "err", err)
	}
	var last syncRecord
	if _, err := s.getJSON(bucketMeta, keySync, &last); err == nil {
		c.lastSync, c.lastErr = last.Last, last.Error
	}
	switch c.cfg.Mode() {
	case ModeOffline:
		c.gate.Store(c.loadOfflineLicense())
	case ModeUnconfigured:
		c.gate.Store(refusedGate(StateNotAuthorized, fmt.Errorf("%w (no license configured: set lts_url, lts_keys and handshake_code, or offline_license)", ErrNotAuthorized)))
	default:
		rec, err := c.authRecord()
		if err != nil {
			return err
		}
		if err := c.loadLease(); err != nil {
			return err
		}
		c.gate.Store(c.gateFor(rec))
	}
	g := c.gate.Load()
	c.log.Info("licensing open", "device", id.Device, "mode", c.cfg.Mode(), "state", g.state)
	return nil
}

func (c *Client) loadOfflineLicense() *gate {
	data, err := os.ReadFile(c.cfg.OfflineLicense)
	if err != nil {
		return refusedGate(StateNotAuthorized, fmt.Errorf("%w (offline license: %v)", ErrNotAuthorized, err))
	}
	vendors, _ := c.cfg.vendorKeys()
	l, _, err := wire.ParseLicense(data, vendors)
	if err != nil {
		return refusedGate(StateNotAuthorized, fmt.Errorf("%w (offline license %s: %v)", ErrNotAuthorized, c.cfg.OfflineLicense, err))
	}
	if c.clock.at(c.now()).Before(l.NotBefore) {
		return refusedGate(StateNotAuthorized, fmt.Errorf("%w (offline license %s is valid from %s)", ErrNotAuthorized, l.ID, l.NotBefore.UTC().Format(time.RFC3339)))
	}
	return offlineGate(l, c.id.Device)
}

func (c *Client) authRecord() (*authRecord, error) {
	var rec authRecord
	found, err := c.store.getJSON(bucketMeta, keyAuth, &rec)
	if err != nil || !found {
		return nil, err
	}
	return &rec, nil
}

// Device returns the device UUID (empty before Open).
func (c *Client) Device() string {
	if c.id == nil {
		return ""
	}
	return c.id.Device
}

// Close stops the background work, waits for the counts being written,
// saves the clock and the rollback mark and closes the store. It is
// idempotent.
func (c *Client) Close() error {
	if !c.closed.CompareAndSwap(false, true) {
		return nil
	}
	c.closeCommits()
	if c.cancel != nil {
		c.cancel()
	}
	c.wg.Wait()
	c.syncMu.Lock() // wait for an on-demand sync to finish
	defer c.syncMu.Unlock()
	c.storeMu.Lock()
	defer c.storeMu.Unlock()
	if c.store == nil {
		return nil
	}
	err := c.saveClock()
	if merr := c.writeMark(); err == nil {
		err = merr
	}
	if cerr := c.journal.close(); err == nil {
		err = cerr
	}
	if cerr := c.store.close(); err == nil {
		err = cerr
	}
	c.store = nil
	return err
}

// saveClock writes the device clock's high water mark to the store.
func (c *Client) saveClock() error {
	now := c.clock.tick()
	clk := c.clock.record()
	if err := c.putMeta(keyClock, &clk); err != nil {
		return fmt.Errorf("save device clock: %w", err)
	}
	c.clockSaved.Store(now.UnixNano())
	return nil
}

// tickLoop runs once a second: it logs license state changes, folds the
// usage journal into the store, saves the clock when a minute passed
// without a write that saved it, and brings the rollback mark up to the
// store.
func (c *Client) tickLoop(ctx context.Context) {
	defer c.wg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		c.logStateChange()
		c.storeMu.RLock()
		if c.store != nil {
			if err := c.fold(); err != nil {
				c.log.Error("licensing", "err", err)
			}
			if c.clock.tick().Sub(time.Unix(0, c.clockSaved.Load())) >= time.Minute {
				if err := c.saveClock(); err != nil {
					c.log.Error("licensing", "err", err)
				}
			}
			if c.markBehind() {
				if err := c.writeMark(); err != nil {
					c.log.Error("licensing", "err", err)
				}
			}
		}
		c.storeMu.RUnlock()
	}
}
