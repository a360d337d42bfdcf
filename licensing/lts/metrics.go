package lts

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/scannerd/scannerd/licensing/wire"
)

// metrics are the server's Prometheus collectors, in a registry of its own.
type metrics struct {
	reg          *prometheus.Registry
	reports      *prometheus.CounterVec
	rejected     *prometheus.CounterVec
	authorized   prometheus.Counter
	storeSeconds *prometheus.HistogramVec
	batchSize    prometheus.Histogram
	h            http.Handler
}

// Store operations timed in ltsd_store_seconds.
const (
	opRecordUsage = "record_usage"
	opUpdateCode  = "update_code"
	opAttempt     = "attempt"
	opOverview    = "overview"
)

func newMetrics(st OverviewStore, now func() time.Time, log *slog.Logger) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		reports: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ltsd_usage_reports_total",
			Help: "Usage reports taken, by result: counted, or duplicate (counted before, or older than the usage window).",
		}, []string{"result"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ltsd_requests_rejected_total",
			Help: "Device requests refused, by request (authorize, usage) and reason (the protocol's error code).",
		}, []string{"request", "reason"}),
		authorized: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ltsd_authorizations_total",
			Help: "Authorizations granted.",
		}),
		storeSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ltsd_store_seconds",
			Help:    "Time of store operations: record_usage (one batch), update_code (an authorization), attempt (a password or code check), overview (a scrape).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"operation"}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "ltsd_usage_batch_reports",
			Help:    "Usage reports counted together in one store transaction.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256},
		}),
	}
	m.reg.MustRegister(m.reports, m.rejected, m.authorized, m.storeSeconds, m.batchSize,
		&overviewCollector{st: st, now: now, log: log, seconds: m.storeSeconds.WithLabelValues(opOverview)},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	m.h = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

func (m *metrics) reject(request string, code wire.Code) {
	m.rejected.WithLabelValues(request, string(code)).Inc()
}

func (m *metrics) timeStore(op string, start time.Time) {
	m.storeSeconds.WithLabelValues(op).Observe(time.Since(start).Seconds())
}

// overviewCollector reads each handshake code's quotas and devices from the
// store at scrape time. Series are labelled with the code's license ids:
// the handshake code is a credential and stays out of metrics.
type overviewCollector struct {
	st      OverviewStore
	now     func() time.Time
	log     *slog.Logger
	seconds prometheus.Observer
}

// scrapeTimeout bounds the store reads of one scrape.
const scrapeTimeout = 10 * time.Second

var (
	descDevicesActive = prometheus.NewDesc("ltsd_devices_active",
		"Devices holding a slot (neither removed nor revoked, seen within the inactivity period), per license pool.", []string{"licenses"}, nil)
	descDeviceLimit = prometheus.NewDesc("ltsd_device_quota",
		"Device slots the valid licenses grant, per license pool (absent: no device limit).", []string{"licenses"}, nil)
	descScanLimit = prometheus.NewDesc("ltsd_scan_quota",
		"Scans the valid licenses grant in the current period, grace included, per license pool (absent: no scan limit).", []string{"licenses", "period"}, nil)
	descScansUsed = prometheus.NewDesc("ltsd_scans_used",
		"Scans counted in the current quota period, per license pool.", []string{"licenses", "period"}, nil)
	descLicensesValid = prometheus.NewDesc("ltsd_licenses_valid",
		"Licenses of the pool valid now.", []string{"licenses"}, nil)
	descScrapeError = prometheus.NewDesc("ltsd_store_scrape_error",
		"1 when the store could not be read for this scrape.", nil, nil)
)

func (c *overviewCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descDevicesActive, descDeviceLimit, descScanLimit, descScansUsed, descLicensesValid, descScrapeError} {
		ch <- d
	}
}

func (c *overviewCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	start := time.Now()
	codes, err := Overview(ctx, c.st, c.now())
	c.seconds.Observe(time.Since(start).Seconds())
	failed := 0.0
	if err != nil {
		c.log.Error("metrics: read the store", "err", err)
		failed = 1
	}
	ch <- prometheus.MustNewConstMetric(descScrapeError, prometheus.GaugeValue, failed)
	seen := map[string]bool{}
	for i := range codes {
		o := &codes[i]
		label := o.LicenseLabel()
		if seen[label] {
			continue // a license belongs to one code, so only an empty pool repeats
		}
		seen[label] = true
		ch <- prometheus.MustNewConstMetric(descLicensesValid, prometheus.GaugeValue, float64(len(o.Licenses)), label)
		ch <- prometheus.MustNewConstMetric(descDevicesActive, prometheus.GaugeValue, float64(o.ActiveDevices), label)
		if o.DeviceLimit > 0 {
			ch <- prometheus.MustNewConstMetric(descDeviceLimit, prometheus.GaugeValue, float64(o.DeviceLimit), label)
		}
		if q := o.Quota; q.Limit > 0 {
			ch <- prometheus.MustNewConstMetric(descScanLimit, prometheus.GaugeValue, float64(q.Limit), label, q.Period)
			ch <- prometheus.MustNewConstMetric(descScansUsed, prometheus.GaugeValue, float64(q.Used), label, q.Period)
		}
	}
}
