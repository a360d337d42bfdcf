package api

import (
	"errors"
	"net/http"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/scannerd/scannerd/scanner"
)

// metrics are the server's Prometheus collectors, in a registry of its
// own (no global state).
type metrics struct {
	reg           *prometheus.Registry
	frames        *prometheus.CounterVec
	frameErrors   *prometheus.CounterVec
	latency       prometheus.Histogram
	decodeTime    prometheus.Histogram
	results       *prometheus.CounterVec
	eventsDropped prometheus.Counter
	disconnected  prometheus.Counter
	requests      *prometheus.CounterVec
	h             http.Handler
}

func newMetrics(status func() Status, subscribers func() int, held func() int, uploadMemory func() int64) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		frames: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scannerd_frames_decoded_total",
			Help: "Live frames decoded, by source.",
		}, []string{"source"}),
		frameErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scannerd_frames_failed_total",
			Help: "Live frames not decoded, by source and reason (refused by the license, decoder failure).",
		}, []string{"source", "reason"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "scannerd_frame_latency_seconds",
			Help:    "Time from capture to the end of decoding of live frames, queueing included.",
			Buckets: []float64{.005, .01, .02, .035, .05, .075, .1, .15, .25, .5, 1, 2.5},
		}),
		decodeTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "scannerd_decode_seconds",
			Help:    "Time the decoder spent on one live frame, all strategies.",
			Buckets: []float64{.001, .0025, .005, .01, .02, .035, .05, .075, .1, .25, .5, 1},
		}),
		results: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scannerd_results_total",
			Help: "Barcodes delivered (after deduplication) and decoded from uploads, by symbology and source.",
		}, []string{"symbology", "source"}),
		eventsDropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "scannerd_api_events_dropped_total",
			Help: "Events dropped because a subscriber's buffer was full.",
		}),
		disconnected: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "scannerd_api_subscribers_disconnected_total",
			Help: "Subscribers disconnected for staying behind.",
		}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scannerd_api_requests_total",
			Help: "API requests by endpoint, HTTP status (code) and, for a refused request, its error code (error; empty when it succeeded).",
		}, []string{"endpoint", "code", "error"}),
	}
	m.reg.MustRegister(m.frames, m.frameErrors, m.latency, m.decodeTime, m.results,
		m.eventsDropped, m.disconnected, m.requests,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "scannerd_api_subscribers",
			Help: "Open event streams and waiting scans.",
		}, func() float64 { return float64(subscribers()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "scannerd_api_held_results",
			Help: "Results held in memory for /v1/results.",
		}, func() float64 { return float64(held()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "scannerd_api_upload_memory_bytes",
			Help: "Memory held by upload bodies being received, waiting or decoded, and by their decodes (at most max_upload_memory).",
		}, func() float64 { return float64(uploadMemory()) }),
		&statusCollector{status: status},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	m.h = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

func (m *metrics) handler() http.Handler { return m.h }

// observeFrame records one live frame's report.
func (m *metrics) observeFrame(rep *scanner.FrameReport) {
	switch {
	case rep.Err == nil:
		m.frames.WithLabelValues(rep.Source).Inc()
	case errors.Is(rep.Err, scanner.ErrRefused):
		m.frameErrors.WithLabelValues(rep.Source, "refused").Inc()
		return
	default:
		m.frameErrors.WithLabelValues(rep.Source, "decoder").Inc()
		return
	}
	if !rep.CapturedAt.IsZero() && !rep.DecodedAt.IsZero() {
		m.latency.Observe(rep.DecodedAt.Sub(rep.CapturedAt).Seconds())
	}
	var spent float64
	for _, p := range rep.Passes {
		spent += p.Duration.Seconds()
	}
	m.decodeTime.Observe(spent)
}

func (m *metrics) countResults(symbology, source string, n int) {
	m.results.WithLabelValues(symbology, source).Add(float64(n))
}

// statusCollector turns the daemon's status into metrics at scrape time:
// the engine's counters (frames dropped from the queue among them) and
// each source's state.
type statusCollector struct {
	status func() Status
}

var (
	descEngineCounter = prometheus.NewDesc("scannerd_engine_frames_total",
		"Frames the engine is done with (live, dir: files and uploads), each counted once by its outcome: decoded, refused (license), dropped (the queue was full, or the engine stopping).",
		[]string{"outcome"}, nil)
	descEngineSubmitted = prometheus.NewDesc("scannerd_engine_frames_submitted_total",
		"Frames sources and dir: inputs handed to the engine (uploads are not counted here).", nil, nil)
	descEnginePanics = prometheus.NewDesc("scannerd_engine_decoder_panics_total",
		"Decoder crashes recovered (a frame may see more than one, one per strategy).", nil, nil)
	descEngineStopped = prometheus.NewDesc("scannerd_engine_background_stopped_total",
		"Background decodes canceled or past their time limit.", nil, nil)
	descQueue = prometheus.NewDesc("scannerd_engine_queued_frames",
		"Frames waiting for a decode worker, by lane: live, or background (uploads and image files).", []string{"lane"}, nil)
	descBusy = prometheus.NewDesc("scannerd_engine_busy_workers",
		"Decode workers busy with a frame, by lane.", []string{"lane"}, nil)
	descWorkers = prometheus.NewDesc("scannerd_engine_workers",
		"Decode workers, by lane.", []string{"lane"}, nil)
	descSourceFrames = prometheus.NewDesc("scannerd_source_frames_total",
		"Frames captured by a source.", []string{"source"}, nil)
	descSourceFPS = prometheus.NewDesc("scannerd_source_fps",
		"A source's recent frame rate.", []string{"source"}, nil)
	descSourceReopens = prometheus.NewDesc("scannerd_source_reopens_total",
		"Times a source was reopened after failing.", []string{"source"}, nil)
	descSourceUp = prometheus.NewDesc("scannerd_source_running",
		"1 when the source is running.", []string{"source"}, nil)
	descSourceLastFrame = prometheus.NewDesc("scannerd_source_last_frame_timestamp_seconds",
		"When a source last captured a frame (Unix time).", []string{"source"}, nil)
	descLicense = prometheus.NewDesc("scannerd_license_state",
		"1 for the license's current state.", []string{"state"}, nil)
	descLicenseExpiry = prometheus.NewDesc("scannerd_license_expiry_timestamp_seconds",
		"When the authorization or offline license ends (Unix time).", nil, nil)
	descLicenseOfflineLeft = prometheus.NewDesc("scannerd_license_offline_left_seconds",
		"How long the device may still decode without reaching the License Tracking Server.", nil, nil)
	descLicensePending = prometheus.NewDesc("scannerd_license_pending_scans",
		"Scans metered but not yet acknowledged by the License Tracking Server.", nil, nil)
	descLicenseLastSync = prometheus.NewDesc("scannerd_license_last_sync_timestamp_seconds",
		"When the License Tracking Server last acknowledged a sync (Unix time).", nil, nil)
	descBuildInfo = prometheus.NewDesc("scannerd_build_info",
		"1, labelled with the daemon's version and the Go version it was built with.", []string{"version", "goversion"}, nil)
	descSinkResults = prometheus.NewDesc("scannerd_sink_results_total",
		"Results a sink handled, by outcome: delivered, dropped_overflow (its queue was full), dropped_other (refused by the target, lost mid-write, or still queued at stop).",
		[]string{"sink", "outcome"}, nil)
	descSinkRetries = prometheus.NewDesc("scannerd_sink_retries_total",
		"Failed delivery attempts a sink tried again.", []string{"sink"}, nil)
	descSinkQueued = prometheus.NewDesc("scannerd_sink_queued_results",
		"Results waiting in a sink's queue.", []string{"sink"}, nil)
	descSinkUp = prometheus.NewDesc("scannerd_sink_up",
		"1 while a sink's last attempt succeeded (or none failed yet).", []string{"sink"}, nil)
	descSinkLastError = prometheus.NewDesc("scannerd_sink_last_error_timestamp_seconds",
		"When a sink last failed (Unix time; scanctl status shows the error).", []string{"sink"}, nil)
)

func (c *statusCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descEngineCounter, descEngineSubmitted, descEnginePanics, descEngineStopped, descQueue, descBusy, descWorkers,
		descSourceFrames, descSourceFPS, descSourceReopens, descSourceUp, descSourceLastFrame, descLicense,
		descLicenseExpiry, descLicenseOfflineLeft, descLicensePending, descLicenseLastSync, descBuildInfo,
		descSinkResults, descSinkRetries, descSinkQueued, descSinkUp, descSinkLastError} {
		ch <- d
	}
}

func (c *statusCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.status()
	e := st.Engine
	// The engine counts each frame once, so the outcomes' sum does too.
	for _, v := range []struct {
		outcome string
		n       uint64
	}{{"decoded", e.Decoded}, {"refused", e.Refused}, {"dropped", e.Dropped}} {
		ch <- prometheus.MustNewConstMetric(descEngineCounter, prometheus.CounterValue, float64(v.n), v.outcome)
	}
	ch <- prometheus.MustNewConstMetric(descEngineSubmitted, prometheus.CounterValue, float64(e.Submitted))
	ch <- prometheus.MustNewConstMetric(descEnginePanics, prometheus.CounterValue, float64(e.Panics))
	ch <- prometheus.MustNewConstMetric(descEngineStopped, prometheus.CounterValue, float64(e.Stopped))
	for _, l := range []struct {
		lane                  string
		queued, busy, workers int
	}{{"live", e.Queued, e.Busy, e.Workers}, {"background", e.BackgroundQueued, e.BackgroundBusy, e.BackgroundWorkers}} {
		ch <- prometheus.MustNewConstMetric(descQueue, prometheus.GaugeValue, float64(l.queued), l.lane)
		ch <- prometheus.MustNewConstMetric(descBusy, prometheus.GaugeValue, float64(l.busy), l.lane)
		ch <- prometheus.MustNewConstMetric(descWorkers, prometheus.GaugeValue, float64(l.workers), l.lane)
	}
	seen := map[string]bool{}
	for _, s := range st.Sources {
		if seen[s.Name] {
			continue // a duplicate name would make the scrape fail
		}
		seen[s.Name] = true
		ch <- prometheus.MustNewConstMetric(descSourceFrames, prometheus.CounterValue, float64(s.Frames), s.Name)
		ch <- prometheus.MustNewConstMetric(descSourceFPS, prometheus.GaugeValue, s.FPS, s.Name)
		ch <- prometheus.MustNewConstMetric(descSourceReopens, prometheus.CounterValue, float64(s.Reopens), s.Name)
		up := 0.0
		if s.State == "running" {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(descSourceUp, prometheus.GaugeValue, up, s.Name)
		if !s.LastFrame.IsZero() {
			ch <- prometheus.MustNewConstMetric(descSourceLastFrame, prometheus.GaugeValue, unixSeconds(s.LastFrame), s.Name)
		}
	}
	ch <- prometheus.MustNewConstMetric(descBuildInfo, prometheus.GaugeValue, 1, st.Version, runtime.Version())
	c.collectLicense(ch, st.License)
	for _, k := range st.Sinks {
		for _, v := range []struct {
			outcome string
			n       uint64
		}{{"delivered", k.Delivered}, {"dropped_overflow", k.Overflow}, {"dropped_other", k.Dropped - k.Overflow}} {
			ch <- prometheus.MustNewConstMetric(descSinkResults, prometheus.CounterValue, float64(v.n), k.Name, v.outcome)
		}
		ch <- prometheus.MustNewConstMetric(descSinkRetries, prometheus.CounterValue, float64(k.Retried), k.Name)
		ch <- prometheus.MustNewConstMetric(descSinkQueued, prometheus.GaugeValue, float64(k.Queued), k.Name)
		up := 0.0
		if k.State == "ok" {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(descSinkUp, prometheus.GaugeValue, up, k.Name)
		if !k.LastErrorAt.IsZero() {
			ch <- prometheus.MustNewConstMetric(descSinkLastError, prometheus.GaugeValue, unixSeconds(k.LastErrorAt), k.Name)
		}
	}
}

// collectLicense exports the license figures a fleet alerts on: the
// offline time left before decoding stops, and what is still to sync.
// Without a configured license only the state is shown.
func (c *statusCollector) collectLicense(ch chan<- prometheus.Metric, l LicenseSummary) {
	if l.State == "" {
		return
	}
	ch <- prometheus.MustNewConstMetric(descLicense, prometheus.GaugeValue, 1, l.State)
	if l.State == licenseUnconfigured {
		return
	}
	if !l.Expires.IsZero() {
		ch <- prometheus.MustNewConstMetric(descLicenseExpiry, prometheus.GaugeValue, unixSeconds(l.Expires))
	}
	ch <- prometheus.MustNewConstMetric(descLicenseOfflineLeft, prometheus.GaugeValue, float64(l.OfflineLeftSeconds))
	ch <- prometheus.MustNewConstMetric(descLicensePending, prometheus.GaugeValue, float64(l.PendingScans))
	if !l.LastSync.IsZero() {
		ch <- prometheus.MustNewConstMetric(descLicenseLastSync, prometheus.GaugeValue, unixSeconds(l.LastSync))
	}
}

// licenseUnconfigured is the state of a daemon without a license
// (evaluation mode): it has no figures to show.
const licenseUnconfigured = "unconfigured"

func unixSeconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }
