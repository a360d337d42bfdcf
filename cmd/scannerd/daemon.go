package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/debugexport"
	"github.com/scannerd/scannerd/internal/logging"
	"github.com/scannerd/scannerd/licensing"
	"github.com/scannerd/scannerd/scanner"
	"github.com/scannerd/scannerd/sink"
)

// daemon is the running pipeline: sources → engine queue → workers →
// dedup filter → delivery (API hub, meter, stdout).
type daemon struct {
	cfg     atomic.Pointer[Config]
	cfgName string
	// configPath is the -config flag, which reloads read again.
	configPath string
	log        *slog.Logger
	clock      func() time.Time
	started    time.Time
	notify     *notifier
	// watchdog: the real ticker unless a test drives it.
	watchdog watchdogHooks
	// vital hears of the failure of a component the daemon cannot run
	// without.
	vital *vital

	pool   *scanner.PlanePool
	engine *scanner.Engine
	export *debugexport.Exporter
	snaps  *debugexport.Snapshots // one-frame previews for admins
	// preview is the setup page's live preview, on only for a while.
	preview *debugexport.Preview
	// frameSizes holds each source's latest decoded frame size
	// ([2]int), to check a region saved from the setup page against.
	frameSizes sync.Map
	// setupMu makes one setup page save at a time; reload re-reads the
	// configuration (and the setup file) as SIGHUP does.
	setupMu sync.Mutex
	reload  func() error
	// reloadMu makes one reload at a time: SIGHUP and a setup page save
	// may ask at once.
	reloadMu sync.Mutex
	gate     *gate
	api      *api.Server
	served   chan error
	sinks    *sink.Set
	// delivery meters results (writes their counts), then delivers them.
	delivery *meteredDelivery
	dedup    atomic.Pointer[scanner.Dedup]

	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	mu      sync.Mutex
	sources map[string]*sourceRun
	// hotplug watches /dev for cameras coming and going, from the first
	// camera source on (nil before, or when inotify is unavailable).
	hotplug *capture.Watcher

	outMu sync.Mutex
	out   io.Writer // NDJSON results, when enabled

	scans       atomic.Uint64
	lastRefusal atomic.Pointer[string]

	gc gcTarget
}

type sourceRun struct {
	spec   capture.Spec
	opts   scanner.Options
	runner *capture.Runner
	cancel context.CancelFunc
	done   chan struct{}
}

// Run loads the configuration and starts the pipeline. It returns once
// the sources are started, after telling systemd the daemon is ready. The
// daemon lives until ctx ends or Close is called; either way Close waits
// for it to stop. Done reports a failure of a component it cannot run
// without.
func (m *Main) Run(ctx context.Context) error {
	cfg, name, err := LoadConfig(m.ConfigPath)
	if err != nil {
		return err
	}
	log, err := newLogger(m.Stderr, cfg)
	if err != nil {
		return err
	}
	m.log = log
	cfg.warnSetup(log)
	m.vital = newVital()
	d := &daemon{cfgName: name, log: log, clock: m.Clock, started: m.Clock(), notify: newNotifier(log),
		pool: scanner.NewPlanePool(0), sources: map[string]*sourceRun{}, watchdog: m.watchdog, vital: m.vital}
	if m.NDJSON {
		d.out = m.Stdout
	}
	d.ctx, d.cancel = context.WithCancel(ctx)
	m.d = d
	d.cfg.Store(cfg)
	d.dedup.Store(scanner.NewDedup(cfg.Dedup.Forget.D(), cfg.Dedup.ConfirmFrames))
	d.gate = &gate{log: log}
	d.gate.setSources(cfg)
	if cfg.License.Mode() != licensing.ModeUnconfigured {
		lc, err := licensing.New(cfg.License, licensing.Options{Now: m.Clock, Logger: log, Software: "scannerd " + buildVersion()})
		if err != nil {
			return fmt.Errorf("license: %w", err)
		}
		if err := lc.Open(d.ctx); err != nil {
			return fmt.Errorf("license: %w", err)
		}
		d.gate.lic = lc
		if lc.UnmeteredUploadsAsked() {
			d.gate.uploadMetering() // says at once whether the license grants it
		}
	} else {
		log.Warn("no license configured: evaluation mode, only the demo camera decodes")
	}
	var engineGate scanner.Gate = d.gate
	if m.gate != nil {
		engineGate = m.gate
	}
	// The parts are all made before any of them starts, so that the
	// fields the daemon's goroutines read are set before those run, and
	// never written after: the API server is read by the engine's
	// workers, the delivery goroutine, the sinks' overflow notices and the
	// debug export's and the preview's notices; the engine and the preview
	// by the status line those notices write; the sinks by the delivery
	// goroutine.
	d.export = debugexport.New(debugexport.Config{AllowedRoot: cfg.DebugExport.Root, Clock: m.Clock, Logger: log,
		OnStop: func(st debugexport.State) {
			d.notify.Status(d.statusLine())
			d.api.Notify(api.Notice{Event: "debug_export", Data: st})
		}})
	d.snaps = debugexport.NewSnapshots()
	d.preview = debugexport.NewPreview(debugexport.PreviewConfig{Snapshots: d.snaps, Clock: m.Clock, AfterFunc: m.afterFunc,
		OnChange: func(st debugexport.PreviewState) {
			d.log.Info("setup preview", "enabled", st.Enabled, "until", st.Until, "by", st.By, "stop_reason", st.StopReason)
			d.notify.Status(d.statusLine())
			d.api.Notify(api.Notice{Event: apitype.EventPreview, Data: st})
		}})
	d.reload, d.configPath = m.Reload, m.ConfigPath
	d.sinks = d.newSinks()
	d.engine = scanner.NewEngine(scanner.EngineConfig{
		Workers: cfg.Engine.Workers, QueueSize: cfg.Engine.Queue, StuckAfter: cfg.Engine.StuckAfter.D(),
		// The API bounds the uploads it hands over by max_decodes.
		BackgroundQueue: cfg.API.MaxDecodes,
		Clock:           m.Clock, Logger: log, OnFrame: d.onFrame, Gate: engineGate,
		Inspect: func(f *scanner.Frame, rep *scanner.FrameReport) {
			d.export.Inspect(f, rep)
			d.snaps.Inspect(f, rep)
			if m.inspect != nil {
				m.inspect(rep)
			}
		},
	})
	if d.api, err = d.newAPI(cfg.API, log, m.Clock); err != nil {
		return err
	}
	// Then they start, each after those it hands results to.
	d.export.Start()
	// The files the sinks read, first, so that an error names the key
	// and its line.
	if err := cfg.CheckFiles(); err != nil {
		return err
	}
	if err := d.sinks.Apply(cfg.Sinks); err != nil {
		return fmt.Errorf("sinks: %w", err)
	}
	d.delivery = newMeteredDelivery(d.gate.record, d.deliver, func(err error, notMetered []scanner.Result) {
		d.noteRefusal(fmt.Errorf("results not delivered: %w", err))
		// A scan waiting for one of them answers now.
		d.api.RefuseResults(notMetered, err)
	})
	d.engine.Start()
	st := d.engine.Stats()
	if before, after := reserveProc(st.Workers + st.BackgroundWorkers); after != before {
		log.Debug("one scheduler place more than decode workers", "gomaxprocs", after, "was", before)
	}
	d.startGCTarget(cfg.Engine.GCPercent)
	if err := d.serveAPI(m.listen); err != nil {
		return err
	}
	for _, spec := range cfg.Sources {
		if err := d.startSource(spec); err != nil {
			return err
		}
	}
	log.Info("scannerd started", "version", buildVersion(), "config", name,
		"sources", len(cfg.Sources), "workers", d.engine.Stats().Workers)
	if !scanner.ErasesDecoderMemory {
		log.Warn(noErasureWarning)
	}
	d.notify.Ready(d.statusLine())
	d.wg.Add(2)
	go d.supervise()
	go d.scrub()
	return nil
}

func newLogger(stderr io.Writer, cfg *Config) (*slog.Logger, error) {
	level := slog.LevelInfo
	if cfg.Log.Level != "" {
		level, _ = logging.ParseLevel(cfg.Log.Level)
	}
	return logging.New(stderr, "scannerd", cfg.Log.Format, level)
}

func (d *daemon) startSource(spec capture.Spec) error {
	opts, err := spec.Options()
	if err != nil {
		return err
	}
	// Encoded: the engine's workers decode a Motion-JPEG file's frames,
	// so that the frames waiting in the queue hold their JPEGs, not
	// planes.
	env := capture.Env{Clock: d.clock, Logger: d.log, KeepColor: d.export.WantsColor, OnState: d.sourceChanged, Encoded: true}
	if t, _ := capture.ParseURL(spec.URL); t.Kind == capture.KindCamera {
		if w := d.cameraWatcher(); w != nil {
			env.Hotplug = w
		}
	}
	src, err := capture.New(spec, env)
	if err != nil {
		return fmt.Errorf("source %s: %w", spec.Name, err)
	}
	ctx, cancel := context.WithCancel(d.ctx)
	sr := &sourceRun{spec: spec, opts: opts, cancel: cancel, done: make(chan struct{})}
	// Live video wants the newest frame; a directory's files are each read
	// once and must not be dropped, and may be of any size: they wait for
	// the background workers.
	// Their planes, of any size, are not kept for reuse either.
	deliver, pool := func(f *scanner.Frame) { d.engine.Submit(f, opts) }, d.pool
	if t, _ := capture.ParseURL(spec.URL); t.Kind == capture.KindDir {
		deliver = func(f *scanner.Frame) { d.engine.Queue(ctx, f, opts) }
		pool = scanner.NewPlanePool(-1)
	}
	sr.runner = capture.NewRunner(spec, src, pool, deliver, env)
	d.mu.Lock()
	d.sources[spec.Name] = sr
	d.mu.Unlock()
	go func() {
		defer close(sr.done)
		sr.runner.Run(ctx)
	}()
	return nil
}

// cameraWatcher returns the hot-plug watcher, starting it on first use.
// Without it cameras still come back, with backoff.
func (d *daemon) cameraWatcher() *capture.Watcher {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.hotplug == nil {
		w, err := capture.NewWatcher("/dev", d.log)
		if err != nil {
			d.log.Warn("no camera hot-plug: a camera plugged in is found at the next retry", "err", err)
			return nil
		}
		d.hotplug = w
	}
	return d.hotplug
}

// sourceChanged tells event streams and systemd that a source changed
// state: a camera unplugged shows at once.
func (d *daemon) sourceChanged(st capture.Status) {
	d.api.Notify(api.Notice{Event: apitype.EventSource, Data: sourceStatus(st)})
	d.notify.Status(d.statusLine())
}

func (d *daemon) stopSource(name string) {
	d.mu.Lock()
	sr := d.sources[name]
	delete(d.sources, name)
	d.mu.Unlock()
	if sr != nil {
		sr.cancel()
		<-sr.done
	}
}

// onFrame runs on an engine worker for every decoded live frame.
func (d *daemon) onFrame(rep *scanner.FrameReport) {
	size := [2]int{rep.Width, rep.Height}
	if old, ok := d.frameSizes.Load(rep.Source); !ok || old.([2]int) != size {
		d.frameSizes.Store(rep.Source, size)
	}
	d.api.ObserveFrame(rep)
	if rep.Err != nil {
		d.noteRefusal(rep.Err)
		return
	}
	dedup := d.dedup.Load()
	results := dedup.Filter(rep)
	if len(results) == 0 {
		return
	}
	// A result the meter refuses is not remembered as delivered: a file
	// kept for it, read again, must deliver it.
	source := rep.Source
	d.delivery.submit(results, func(refused []scanner.Result) { dedup.Undeliver(source, refused) }, rep.Hold())
}

func (d *daemon) deliver(results []scanner.Result) {
	d.scans.Add(uint64(len(results)))
	ids := d.api.Publish(results)
	d.sinks.Deliver(ids, results) // never blocks: each sink has its own queue
	if d.out != nil {
		d.outMu.Lock()
		enc := json.NewEncoder(d.out)
		enc.SetEscapeHTML(false)
		for i := range results {
			r := api.NewResult(&results[i])
			if i < len(ids) {
				r.ID = ids[i] // the id the socket API and the sinks know it by
			}
			enc.Encode(r)
		}
		d.outMu.Unlock()
	}
}

// noteRefusal logs a license refusal when its reason changes, not for
// every frame.
func (d *daemon) noteRefusal(err error) {
	msg := err.Error()
	if prev := d.lastRefusal.Swap(&msg); prev == nil || *prev != msg {
		if errors.Is(err, scanner.ErrRefused) {
			d.log.Warn("decoding refused", "err", err)
		} else {
			d.log.Error("frame lost", "err", err)
		}
	}
}

// newAPI makes the socket API's server; serveAPI opens its socket and
// serves it.
func (d *daemon) newAPI(cfg api.Config, log *slog.Logger, clock func() time.Time) (*api.Server, error) {
	var lic api.License
	if d.gate.lic != nil {
		lic = apiLicense{d.gate.lic}
	}
	srv, err := api.NewServer(cfg, apiDaemon{d}, lic, apiExporter{d.export}, log, clock)
	if err != nil {
		return nil, fmt.Errorf("api: %w", err)
	}
	return srv, nil
}

// serveAPI opens the local socket (the one systemd passes, when socket
// activated, or what listen gives) and serves it. The daemon cannot run
// without its socket: when serving fails, the daemon fails.
func (d *daemon) serveAPI(listen func() (net.Listener, error)) error {
	if listen == nil {
		listen = func() (net.Listener, error) { return api.SystemdListener("scannerd.socket") }
	}
	ln, err := listen()
	if err != nil {
		return fmt.Errorf("api: %w", err)
	}
	if err := d.api.Listen(ln); err != nil {
		return fmt.Errorf("api: %w", err)
	}
	served := make(chan error, 1)
	d.served = served
	go func() {
		err := d.api.Serve(d.ctx)
		if err != nil {
			d.vital.fail(fmt.Errorf("api: %w", err))
		}
		served <- err
	}()
	return nil
}

// Reload re-reads the configuration (SIGHUP). A bad file is refused and
// the running configuration stays. Sources whose settings changed are
// restarted; subscribers and the engine are untouched.
func (m *Main) Reload() error {
	d := m.d
	if d == nil {
		return errors.New("not running")
	}
	d.reloadMu.Lock()
	defer d.reloadMu.Unlock()
	d.notify.Reloading()
	defer d.notify.Ready(d.statusLine())
	cfg, name, err := LoadConfig(m.ConfigPath)
	if err != nil {
		d.log.Error("reload refused: keeping the running configuration", "err", err)
		return err
	}
	cfg.warnSetup(d.log)
	if err := d.sinks.Apply(cfg.Sinks); err != nil {
		d.log.Error("reload refused: keeping the running configuration", "err", err)
		return err
	}
	old := d.cfg.Load()
	if old.Engine != cfg.Engine {
		d.log.Warn("engine settings change on restart, not on reload")
		cfg.Engine = old.Engine
	}
	if !reflect.DeepEqual(old.License, cfg.License) || old.DebugExport != cfg.DebugExport || old.API != cfg.API {
		d.log.Warn("api, license and debug_export settings change on restart, not on reload")
		cfg.License, cfg.DebugExport, cfg.API = old.License, old.DebugExport, old.API
	}
	if old.Log != cfg.Log {
		d.log.Warn("log settings change on restart, not on reload")
		cfg.Log = old.Log
	}
	if old.Dedup != cfg.Dedup {
		d.dedup.Store(scanner.NewDedup(cfg.Dedup.Forget.D(), cfg.Dedup.ConfirmFrames))
	}
	oldSpecs := map[string]capture.Spec{}
	for _, s := range old.Sources {
		oldSpecs[s.Name] = s
	}
	newSpecs := map[string]bool{}
	for _, s := range cfg.Sources {
		newSpecs[s.Name] = true
		if prev, ok := oldSpecs[s.Name]; ok && reflect.DeepEqual(prev, s) {
			continue
		}
		if _, ok := oldSpecs[s.Name]; ok {
			d.stopSource(s.Name)
		}
		if err := d.startSource(s); err != nil {
			d.log.Error("reload: source not started", "source", s.Name, "err", err)
		}
	}
	for name := range oldSpecs {
		if !newSpecs[name] {
			d.stopSource(name)
		}
	}
	d.cfg.Store(cfg)
	d.gate.setSources(cfg)
	d.cfgName = name
	d.log.Info("configuration reloaded", "config", name, "sources", len(cfg.Sources))
	return nil
}

// Close stops the sources, lets the engine finish queued frames, and
// returns once everything has stopped. It is safe to call more than once,
// and after a Run that failed half-way.
func (m *Main) Close() error {
	d := m.d
	if d == nil {
		return nil
	}
	m.d = nil
	d.notify.Stopping()
	d.cancel()
	d.mu.Lock()
	runs := make([]*sourceRun, 0, len(d.sources))
	for _, sr := range d.sources {
		runs = append(runs, sr)
	}
	d.mu.Unlock()
	for _, sr := range runs {
		<-sr.done
	}
	if d.hotplug != nil {
		d.hotplug.Close()
	}
	if d.engine != nil {
		d.engine.Close()
	}
	if d.delivery != nil {
		d.delivery.close()
	}
	d.closeSinks()
	if d.api != nil {
		d.api.Close()
	}
	if d.served != nil {
		<-d.served // a failure was reported through vital
	}
	if d.export != nil {
		d.export.Close()
	}
	if d.preview != nil {
		d.preview.Close()
	}
	if d.gate.lic != nil {
		if err := d.gate.lic.Close(); err != nil {
			d.log.Error("license store", "err", err)
		}
	}
	d.wg.Wait()
	d.restoreGCTarget()
	// frames: the frames decoded, as the status's engine.decoded counts
	// them (a dir: source's files and uploads too, which the frame pool
	// does not hand out).
	var frames uint64
	if d.engine != nil {
		frames = d.engine.Stats().Decoded
	}
	st := d.pool.Stats()
	d.log.Info("scannerd stopped", "frames", frames, "scans", d.scans.Load(), "unpurged", st.Outgoing)
	return nil
}

// sourceStatuses returns the sources' states in config order.
func (d *daemon) sourceStatuses() []api.SourceStatus {
	cfg := d.cfg.Load()
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]api.SourceStatus, 0, len(d.sources))
	for _, spec := range cfg.Sources {
		sr := d.sources[spec.Name]
		if sr == nil {
			continue
		}
		out = append(out, sourceStatus(sr.runner.Status()))
	}
	return out
}

func sourceStatus(st capture.Status) api.SourceStatus {
	return api.SourceStatus{Name: st.Name, URL: st.URL, State: st.State, LastError: st.LastError,
		Since: st.Since, Frames: st.Frames, FPS: st.FPS, Reopens: st.Reopens, LastFrame: st.LastFrame}
}

// reserveProc makes sure the Go scheduler can run one goroutine more than
// the decode workers at once (GOMAXPROCS), and returns the setting before
// and after. Decode workers never block: were there as many as places,
// they would hold every place, and the API, the watchdog and the cameras
// would each wait for a worker's time slice to end, which on a loaded
// machine is much longer than the slice. With a place to spare, they run
// as soon as the kernel gives their thread the CPU.
func reserveProc(decoders int) (before, after int) {
	before = runtime.GOMAXPROCS(0)
	if want := decoders + 1; before < want {
		runtime.GOMAXPROCS(want)
		return before, want
	}
	return before, before
}
